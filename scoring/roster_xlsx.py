"""The 人员名册 as a workbook: the same lines as the PDF."""

from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from scoring import roster
from scoring.summary_pdf import Heading
from scoring.summary_xlsx import Rows, header, save, signing


def render_roster_xlsx(lines: Sequence[roster.RosterLine], heading: Heading) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook opens on its one worksheet
    sheet.title = "合格人员名册"
    headings = roster.headings(lines)
    rows = Rows(sheet, (6, 18, 12, 6, 22, 24, 16, 28, *([10] * (len(headings) - 8))))
    header(rows, heading)
    rows.append(headings, bold=True)
    for cells in roster.rows(lines):
        rows.append(cells)
    sheet.freeze_panes = "A6"
    signing(rows)
    return save(workbook)
