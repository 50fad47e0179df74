"""A4 pages, boxes, and drawing fitted text into them.

Coordinates are ReportLab's: points (1/72 inch), origin at the bottom left of the page. A `Box` is
a rectangle by its bottom-left corner; `Page.content` is the A4 sheet less its margins.
Canvases from `new_canvas` render deterministically (ReportLab's invariant mode: no timestamp,
fixed document ID), so the same data gives the same bytes and a caller may cache by content.
"""

import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from skillcert.pdf.fonts import ASCENT, FONT_NAME, register_font, text_width
from skillcert.pdf.text import Fitted, fit_text

PAGE_WIDTH, PAGE_HEIGHT = A4
MM = 72 / 25.4


@dataclass(frozen=True)
class Box:
    x: float
    y: float  # bottom
    w: float
    h: float

    @property
    def top(self) -> float:
        return self.y + self.h

    @property
    def right(self) -> float:
        return self.x + self.w

    def inset(self, left: float, top: float, right: float | None = None, bottom: float | None = None) -> "Box":
        right = left if right is None else right
        bottom = top if bottom is None else bottom
        return Box(self.x + left, self.y + bottom, self.w - left - right, self.h - top - bottom)

    def columns(self, widths: tuple[float, ...]) -> list["Box"]:
        """This box cut into columns of the given widths, left to right (a grid row)."""
        boxes, x = [], self.x
        for width in widths:
            boxes.append(Box(x, self.y, width, self.h))
            x += width
        return boxes

    def rows(self, heights: tuple[float, ...]) -> list["Box"]:
        """This box cut into rows of the given heights, top to bottom."""
        boxes, top = [], self.top
        for height in heights:
            boxes.append(Box(self.x, top - height, self.w, height))
            top -= height
        return boxes


@dataclass(frozen=True)
class Page:
    """An A4 page with margins (in points); `content` is where a layout may draw."""

    top: float = 20 * MM
    right: float = 20 * MM
    bottom: float = 20 * MM
    left: float = 20 * MM

    @property
    def content(self) -> Box:
        return Box(self.left, self.bottom, PAGE_WIDTH - self.left - self.right, PAGE_HEIGHT - self.top - self.bottom)


def new_canvas(buffer: io.BytesIO, *, title: str, subject: str = "", size: float = 10.5) -> Canvas:
    """A deterministic A4 canvas with the CJK font registered and set, and the document's metadata."""
    register_font()
    canvas = Canvas(
        buffer,
        pagesize=A4,
        invariant=1,
        pageCompression=1,
        initialFontName=FONT_NAME,  # type: ignore[arg-type]  # the stub types the font name as a number
        initialFontSize=size,
    )
    canvas.setTitle(title)
    canvas.setAuthor("skillcert")
    canvas.setCreator("skillcert")
    if subject:
        canvas.setSubject(subject)
    return canvas


def draw_lines(
    canvas: Canvas, fitted: Fitted, box: Box, align: str = "left", valign: str = "top", char_space: float = 0.0
) -> None:
    """Draw fitted lines inside `box` (which they were fitted to)."""
    top = box.y + (box.h + fitted.height) / 2 if valign == "middle" else box.top
    baseline = top - ASCENT * fitted.size
    for line in fitted.lines:
        text = canvas.beginText()
        text.setFont(FONT_NAME, fitted.size)
        text.setCharSpace(char_space)
        width = text_width(line, fitted.size) + char_space * max(len(line) - 1, 0)
        if align == "center":
            x = box.x + (box.w - width) / 2
        elif align == "right":
            x = box.right - width
        else:
            x = box.x
        text.setTextOrigin(x, baseline)
        text.textOut(line)
        canvas.drawText(text)
        baseline -= fitted.leading


def draw_text(canvas: Canvas, x: float, baseline: float, text: str, size: float) -> None:
    """One line of text at a baseline, as a text object (no wrapping: the caller measured it)."""
    obj = canvas.beginText()
    obj.setFont(FONT_NAME, size)
    obj.setTextOrigin(x, baseline)
    obj.textOut(text)
    canvas.drawText(obj)


def title(canvas: Canvas, text: str, y: float, size: float) -> None:
    """A heading centred on the page, in faux bold (filled and stroked glyphs: the font has one weight)."""
    obj = canvas.beginText()
    obj.setFont(FONT_NAME, size)
    obj.setTextRenderMode(2)
    obj.setTextOrigin((PAGE_WIDTH - text_width(text, size)) / 2, y)
    obj.textOut(text)
    canvas.saveState()
    canvas.setLineWidth(size / 40)
    canvas.drawText(obj)
    canvas.restoreState()


def frame(canvas: Canvas, box: Box, width: float = 0.6) -> None:
    """The box's outline."""
    canvas.setLineWidth(width)
    canvas.rect(box.x, box.y, box.w, box.h, stroke=1, fill=0)


def text_cell(
    canvas: Canvas,
    box: Box,
    text: str,
    *,
    size: float = 10.5,
    floor: float = 7.0,
    pad: float = 3.0,
    align: str = "left",
    valign: str = "middle",
    framed: bool = True,
) -> Fitted:
    """A framed cell holding `text` fitted to it (shrunk to `floor`, then cut with the marker);
    returns the fit, whose `rest` the caller continues elsewhere or drops."""
    if framed:
        frame(canvas, box)
    inner = box.inset(pad, min(pad, 2.0))
    fitted = fit_text(text, inner.w, inner.h, size, floor)
    draw_lines(canvas, fitted, inner, align=align, valign=valign)
    return fitted
