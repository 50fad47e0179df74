"""Boxes every certificate-like document has: a photo, a QR code, a signature line, a stamp place."""

import io
import logging

import segno
from PIL import Image, ImageOps, UnidentifiedImageError
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from skillcert.pdf.fonts import FONT_NAME, text_width
from skillcert.pdf.page import Box, draw_lines, draw_text, frame
from skillcert.pdf.text import fit_text, shrunk

logger = logging.getLogger(__name__)

SEAL = "（公章）"
DATE_BLANK = "年　　月　　日"  # room to write the date by hand


def photo_image(jpeg: bytes, *, pixels: tuple[int, int] = (420, 540)) -> ImageReader | None:
    """The photo upright (EXIF orientation applied), RGB, at most `pixels` (300 dpi for a 35 × 45 mm
    box), as JPEG; None when the bytes are not a readable image."""
    try:
        with Image.open(io.BytesIO(jpeg)) as original:
            image = ImageOps.exif_transpose(original).convert("RGB")
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        logger.warning("applicant photo is not a readable image; printing the placeholder")
        return None
    image.thumbnail(pixels)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return ImageReader(io.BytesIO(out.getvalue()))


def photo_box(canvas: Canvas, box: Box, jpeg: bytes | None, *, placeholder: str, floor: float = 7.0) -> None:
    """A framed photo, scaled to fit and centred; the placeholder text when there is none (or it is unreadable)."""
    frame(canvas, box)
    image = photo_image(jpeg) if jpeg else None
    if image is None:
        inner = box.inset(4, 4)
        fitted = fit_text(placeholder, inner.w, inner.h, 10.5, floor)
        draw_lines(canvas, fitted, inner, align="center", valign="middle")
        return
    inner = box.inset(3, 3)
    width, height = image.getSize()
    scale = min(inner.w / width, inner.h / height)
    w, h = width * scale, height * scale
    canvas.drawImage(image, inner.x + (inner.w - w) / 2, inner.y + (inner.h - h) / 2, w, h)


def qr_box(canvas: Canvas, box: Box, data: str, *, error: str = "m", border: int = 2) -> float:
    """`data` as a QR code (segno), square, centred in `box`, black modules on white, with a quiet zone
    of `border` modules; returns the module size in points (print needs ≥ 0.5 mm for a phone to read)."""
    qr = segno.make(data, error=error, micro=False)
    matrix = [list(row) for row in qr.matrix]
    count = len(matrix) + 2 * border
    module = min(box.w, box.h) / count
    left = box.x + (box.w - module * count) / 2 + border * module
    top = box.y + (box.h + module * count) / 2 - border * module
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(
        left - border * module, top - (count - border) * module, count * module, count * module, stroke=0, fill=1
    )
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):  # one rectangle per run of dark modules: smaller files, no hairline seams
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                path.rect(left + start * module, top - (r + 1) * module, (c - start) * module, module)
            else:
                c += 1
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
    return module


def signature_box(
    canvas: Canvas, x: float, baseline: float, right: float, *, label: str, name: str, size: float
) -> None:
    """「label ________」 to sign by hand, with the printed name small under the line, centred."""
    canvas.setFont(FONT_NAME, size)
    canvas.drawString(x, baseline, label)
    blank_left = x + text_width(label, size) + 2
    canvas.setLineWidth(0.8)
    canvas.line(blank_left, baseline - 4, right, baseline - 4)
    printed = shrunk(f"（{name}）", right - blank_left, 10.5)
    draw_lines(canvas, printed, Box(blank_left, baseline - 22, right - blank_left, 14), align="center")


def stamp_box(canvas: Canvas, place: Box, *, bottom: float, size: float, seal: str = SEAL) -> None:
    """Where the seal goes: 「（公章）」 over a date to write by hand, centred in `place`, baselines
    38 and 16 pt above `bottom`."""
    for text, baseline in ((seal, 38), (DATE_BLANK, 16)):
        draw_text(canvas, place.x + (place.w - text_width(text, size)) / 2, bottom + baseline, text, size)
