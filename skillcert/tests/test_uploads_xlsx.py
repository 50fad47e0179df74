"""The xlsx upload check, against workbooks crafted to be hostile (zip bombs, macros, links, sizes)."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from skillcert.uploads import UploadRejected, check_xlsx
from skillcert.uploads import xlsx as xlsx_checks


def workbook(rows: int = 3, columns: int = 4, sheets: int = 1) -> bytes:
    book = Workbook()
    for index in range(sheets):
        sheet = book.active if index == 0 else book.create_sheet(f"表{index + 1}")
        for row in range(rows):
            sheet.append([f"考生{row}-{column}" for column in range(columns)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewritten(data: bytes, *, add: dict[str, bytes] | None = None, replace: dict[str, bytes] | None = None) -> bytes:
    """The workbook re-zipped with parts added or replaced, as a hand-crafted file would be."""
    add, replace = add or {}, replace or {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for part in source.infolist():
            target.writestr(part.filename, replace.get(part.filename, source.read(part.filename)))
        for name, content in add.items():
            target.writestr(name, content)
    return buffer.getvalue()


def refusal(data: bytes, **limits) -> str:
    with pytest.raises(UploadRejected) as caught:
        check_xlsx(data, **limits)
    return str(caught.value)


def content_types(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("[Content_Types].xml")


def test_a_plain_workbook_is_accepted_with_its_size():
    checked = check_xlsx(workbook(rows=30, columns=5, sheets=2))
    assert (checked.kind, checked.extension) == ("xlsx", ".xlsx")
    assert (checked.sheets, checked.rows, checked.columns) == (2, 30, 5)


def test_a_workbook_with_macros_is_refused():
    data = workbook()
    xlsm = rewritten(
        data,
        add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"},
        replace={
            "[Content_Types].xml": content_types(data).replace(
                b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml"
            )
        },
    )
    assert "宏" in refusal(xlsm)
    assert "宏" in refusal(rewritten(data, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}))


def test_a_workbook_linking_to_another_workbook_is_refused():
    data = workbook()
    assert "链接" in refusal(rewritten(data, add={"xl/externalLinks/externalLink1.xml": b"<externalLink/>"}))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        rels = archive.read("xl/_rels/workbook.xml.rels")
    external = rels.replace(
        b"</Relationships>",
        b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'externalLink" Target="file:///C:/other.xlsx" TargetMode="External"/></Relationships>',
    )
    assert "链接" in refusal(rewritten(data, replace={"xl/_rels/workbook.xml.rels": external}))


def test_embedded_objects_are_refused():
    assert "嵌入" in refusal(rewritten(workbook(), add={"xl/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0"}))


def test_a_zip_bomb_is_refused_before_it_is_inflated():
    bomb = rewritten(workbook(), add={"xl/media/image1.png": bytes(20 * 1024 * 1024)})  # 20 MB of zeros, ~20 KB
    assert len(bomb) < 200_000
    assert "压缩比" in refusal(bomb)


def test_more_unzipped_data_than_the_bound_is_refused(monkeypatch):
    monkeypatch.setattr(xlsx_checks, "XLSX_UNZIPPED_MAX_BYTES", 4000)
    assert "解压后数据过大" in refusal(workbook(rows=200))


def test_parts_an_xlsx_does_not_have_are_refused():
    assert "不是 Excel 工作簿" in refusal(rewritten(workbook(), add={"payload.exe": b"MZ"}))
    assert "不是 Excel 工作簿" in refusal(rewritten(workbook(), add={"xl/../../evil.txt": b"x"}))


def test_a_word_document_or_a_plain_zip_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"<document/>")
    assert "不是 Excel 工作簿" in refusal(buffer.getvalue())


def test_other_file_types_are_named():
    assert "检测到 PDF" in refusal(b"%PDF-1.7\n%%EOF")
    assert ".xls" in refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert "文件为空" in refusal(b"")


def test_a_truncated_workbook_is_refused_as_damaged():
    data = workbook()
    assert "已损坏或不完整" in refusal(data[: len(data) // 2])


def test_too_many_rows_or_columns_are_refused():
    assert "超过 20 行" in refusal(workbook(rows=21), max_rows=20)
    assert check_xlsx(workbook(rows=20), max_rows=20).rows == 20
    assert "超过 6 列" in refusal(workbook(columns=7), max_columns=6)


def test_rows_are_counted_from_the_cells_not_the_declared_dimension():
    data = workbook(rows=30)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    lying = sheet.replace(b'<dimension ref="A1:D30" />', b'<dimension ref="A1:D2" />')
    assert lying != sheet
    assert "超过 20 行" in refusal(rewritten(data, replace={"xl/worksheets/sheet1.xml": lying}), max_rows=20)


def test_too_many_sheets_are_refused(monkeypatch):
    monkeypatch.setattr(xlsx_checks, "XLSX_MAX_SHEETS", 2)
    assert "工作表" in refusal(workbook(sheets=3))
