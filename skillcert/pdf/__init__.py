"""The PDF toolkit: A4 documents in Chinese that print the same everywhere (申报表, 诚信承诺书, later
admission tickets, the exam handbook, summary tables and certificates).

* `fonts`: the embedded CJK font (`register_font`, `text_width`, `warn_missing`, `FontMissingError`).
* `text`: `fit_text` (wrap, shrink in half points to a floor, then cut with 「（续见附页）」 and
  return the rest), `wrap_lines`, `one_line`, `shrunk`.
* `page`: `Page` (A4 with margins), `Box` (with `columns`/`rows` for grids), `new_canvas`
  (deterministic bytes), `draw_lines`, `draw_text`, `title`, `frame`, `text_cell`.
* `boxes`: `photo_box`, `qr_box` (segno), `signature_box`, `stamp_box`.
* `table`: `draw_table`, a table that breaks across pages with its header repeated.
* `continuation`: `continuation_pages`, numbered 附页 for what did not fit.

Text never runs outside its box: a layout fits every text to the box it draws it in.
"""

from skillcert.pdf.boxes import DATE_BLANK, SEAL, photo_box, photo_image, qr_box, signature_box, stamp_box
from skillcert.pdf.continuation import continuation_pages
from skillcert.pdf.fonts import FONT_NAME, FontMissingError, cjk_font_path, register_font, text_width, warn_missing
from skillcert.pdf.page import (
    MM,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    Box,
    Page,
    draw_lines,
    draw_text,
    frame,
    new_canvas,
    text_cell,
    title,
)
from skillcert.pdf.table import Column, TableLayout, draw_table
from skillcert.pdf.text import CONTINUED, Fitted, fit_text, one_line, shrunk, wrap_lines

__all__ = [
    "CONTINUED",
    "DATE_BLANK",
    "FONT_NAME",
    "MM",
    "PAGE_HEIGHT",
    "PAGE_WIDTH",
    "SEAL",
    "Box",
    "Column",
    "Fitted",
    "FontMissingError",
    "Page",
    "TableLayout",
    "cjk_font_path",
    "continuation_pages",
    "draw_lines",
    "draw_table",
    "draw_text",
    "fit_text",
    "frame",
    "new_canvas",
    "one_line",
    "photo_box",
    "photo_image",
    "qr_box",
    "register_font",
    "shrunk",
    "signature_box",
    "stamp_box",
    "text_cell",
    "text_width",
    "title",
    "warn_missing",
    "wrap_lines",
]
