"""The 汇总表 and the 人员名册 as workbooks (openpyxl), the same rows as their PDFs; pure.

Text from outside (names, work units) is never a formula; rows are counted here (openpyxl's
`max_row` scans every cell)."""

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from scoring.summary import HEADINGS, SIGNATURES, SummaryTable
from scoring.summary_pdf import Heading

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)


class Rows:
    """A sheet written row by row, counting rows itself; strings are never formulas."""

    def __init__(self, sheet: Worksheet, widths: Sequence[int]) -> None:
        self.sheet = sheet
        self.row = 0
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width

    def append(self, values: Sequence[str | int | None], *, bold: bool = False, font: Font | None = None) -> None:
        self.row += 1
        for column, value in enumerate(values, start=1):
            cell = self.sheet.cell(row=self.row, column=column, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"
            if font is not None or bold:
                cell.font = font or BOLD

    def blank(self) -> None:
        self.row += 1


def header(rows: Rows, heading: Heading) -> None:
    rows.append([heading.title], font=TITLE)
    rows.append([heading.campaign])
    rows.append([f"盟市：{heading.city}", "", "", f"制表日期：{heading.printed_on}"])
    rows.blank()


def signing(rows: Rows) -> None:
    rows.blank()
    rows.append([f"{label}（签字）：" for label in SIGNATURES] + ["盖章：", "日期："])


def save(workbook: Workbook) -> bytes:
    workbook.properties.creator = "skillcert"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render_summary_xlsx(table: SummaryTable, heading: Heading) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook opens on its one worksheet
    sheet.title = "汇总表"
    rows = Rows(sheet, (8, 14, 28, 16, 10, 10, 10, 12, 10, 10, 10, 10))
    header(rows, heading)
    rows.append(list(HEADINGS), bold=True)
    for cells in table.rows()[:-1]:
        rows.append([_number(cell) if i >= 4 and i < 11 else cell for i, cell in enumerate(cells)])
    total = table.rows()[-1]
    rows.append([_number(cell) if i >= 4 and i < 11 else cell for i, cell in enumerate(total)], bold=True)
    sheet.freeze_panes = "A6"
    for row in sheet.iter_rows(min_row=5, max_row=rows.row):
        for cell in row:
            cell.alignment = Alignment(vertical="center")
    signing(rows)
    return save(workbook)


def _number(text: str) -> int | str:
    return int(text) if text.isdigit() else text
