"""The 汇总表 as an A4 landscape PDF through the shared toolkit (`skillcert.pdf`); pure.

Title, the campaign and city, the table (one row per occupation × level, the total last; the
header repeats on each page), then the lines to sign — 制表人, 审核人, 负责人 — the seal and the
date, written by hand on the printout that is scanned back (`SummaryScan`). Deterministic bytes.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from scoring.summary import HEADINGS, SIGNATURES, SummaryTable
from skillcert.pdf import DATE_BLANK, MM, SEAL, Box, Column, TableLayout, draw_table, draw_text, new_canvas
from skillcert.pdf.fonts import FONT_NAME, text_width

WIDTH, HEIGHT = landscape(A4)
MARGIN = 12 * MM
HEADING = 16.0
SIGNING_HEIGHT = 30 * MM
SUMMARY_TITLE = "全区机关事业单位技能人员职业技能等级认定人社监管部门汇总表"


@dataclass(frozen=True)
class Heading:
    title: str
    campaign: str
    city: str
    printed_on: str  # 制表日期, e.g. 2023年10月30日


class LandscapeDocument:
    """A landscape A4 canvas with a running heading, a footer, and pages for a table."""

    def __init__(self, buffer: io.BytesIO, heading: Heading, footer: str) -> None:
        self.canvas: Canvas = new_canvas(buffer, title=f"{heading.city} {heading.title}", subject=heading.campaign)
        self.heading = heading
        self.footer = footer
        self.page = 0

    def start(self) -> Box:
        """Begin a page: the title and the line under it; returns the area below."""
        canvas = self.canvas
        if self.page:
            canvas.showPage()
        canvas.setPageSize(landscape(A4))
        self.page += 1
        top = HEIGHT - MARGIN
        title = self.heading.title + ("（续）" if self.page > 1 else "")
        size = min(HEADING, (WIDTH - 2 * MARGIN) / max(text_width(title, 1.0), 1))
        _bold_centred(canvas, title, top - size, size)
        line = f"{self.heading.campaign}    盟市：{self.heading.city}    制表日期：{self.heading.printed_on}"
        draw_text(canvas, MARGIN, top - size - 18, line, 10.0)
        text = f"{self.footer} · 第 {self.page} 页"
        draw_text(canvas, (WIDTH - text_width(text, 8.0)) / 2, MARGIN / 2, text, 8.0)
        bottom = MARGIN
        return Box(MARGIN, bottom, WIDTH - 2 * MARGIN, top - size - 28 - bottom)

    def more(self, canvas: Canvas) -> Box:
        return self.start()

    def finish(self) -> None:
        self.canvas.showPage()
        self.canvas.save()


def _bold_centred(canvas: Canvas, text: str, y: float, size: float) -> None:
    """A centred heading in faux bold (the font has one weight), like `skillcert.pdf.title` on a wide page."""
    obj = canvas.beginText()
    obj.setFont(FONT_NAME, size)
    obj.setTextRenderMode(2)
    obj.setTextOrigin((WIDTH - text_width(text, size)) / 2, y)
    obj.textOut(text)
    canvas.saveState()
    canvas.setLineWidth(size / 40)
    canvas.drawText(obj)
    canvas.restoreState()


def draw_signing(canvas: Canvas, band: Box, labels: Sequence[str] = SIGNATURES) -> None:
    """制表人 / 审核人 / 负责人 lines to sign, then 盖章 and 日期, in the band kept free at the bottom."""
    size = 11.0
    baseline = band.top - 12 * MM
    width = band.w / (len(labels) + 1)
    for index, label in enumerate(labels):
        x = band.x + index * width
        text = f"{label}（签字）："
        draw_text(canvas, x, baseline, text, size)
        canvas.setLineWidth(0.8)
        canvas.line(x + text_width(text, size) + 2, baseline - 3, x + width - 8 * MM, baseline - 3)
    stamp_x = band.x + len(labels) * width
    draw_text(canvas, stamp_x, baseline, f"盖章：{SEAL}", size)
    draw_text(canvas, stamp_x, baseline - 9 * MM, f"日期：{DATE_BLANK}", size)


def columns_for(width: float) -> list[Column]:
    fixed = [12, 26, 0, 28, 18, 18, 18, 20, 18, 18, 18, 18]  # mm; 0: the occupation name takes the rest
    rest = width / MM - sum(fixed)
    aligns = ["center", "left", "left", "left", *(["right"] * 8)]
    return [
        Column(heading, (mm or rest) * MM, align) for heading, mm, align in zip(HEADINGS, fixed, aligns, strict=True)
    ]


def render_summary_pdf(table: SummaryTable, heading: Heading) -> bytes:
    """The table on as many pages as it needs, each keeping a band at the bottom free: the last
    page's band holds the signing lines."""
    buffer = io.BytesIO()
    doc = LandscapeDocument(buffer, heading, f"{heading.city} · 汇总表")

    def page(canvas: Canvas | None = None) -> Box:
        area = doc.start()
        return Box(area.x, area.y + SIGNING_HEIGHT, area.w, area.h - SIGNING_HEIGHT)

    area = page()
    draw_table(
        doc.canvas,
        area,
        columns_for(area.w),
        table.rows(),
        new_page=page,
        layout=TableLayout(size=9.5, min_row_height=20.0),
    )
    draw_signing(doc.canvas, Box(area.x, MARGIN, area.w, SIGNING_HEIGHT))
    doc.finish()
    return buffer.getvalue()
