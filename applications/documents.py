"""Printable A4 PDFs of an `ApplicationSheet`: the 申报表 (notice annex 2) and the 诚信承诺书 (annex 3).

Font. Every Chinese glyph is drawn with WenQuanYi Micro Hei (文泉驿微米黑, TrueType outlines, Apache-2.0 or
GPLv3 with the font-embedding exception), shipped by the PyPI package `paperang-p2-fonts-cjk`, and embedded in
each PDF as a subset: the documents print the same in any viewer, with no Asian font pack. Nothing is ever
downloaded at run time; `cjk_font_path()` says what to install when the package is missing.

Overflow. The 申报表 is two pages (front and back, printed on both sides of one sheet). Every box fits its text:
1. wrap (Chinese breaks anywhere except before closing / after opening punctuation; Latin words stay whole);
2. if it does not fit, shrink the font in half-point steps down to a floor (8 pt in the big boxes, 7 pt in the
   one-line cells, where a short value first shrinks to 8.5 pt on one line before it wraps);
3. if it still does not fit at the floor, the box's last line ends with "（续见附页）" and the rest is printed, at
   the normal size, on continuation pages (附页) after the back page, under the box's label with "（续）".
   Each 附页 repeats the applicant's name and ID number and is numbered "附页第 i 页，共 n 页".
Text never runs outside its box.

Rendering is deterministic: the same sheet gives the same bytes (ReportLab's invariant mode: no timestamp, fixed
document ID), so a caller may cache a PDF by the sheet's content.
"""

import io
import logging
import math
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from applications.sheet import ApplicationSheet

logger = logging.getLogger(__name__)

FONT_PACKAGE = "paperang_p2_fonts_cjk"  # PyPI: paperang-p2-fonts-cjk
FONT_DISTRIBUTION = "paperang-p2-fonts-cjk==0.1.0"
FONT_RESOURCE = ("fonts", "wqy-microhei.ttc")
FONT_SUBFONT = 0  # 0: WenQuanYi Micro Hei, 1: its monospaced face
FONT_NAME = "WenQuanYiMicroHei"

CONTINUED = "（续见附页）"
DATE_BLANK = "年　　月　　日"  # room to write the date by hand
SEAL = "（公章）"

PAGE_WIDTH, PAGE_HEIGHT = A4

# Vertical metrics of the font, in em (WenQuanYi Micro Hei: ascent 0.765, descent 0.240).
_ASCENT = 0.78
_BLOCK = 1.05  # height of one line of text, in em, ascent plus descent
_LEADING = 1.45  # line pitch, in em

_NO_LINE_START = frozenset("，。、；：！？）》」』】〕〉”’…—·%,.;:!?)]}")
_NO_LINE_END = frozenset("（《「『【〔〈“‘([{")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class FontMissingError(RuntimeError):
    """The CJK font package is not installed: PDFs cannot show Chinese."""


def cjk_font_path() -> Path:
    """The TrueType collection that holds the font, from the installed `paperang-p2-fonts-cjk` package."""
    hint = (
        f"the printable documents need the Chinese font package {FONT_DISTRIBUTION} "
        "(WenQuanYi Micro Hei); install the project's requirements: "
        "pip install --require-hashes -r requirements.lock"
    )
    try:
        root = resources.files(FONT_PACKAGE)
    except ModuleNotFoundError as exc:
        raise FontMissingError(hint) from exc
    font = root.joinpath(*FONT_RESOURCE)
    if not isinstance(font, Path) or not font.is_file():
        raise FontMissingError(f"{hint} (no {'/'.join(FONT_RESOURCE)} in {root})")
    return font


_font_lock = threading.Lock()


def _font() -> str:
    """Register the font with ReportLab once per process; its name for `setFont`."""
    with _font_lock:
        if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(cjk_font_path()), subfontIndex=FONT_SUBFONT))
    return FONT_NAME


@cache
def _em(char: str) -> float:
    """Advance width of one character at size 1."""
    return pdfmetrics.stringWidth(char, FONT_NAME, 1.0)


def _width(text: str, size: float) -> float:
    return sum(_em(char) for char in text) * size


