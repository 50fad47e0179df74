"""The score sheet as an xlsx: the template of one room and session, and reading a filled one back.
Pure (openpyxl, no Django): the service gives the rows and checks the meaning.

Columns: 序号 | 准考证号 | 姓名 | 身份证号 (masked) | 成绩 | 备注. A row fixed by exam day (缺考, 违纪)
is written with its mark and note; staff fill 成绩 for the others."""

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.protection import SheetProtection
from python_calamine import CalamineWorkbook

HEADER = ("序号", "准考证号", "姓名", "身份证号", "成绩", "备注")
SCORE_COLUMN = 5  # 1-based, for messages ("第 E 列")
NOTE_COLUMN = 6
MAX_COLUMNS = 20


@dataclass(frozen=True)
class TemplateRow:
    number: str
    name: str
    id_masked: str
    fixed: str = ""  # "缺考" / "违纪" from exam day; empty when staff fill the score
    note: str = ""
    value: str = ""  # the entrant's current entry, when the template is downloaded again


def template(title: str, rows: Iterable[TemplateRow]) -> bytes:
    """The xlsx staff fill in: identities locked, 成绩 and 备注 open."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "成绩"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    fixed_fill = PatternFill("solid", fgColor="EEEEEE")
    open_cell, fixed_cell = Protection(locked=False), Protection(locked=True)
    for index, row in enumerate(rows, start=1):
        sheet.append([index, row.number, row.name, row.id_masked, row.fixed or row.value, row.note])
        line = index + 1  # below the header; not `sheet.max_row`, which scans every cell each time
        for column in (SCORE_COLUMN, NOTE_COLUMN):
            sheet.cell(line, column).protection = fixed_cell if row.fixed else open_cell
        if row.fixed:
            for column in range(1, len(HEADER) + 1):
                sheet.cell(line, column).fill = fixed_fill
    for letter, width in zip("ABCDEF", (6, 18, 12, 22, 10, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.cell(1, 1).alignment = Alignment(horizontal="center")
    sheet.protection = SheetProtection(sheet=True, formatCells=False, formatColumns=False)
    sheet.freeze_panes = "A2"
    if sheet.oddHeader is not None:  # the printed page's header names the room and part
        sheet.oddHeader.center.text = title
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class ReadRow:
    line: int  # the row number Excel shows
    number: str
    name: str
    score: str
    note: str


class HeaderError(ValueError):
    pass


def _text(value: object) -> str:
    """A cell as text; a whole number typed as a number (a ticket number, 85) loses its ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read(data: bytes, *, max_rows: int) -> Iterator[ReadRow]:
    """The filled rows of the first sheet, in one pass (blank rows skipped). Raises HeaderError for
    a file that is not our template, ValueError past `max_rows` or MAX_COLUMNS.

    Read with calamine (Rust; the container was checked first: sizes, parts, ratio), which reads
    what the cells hold, whatever dimension the sheet declares."""
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheet = workbook.get_sheet_by_index(0)
    if sheet.total_height > max_rows + 1:
        raise ValueError(f"表格超过 {max_rows} 行，请分成几个文件上传")
    if sheet.total_width > MAX_COLUMNS:
        raise ValueError(f"表格超过 {MAX_COLUMNS} 列，请删除多余的列后重新上传")
    if sheet.start not in (None, (0, 0)):  # the template starts at A1: a sheet that does not is not ours
        raise HeaderError("表头应在第 1 行，从 A 列开始：" + " | ".join(HEADER) + "。请使用本系统下载的模板。")
    rows = sheet.iter_rows()
    header = tuple(_text(v) for v in next(rows, [])[: len(HEADER)])
    if header != HEADER:
        raise HeaderError("表头应为：" + " | ".join(HEADER) + "。请使用本系统下载的模板。")
    for line, values in enumerate(rows, start=2):
        padded = (*values, None, None, None, None, None, None)
        number, name, score, note = (_text(padded[i]) for i in (1, 2, 4, 5))
        if not number and not name and not score and not note:
            continue
        yield ReadRow(line, number, name, score, note)
