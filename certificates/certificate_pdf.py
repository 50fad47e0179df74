"""The printed 职业技能等级证书: one A4 page per certificate, drawn with the PDF toolkit (`skillcert.pdf`).

Pure: a `PrintedCertificate` in, PDF bytes out (no Django, no database). The page holds what 人社鉴发〔2021〕1号
lists: the title, the body text (`DEFAULT_BODY_TEXT` unless the certificate carries its own), then 姓名, 证件
类型, 证件号码 (whole), 职业名称 with its code, 工种/职业方向 (or "--"), 职业技能等级 (三级/高级工), 证书编号,
评价机构 under a place for its seal, and 发证日期; a 1-inch photo (25 × 35 mm) and the QR code (this site's
verification URL carrying the signed record) with the query addresses under it. Every value is fitted to its
box: on one line, shrunk in half points to its floor, else wrapped (names and issuers of any length the models
allow stay inside).

Face: Noto Serif SC (a Song serif, the nearest free face to the 仿宋 of printed certificates, converted at
install time: `skillcert.pdf.serif`), each character it lacks in WenQuanYi Micro Hei; both are embedded as
subsets. Characters neither has are logged (`warn_missing`).

QR code: error correction M (15 % of the symbol may be lost: a fold, a scratch, the seal's edge) with a
4-module quiet zone, 56 mm square: a ~700-character URL is version 21 (101 modules), so a module is 0.51 mm,
above the 0.5 mm a phone camera needs on paper; level Q would make it version 25 at 0.45 mm.

Pre-printed stock (`render_variable_fields`): the association may print on sheets that already carry the
border, title, body text and labels. Then only the values, the photo (unframed) and the QR code are printed,
at the positions the full certificate prints them, moved by the printer's `Calibration`. The query addresses
are the stock's too and are not printed.

Measuring a printer's offset (`calibration_sheet`):

1. Print `calibration_sheet(Calibration())` on plain A4 with the printer and tray used for the stock, at
   actual size (no "fit to page").
2. The rulers along the top and left edges are drawn at their nominal place: the tick labelled 100 on the top
   ruler should be 100 mm from the sheet's left edge, the tick labelled 100 on the left ruler 100 mm from the
   top edge. Measure both with a steel ruler from the paper's edges.
3. offset_x_mm = 100 − the measured distance of the top ruler's 100 (positive moves the print right);
   offset_y_mm = the measured distance of the left ruler's 100 − 100 (positive moves the print up, as the
   staff's calibration form says). A printer that prints 1.5 mm too far right and 1 mm too low needs
   offset_x_mm = −1.5 and offset_y_mm = +1.
4. Print the sheet again with that calibration: each crosshair now lands on its nominal place (printed beside
   it, in mm from the top-left corner), and on a sheet of the stock it sits at the start of the field's line.
   Keep the calibration with the printer; it is bounded to ±20 mm.

`render_certificates` and `render_variable_fields_batch` write many certificates into one PDF (a city's
batch), page after page into one canvas, and return the pages written. ReportLab keeps a document's pages
until it saves, so a batch holds its own pages (compressed, the photo of each once) and nothing more: memory
grows with the batch size, not with the number of batches.
"""

import io
import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

from reportlab.pdfgen.canvas import Canvas

from certificates.record import NO_WORK_TYPE, PrintedCertificate
from skillcert.pdf import MM, PAGE_HEIGHT, PAGE_WIDTH, Box, Fitted, fit_text, new_canvas, photo_image, qr_box
from skillcert.pdf.fonts import (
    ASCENT,
    BLOCK,
    SERIF_ASCENT,
    SERIF_NAME,
    certificate_faces,
    runs,
    runs_width,
    warn_missing,
)

logger = logging.getLogger(__name__)