def _missing_glyphs(texts: Iterable[str]) -> set[str]:
    face = pdfmetrics.getFont(FONT_NAME).face
    return {char for text in texts for char in text if char > " " and ord(char) not in face.charToGlyph}


# --- Line breaking and fitting ---------------------------------------------------------------------------------


def _normalize(text: str) -> str:
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    "))
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def _ascii_word(char: str) -> bool:
    return "!" <= char <= "~"


def _can_break_before(text: str, i: int) -> bool:
    before, after = text[i - 1], text[i]
    if after in _NO_LINE_START or before in _NO_LINE_END:
        return False
    if before == " " or after == " ":
        return True
    return not (_ascii_word(before) and _ascii_word(after))


def _break_line(text: str, start: int, size: float, width: float) -> tuple[int, int]:
    """Greedy break of the line that starts at `start`: (end of what is printed, start of the next line)."""
    used = 0.0
    allowed = None
    i = start
    while i < len(text):
        char = text[i]
        if char == "\n":
            return i, i + 1
        if i > start and _can_break_before(text, i):
            allowed = i
        used += _em(char) * size
        if used > width and i > start:
            end = i if char == " " or allowed is None else allowed
            shown = end
            while shown > start and text[shown - 1] == " ":
                shown -= 1
            while end < len(text) and text[end] == " ":
                end += 1
            return shown, end
        i += 1
    return len(text), len(text)


def _wrap(text: str, size: float, width: float) -> list[tuple[int, int]]:
    """Lines of normalized `text` as (start, end) offsets."""
    lines = []
    start = 0
    while start < len(text):
        end, start_next = _break_line(text, start, size, width)
        lines.append((start, end))
        start = start_next
    return lines


def wrap_lines(text: str, size: float, width: float) -> list[str]:
    """`text` broken into lines no wider than `width` points at `size` points."""
    _font()
    text = _normalize(text)
    return [text[start:end] for start, end in _wrap(text, size, width)]


def _capacity(height: float, size: float) -> int:
    """How many lines of `size` fit in `height`."""
    if height < _BLOCK * size:
        return 0
    return math.floor((height - _BLOCK * size) / (_LEADING * size) + 1e-9) + 1


@dataclass(frozen=True)
class Fitted:
    size: float
    lines: tuple[str, ...]
    rest: str  # what did not fit, for the continuation pages ("" when everything fits)

    @property
    def leading(self) -> float:
        return self.size * _LEADING

    @property
    def height(self) -> float:
        return (len(self.lines) - 1) * self.leading + _BLOCK * self.size if self.lines else 0.0


def fit_text(text: str, width: float, height: float, size: float, floor: float) -> Fitted:
    """Lay `text` out in a `width` × `height` box: at `size`, else smaller down to `floor`, else truncated
    at `floor` with the continuation marker and the remainder in `rest`."""
    _font()
    text = _normalize(text)
    current = size
    while True:
        lines = _wrap(text, current, width)
        room = _capacity(height, current)
        if len(lines) <= room:
            return Fitted(current, tuple(text[s:e] for s, e in lines), "")
        if current - 0.5 < floor - 1e-9:
            break
        current -= 0.5
    if room < 1:
        raise ValueError(f"a {width:.0f}×{height:.0f} pt box cannot hold one line of {current} pt text")
    kept = [text[s:e] for s, e in lines[: room - 1]]
    last_start = lines[room - 1][0]
    # The full marker, or a shorter one in a cell too narrow for it (the 附页 says the rest either way).
    marker = next(m for m in (CONTINUED, "（续）", "…") if m == "…" or _width(m + "中", current) <= width)
    end, rest_start = _break_line(text, last_start, current, width - _width(marker, current))
    kept.append(text[last_start:end] + marker)
    return Fitted(current, tuple(kept), text[rest_start:].strip("\n "))


# --- Drawing helpers --------------------------------------------------------------------------------------------


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


