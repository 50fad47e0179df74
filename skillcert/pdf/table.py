"""A table that breaks across pages and repeats its header on each (summary tables, seat lists).

`draw_table(canvas, area, columns, header, rows, new_page=...)` draws rows top to bottom inside
`area`; when the next row does not fit, it calls `new_page(canvas)` (which ends the page and may
draw the page's own heading) and continues below the repeated header on the next one. Each cell's
text is fitted to its column (shrunk to `floor`, then cut with the marker: a table row never
continues elsewhere); a row is as tall as its tallest cell needs at the normal size, within
`max_row_height`.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from skillcert.pdf.fonts import BLOCK, LEADING
from skillcert.pdf.page import Box, draw_lines, frame
from skillcert.pdf.text import fit_text, wrap_lines


@dataclass(frozen=True)
class Column:
    heading: str
    width: float
    align: str = "left"  # "left" | "center" | "right"


@dataclass(frozen=True)
class TableLayout:
    size: float = 9.0
    floor: float = 7.0
    pad: float = 3.0
    min_row_height: float = 18.0
    max_row_height: float = 60.0


def _row_height(cells: Sequence[str], columns: Sequence[Column], layout: TableLayout) -> float:
    lines = max(
        (
            len(wrap_lines(text, layout.size, column.width - 2 * layout.pad))
            for text, column in zip(cells, columns, strict=True)
        ),
        default=1,
    )
    natural = (max(lines, 1) - 1) * LEADING * layout.size + BLOCK * layout.size + 2 * layout.pad
    return min(max(natural, layout.min_row_height), layout.max_row_height)


def _draw_row(
    canvas: Canvas,
    top: float,
    left: float,
    cells: Sequence[str],
    columns: Sequence[Column],
    height: float,
    layout: TableLayout,
) -> None:
    x = left
    for text, column in zip(cells, columns, strict=True):
        box = Box(x, top - height, column.width, height)
        frame(canvas, box)
        inner = box.inset(layout.pad, layout.pad)
        fitted = fit_text(text, inner.w, inner.h, layout.size, layout.floor)
        align = column.align if len(fitted.lines) == 1 else "left"
        draw_lines(canvas, fitted, inner, align=align, valign="middle")
        x += column.width


def draw_table(
    canvas: Canvas,
    area: Box,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    *,
    new_page: Callable[[Canvas], Box],
    layout: TableLayout = TableLayout(),
) -> int:
    """Draw the table from the top of `area`; `new_page` ends the page and returns the next page's area.
    Returns how many pages the table took (1 when it fits in `area`)."""
    header = [column.heading for column in columns]
    header_height = _row_height(header, columns, layout)
    pages = 1
    top = area.top
    _draw_row(canvas, top, area.x, header, columns, header_height, layout)
    top -= header_height
    for cells in rows:
        height = _row_height(cells, columns, layout)
        if top - height < area.y:
            area = new_page(canvas)
            pages += 1
            top = area.top
            _draw_row(canvas, top, area.x, header, columns, header_height, layout)
            top -= header_height
        _draw_row(canvas, top, area.x, cells, columns, height, layout)
        top -= height
    return pages