DEFAULT_BODY_TEXT = "经评价，该同志已达到本职业（工种）相应技能等级要求，特发此证。"
NATIONAL_QUERY_ADDRESSES = (
    "技能人才评价证书全国联网查询 http://zscx.osta.org.cn/",
    "内蒙古“四位一体”就业服务云平台 https://nmgswyt3.12333k.cn/",
)
MAX_OFFSET_MM = 20.0

QR_ERROR = "m"
MIN_MODULE_MM = 0.5  # what a phone camera reads on paper
QR_BORDER = 4
QR_MASK = 1  # the signed record is random-looking: every mask scores about the same, a fixed one saves the scoring
PHOTO_PLACEHOLDER = "照片"
PHOTO_PIXELS = (300, 420)  # 25 × 35 mm at 300 dpi
SEAL_PLACE = "（盖章）"

INK = (0.0, 0.0, 0.0)
FRAME_INK = (0.55, 0.12, 0.10)  # the deep red of a certificate's border
GUIDE_INK = (0.6, 0.6, 0.6)


@dataclass(frozen=True)
class Calibration:
    """How far the printer's output must be moved on the sheet, in mm: x to the right, y up the sheet."""

    offset_x_mm: float = 0.0
    offset_y_mm: float = 0.0

    def __post_init__(self) -> None:
        for name in ("offset_x_mm", "offset_y_mm"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not math.isfinite(value) or abs(value) > MAX_OFFSET_MM:
                raise ValueError(f"{name} must be a number of mm within ±{MAX_OFFSET_MM:g}, not {value!r}")

    @property
    def dx(self) -> float:
        return self.offset_x_mm * MM

    @property
    def dy(self) -> float:
        return self.offset_y_mm * MM  # up the sheet is up in ReportLab's coordinates too


NO_SHIFT = Calibration()


# --- layout: every place in mm from the sheet's top-left corner, as a ruler on the paper reads it ---------------


@dataclass(frozen=True)
class Slot:
    """Where one value prints: its box in mm from the top-left corner, its size and the floor it may shrink to."""

    key: str
    label: str
    x: float
    y: float  # top of the box
    w: float
    h: float
    size: float
    floor: float
    align: str = "left"

    def box(self, calibration: Calibration = NO_SHIFT) -> Box:
        return mm_box(self.x, self.y, self.w, self.h, calibration)


def mm_box(x: float, y: float, w: float, h: float, calibration: Calibration = NO_SHIFT) -> Box:
    """A box given in mm from the top-left corner, in ReportLab's points from the bottom-left, shifted."""
    return Box(x * MM + calibration.dx, PAGE_HEIGHT - (y + h) * MM + calibration.dy, w * MM, h * MM)


LEFT = 28.0
RIGHT = 182.0
LABEL_W = 33.0
VALUE_X = LEFT + LABEL_W + 3
ROW_TOP = 86.0
ROW_PITCH = 13.0
ROW_H = 10.0
PHOTO = (157.0, ROW_TOP, 25.0, 35.0)  # x, y, w, h: beside the first three rows
BESIDE_PHOTO = PHOTO[0] - 6 - VALUE_X
FULL_ROW = RIGHT - VALUE_X
TITLE_BASELINE = 46.0
TITLE_SIZE = 30.0
BODY = (LEFT, 58.0, RIGHT - LEFT, 20.0)
QR = (LEFT, 186.0, 56.0)  # x, y, side
ADDRESSES = (LEFT, 244.0, 92.0, 30.0)
ADDRESS_SIZE, ADDRESS_FLOOR = 9.0, 6.0
SEAL = (150.0, 205.0, 20.0)  # centre x, centre y, radius
LABEL_SIZE = 13.0
BODY_SIZE, BODY_FLOOR = 15.0, 10.0


def _row(index: int, key: str, label: str, width: float) -> Slot:
    return Slot(key, label, VALUE_X, ROW_TOP + index * ROW_PITCH, width, ROW_H, 15.0, 9.0)


FACT_SLOTS = (
    _row(0, "name", "姓名", BESIDE_PHOTO),
    _row(1, "id_type", "证件类型", BESIDE_PHOTO),
    _row(2, "id_number", "证件号码", BESIDE_PHOTO),
    _row(3, "occupation", "职业名称", FULL_ROW),
    _row(4, "work_type", "工种/职业方向", FULL_ROW),
    _row(5, "level", "职业技能等级", FULL_ROW),
    _row(6, "number", "证书编号", FULL_ROW),
)
# The issuer and the date, under the seal's place at the bottom right (labels above their values).
ISSUER_X = 112.0
ISSUER_W = RIGHT - ISSUER_X
ISSUER_SLOTS = (
    Slot("issuer", "评价机构", ISSUER_X, 194.0, ISSUER_W, 20.0, 14.0, 6.0),
    Slot("issued_on", "发证日期", ISSUER_X, 228.0, ISSUER_W, 9.0, 14.0, 9.0),
)
SLOTS = FACT_SLOTS + ISSUER_SLOTS
LABEL_ABOVE = 7.0  # mm from an issuer label's top to its value's top


def field_values(printed: PrintedCertificate) -> dict[str, str]:
    """The value of each slot as the certificate prints it."""
    record = printed.record
    issued = record.issued_on
    return {
        "name": record.name,
        "id_type": printed.id_type,
        "id_number": printed.id_number,
        "occupation": f"{record.occupation}（{record.occupation_code}）",
        "work_type": record.work_type or NO_WORK_TYPE,
        "level": record.level_name,
        "number": record.number,
        "issuer": record.issuer,
        "issued_on": f"{issued.year}年{issued.month}月{issued.day}日",
    }


# --- text in the certificate's faces ------------------------------------------------------------------------------


def _ascent(faces: tuple[str, ...]) -> float:
    return SERIF_ASCENT if faces[0] == SERIF_NAME else ASCENT


def _one_line(text: str, width: float, size: float, floor: float, faces: tuple[str, ...]) -> Fitted | None:
    while size >= floor:
        if runs_width(text, size, faces) <= width:
            return Fitted(size, (text,) if text else (), "")
        size -= 0.5
    return None


def fit(text: str, box: Box, size: float, floor: float, faces: tuple[str, ...]) -> Fitted:
    """`text` in `box`: on one line shrunk to `floor`, else wrapped (the toolkit's line breaking, measured in
    the faces that print it), else wrapped smaller, down to 6 pt: a certificate has no 附页."""
    text = " ".join(text.split("\n"))
    line = _one_line(text, box.w, size, floor, faces)
    if line is not None:
        return line
    for lowest in (floor, min(floor, 6.0)):
        width = box.w
        for _ in range(8):  # the toolkit measures in WenQuanYi: narrow its width until our faces fit too
            fitted = fit_text(text, width, box.h, size, lowest)
            widest = max((runs_width(one, fitted.size, faces) for one in fitted.lines), default=0.0)
            if widest <= box.w + 1e-6:
                break
            width *= box.w / widest * 0.995
        if not fitted.rest:
            return fitted
    return fitted


def draw_fitted(
    canvas: Canvas,
    fitted: Fitted,
    box: Box,
    faces: tuple[str, ...],
    *,
    align: str = "left",
    valign: str = "middle",
    char_space: float = 0.0,
) -> None:
    """Draw fitted lines inside `box`, each character in the face that has it."""
    ascent = _ascent(faces)
    height = (len(fitted.lines) - 1) * fitted.leading + BLOCK * fitted.size if fitted.lines else 0.0
    top = box.y + (box.h + height) / 2 if valign == "middle" else box.top
    baseline = top - ascent * fitted.size
    for line in fitted.lines:
        width = runs_width(line, fitted.size, faces) + char_space * max(len(line) - 1, 0)
        x = {"center": box.x + (box.w - width) / 2, "right": box.right - width}.get(align, box.x)
        text = canvas.beginText()
        text.setTextOrigin(x, baseline)
        text.setCharSpace(char_space)
        for face, run in runs(line, faces):
            text.setFont(face, fitted.size)
            text.textOut(run)
        canvas.drawText(text)
        baseline -= fitted.leading


def _spread(canvas: Canvas, text: str, box: Box, size: float, faces: tuple[str, ...]) -> None:
    """A label spread over the box's width (分散对齐), vertically centred."""
    natural = runs_width(text, size, faces)
    space = max((box.w - natural) / (len(text) - 1), 0.0) if len(text) > 1 else 0.0
    draw_fitted(canvas, Fitted(size, (text,), ""), box, faces, char_space=space)


# --- the parts of the page ----------------------------------------------------------------------------------------


def _border(canvas: Canvas) -> None:
    canvas.saveState()
    canvas.setStrokeColorRGB(*FRAME_INK)
    canvas.setLineWidth(2.4)
    canvas.rect(10 * MM, 10 * MM, PAGE_WIDTH - 20 * MM, PAGE_HEIGHT - 20 * MM, stroke=1, fill=0)
    canvas.setLineWidth(0.6)
    canvas.rect(12.5 * MM, 12.5 * MM, PAGE_WIDTH - 25 * MM, PAGE_HEIGHT - 25 * MM, stroke=1, fill=0)
    canvas.restoreState()


def _title(canvas: Canvas, title: str, faces: tuple[str, ...]) -> None:
    """The title centred, letter-spaced, in faux bold (filled and stroked: the face has one weight)."""
    box = mm_box(LEFT, TITLE_BASELINE - 14, RIGHT - LEFT, 16)
    spacing = 0.3 * TITLE_SIZE
    size = TITLE_SIZE
    while size > 16 and runs_width(title, size, faces) + spacing * (len(title) - 1) > box.w:
        size -= 1
        spacing = 0.3 * size
    canvas.saveState()
    canvas.setFillColorRGB(*FRAME_INK)
    canvas.setStrokeColorRGB(*FRAME_INK)
    canvas.setLineWidth(size / 40)
    width = runs_width(title, size, faces) + spacing * (len(title) - 1)
    text = canvas.beginText()
    text.setTextRenderMode(2)
    text.setCharSpace(spacing)
    text.setTextOrigin((PAGE_WIDTH - width) / 2, PAGE_HEIGHT - TITLE_BASELINE * MM)
    for face, run in runs(title, faces):
        text.setFont(face, size)
        text.textOut(run)
    canvas.drawText(text)
    canvas.restoreState()


def _body(canvas: Canvas, body: str, faces: tuple[str, ...]) -> None:
    box = mm_box(*BODY)
    fitted = fit("　　" + body.strip(), box, BODY_SIZE, BODY_FLOOR, faces)  # a paragraph's two-character indent
    draw_fitted(canvas, fitted, box, faces, valign="top")


def _labels(canvas: Canvas, faces: tuple[str, ...]) -> None:
    """The labels of the facts (spread over one width, then 「：」) and the line each value sits on."""
    canvas.saveState()
    for slot in FACT_SLOTS:
        value = slot.box()
        _spread(canvas, slot.label, Box(LEFT * MM, value.y, (LABEL_W - 4) * MM, value.h), LABEL_SIZE, faces)
        colon = Box((LEFT + LABEL_W - 4) * MM, value.y, 4 * MM, value.h)
        draw_fitted(canvas, Fitted(LABEL_SIZE, ("：",), ""), colon, faces)
        _rule(canvas, value)
    for slot in ISSUER_SLOTS:
        value = slot.box()
        label = mm_box(slot.x, slot.y - LABEL_ABOVE, slot.w, 6)
        draw_fitted(canvas, Fitted(LABEL_SIZE, (f"{slot.label}：",), ""), label, faces)
        _rule(canvas, value)
    canvas.restoreState()


def _rule(canvas: Canvas, value: Box) -> None:
    canvas.setStrokeColorRGB(*GUIDE_INK)
    canvas.setLineWidth(0.5)
    canvas.line(value.x, value.y - 1, value.right, value.y - 1)


def _seal_place(canvas: Canvas, faces: tuple[str, ...]) -> None:
    """A dashed circle where the evaluation body's seal goes, over its name and the date."""
    x, y, r = SEAL
    canvas.saveState()
    canvas.setStrokeColorRGB(*GUIDE_INK)
    canvas.setFillColorRGB(*GUIDE_INK)
    canvas.setLineWidth(0.5)
    canvas.setDash(3, 3)
    canvas.circle(x * MM, PAGE_HEIGHT - y * MM, r * MM, stroke=1, fill=0)
    place = mm_box(x - r, y + r - 9, 2 * r, 6)
    draw_fitted(canvas, Fitted(9.0, (SEAL_PLACE,), ""), place, faces, align="center")
    canvas.restoreState()


def _values(canvas: Canvas, printed: PrintedCertificate, faces: tuple[str, ...], calibration: Calibration) -> None:
    values = field_values(printed)
    for slot in SLOTS:
        box = slot.box(calibration)
        draw_fitted(canvas, fit(values[slot.key], box, slot.size, slot.floor, faces), box, faces, align=slot.align)


def _photo(
    canvas: Canvas, photo: bytes | None, faces: tuple[str, ...], *, framed: bool, calibration: Calibration
) -> None:
    box = mm_box(*PHOTO, calibration)
    image = photo_image(photo, pixels=PHOTO_PIXELS) if photo else None
    if framed:
        canvas.setLineWidth(0.6)
        canvas.rect(box.x, box.y, box.w, box.h, stroke=1, fill=0)
    if image is None:
        if framed:
            draw_fitted(canvas, Fitted(10.5, (PHOTO_PLACEHOLDER,), ""), box, faces, align="center")
        return
    inner = box.inset(1, 1)
    width, height = image.getSize()
    scale = min(inner.w / width, inner.h / height)
    w, h = width * scale, height * scale
    canvas.drawImage(image, inner.x + (inner.w - w) / 2, inner.y + (inner.h - h) / 2, w, h)


def _qr(canvas: Canvas, data: str, calibration: Calibration) -> None:
    x, y, side = QR
    box = mm_box(x, y, side, side, calibration)
    module = qr_box(canvas, box, data, error=QR_ERROR, border=QR_BORDER, mask=QR_MASK)
    if module < MIN_MODULE_MM * MM:
        logger.warning("a %d-character QR code prints %.2f mm modules: phones may not read it", len(data), module / MM)


def _addresses(canvas: Canvas, addresses: tuple[str, ...], faces: tuple[str, ...]) -> None:
    """「证书查询：」 and one line per address under the QR code (shrunk to fit, wrapped when it must)."""
    area = mm_box(*ADDRESSES)
    lines = ("证书查询：", *addresses)
    pitch = area.h / max(len(lines), 4)
    for index, line in enumerate(lines):
        box = Box(area.x, area.top - (index + 1) * pitch, area.w, pitch)
        draw_fitted(canvas, fit(line, box, ADDRESS_SIZE, ADDRESS_FLOOR, faces), box, faces)


def _texts(printed: PrintedCertificate) -> tuple[str, ...]:
    return (*field_values(printed).values(), printed.title, printed.body_text, *printed.query_addresses)


def _draw_full(canvas: Canvas, printed: PrintedCertificate, faces: tuple[str, ...]) -> None:
    warn_missing(_texts(printed), faces)
    _border(canvas)
    _title(canvas, printed.title, faces)
    _body(canvas, printed.body_text or DEFAULT_BODY_TEXT, faces)
    _labels(canvas, faces)
    _seal_place(canvas, faces)
    _values(canvas, printed, faces, NO_SHIFT)
    _photo(canvas, printed.photo, faces, framed=True, calibration=NO_SHIFT)
    _qr(canvas, printed.qr, NO_SHIFT)
    _addresses(canvas, printed.query_addresses, faces)
    canvas.showPage()


def _draw_variable(
    canvas: Canvas, printed: PrintedCertificate, faces: tuple[str, ...], calibration: Calibration
) -> None:
    warn_missing(tuple(field_values(printed).values()), faces)
    _values(canvas, printed, faces, calibration)
    _photo(canvas, printed.photo, faces, framed=False, calibration=calibration)
    _qr(canvas, printed.qr, calibration)
    canvas.showPage()


# --- the calibration sheet ---------------------------------------------------------------------------------------

RULER_AT = 7.0  # mm from the edge: the top ruler's baseline, and the left ruler's
CROSS = 4.0  # mm: half a crosshair's arm
CALIBRATION_STEPS = (
    "套打校准：用打印证书的打印机和纸盒，以「实际大小」（不缩放）在普通 A4 纸上打印本页。",
    "1. 用钢尺从纸的左边缘量到上方标尺「100」刻度，记为 X 毫米；从纸的上边缘量到左侧标尺「100」刻度，记为 Y 毫米。",
    "2. 水平偏移 = 100 − X（向右为正），垂直偏移 = Y − 100（向上为正）；单位毫米，不超过 ±20。",
    "3. 填入偏移后再打印本页核对：每个十字应落在旁边标注的位置；放在证书底纸上时，十字对准各栏的起点。",
)


def _ruler(canvas: Canvas, faces: tuple[str, ...], calibration: Calibration, *, horizontal: bool) -> None:
    """A millimetre ruler along the top (horizontal) or left edge: ticks every mm, numbers every 10 mm."""
    length = PAGE_WIDTH / MM if horizontal else PAGE_HEIGHT / MM
    dx, dy = calibration.dx, calibration.dy
    canvas.setLineWidth(0.3)
    for mm in range(10, int(length) + 1):  # from 10 mm: the two rulers do not cross in the corner
        tick = 3.0 if mm % 10 == 0 else 1.8 if mm % 5 == 0 else 1.0
        if horizontal:
            x, y = mm * MM + dx, PAGE_HEIGHT - RULER_AT * MM + dy
            canvas.line(x, y, x, y - tick * MM)
        else:
            x, y = RULER_AT * MM + dx, PAGE_HEIGHT - mm * MM + dy
            canvas.line(x, y, x + tick * MM, y)
        if mm % 10 == 0 and mm < length - 5:
            label = mm_box(mm - 5, RULER_AT - 3.6, 10, 3, calibration) if horizontal else None
            if label is None:
                label = mm_box(RULER_AT + 3.5, mm - 1.5, 8, 3, calibration)
            draw_fitted(canvas, Fitted(6.5, (str(mm),), ""), label, faces, align="center" if horizontal else "left")


def _crosshair(canvas: Canvas, x_mm: float, y_mm: float, name: str, faces: tuple[str, ...], shift: Calibration) -> None:
    """A crosshair at (x_mm, y_mm) from the top-left corner, named with its nominal place."""
    x, y = x_mm * MM + shift.dx, PAGE_HEIGHT - y_mm * MM + shift.dy
    canvas.setLineWidth(0.3)
    canvas.line(x - CROSS * MM, y, x + CROSS * MM, y)
    canvas.line(x, y - CROSS * MM, x, y + CROSS * MM)
    canvas.circle(x, y, 1.2 * MM, stroke=1, fill=0)
    label = mm_box(x_mm + 1.5, y_mm - 4.5, 60, 3.5, shift)
    draw_fitted(canvas, fit(f"{name}（{x_mm:g}, {y_mm:g} mm）", label, 7.0, 5.0, faces), label, faces)


def _outline(canvas: Canvas, box: Box, name: str, faces: tuple[str, ...]) -> None:
    canvas.setDash(2, 2)
    canvas.rect(box.x, box.y, box.w, box.h, stroke=1, fill=0)
    canvas.setDash()
    inner = box.inset(2, 2)
    draw_fitted(canvas, fit(name, inner, 8.0, 5.0, faces), inner, faces, align="center")


def _draw_calibration(canvas: Canvas, faces: tuple[str, ...], calibration: Calibration) -> None:
    canvas.saveState()
    _ruler(canvas, faces, calibration, horizontal=True)
    _ruler(canvas, faces, calibration, horizontal=False)
    for slot in SLOTS:  # the start of each value's line: where its text begins, centred on the line
        _crosshair(canvas, slot.x, slot.y + slot.h / 2, slot.label, faces, calibration)
    _outline(canvas, mm_box(*PHOTO, calibration), "照片 25×35 mm", faces)
    x, y, side = QR
    _outline(canvas, mm_box(x, y, side, side, calibration), f"二维码 {side:g}×{side:g} mm", faces)
    shift = f"当前偏移：水平 {calibration.offset_x_mm:+.1f} mm，垂直 {calibration.offset_y_mm:+.1f} mm"
    area = mm_box(LEFT, 262.0, RIGHT - LEFT, 24.0)
    lines = (*CALIBRATION_STEPS, shift)
    pitch = area.h / len(lines)
    for index, line in enumerate(lines):
        box = Box(area.x, area.top - (index + 1) * pitch, area.w, pitch)
        draw_fitted(canvas, fit(line, box, 8.0, 5.0, faces), box, faces)
    canvas.restoreState()
    canvas.showPage()


# --- documents ----------------------------------------------------------------------------------------------------


def _canvas(out: BinaryIO | io.BytesIO, title: str) -> tuple[Canvas, tuple[str, ...]]:
    canvas = new_canvas(out, title=title, subject="职业技能等级证书", size=12)  # type: ignore[arg-type]
    return canvas, certificate_faces()


def render_certificate(printed: PrintedCertificate) -> bytes:
    """One certificate: one A4 page."""
    buffer = io.BytesIO()
    canvas, faces = _canvas(buffer, f"职业技能等级证书（{printed.record.name}，{printed.record.number}）")
    _draw_full(canvas, printed, faces)
    canvas.save()
    return buffer.getvalue()


def render_certificates(items: Iterable[PrintedCertificate], out: BinaryIO) -> int:
    """The certificates of `items` into one PDF written to `out`, one page each; the pages written."""
    canvas, faces = _canvas(out, "职业技能等级证书")
    pages = 0
    for printed in items:
        _draw_full(canvas, printed, faces)
        pages += 1
    if pages == 0:
        canvas.showPage()  # an empty batch still gives a valid PDF
    canvas.save()
    return pages


def render_variable_fields(printed: PrintedCertificate, calibration: Calibration = NO_SHIFT) -> bytes:
    """One certificate's values, photo and QR code only, for a pre-printed sheet, moved by `calibration`."""
    buffer = io.BytesIO()
    canvas, faces = _canvas(buffer, f"职业技能等级证书套打（{printed.record.name}，{printed.record.number}）")
    _draw_variable(canvas, printed, faces, calibration)
    canvas.save()
    return buffer.getvalue()


def render_variable_fields_batch(items: Iterable[PrintedCertificate], calibration: Calibration, out: BinaryIO) -> int:
    """The values of `items` for pre-printed sheets into one PDF written to `out`; the pages written."""
    canvas, faces = _canvas(out, "职业技能等级证书套打")
    pages = 0
    for printed in items:
        _draw_variable(canvas, printed, faces, calibration)
        pages += 1
    if pages == 0:
        canvas.showPage()
    canvas.save()
    return pages


def calibration_sheet(calibration: Calibration = NO_SHIFT) -> bytes:
    """The test page for measuring a printer's offset (module docstring): rulers along the top and left
    edges, a crosshair where each value starts, the photo and QR places, and the steps, moved by `calibration`."""
    buffer = io.BytesIO()
    canvas, faces = _canvas(buffer, "证书套打校准页")
    _draw_calibration(canvas, faces, calibration)
    canvas.save()
    return buffer.getvalue()
