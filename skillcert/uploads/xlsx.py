"""A workbook uploaded to be imported (scores, later seat lists): is it a plain xlsx we may open? Pure module.

`check_xlsx(data)` returns a `CheckedUpload` (kind "xlsx", with `sheets`, `rows`, `columns`)
or raises `UploadRejected` with a Chinese message. In order, without trusting the file:

1. size ≤ `XLSX_MAX_BYTES`, and a zip archive by its magic bytes (an old .xls, a PDF, an
   image are told what they are);
2. the zip directory alone, before anything is inflated: at most `XLSX_MAX_PARTS` parts, each
   inflating to at most `XLSX_PART_MAX_BYTES` and all to at most `XLSX_UNZIPPED_MAX_BYTES`,
   none packed more than `XLSX_MAX_RATIO` to 1 (a zip bomb). Python's zipfile never returns
   more than a part's declared size and checks its CRC, so the declared sizes bound the work;
3. only the parts an xlsx has (`[Content_Types].xml`, `_rels/`, `docProps/`, `xl/`,
   `customXml/`), and among them no macros (an .xlsm's content type, `vbaProject.bin`),
   no links to other workbooks (`xl/externalLinks/`, external targets of the workbook),
   no embedded objects or ActiveX controls;
4. openpyxl opens it read-only (values only, links not kept), and every sheet is walked:
   at most `XLSX_MAX_SHEETS` sheets, `max_rows` rows and `max_columns` columns each, counted
   from the cells themselves (the sheet's declared dimension may lie: an importer opening the
   file read-only calls `reset_dimensions()` on each sheet too, or it sees only what is declared).
"""

import io
import logging
import zipfile

from openpyxl import load_workbook

from skillcert.uploads.files import (
    MB,
    CheckedUpload,
    UploadRejected,
    check_size,
    checked_upload,
    detect_kind,
    refuse_type,
)

logger = logging.getLogger(__name__)

XLSX_MAX_BYTES = 10 * MB
XLSX_MAX_PARTS = 1_000
XLSX_PART_MAX_BYTES = 64 * MB
XLSX_UNZIPPED_MAX_BYTES = 128 * MB
XLSX_MAX_RATIO = 200  # xlsx XML packs 5–20 to 1; a bomb thousands to 1
XLSX_RATIO_FROM_BYTES = 1 * MB  # small parts may pack better than that harmlessly
XLSX_MAX_SHEETS = 50
XLSX_MAX_ROWS = 100_000  # a province's candidates of one campaign are tens of thousands
XLSX_MAX_COLUMNS = 200

XLSX_ACCEPT = ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_PARTS = ("[Content_Types].xml", "_rels/", "docProps/", "xl/", "customXml/")
_REQUIRED = ("[Content_Types].xml", "xl/workbook.xml")
_MACROS = "表格中含有宏（VBA），出于安全原因不能接收，请另存为“Excel 工作簿（*.xlsx）”后重新上传。"
_LINKS = "表格中含有指向其他工作簿或外部数据的链接，请先“断开链接”（数据 → 编辑链接）并另存为 .xlsx 后重新上传。"
_OBJECTS = "表格中嵌入了其他文件或控件，出于安全原因不能接收，请删除后另存为 .xlsx 重新上传。"
_CORRUPT = "表格文件已损坏或不完整（可能上传中断），无法打开，请用 Excel 或 WPS 另存为 .xlsx 后重新上传。"
_NOT_XLSX = "文件不是 Excel 工作簿（.xlsx），请用 Excel 或 WPS 另存为“Excel 工作簿（*.xlsx）”后重新上传。"
_TOO_BIG = "表格内容异常（解压后数据过大或压缩比异常），无法检查，请用 Excel 或 WPS 重新另存后上传。"