def _draw_lines(
    canvas: Canvas, fitted: Fitted, box: Box, align: str = "left", valign: str = "top", char_space: float = 0.0
) -> None:
    """Draw fitted lines inside `box` (which they were fitted to)."""
    top = box.y + (box.h + fitted.height) / 2 if valign == "middle" else box.top
    baseline = top - _ASCENT * fitted.size
    for line in fitted.lines:
        text = canvas.beginText()
        text.setFont(FONT_NAME, fitted.size)
        text.setCharSpace(char_space)
        width = _width(line, fitted.size) + char_space * max(len(line) - 1, 0)
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


def _title(canvas: Canvas, text: str, y: float, size: float) -> None:
    """A centred heading in faux bold (filled and stroked glyphs: the font has one weight)."""
    obj = canvas.beginText()
    obj.setFont(FONT_NAME, size)
    obj.setTextRenderMode(2)
    obj.setTextOrigin((PAGE_WIDTH - _width(text, size)) / 2, y)
    obj.textOut(text)
    canvas.saveState()
    canvas.setLineWidth(size / 40)
    canvas.drawText(obj)
    canvas.restoreState()


def _frame(canvas: Canvas, box: Box, width: float = 0.6) -> None:
    canvas.setLineWidth(width)
    canvas.rect(box.x, box.y, box.w, box.h, stroke=1, fill=0)


LABEL_SIZE = 10.5
VALUE_SIZE = 10.5
CELL_FLOOR = 7.0
BOX_FLOOR = 8.0
PAD = 5.0


ONE_LINE_FLOOR = 8.5


def _shrunk(text: str, width: float, size: float) -> Fitted:
    """One line, made as small as it must be to fit `width` (for the few printed values that have no 附页)."""
    text = _normalize(text).replace("\n", " ")
    natural = _width(text, 1.0)
    return Fitted(min(size, width / natural) if natural else size, (text,) if text else (), "")


def _one_line(text: str, width: float) -> Fitted | None:
    """A short value on one line, shrunk a little if need be (a name reads better unbroken), or None."""
    text = _normalize(text)
    if "\n" in text:
        return None
    size = VALUE_SIZE
    while size >= ONE_LINE_FLOOR:
        if _width(text, size) <= width:
            return Fitted(size, (text,) if text else (), "")
        size -= 0.5
    return None


class _Form:
    """One document being drawn: the canvas plus what overflowed, for the continuation pages."""

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.overflow: list[tuple[str, str]] = []

    def label(self, box: Box, text: str) -> None:
        """A cell label, centred; two-character labels spread like 姓　名."""
        _frame(self.canvas, box)
        inner = box.inset(3, 2)
        spread = LABEL_SIZE if len(text) == 2 else 0.0
        fitted = fit_text(text, inner.w - spread, inner.h, LABEL_SIZE, CELL_FLOOR)
        _draw_lines(self.canvas, fitted, inner, align="center", valign="middle", char_space=spread)

    def value(self, box: Box, text: str, label: str, align: str = "center") -> None:
        """A filled-in cell: one centred line when it fits, else wrapped and shrunk."""
        _frame(self.canvas, box)
        inner = box.inset(PAD, 2)
        fitted = _one_line(text, inner.w) or fit_text(text, inner.w, inner.h, VALUE_SIZE, CELL_FLOOR)
        if len(fitted.lines) > 1:
            align = "left"
        _draw_lines(self.canvas, fitted, inner, align=align, valign="middle")
        self._keep(label, fitted)

    def text_box(self, box: Box, text: str, label: str) -> None:
        """A tall box of wrapped text, top-aligned."""
        fitted = fit_text(text, box.w, box.h, VALUE_SIZE, BOX_FLOOR)
        _draw_lines(self.canvas, fitted, box)
        self._keep(label, fitted)

    def _keep(self, label: str, fitted: Fitted) -> None:
        if fitted.rest:
            self.overflow.append((label, fitted.rest))


# --- 申报表 (annex 2) -------------------------------------------------------------------------------------------

