"""Numbered continuation pages (附页) for text that did not fit its box on a form.

A form collects `(label, rest)` pairs from `Fitted.rest` while it is drawn, then calls
`continuation_pages` after its last page: each pair is printed under 「label（续）：」 at the normal
size, as many pages as it takes; a box continued from the previous 附页 repeats its heading. Every
page carries the document's heading, one line saying whose document it is (the applicant's name
and ID number, so a loose page finds its form), and "附页第 i 页，共 n 页".
"""

from collections.abc import Sequence

from reportlab.pdfgen.canvas import Canvas

from skillcert.pdf.fonts import ASCENT, FONT_NAME, LEADING
from skillcert.pdf.page import PAGE_HEIGHT, PAGE_WIDTH, Box, draw_lines, draw_text, frame, title
from skillcert.pdf.text import capacity, shrunk, wrap_lines


def _paginate(rows: list[tuple[str, str]], per_page: int) -> list[list[tuple[str, str]]]:
    pages: list[list[tuple[str, str]]] = [[]]
    heading = ""
    for kind, text in rows:
        page = pages[-1]
        if len(page) == per_page or (kind == "heading" and len(page) >= per_page - 1):
            pages.append(page := [])
            if kind == "line":  # a box continued from the previous 附页 says again whose text it is
                page.append(("heading", heading))
        if kind == "gap" and not page:
            continue
        if kind == "heading":
            heading = text
        page.append((kind, text))
    return pages


def continuation_pages(
    canvas: Canvas,
    overflow: Sequence[tuple[str, str]],
    *,
    heading: str,
    who: str,
    left: float,
    width: float,
    bottom: float,
    pad: float = 8.0,
    size: float = 10.5,
) -> int:
    """Print `overflow` on as many 附页 as it takes, between `left` and `left + width`, above `bottom`;
    how many pages were added (each ended with `showPage`)."""
    box = Box(left, bottom + 14, width, PAGE_HEIGHT - 110 - (bottom + 14))
    inner = box.inset(pad, pad)
    pitch = size * LEADING
    per_page = capacity(inner.h, size)

    rows: list[tuple[str, str]] = []  # (kind, text): kind "heading" | "line" | "gap"
    for label, rest in overflow:
        if rows:
            rows.append(("gap", ""))
        rows.append(("heading", f"{label}（续）："))
        rows += [("line", line) for line in wrap_lines(rest, size, inner.w)]
    pages = _paginate(rows, per_page)

    for number, page in enumerate(pages, start=1):
        title(canvas, heading, PAGE_HEIGHT - 60, 16)
        header = Box(left, PAGE_HEIGHT - 100, width, 20)
        draw_lines(canvas, shrunk(who, header.w, 10.5), header)
        frame(canvas, box, width=1.2)
        baseline = inner.top - ASCENT * size
        for _kind, text in page:
            draw_text(canvas, inner.x, baseline, text, size)
            baseline -= pitch
        canvas.setFont(FONT_NAME, 9)
        canvas.drawCentredString(PAGE_WIDTH / 2, bottom - 8, f"附页第 {number} 页，共 {len(pages)} 页")
        canvas.showPage()
    return len(pages)
