"""The admission ticket (准考证): one A4 page per candidate, drawn with the PDF toolkit (`skillcert.pdf`).

Pure: facts in, PDF bytes out (no Django, no database). The page holds the campaign's title, 准考证 and the
ticket number (prominent, top right; 「补发」 with the revision when reissued), a 1-inch photo box (25 × 35 mm;
「照片」 when there is none), the candidate (name, full ID number, occupation and level), the site (name,
address), the room and its place, the seat, a table of the sessions with their times, the exam rules (the
text the association edits: shrunk to 7.5 pt, then continued on a numbered 附页 after the ticket), and the
QR code: the compact JWS over `ticket_claims(facts)` (signed by `skillcert.signing`).

QR code: error correction M (15 % of the symbol may be lost: a fold, a pen mark) with a 4-module quiet zone
and a fixed data mask,
62 mm square: a ticket's JWS is about 650 characters, version 20 (97 modules), so a module is about 0.6 mm,
above the 0.5 mm a phone camera needs on paper. Level Q would shrink the modules to 0.5 mm.

`render_tickets` writes the tickets of a room into one PDF (for the co-organizer who prints them for those
who cannot), page after page into one canvas; only that one document is held until it is written to `out`
(ReportLab keeps a document's pages until it saves), so memory stays flat over any number of rooms.
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any, BinaryIO

from reportlab.pdfgen.canvas import Canvas

from skillcert.pdf import (
    MM,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    Box,
    Column,
    Fitted,
    TableLayout,
    continuation_pages,
    draw_lines,
    draw_table,
    fit_text,
    frame,
    new_canvas,
    one_line,
    photo_box,
    qr_box,
    shrunk,
    text_cell,
    title,
    warn_missing,
)


@dataclass(frozen=True)
class SessionLine:
    name: str  # e.g. "理论知识考试"
    date: date
    starts_at: time
    ends_at: time


@dataclass(frozen=True)
class TicketFacts:
    number: str
    name: str
    id_number: str  # full: printed on the ticket, never in the QR code
    id_number_masked: str
    occupation: str
    occupation_code: str
    level: str  # e.g. "三级/高级工"
    campaign: str  # slug
    campaign_title: str
    site: str
    site_address: str
    room: str  # number, e.g. "01"
    room_place: str  # building and floor
    seat: str  # `seat_label(row, column)`: "03排04号"
    sessions: tuple[SessionLine, ...]
    photo: bytes | None  # the stored photo (JPEG)
    revision: int = 0  # how many times the ticket was reissued
    issued_at: datetime | None = None  # the QR's `iat` (the signer adds "now" when None)


def seat_label(row: int, column: int) -> str:
    """The seat as printed and signed: row and column in the room, two digits each ("03排04号")."""
    return f"{row:02d}排{column:02d}号"


def _hhmm(value: time) -> str:
    return value.strftime("%H:%M")


def ticket_claims(facts: TicketFacts) -> dict[str, Any]:
    """What the QR's JWS carries (docs/architecture.md, "Admission tickets"): no full ID number, no photo.

    Short keys keep the QR code small; `iss` and the `typ` header are the signer's.
    """
    claims: dict[str, Any] = {
        "no": facts.number,
        "rev": facts.revision,
        "name": facts.name,
        "idm": facts.id_number_masked,
        "cmp": facts.campaign,
        "occ": facts.occupation_code,
        "site": facts.site,
        "room": facts.room,
        "seat": facts.seat,
        "ses": [[s.name, s.date.isoformat(), _hhmm(s.starts_at), _hhmm(s.ends_at)] for s in facts.sessions],
    }
    if facts.issued_at is not None:
        claims["iat"] = int(facts.issued_at.timestamp())
    return claims


# The standard 考场规则 and what to bring: the default of the text the association edits per campaign.
STANDARD_RULES = "\n".join(
    (
        "一、考生须携带本准考证、居民身份证原件，2B铅笔、橡皮、黑色签字笔，于开考前30分钟到达考点，"
        "凭准考证和身份证进入考场，对号入座，并将准考证和身份证放在桌面左上角，以便核验。",
        "二、开考15分钟后不得进入考场；考试开始30分钟内不得交卷离场。",
        "三、除规定的文具外，不得携带书籍、资料、笔记本和具有通讯、存储、拍照功能的电子设备进入考场；"
        "已带入的须关机并放在指定位置。",
        "四、考生领到试卷、答题卡后，应在指定位置准确填写姓名、准考证号等信息；"
        "不得在试卷、答题卡上做任何与答题无关的标记。",
        "五、考试期间保持安静，不得交头接耳、左顾右盼、打手势、做暗号，"
        "不得夹带、旁窥、抄袭或有意让他人抄袭，不得传递物品。",
        "六、遇试卷分发错误、字迹不清等问题，可举手询问；涉及试题内容的疑问，不得向监考员询问。",
        "七、考试结束信号发出后立即停止答题，将试卷、答题卡、草稿纸反扣在桌面上，"
        "经监考员清点允许后方可离开；不得将试卷、答题卡、草稿纸带出考场。",
        "八、考生应自觉服从监考员等考试工作人员管理，不得拒绝、妨碍考试工作人员履行职责。违反考场纪律者，"
        "按有关规定严肃处理，取消其本次考试成绩；情节严重的，取消认定资格。",
    )
)

# --- layout ------------------------------------------------------------------------------------------------------

LEFT = 20 * MM
WIDTH = PAGE_WIDTH - 2 * LEFT
BOTTOM = 18 * MM
LABEL_W = 72.0
PHOTO_W = 92.0
ROW = 27.0
ADDRESS_ROW = 36.0
GRID_TOP = PAGE_HEIGHT - 122
QR_SIDE = 62 * MM
QR_ERROR = "m"
QR_BORDER = 4
# A JWS is random-looking, so every data mask gives about the same symbol: a fixed one saves scoring the
# eight (four fifths of the QR's time).
QR_MASK = 1
RULES_SIZE = 9.5
RULES_FLOOR = 7.5
PHOTO_PLACEHOLDER = "照片"
PHOTO_PIXELS = (300, 420)  # 25 × 35 mm at 300 dpi
FOOTER = "二维码含本平台的电子签名（Ed25519），可用公布的公钥 /.well-known/jwks.json 离线核验。"
CONTINUATION_HEADING = "准考证附页"
SESSIONS = (
    Column("考试科目", 0.42 * WIDTH),
    Column("日期", 0.29 * WIDTH, "center"),
    Column("时间", 0.29 * WIDTH, "center"),
)


def _label(canvas: Canvas, box: Box, text: str) -> None:
    text_cell(canvas, box, text, size=10.5, align="center")


def _value(canvas: Canvas, box: Box, text: str, *, size: float = 11.0) -> None:
    """A value on one line when it fits (shrunk to 8.5 pt), else wrapped and shrunk to 7 pt."""
    frame(canvas, box)
    inner = box.inset(5, 2)
    fitted = one_line(text, inner.w, size, 8.5) or fit_text(text, inner.w, inner.h, size, 7.0)
    draw_lines(canvas, fitted, inner, valign="middle")


def _header(canvas: Canvas, facts: TicketFacts) -> None:
    top = Box(LEFT, PAGE_HEIGHT - 62, WIDTH, 18)
    draw_lines(canvas, shrunk(facts.campaign_title, top.w, 13), top, align="center", valign="middle")
    title(canvas, "准　考　证", PAGE_HEIGHT - 92, 24)
    line = Box(LEFT, PAGE_HEIGHT - 116, WIDTH, 18)
    draw_lines(canvas, shrunk(f"准考证号：{facts.number}", line.w * 0.6, 14), line, align="right", valign="middle")
    if facts.revision > 0:
        note = shrunk(f"补发（第 {facts.revision} 次）", line.w * 0.35, 10.5)
        draw_lines(canvas, note, line, align="left", valign="middle")


def _grid(canvas: Canvas, facts: TicketFacts) -> float:
    """The candidate, the site, the room and the seat; returns the grid's bottom."""
    value_w = WIDTH - LABEL_W - PHOTO_W
    person = (
        ("姓　　名", facts.name),
        ("身份证号", facts.id_number),
        ("报考职业", f"{facts.occupation}（{facts.occupation_code}）"),
        ("报考等级", facts.level),
    )
    top = GRID_TOP
    for label, value in person:
        _label(canvas, Box(LEFT, top - ROW, LABEL_W, ROW), label)
        _value(canvas, Box(LEFT + LABEL_W, top - ROW, value_w, ROW), value)
        top -= ROW
    photo = Box(LEFT + LABEL_W + value_w, top, PHOTO_W, GRID_TOP - top)
    frame(canvas, photo)
    inner = Box(photo.x + (photo.w - 25 * MM) / 2, photo.y + (photo.h - 35 * MM) / 2, 25 * MM, 35 * MM)
    photo_box(canvas, inner, facts.photo, placeholder=PHOTO_PLACEHOLDER, pixels=PHOTO_PIXELS)

    for label, value, height in (("考点名称", facts.site, ROW), ("考点地址", facts.site_address, ADDRESS_ROW)):
        _label(canvas, Box(LEFT, top - height, LABEL_W, height), label)
        _value(canvas, Box(LEFT + LABEL_W, top - height, WIDTH - LABEL_W, height), value)
        top -= height

    room = f"第 {facts.room} 考场" + (f"（{facts.room_place}）" if facts.room_place else "")
    half = (WIDTH - 2 * LABEL_W) / 2
    _label(canvas, Box(LEFT, top - ROW, LABEL_W, ROW), "考　　场")
    _value(canvas, Box(LEFT + LABEL_W, top - ROW, half + half * 0.3, ROW), room)
    seat_x = LEFT + LABEL_W + half * 1.3
    _label(canvas, Box(seat_x, top - ROW, LABEL_W, ROW), "座  位  号")
    _value(canvas, Box(seat_x + LABEL_W, top - ROW, WIDTH - (seat_x + LABEL_W - LEFT), ROW), facts.seat, size=13)
    top -= ROW
    frame(canvas, Box(LEFT, top, WIDTH, GRID_TOP - top), width=1.2)
    return top