FORM_TITLE = ("内蒙古自治区机关事业单位", "技能人员职业技能等级认定申报表")
PHOTO_PLACEHOLDER = "近期免冠白底\n彩色照片\n\n1.5 寸"
ACHIEVEMENTS_LABEL = "历次参加技术革新、技术攻关和技能竞赛的成绩（成果）、传授技艺情况"
SPECIALTIES_LABEL = "技术特长以及在本工种生产工艺、关键操作技术方面解决难题的表现、业绩"
OPINIONS = (
    "单位意见：",
    "主管部门意见：",
    "旗（县、市、区）人力资源和社会保障部门意见：",
    "盟（市）人力资源和社会保障部门意见：",
)
ASSOCIATION_OPINION = "内蒙古职业培训与就业促进会意见："
FOOTNOTE = "注：此表 A4 纸正反面打印"

TABLE_WIDTH = 495.0
TABLE_LEFT = (PAGE_WIDTH - TABLE_WIDTH) / 2
# Front grid: label | value | label | value | label | value | photo (35 mm × 45 mm over the first four rows).
COLUMNS = (78.0, 82.0, 66.0, 56.0, 66.0, 48.0, 99.0)
ROW = 32.0
FRONT_TOP = PAGE_HEIGHT - 112
BOTTOM = 52.0


def _format_date(value: date | None) -> str:
    return f"{value.year}年{value.month}月" if value else ""


def _format_years(value: int | None) -> str:
    return f"{value}年" if value is not None else ""


def _cell(row: int, first: int, last: int, rows: int = 1) -> Box:
    """The box over grid columns first..last (inclusive) and `rows` rows from `row`, front page."""
    x = TABLE_LEFT + sum(COLUMNS[:first])
    top = FRONT_TOP - row * ROW
    return Box(x, top - rows * ROW, sum(COLUMNS[first : last + 1]), rows * ROW)


def _photo(canvas: Canvas, box: Box, jpeg: bytes | None) -> None:
    _frame(canvas, box)
    image = _photo_image(jpeg) if jpeg else None
    if image is None:
        inner = box.inset(4, 4)
        fitted = fit_text(PHOTO_PLACEHOLDER, inner.w, inner.h, 10.5, CELL_FLOOR)
        _draw_lines(canvas, fitted, inner, align="center", valign="middle")
        return
    inner = box.inset(3, 3)
    width, height = image.getSize()
    scale = min(inner.w / width, inner.h / height)
    w, h = width * scale, height * scale
    canvas.drawImage(image, inner.x + (inner.w - w) / 2, inner.y + (inner.h - h) / 2, w, h)


def _photo_image(jpeg: bytes) -> ImageReader | None:
    """The photo upright (EXIF orientation applied), RGB, at most 300 dpi for the box, as JPEG."""
    try:
        with Image.open(io.BytesIO(jpeg)) as original:
            image = ImageOps.exif_transpose(original).convert("RGB")
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        logger.warning("applicant photo is not a readable image; printing the placeholder")
        return None
    image.thumbnail((420, 540))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return ImageReader(io.BytesIO(out.getvalue()))


