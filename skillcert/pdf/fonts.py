"""The embedded CJK font: where it comes from, registering it with ReportLab, its metrics.

Every Chinese glyph is drawn with WenQuanYi Micro Hei (文泉驿微米黑, TrueType outlines, Apache-2.0 or
GPLv3 with the font-embedding exception), shipped by the PyPI package `paperang-p2-fonts-cjk`, and
embedded in each PDF as a subset: documents print the same in any viewer, with no Asian font pack.
Nothing is downloaded at run time; `cjk_font_path()` says what to install when the package is missing.

The certificate prints in a second face, Noto Serif SC (a Song serif, `skillcert.pdf.serif`: no free 仿宋
face is to be had), with WenQuanYi for any character it lacks: `register_serif`, `certificate_faces`, and the
per-character `runs` / `runs_width` measure and split text over an ordered tuple of faces.
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


def _glyphs(face: str) -> dict[int, int]:
    """The character map of a registered TrueType face."""
    font = pdfmetrics.getFont(face)
    assert isinstance(font, TTFont)  # only TrueType faces are registered here
    return font.face.charToGlyph


def missing_glyphs(texts: Iterable[str], faces: tuple[str, ...] = (FONT_NAME,)) -> set[str]:
    """Characters of `texts` no face of `faces` has a glyph for (they would print as empty boxes)."""
    register_font()
    maps = [_glyphs(face) for face in faces]
    return {char for text in texts for char in text if char > " " and not any(ord(char) in glyphs for glyphs in maps)}


def warn_missing(texts: Iterable[str], faces: tuple[str, ...] = (FONT_NAME,)) -> None:
    """Log the characters of `texts` that will print as empty boxes."""
    missing = missing_glyphs(texts, faces)
    if missing:
        logger.warning("the font has no glyph for %s: printed as empty boxes", "".join(sorted(missing)))


# --- the certificate's serif face, with WenQuanYi for what it lacks -------------------------------------------

SERIF_NAME = "NotoSerifSC"
# Vertical metrics of Noto Serif SC, in em (OS/2 typo ascender 0.88, descender 0.12).
SERIF_ASCENT = 0.88


def register_serif() -> str | None:
    """Register the converted Noto Serif SC once per process; its name, or None (logged once) when
    `make install` has not built it."""
    with _font_lock:
        if SERIF_NAME in pdfmetrics.getRegisteredFontNames():
            return SERIF_NAME
        from skillcert.pdf import serif  # not at import: `python -m skillcert.pdf.serif` loads this package first

        path = serif.built_path()
        if path is None:
            _warn_no_serif()
            return None
        pdfmetrics.registerFont(TTFont(SERIF_NAME, str(path)))
    return SERIF_NAME


@cache
def _warn_no_serif() -> None:
    logger.warning("the certificate font is not built (make install): certificates print in WenQuanYi Micro Hei")


def certificate_faces() -> tuple[str, ...]:
    """The faces a certificate prints in, first choice first: the serif and WenQuanYi, or WenQuanYi alone."""
    register_font()
    serif_face = register_serif()
    return (serif_face, FONT_NAME) if serif_face else (FONT_NAME,)


@cache
def face_of(char: str, faces: tuple[str, ...]) -> str:
    """The first face of `faces` that has `char` (the first face when none has: it prints a box)."""
    code = ord(char)
    return next((face for face in faces if code in _glyphs(face)), faces[0])


@cache
def face_em(char: str, faces: tuple[str, ...]) -> float:
    """Advance width of `char` at size 1, in the face that prints it."""
    return pdfmetrics.stringWidth(char, face_of(char, faces), 1.0)


def runs_width(text: str, size: float, faces: tuple[str, ...]) -> float:
    """Width of `text` on one line at `size` points, each character in the face that prints it."""
    return sum(face_em(char, faces) for char in text) * size


def runs(text: str, faces: tuple[str, ...]) -> list[tuple[str, str]]:
    """`text` cut into (face, text) runs, each character in the first face that has it."""
    out: list[tuple[str, str]] = []
    for char in text:
        face = face_of(char, faces)
        if out and out[-1][0] == face:
            out[-1] = (face, out[-1][1] + char)
        else:
            out.append((face, char))
    return out