def _check_archive(archive: zipfile.ZipFile) -> None:
    """Steps 2 and 3: the directory and the part names, nothing inflated yet."""
    parts = archive.infolist()
    if len(parts) > XLSX_MAX_PARTS:
        raise UploadRejected(_TOO_BIG)
    names = {part.filename for part in parts}
    total = 0
    for part in parts:
        total += part.file_size
        packed_too_well = part.file_size > XLSX_RATIO_FROM_BYTES and part.file_size > XLSX_MAX_RATIO * max(
            part.compress_size, 1
        )
        if part.file_size > XLSX_PART_MAX_BYTES or total > XLSX_UNZIPPED_MAX_BYTES or packed_too_well:
            raise UploadRejected(_TOO_BIG)
        name = part.filename
        lowered = name.lower()
        if lowered.endswith("vbaproject.bin") or lowered.endswith("vbadata.xml"):
            raise UploadRejected(_MACROS)
        if lowered.startswith("xl/externallinks/"):
            raise UploadRejected(_LINKS)
        if lowered.startswith(("xl/embeddings/", "xl/activex/")):
            raise UploadRejected(_OBJECTS)
        if not name.startswith(_PARTS) or ".." in name or name.startswith("/"):
            raise UploadRejected(_NOT_XLSX)
    if not all(required in names for required in _REQUIRED):
        raise UploadRejected(_NOT_XLSX)
    content_types = archive.read("[Content_Types].xml")
    if b"macroEnabled" in content_types:  # .xlsm, .xltm, .xlam
        raise UploadRejected(_MACROS)
    if b"spreadsheetml.sheet.main" not in content_types:  # a template (.xltx) or something else
        raise UploadRejected(_NOT_XLSX)
    rels = "xl/_rels/workbook.xml.rels"
    if rels in names and b'TargetMode="External"' in archive.read(rels):
        raise UploadRejected(_LINKS)


def _walk_sheets(data: bytes, *, max_rows: int, max_columns: int) -> tuple[int, int, int]:
    """Step 4: (sheets, most rows, most columns), refused past a bound."""
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise UploadRejected("表格中没有工作表，请检查后重新上传。")
        if len(sheets) > XLSX_MAX_SHEETS:
            raise UploadRejected(f"表格不能超过 {XLSX_MAX_SHEETS} 个工作表，当前 {len(sheets)} 个。")
        most_rows = most_columns = 0
        for sheet in sheets:
            rows = 0
            sheet.reset_dimensions()  # read the cells themselves: the declared dimension may hide rows
            for row in sheet.iter_rows(values_only=True):
                rows += 1
                if rows > max_rows:
                    raise UploadRejected(f"工作表“{sheet.title}”超过 {max_rows} 行，请分成几个文件上传。")
                most_columns = max(most_columns, len(row))
                if most_columns > max_columns:
                    raise UploadRejected(f"工作表“{sheet.title}”超过 {max_columns} 列，请删除多余的列后重新上传。")
            most_rows = max(most_rows, rows)
        return len(sheets), most_rows, most_columns
    finally:
        workbook.close()


def check_xlsx_container(data: bytes) -> None:
    """Steps 1–3 only, nothing inflated by openpyxl: for an importer that walks the cells itself in
    its one read-only pass (and bounds rows and columns there), instead of a second walk here."""
    _check_container(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_archive(archive)
    except UploadRejected:
        raise
    except Exception as error:  # hostile input raises many types: all mean unreadable
        logger.info("xlsx refused as unreadable: %r", error)
        raise UploadRejected(_CORRUPT) from error


def _check_container(data: bytes) -> None:
    check_size(data, XLSX_MAX_BYTES, "表格文件")
    kind = detect_kind(data)
    if kind != "zip":
        if kind == "ole":  # Excel 97–2003 (.xls)
            raise UploadRejected(
                "不支持旧版 Excel 格式（.xls），请用 Excel 或 WPS 另存为“Excel 工作簿（*.xlsx）”后重新上传。"
            )
        raise refuse_type(kind, expected=" Excel 表格", accepted=".xlsx", noun="表格")


def check_xlsx(
    data: bytes, name: str = "", *, max_rows: int = XLSX_MAX_ROWS, max_columns: int = XLSX_MAX_COLUMNS
) -> CheckedUpload:
    """A plain Excel workbook (.xlsx) to import. `name` is ignored; see the module for the checks."""
    _check_container(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_archive(archive)
        sheets, rows, columns = _walk_sheets(data, max_rows=max_rows, max_columns=max_columns)
    except UploadRejected:
        raise
    except Exception as error:  # zipfile and openpyxl raise many types on hostile input: all mean unreadable
        logger.info("xlsx refused as unreadable: %r", error)
        raise UploadRejected(_CORRUPT) from error
    return checked_upload(data, "xlsx", sheets=sheets, rows=rows, columns=columns)