def _front(form: _Form, sheet: ApplicationSheet) -> None:
    canvas = form.canvas
    _title(canvas, FORM_TITLE[0], PAGE_HEIGHT - 60, 18)
    _title(canvas, FORM_TITLE[1], PAGE_HEIGHT - 90, 20)

    form.label(_cell(0, 0, 0), "姓名")
    form.value(_cell(0, 1, 1), sheet.full_name, "姓名")
    form.label(_cell(0, 2, 2), "性别")
    form.value(_cell(0, 3, 3), sheet.gender, "性别")
    form.label(_cell(0, 4, 4), "民族")
    form.value(_cell(0, 5, 5), sheet.ethnicity, "民族")
    _photo(canvas, _cell(0, 6, 6, rows=4), sheet.photo_jpeg)

    form.label(_cell(1, 0, 0), "身份证号码")
    form.value(_cell(1, 1, 5), sheet.id_number, "身份证号码")
    form.label(_cell(2, 0, 0), "文化程度")
    form.value(_cell(2, 1, 1), sheet.education, "文化程度")
    form.label(_cell(2, 2, 2), "联系电话")
    form.value(_cell(2, 3, 5), sheet.phone, "联系电话")
    form.label(_cell(3, 0, 0), "参加工作时间")
    form.value(_cell(3, 1, 1), _format_date(sheet.work_started_on), "参加工作时间")
    form.label(_cell(3, 2, 2), "本职业工龄")
    form.value(_cell(3, 3, 5), _format_years(sheet.occupation_years), "本职业工龄")

    form.label(_cell(4, 0, 0), "工作单位")
    form.value(_cell(4, 1, 6), sheet.employer, "工作单位")
    pairs = (
        ("申报职业", sheet.occupation, "申报等级", sheet.level),
        ("申报工种", sheet.work_type, "申报类别", sheet.category),
        ("上一级\n证书职业", sheet.prior_certificate_occupation, "上一级\n证书编号", sheet.prior_certificate_number),
    )
    for row, (left_label, left, right_label, right) in enumerate(pairs, start=5):
        form.label(_cell(row, 0, 0), left_label)
        form.value(_cell(row, 1, 3), left, left_label.replace("\n", ""))
        form.label(_cell(row, 4, 4), right_label)
        form.value(_cell(row, 5, 6), right, right_label.replace("\n", ""))

    history = Box(TABLE_LEFT, BOTTOM, TABLE_WIDTH, _cell(8, 0, 0).top - BOTTOM)
    _frame(canvas, history)
    heading = history.inset(PAD + 1, PAD + 1)
    _draw_lines(canvas, fit_text("工作简历：", heading.w, LABEL_SIZE * 1.2, LABEL_SIZE, LABEL_SIZE), heading)
    form.text_box(history.inset(PAD + 1, PAD + 1 + LABEL_SIZE * 2, PAD + 1, PAD + 1), sheet.work_history, "工作简历")

    outer = Box(TABLE_LEFT, BOTTOM, TABLE_WIDTH, FRONT_TOP - BOTTOM)
    _frame(canvas, outer, width=1.2)


BACK_TOP = PAGE_HEIGHT - 50
BACK_LABEL = 112.0
BACK_ROWS = (196.0, 196.0, 110.0, 110.0, 112.0)


def _opinion(form: _Form, box: Box, label: str, stamp_align: str) -> None:
    canvas = form.canvas
    _frame(canvas, box)
    inner = box.inset(PAD + 1, PAD + 1)
    _draw_lines(canvas, fit_text(label, inner.w, LABEL_SIZE * 3, LABEL_SIZE, CELL_FLOOR), inner)
    if stamp_align == "center":
        stamp = Box(box.x + box.w * 0.45, box.y, box.w * 0.5, box.h)
    else:
        stamp = Box(box.right - 150, box.y, 130, box.h)
    for text, baseline in ((SEAL, 38), (DATE_BLANK, 16)):
        obj = canvas.beginText()
        obj.setFont(FONT_NAME, LABEL_SIZE)
        obj.setTextOrigin(stamp.x + (stamp.w - _width(text, LABEL_SIZE)) / 2, box.y + baseline)
        obj.textOut(text)
        canvas.drawText(obj)


def _back(form: _Form, sheet: ApplicationSheet) -> None:
    canvas = form.canvas
    tops = [BACK_TOP]
    for height in BACK_ROWS:
        tops.append(tops[-1] - height)

    for index, (label, text) in enumerate(
        ((ACHIEVEMENTS_LABEL, sheet.achievements), (SPECIALTIES_LABEL, sheet.specialties))
    ):
        top, bottom = tops[index], tops[index + 1]
        label_box = Box(TABLE_LEFT, bottom, BACK_LABEL, top - bottom)
        _frame(canvas, label_box)
        inner = label_box.inset(8, 8)
        _draw_lines(canvas, fit_text(label, inner.w, inner.h, LABEL_SIZE, CELL_FLOOR), inner, valign="middle")
        content = Box(TABLE_LEFT + BACK_LABEL, bottom, TABLE_WIDTH - BACK_LABEL, top - bottom)
        _frame(canvas, content)
        form.text_box(content.inset(PAD + 1, PAD + 1), text, label)

    half = TABLE_WIDTH / 2
    for index, pair in enumerate((OPINIONS[:2], OPINIONS[2:]), start=2):
        top, bottom = tops[index], tops[index + 1]
        for column, label in enumerate(pair):
            _opinion(form, Box(TABLE_LEFT + column * half, bottom, half, top - bottom), label, "center")
    _opinion(form, Box(TABLE_LEFT, tops[5], TABLE_WIDTH, tops[4] - tops[5]), ASSOCIATION_OPINION, "right")

    _frame(canvas, Box(TABLE_LEFT, tops[5], TABLE_WIDTH, BACK_TOP - tops[5]), width=1.2)
    note = canvas.beginText()
    note.setFont(FONT_NAME, 10)
    note.setTextOrigin(TABLE_LEFT, tops[5] - 20)
    note.textOut(FOOTNOTE)
    canvas.drawText(note)


