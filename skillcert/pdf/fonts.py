"""The embedded CJK font: where it comes from, registering it with ReportLab, its metrics.

Every Chinese glyph is drawn with WenQuanYi Micro Hei (文泉驿微米黑, TrueType outlines, Apache-2.0 or
GPLv3 with the font-embedding exception), shipped by the PyPI package `paperang-p2-fonts-cjk`, and
embedded in each PDF as a subset: documents print the same in any viewer, with no Asian font pack.
Nothing is downloaded at run time; `cjk_font_path()` says what to install when the package is missing.
(No 仿宋-style face is available from the installed packages; the one face serves every document.)
"""

import logging
import threading
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

logger = logging.getLogger(__name__)

FONT_PACKAGE = "paperang_p2_fonts_cjk"  # PyPI: paperang-p2-fonts-cjk
FONT_DISTRIBUTION = "paperang-p2-fonts-cjk==0.1.0"
FONT_RESOURCE = ("fonts", "wqy-microhei.ttc")
FONT_SUBFONT = 0  # 0: WenQuanYi Micro Hei, 1: its monospaced face
FONT_NAME = "WenQuanYiMicroHei"

# Vertical metrics of the font, in em (WenQuanYi Micro Hei: ascent 0.765, descent 0.240).
ASCENT = 0.78
BLOCK = 1.05  # height of one line of text, in em, ascent plus descent
LEADING = 1.45  # line pitch, in em


class FontMissingError(RuntimeError):
    """The CJK font package is not installed: PDFs cannot show Chinese."""


def cjk_font_path(package: str = FONT_PACKAGE) -> Path:
    """The TrueType collection that holds the font, from the installed `paperang-p2-fonts-cjk` package."""
    hint = (
        f"the printable documents need the Chinese font package {FONT_DISTRIBUTION} "
        "(WenQuanYi Micro Hei); install the project's requirements: "
        "pip install --require-hashes -r requirements.lock"
    )
    try:
        root = resources.files(package)
    except ModuleNotFoundError as exc:
        raise FontMissingError(hint) from exc
    font = root.joinpath(*FONT_RESOURCE)
    if not isinstance(font, Path) or not font.is_file():
        raise FontMissingError(f"{hint} (no {'/'.join(FONT_RESOURCE)} in {root})")
    return font


_font_lock = threading.Lock()


def register_font() -> str:
    """Register the font with ReportLab once per process; its name for `setFont`."""
    with _font_lock:
        if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(cjk_font_path()), subfontIndex=FONT_SUBFONT))
    return FONT_NAME


@cache
def em(char: str) -> float:
    """Advance width of one character at size 1."""
    return pdfmetrics.stringWidth(char, FONT_NAME, 1.0)


def text_width(text: str, size: float) -> float:
    """Width of `text` on one line at `size` points."""
    return sum(em(char) for char in text) * size


def missing_glyphs(texts: Iterable[str]) -> set[str]:
    """Characters of `texts` the font has no glyph for (they would print as empty boxes)."""
    register_font()
    font = pdfmetrics.getFont(FONT_NAME)
    assert isinstance(font, TTFont)  # register_font() registered a TrueType font under this name
    face = font.face
    return {char for text in texts for char in text if char > " " and ord(char) not in face.charToGlyph}


def warn_missing(texts: Iterable[str]) -> None:
    """Log the characters of `texts` that will print as empty boxes."""
    missing = missing_glyphs(texts)
    if missing:
        logger.warning("the font has no glyph for %s: printed as empty boxes", "".join(sorted(missing)))