def _no_second_page(_canvas: Canvas) -> Box:
    raise ValueError("a ticket's sessions fit on its page")


def _sessions(canvas: Canvas, facts: TicketFacts, top: float) -> float:
    rows = [
        (s.name, f"{s.date.year}年{s.date.month}月{s.date.day}日", f"{_hhmm(s.starts_at)}–{_hhmm(s.ends_at)}")
        for s in facts.sessions
    ]
    layout = TableLayout(size=10.5, min_row_height=22.0, max_row_height=30.0)
    area = Box(LEFT, top - 8 - 22 * 6, WIDTH, 22 * 6)  # room for five sessions; a campaign has two
    draw_table(canvas, area, SESSIONS, rows, new_page=_no_second_page, layout=layout)
    return top - 8 - 22 * (len(rows) + 1)


@lru_cache(maxsize=8)
def _fit_rules(rules: str, width: float, height: float) -> Fitted:
    # The same rules on every ticket of a campaign: fitted once per process, not once per page.
    return fit_text(rules, width, height, RULES_SIZE, RULES_FLOOR)


def _rules_and_qr(canvas: Canvas, facts: TicketFacts, rules: str, qr: str, top: float) -> str:
    """The rules box on the left, the QR code on the right; returns the rules that did not fit."""
    bottom = BOTTOM + 16
    heading = 20.0
    qr_area = Box(LEFT + WIDTH - QR_SIDE, top - 10 - QR_SIDE, QR_SIDE, QR_SIDE)
    qr_box(canvas, qr_area, qr, error=QR_ERROR, border=QR_BORDER, mask=QR_MASK)
    caption = Box(qr_area.x, qr_area.y - 14, QR_SIDE, 14)
    draw_lines(canvas, shrunk("扫码核验（考务人员使用）", caption.w, 9), caption, align="center", valign="middle")

    box = Box(LEFT, bottom, WIDTH - QR_SIDE - 8, top - 10 - bottom)
    frame(canvas, box)
    inner = box.inset(7, 6)
    label = Box(inner.x, inner.top - heading, inner.w, heading)
    draw_lines(canvas, shrunk("考场规则及考生须知", label.w, 11), label, valign="middle")
    body = Box(inner.x, inner.y, inner.w, inner.h - heading - 2)
    fitted = _fit_rules(rules, body.w, body.h)
    draw_lines(canvas, fitted, body)
    return fitted.rest