CONTINUATION_SIZE = 10.5


def _continuation(canvas: Canvas, sheet: ApplicationSheet, overflow: list[tuple[str, str]]) -> int:
    """Print what did not fit on the form, on as many 附页 as it takes; how many pages were added."""
    box = Box(TABLE_LEFT, BOTTOM + 14, TABLE_WIDTH, PAGE_HEIGHT - 110 - (BOTTOM + 14))
    inner = box.inset(PAD + 3, PAD + 3)
    pitch = CONTINUATION_SIZE * _LEADING
    per_page = _capacity(inner.h, CONTINUATION_SIZE)

    rows: list[tuple[str, str]] = []  # (kind, text): kind "heading" | "line" | "gap"
    for label, rest in overflow:
        if rows:
            rows.append(("gap", ""))
        rows.append(("heading", f"{label}（续）："))
        rows += [("line", line) for line in wrap_lines(rest, CONTINUATION_SIZE, inner.w)]

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

    for number, page in enumerate(pages, start=1):
        _title(canvas, "申报表附页", PAGE_HEIGHT - 60, 16)
        who = f"姓名：{sheet.full_name}　　身份证号码：{sheet.id_number}　　申报职业：{sheet.occupation}"
        header = Box(TABLE_LEFT, PAGE_HEIGHT - 100, TABLE_WIDTH, 20)
        _draw_lines(canvas, _shrunk(who, header.w, 10.5), header)
        _frame(canvas, box, width=1.2)
        baseline = inner.top - _ASCENT * CONTINUATION_SIZE
        for _kind, text in page:
            obj = canvas.beginText()
            obj.setFont(FONT_NAME, CONTINUATION_SIZE)
            obj.setTextOrigin(inner.x, baseline)
            obj.textOut(text)
            canvas.drawText(obj)
            baseline -= pitch
        folio = f"附页第 {number} 页，共 {len(pages)} 页"
        canvas.setFont(FONT_NAME, 9)
        canvas.drawCentredString(PAGE_WIDTH / 2, BOTTOM - 8, folio)
        canvas.showPage()
    return len(pages)


def _canvas(buffer: io.BytesIO, title: str, sheet: ApplicationSheet) -> Canvas:
    _font()
    canvas = Canvas(
        buffer, pagesize=A4, invariant=1, pageCompression=1, initialFontName=FONT_NAME, initialFontSize=VALUE_SIZE
    )
    canvas.setTitle(f"{title}（{sheet.full_name}）")
    canvas.setAuthor("skillcert")
    canvas.setCreator("skillcert")
    canvas.setSubject(f"{sheet.campaign_year} 年机关事业单位技能人员职业技能等级认定")
    return canvas


def _warn_missing(texts: Iterable[str]) -> None:
    missing = _missing_glyphs(texts)
    if missing:
        logger.warning("the font has no glyph for %s: printed as empty boxes", "".join(sorted(missing)))


