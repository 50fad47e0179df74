"""Boxes every certificate-like document has: a photo, a QR code, a signature line, a stamp place."""

import hashlib
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


class EmbeddedJPEG(ImageReader):
    """A JPEG that goes into the PDF as it is (DCTDecode, no re-encoding).

    ReportLab reads an `ImageReader`'s decoded pixels only to name the image (so that one image drawn
    twice is stored once); a digest of the JPEG's bytes names it as well, without decoding the photo.
    """

    def __init__(self, jpeg: bytes) -> None:
        super().__init__(io.BytesIO(jpeg))
        self._digest = hashlib.sha256(jpeg).digest()
        self._dataA = None

    def getRGBData(self) -> bytes:  # ReportLab names it so
        # not a JPEG after all: the pixels, as ReportLab would embed them (the stub wrongly says None always)
        if self.jpeg_fh() is None:  # type: ignore[func-returns-value]
            return super().getRGBData()
        return self._digest


def _fits_as_is(image: Image.Image, pixels: tuple[int, int]) -> bool:
    """A stored photo already small enough, upright and RGB or grey goes into the PDF untouched."""
    upright = image.getexif().get(0x0112, 1) == 1  # EXIF Orientation
    small = image.width <= pixels[0] * 1.5 and image.height <= pixels[1] * 1.5
    return image.format == "JPEG" and image.mode in {"RGB", "L"} and upright and small


def photo_image(jpeg: bytes, *, pixels: tuple[int, int] = (420, 540)) -> ImageReader | None:
    """The photo upright (EXIF orientation applied), RGB, about `pixels` (300 dpi for a 35 × 45 mm box;
    within 1.5 times), as JPEG; None when the bytes are not a readable image. A JPEG already that small and
    upright is embedded as it is; a larger one is decoded at a reduced scale (JPEG draft mode) and shrunk."""
    try:
        with Image.open(io.BytesIO(jpeg)) as original:
            if _fits_as_is(original, pixels):
                return EmbeddedJPEG(jpeg)
            # Decode at 1/2, 1/4 or 1/8 while that keeps two thirds of `pixels`: most of the work saved.
            original.draft("RGB", (pixels[0] * 2 // 3, pixels[1] * 2 // 3))
            image = ImageOps.exif_transpose(original).convert("RGB")
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        logger.warning("applicant photo is not a readable image; printing the placeholder")
        return None
    if image.width > pixels[0] * 1.5 or image.height > pixels[1] * 1.5:
        image.thumbnail(pixels, Image.Resampling.BICUBIC, reducing_gap=2.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return EmbeddedJPEG(out.getvalue())


def photo_box(
    canvas: Canvas,
    box: Box,
    jpeg: bytes | None,
    *,
    placeholder: str,
    floor: float = 7.0,
    pixels: tuple[int, int] = (420, 540),
) -> None:
    """A framed photo, scaled to fit and centred; the placeholder text when there is none (or it is unreadable).
    `pixels`: the most the PDF keeps (300 dpi of the box is enough for print)."""
    frame(canvas, box)
    image = photo_image(jpeg, pixels=pixels) if jpeg else None
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


def _dark_runs(row: bytearray) -> list[tuple[int, int]]:
    """(start, end) of each run of dark modules in a row of the symbol."""
    runs, start = [], None
    for c, dark in enumerate(row):
        if dark and start is None:
            start = c
        elif not dark and start is not None:
            runs.append((start, c))
            start = None
    if start is not None:
        runs.append((start, len(row)))
    return runs


def qr_box(canvas: Canvas, box: Box, data: str, *, error: str = "m", border: int = 2, mask: int | None = None) -> float:
    """`data` as a QR code (segno), square, centred in `box`, black modules on white, with a quiet zone
    of `border` modules; returns the module size in points (print needs ≥ 0.5 mm for a phone to read).

    `mask` (0–7) fixes the data mask instead of scoring all eight, which is most of segno's time on a
    large symbol; for random-looking data (a signature) the eight score about the same."""
    qr = segno.make(data, error=error, micro=False, mask=mask)
    count = len(qr.matrix) + 2 * border
    module = min(box.w, box.h) / count
    left = box.x + (box.w - module * count) / 2 + border * module
    top = box.y + (box.h + module * count) / 2 - border * module
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(
        left - border * module, top - (count - border) * module, count * module, count * module, stroke=0, fill=1
    )
    canvas.setFillColorRGB(0, 0, 0)
    canvas.translate(left, top)
    canvas.scale(module, -module)  # one unit per module, rows downwards: small whole numbers to write
    path = canvas.beginPath()
    for r, row in enumerate(qr.matrix):
        for start, end in _dark_runs(row):  # one rectangle per run: smaller files, no hairline seams
            path.rect(start, r, end - start, 1)
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
