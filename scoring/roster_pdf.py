"""The 人员名册 as an A4 landscape PDF (the summary's page frame), with the lines to sign and the seal."""

import io
from collections.abc import Sequence

from reportlab.pdfgen.canvas import Canvas

from scoring import roster
from scoring.summary_pdf import MARGIN, SIGNING_HEIGHT, Heading, LandscapeDocument, draw_signing
from skillcert.pdf import MM, Box, Column, TableLayout, draw_table

ROSTER_TITLE = "职业技能等级认定合格人员名册"
WIDTHS = {"序号": 10, "准考证号": 32, "姓名": 20, "性别": 10, "身份证号": 40, "职业": 0, "等级": 26, "工作单位": 0}


def _columns(headings: Sequence[str], width: float) -> list[Column]:
    scores = [h for h in headings if h not in WIDTHS]
    fixed = sum(WIDTHS.values()) + 18 * len(scores)
    flexible = (width / MM - fixed) / 2  # the occupation and the work unit share the rest
    columns = []
    for heading in headings:
        mm = WIDTHS.get(heading, 18) or flexible
        align = "right" if heading in scores else ("center" if heading in {"序号", "性别"} else "left")
        columns.append(Column(heading, mm * MM, align))
    return columns


def render_roster_pdf(lines: Sequence[roster.RosterLine], heading: Heading) -> bytes:
    buffer = io.BytesIO()
    doc = LandscapeDocument(buffer, heading, f"{heading.city} · 合格人员名册 · 共 {len(lines)} 人")

    def page(canvas: Canvas | None = None) -> Box:
        area = doc.start()
        return Box(area.x, area.y + SIGNING_HEIGHT, area.w, area.h - SIGNING_HEIGHT)

    area = page()
    body = roster.rows(lines) or [["—", "—", "没有合格人员", *[""] * (len(roster.headings(lines)) - 3)]]
    columns = _columns(roster.headings(lines), area.w)
    draw_table(doc.canvas, area, columns, body, new_page=page, layout=TableLayout(size=9.0))
    draw_signing(doc.canvas, Box(area.x, MARGIN, area.w, SIGNING_HEIGHT))
    doc.finish()
    return buffer.getvalue()