def render_application_form(sheet: ApplicationSheet) -> bytes:
    """The 申报表 of annex 2: front and back of one A4 sheet, then 附页 for text that did not fit."""
    buffer = io.BytesIO()
    canvas = _canvas(buffer, "".join(FORM_TITLE), sheet)
    _warn_missing(
        (
            sheet.full_name,
            sheet.ethnicity,
            sheet.employer,
            sheet.work_type,
            sheet.prior_certificate_occupation,
            sheet.work_history,
            sheet.achievements,
            sheet.specialties,
        ),
    )
    form = _Form(canvas)
    _front(form, sheet)
    canvas.showPage()
    _back(form, sheet)
    canvas.showPage()
    if form.overflow:
        _continuation(canvas, sheet, form.overflow)
    canvas.save()
    return buffer.getvalue()


# --- 诚信承诺书 (annex 3) ---------------------------------------------------------------------------------------

PLEDGE_TITLE = "诚信承诺书"
PLEDGE_INTRO = "本人自愿参加机关事业单位技能人员职业技能等级认定并已知晓相关规定，现郑重承诺："


def pledge_promises(year: int) -> tuple[str, ...]:
    """The six promises of annex 3, for the campaign of `year`."""
    return (
        f"一、认真执行职业技能等级认定有关政策规定，遵守 {year} 年全区机关事业单位技能人员职业技能等级认定的相关要求。",
        "二、本人熟悉所报职业（工种）的申报条件，具备申报资格。",
        "三、按时按要求提供个人申报所需材料，提交的材料均真实、有效、无误。",
        "四、报名信息经审核通过后，不再变更姓名、身份证号码、照片等信息。",
        "五、自觉遵守考试纪律，服从考试安排，尊重考务工作人员，保证不发生违纪违规行为。",
        "六、本承诺书业经本人亲笔签名，对违反以上承诺造成的后果，自愿承担相应责任，后果自负。",
    )


PLEDGE_LEFT = 78.0
PLEDGE_SIZE = 14.0
PLEDGE_PITCH = 28.0


def render_integrity_pledge(sheet: ApplicationSheet) -> bytes:
    """The 诚信承诺书 of annex 3, with the applicant's ID number, phone and name printed, signed by hand."""
    buffer = io.BytesIO()
    canvas = _canvas(buffer, PLEDGE_TITLE, sheet)
    _warn_missing((sheet.full_name,))
    _title(canvas, PLEDGE_TITLE, PAGE_HEIGHT - 110, 22)

    width = PAGE_WIDTH - 2 * PLEDGE_LEFT
    indent = "　　"  # two full-width spaces: the first line of each paragraph
    baseline = PAGE_HEIGHT - 170
    for paragraph in (PLEDGE_INTRO, *pledge_promises(sheet.campaign_year)):
        for line in wrap_lines(indent + paragraph, PLEDGE_SIZE, width):
            canvas.setFont(FONT_NAME, PLEDGE_SIZE)
            canvas.drawString(PLEDGE_LEFT, baseline, line)
            baseline -= PLEDGE_PITCH
        baseline -= 6

    left = PAGE_WIDTH / 2 - 10
    baseline -= 2 * PLEDGE_PITCH
    value_width = PAGE_WIDTH - PLEDGE_LEFT - left
    for label, value in (("身份证号：", sheet.id_number), ("联系电话：", sheet.phone)):
        line = _shrunk(label + value, value_width, PLEDGE_SIZE)
        canvas.setFont(FONT_NAME, line.size)
        canvas.drawString(left, baseline, label + value)
        baseline -= PLEDGE_PITCH + 4

    label = "承诺人（签名）："
    canvas.setFont(FONT_NAME, PLEDGE_SIZE)
    canvas.drawString(left, baseline, label)
    blank_left = left + _width(label, PLEDGE_SIZE) + 2
    blank_right = PAGE_WIDTH - PLEDGE_LEFT
    canvas.setLineWidth(0.8)
    canvas.line(blank_left, baseline - 4, blank_right, baseline - 4)
    name = _shrunk(f"（{sheet.full_name}）", blank_right - blank_left, 10.5)
    _draw_lines(canvas, name, Box(blank_left, baseline - 22, blank_right - blank_left, 14), align="center")
    baseline -= PLEDGE_PITCH + 24

    canvas.setFont(FONT_NAME, PLEDGE_SIZE)
    canvas.drawRightString(blank_right, baseline, DATE_BLANK)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
