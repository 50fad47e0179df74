"""The certificate's Song face: Noto Serif SC (思源宋体's Noto build, SIL OFL 1.1), made readable by ReportLab.

The PyPI package `pylopdf-fonts-zh-cn` ships `NotoSerifSC-Regular.otf` with CFF (PostScript) outlines, which
ReportLab's `TTFont` cannot read. `build()` converts it once to TrueType outlines with fontTools (cubic
curves to quadratic ones with `cu2qu`, within 1/1000 em), keeping all its 31,058 glyphs (every CJK Unified
Ideograph, extension A, the punctuation and Latin), and drops the tables ReportLab never reads (vertical
metrics, OpenType layout). The result, about 13 MB, is written as `NotoSerifSC-Regular-<digest>.ttf` into the
venv (`<sys.prefix>/share/skillcert/fonts`, or `$SKILLCERT_FONT_DIR`), named by the SHA-256 of the source, so
an upgraded package builds anew and a stale file is never read.

`make install` runs `python -m skillcert.pdf.serif` (about 25 s and 450 MB the first time, a hash check after).
Nothing is converted at run time: `built_path()` only looks, and the certificate falls back to WenQuanYi
Micro Hei (logging why) when the file is not there.

No real 仿宋 (FangSong) face is available under a free licence from the registries we install from; a Song
(宋体) serif is the nearest formal face, and OFL allows the converted copy (it keeps its name, "Noto Serif SC":
the licence reserves only the name "Source").
"""

import hashlib
import logging
import os
import sys
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

SOURCE_PACKAGE = "pylopdf_fonts_zh_cn"  # PyPI: pylopdf-fonts-zh-cn
SOURCE_DISTRIBUTION = "pylopdf-fonts-zh-cn==0.1.1"
SOURCE_FILE = "NotoSerifSC-Regular.otf"
FONT_DIR_ENV = "SKILLCERT_FONT_DIR"
STEM = "NotoSerifSC-Regular"
MAX_ERROR = 1.0  # font units (1/1000 em) a quadratic curve may stray from the cubic one: invisible in print
# Tables ReportLab never reads: vertical writing, OpenType layout, the signature (invalid once converted).
DROPPED = ("CFF ", "VORG", "vhea", "vmtx", "DSIG", "BASE", "GDEF", "GPOS", "GSUB")


def source_path() -> Path | None:
    """The OpenType file in the installed `pylopdf-fonts-zh-cn`, or None when the package is missing."""
    try:
        font = resources.files(SOURCE_PACKAGE).joinpath(SOURCE_FILE)
    except ModuleNotFoundError:
        return None
    return font if isinstance(font, Path) and font.is_file() else None


@cache
def _digest(path: Path, size: int, mtime_ns: int) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(1 << 20):
            sha.update(chunk)
    return sha.hexdigest()[:16]


def source_digest(path: Path) -> str:
    """The first 16 hex digits of the SHA-256 of `path` (once per process and file version)."""
    stat = path.stat()
    return _digest(path, stat.st_size, stat.st_mtime_ns)


def font_dir() -> Path:
    """Where converted fonts live: `$SKILLCERT_FONT_DIR`, else the venv's `share/skillcert/fonts`."""
    return Path(os.environ.get(FONT_DIR_ENV) or Path(sys.prefix) / "share" / "skillcert" / "fonts")


def target_path(source: Path) -> Path:
    return font_dir() / f"{STEM}-{source_digest(source)}.ttf"


def built_path() -> Path | None:
    """The converted font for the installed source, or None when it is not built (or no source)."""
    source = source_path()
    if source is None:
        return None
    target = target_path(source)
    return target if target.is_file() else None


def convert(source: Path, target: Path) -> None:
    """Write `source` (CFF outlines) to `target` with TrueType outlines (fontTools, cu2qu)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(source)
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(None)
        # CFF contours run counter-clockwise, TrueType's clockwise.
        glyphs[name].draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))
        glyf[name] = pen.glyph()
    for tag in DROPPED:
        if tag in font:
            del font[tag]
    font["glyf"], font["loca"] = glyf, newTable("loca")
    font.sfntVersion = "\x00\x01\x00\x00"
    _truetype_maxp(font["maxp"])
    font["post"].formatType = 3.0  # no glyph names: ReportLab does not need them
    font["head"].glyphDataFormat = 0
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    font.save(partial)  # fontTools computes loca, the bounding boxes and maxp's counts on save
    os.replace(partial, target)  # atomic: a reader never sees half a font


def _truetype_maxp(maxp: Any) -> None:
    """maxp version 1.0 (TrueType) with no hinting limits: the outlines carry no instructions."""
    maxp.tableVersion = 0x00010000
    for field in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
        "maxComponentDepth",
    ):
        setattr(maxp, field, 0)
    maxp.maxZones = 1


def build() -> Path | None:
    """The converted font, converting it now when it is not there; older conversions are removed.
    None (with a warning) when `pylopdf-fonts-zh-cn` is not installed."""
    source = source_path()
    if source is None:
        logger.warning("no %s: certificates print in WenQuanYi Micro Hei", SOURCE_DISTRIBUTION)
        return None
    target = target_path(source)
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        convert(source, target)
    for stale in target.parent.glob(f"{STEM}-*.ttf"):
        if stale != target:
            stale.unlink(missing_ok=True)
    return target


def main() -> int:
    """`make install`: convert when needed, silent when the font is already there."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if built_path() is not None:
        return 0
    target = build()
    print(f"certificate font: {target}" if target else "certificate font: not built (see the warning)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