def _footer(canvas: Canvas) -> None:
    line = Box(LEFT, BOTTOM - 2, WIDTH, 12)
    draw_lines(canvas, shrunk(FOOTER, line.w, 8), line, align="center", valign="middle")


def _draw(canvas: Canvas, facts: TicketFacts, rules: str, qr: str) -> None:
    """One ticket: its page, then 附页 for rules that did not fit (each page ended)."""
    warn_missing((facts.name, facts.site, facts.site_address, facts.room_place))
    _header(canvas, facts)
    bottom = _grid(canvas, facts)
    bottom = _sessions(canvas, facts, bottom)
    rest = _rules_and_qr(canvas, facts, rules, qr, bottom)
    _footer(canvas)
    canvas.showPage()
    if rest:
        continuation_pages(
            canvas,
            [("考场规则及考生须知", rest)],
            heading=CONTINUATION_HEADING,
            who=f"姓名：{facts.name}　　准考证号：{facts.number}",
            left=LEFT,
            width=WIDTH,
            bottom=BOTTOM + 10,
        )


def _canvas(out: BinaryIO, title: str) -> Canvas:
    return new_canvas(out, title=title, subject="准考证", size=10.5)  # type: ignore[arg-type]


def render_ticket(facts: TicketFacts, *, rules: str, qr: str) -> bytes:
    """One candidate's ticket: one A4 page (and a 附页 when the rules are too long for their box)."""
    buffer = io.BytesIO()
    canvas = _canvas(buffer, f"准考证（{facts.name}，{facts.number}）")
    _draw(canvas, facts, rules, qr)
    canvas.save()
    return buffer.getvalue()


def render_tickets(items: Iterable[tuple[TicketFacts, str]], *, rules: str, out: BinaryIO) -> None:
    """The tickets of `items` ((facts, qr) in seat order) into one PDF written to `out` (a room's)."""
    canvas = _canvas(out, "准考证")
    drawn = 0
    for facts, qr in items:
        _draw(canvas, facts, rules, qr)
        drawn += 1
    if drawn == 0:
        canvas.showPage()  # an empty room still gives a valid PDF
    canvas.save()
