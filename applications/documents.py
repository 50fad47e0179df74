"""Printable A4 PDFs of an `ApplicationSheet`: the 申报表 (notice annex 2) and the 诚信承诺书 (annex 3).

Drawn with the project's PDF toolkit (`skillcert.pdf`): the embedded CJK font (WenQuanYi Micro Hei, subset
into each PDF; `cjk_font_path()` says what to install when the package is missing), fitted text, boxes, the
photo, signature and stamp boxes, and the numbered 附页. This module holds the two layouts only.

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
from datetime import date
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from applications.sheet import ApplicationSheet
from skillcert.pdf import (
    CONTINUED,
    DATE_BLANK,
    FONT_NAME,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    SEAL,
    Box,
    Fitted,
    FontMissingError,
    continuation_pages,
    fit_text,
    fonts,
    frame,
    new_canvas,
    one_line,
    photo_box,
    shrunk,
    signature_box,
    stamp_box,
    title,
    warn_missing,
    wrap_lines,
)
from skillcert.pdf import draw_lines as _draw_lines
from skillcert.pdf import text_width as _width  # noqa: F401 (the layout tests measure with it)

logger = logging.getLogger(__name__)

FONT_PACKAGE = fonts.FONT_PACKAGE
FONT_DISTRIBUTION = fonts.FONT_DISTRIBUTION

__all__ = [
    "CONTINUED",
    "FontMissingError",
    "cjk_font_path",
    "fit_text",
    "pledge_promises",
    "render_application_form",
    "render_integrity_pledge",
    "wrap_lines",
]


def cjk_font_path() -> Path:
    """The font the printed documents embed (`skillcert.pdf.fonts`), from the package named here."""
    return fonts.cjk_font_path(FONT_PACKAGE)


LABEL_SIZE = 10.5
VALUE_SIZE = 10.5
CELL_FLOOR = 7.0
BOX_FLOOR = 8.0
PAD = 5.0


ONE_LINE_FLOOR = 8.5


class _Form:
    """One document being drawn: the canvas plus what overflowed, for the continuation pages."""

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.overflow: list[tuple[str, str]] = []

    def label(self, box: Box, text: str) -> None:
        """A cell label, centred; two-character labels spread like 姓　名."""
        frame(self.canvas, box)
        inner = box.inset(3, 2)
        spread = LABEL_SIZE if len(text) == 2 else 0.0
        fitted = fit_text(text, inner.w - spread, inner.h, LABEL_SIZE, CELL_FLOOR)
        _draw_lines(self.canvas, fitted, inner, align="center", valign="middle", char_space=spread)

    def value(self, box: Box, text: str, label: str, align: str = "center") -> None:
        """A filled-in cell: one centred line when it fits, else wrapped and shrunk."""
        frame(self.canvas, box)
        inner = box.inset(PAD, 2)
        fitted = one_line(text, inner.w, VALUE_SIZE, ONE_LINE_FLOOR)
        fitted = fitted or fit_text(text, inner.w, inner.h, VALUE_SIZE, CELL_FLOOR)
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
    photo_box(canvas, box, jpeg, placeholder=PHOTO_PLACEHOLDER, floor=CELL_FLOOR)


def _front(form: _Form, sheet: ApplicationSheet) -> None:
    canvas = form.canvas
    title(canvas, FORM_TITLE[0], PAGE_HEIGHT - 60, 18)
    title(canvas, FORM_TITLE[1], PAGE_HEIGHT - 90, 20)

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
    frame(canvas, history)
    heading = history.inset(PAD + 1, PAD + 1)
    _draw_lines(canvas, fit_text("工作简历：", heading.w, LABEL_SIZE * 1.2, LABEL_SIZE, LABEL_SIZE), heading)
    form.text_box(history.inset(PAD + 1, PAD + 1 + LABEL_SIZE * 2, PAD + 1, PAD + 1), sheet.work_history, "工作简历")

    outer = Box(TABLE_LEFT, BOTTOM, TABLE_WIDTH, FRONT_TOP - BOTTOM)
    frame(canvas, outer, width=1.2)


BACK_TOP = PAGE_HEIGHT - 50
BACK_LABEL = 112.0
BACK_ROWS = (196.0, 196.0, 110.0, 110.0, 112.0)


def _opinion(form: _Form, box: Box, label: str, stamp_align: str) -> None:
    canvas = form.canvas
    frame(canvas, box)
    inner = box.inset(PAD + 1, PAD + 1)
    _draw_lines(canvas, fit_text(label, inner.w, LABEL_SIZE * 3, LABEL_SIZE, CELL_FLOOR), inner)
    if stamp_align == "center":
        stamp = Box(box.x + box.w * 0.45, box.y, box.w * 0.5, box.h)
    else:
        stamp = Box(box.right - 150, box.y, 130, box.h)
    stamp_box(canvas, stamp, bottom=box.y, size=LABEL_SIZE, seal=SEAL)


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
        frame(canvas, label_box)
        inner = label_box.inset(8, 8)
        _draw_lines(canvas, fit_text(label, inner.w, inner.h, LABEL_SIZE, CELL_FLOOR), inner, valign="middle")
        content = Box(TABLE_LEFT + BACK_LABEL, bottom, TABLE_WIDTH - BACK_LABEL, top - bottom)
        frame(canvas, content)
        form.text_box(content.inset(PAD + 1, PAD + 1), text, label)

    half = TABLE_WIDTH / 2
    for index, pair in enumerate((OPINIONS[:2], OPINIONS[2:]), start=2):
        top, bottom = tops[index], tops[index + 1]
        for column, label in enumerate(pair):
            _opinion(form, Box(TABLE_LEFT + column * half, bottom, half, top - bottom), label, "center")
    _opinion(form, Box(TABLE_LEFT, tops[5], TABLE_WIDTH, tops[4] - tops[5]), ASSOCIATION_OPINION, "right")

    frame(canvas, Box(TABLE_LEFT, tops[5], TABLE_WIDTH, BACK_TOP - tops[5]), width=1.2)
    note = canvas.beginText()
    note.setFont(FONT_NAME, 10)
    note.setTextOrigin(TABLE_LEFT, tops[5] - 20)
    note.textOut(FOOTNOTE)
    canvas.drawText(note)


CONTINUATION_SIZE = 10.5


def _continuation(canvas: Canvas, sheet: ApplicationSheet, overflow: list[tuple[str, str]]) -> int:
    """Print what did not fit on the form, on as many 附页 as it takes; how many pages were added."""
    return continuation_pages(
        canvas,
        overflow,
        heading="申报表附页",
        who=f"姓名：{sheet.full_name}　　身份证号码：{sheet.id_number}　　申报职业：{sheet.occupation}",
        left=TABLE_LEFT,
        width=TABLE_WIDTH,
        bottom=BOTTOM,
        pad=PAD + 3,
        size=CONTINUATION_SIZE,
    )


def _canvas(buffer: io.BytesIO, title: str, sheet: ApplicationSheet) -> Canvas:
    return new_canvas(
        buffer,
        title=f"{title}（{sheet.full_name}）",
        subject=f"{sheet.campaign_year} 年机关事业单位技能人员职业技能等级认定",
        size=VALUE_SIZE,
    )


def render_application_form(sheet: ApplicationSheet) -> bytes:
    """The 申报表 of annex 2: front and back of one A4 sheet, then 附页 for text that did not fit."""
    buffer = io.BytesIO()
    canvas = _canvas(buffer, "".join(FORM_TITLE), sheet)
    warn_missing(
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
    warn_missing((sheet.full_name,))
    title(canvas, PLEDGE_TITLE, PAGE_HEIGHT - 110, 22)

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
        line = shrunk(label + value, value_width, PLEDGE_SIZE)
        canvas.setFont(FONT_NAME, line.size)
        canvas.drawString(left, baseline, label + value)
        baseline -= PLEDGE_PITCH + 4

    blank_right = PAGE_WIDTH - PLEDGE_LEFT
    signature_box(canvas, left, baseline, blank_right, label="承诺人（签名）：", name=sheet.full_name, size=PLEDGE_SIZE)
    baseline -= PLEDGE_PITCH + 24

    canvas.setFont(FONT_NAME, PLEDGE_SIZE)
    canvas.drawRightString(blank_right, baseline, DATE_BLANK)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
