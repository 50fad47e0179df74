"""The 考务手册 of a site as one A4 PDF, through the shared toolkit (`skillcert.pdf`).

Sections, in order: 封面与联系人, 考试时间安排, 考场一览 (counts per occupation and level),
座次表 per room (the grid: seat → ticket number and name, the 讲台 at the top), 签到表 per room
(candidates in ticket order with their photo, one signature column per session), 门贴 per
room, 考务人员安排, and a blank 考场记录表 per room and session. Pure: it reads a `HandbookData`
and asks `photo(sha256)` for the JPEG bytes of a photo. Deterministic bytes (the toolkit's
invariant canvas), so the files can be cached by the data's fingerprint.
"""

import io
from collections.abc import Callable

from PIL import Image, ImageOps, UnidentifiedImageError
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from exams.handbook_data import Candidate, HandbookData, RoomSheet, SessionLine
from skillcert.pdf import (
    MM,
    PAGE_WIDTH,
    Box,
    Column,
    Page,
    TableLayout,
    draw_lines,
    draw_table,
    frame,
    new_canvas,
    shrunk,
    text_cell,
    title,
)
from skillcert.pdf.fonts import FONT_NAME, text_width

PAGE = Page(top=15 * MM, right=15 * MM, bottom=18 * MM, left=15 * MM)
HEADING = 16.0
SIGN_IN_ROW = 24 * MM
PHOTO_PIXELS = (150, 190)  # ~200 dpi in the 18 × 22 mm photo cell: small files, readable faces

PhotoSource = Callable[[str], bytes | None]


def _no_photos(sha256: str) -> bytes | None:
    return None


def _date(session: SessionLine) -> str:
    return f"{session.date:%Y年%-m月%-d日} {session.starts_at:%H:%M}—{session.ends_at:%H:%M}"


class _Document:
    """The canvas and its running page: headings, footers, and a fresh content area per page."""

    def __init__(self, canvas: Canvas, data: HandbookData, photo: PhotoSource = _no_photos) -> None:
        self.canvas = canvas
        self.data = data
        self.page = 0
        self.heading = ""
        self._source = photo
        self._photos: dict[str, bytes | None] = {}

    def photo(self, sha256: str) -> ImageReader | None:
        """The candidate's photo as a small JPEG, made once per document (by its SHA-256). Only the
        small bytes are kept: a reader holds the decoded pixels (4,000 of them made 800 MB)."""
        if not sha256:
            return None
        if sha256 not in self._photos:
            jpeg = self._source(sha256)
            self._photos[sha256] = _thumbnail(jpeg) if jpeg else None
        small = self._photos[sha256]
        return ImageReader(io.BytesIO(small)) if small else None

    def start(self, heading: str) -> Box:
        """End the current page (if any) and begin one under `heading`; the area below it."""
        if self.page:
            self.canvas.showPage()
        self.page += 1
        self.heading = heading
        content = PAGE.content
        title(self.canvas, heading, content.top - HEADING, HEADING)
        self._footer()
        return Box(content.x, content.y, content.w, content.h - HEADING * 2)

    def more(self, canvas: Canvas) -> Box:
        """The table's next page: the same heading, marked continued."""
        base = self.heading.removesuffix("（续）")
        return self.start(f"{base}（续）")

    def _footer(self) -> None:
        text = f"{self.data.site} · 考务手册 · 第 {self.page} 页"
        size = 8.0
        self.canvas.setFont(FONT_NAME, size)
        self.canvas.drawString((PAGE_WIDTH - text_width(text, size)) / 2, PAGE.bottom - 10 * MM, text)


def _line(canvas: Canvas, box: Box, text: str, size: float, align: str = "left") -> None:
    """One line shrunk to fit `box` (a value without a 附页)."""
    draw_lines(canvas, shrunk(text, box.w, size), box, align=align, valign="middle")


# --- cover, timetable, rooms -----------------------------------------------------------------------


def _cover(doc: _Document) -> None:
    data = doc.data
    area = doc.start("考务手册")
    canvas = doc.canvas
    lines = [
        (data.campaign_title, 13.0),
        (f"{data.city} · {data.site}", 13.0),
        (f"地址：{data.address}", 10.5),
        (f"办公电话：{data.office_phone or '—'}", 10.5),
        (f"考场 {len(data.rooms)} 个 · 考生 {data.candidates} 人", 10.5),
    ]
    if not data.published:
        lines.append(("（准考证尚未发布：本手册为编排草稿，准考证号待发布后生成）", 10.5))
    top = area.top - 6 * MM
    for text, size in lines:
        _line(canvas, Box(area.x, top - size * 1.6, area.w, size * 1.6), text, size, align="center")
        top -= size * 2.2
    columns = [
        Column("联系人", 28 * MM),
        Column("单位/姓名", 62 * MM),
        Column("电话", 32 * MM),
        Column("地址", area.w - 122 * MM),
    ]
    rows = [[c.role, c.name, c.phone or "—", c.address or "—"] for c in data.contacts]
    table_area = Box(area.x, area.y, area.w, top - area.y - 8 * MM)
    draw_table(canvas, table_area, columns, rows, new_page=doc.more)


def _timetable_and_rooms(doc: _Document) -> None:
    data = doc.data
    area = doc.start("考试时间安排")
    columns = [Column("科目", 60 * MM), Column("日期与时间", area.w - 60 * MM)]
    rows = [[s.name, _date(s)] for s in data.sessions] or [["—", "尚未设置场次"]]
    draw_table(doc.canvas, area, columns, rows, new_page=doc.more)
    area = doc.start("考场一览")
    columns = [
        Column("考场", 16 * MM, "center"),
        Column("类型", 18 * MM, "center"),
        Column("位置", 34 * MM),
        Column("座位", 14 * MM, "right"),
        Column("人数", 14 * MM, "right"),
        Column("职业与等级（人数）", area.w - 96 * MM),
    ]
    rows = [
        [
            room.number,
            room.kind,
            room.place or "—",
            str(room.capacity),
            str(len(room.candidates)),
            "；".join(room.papers()) or "—",
        ]
        for room in data.rooms
    ]
    draw_table(doc.canvas, area, columns, rows, new_page=doc.more, layout=TableLayout(max_row_height=90))


# --- per room: seating chart, sign-in sheet, door list, record sheet ----------------------------


def _chart(doc: _Document, room: RoomSheet) -> None:
    area = doc.start(f"第{room.number}考场 座次表")
    canvas = doc.canvas
    _line(
        canvas,
        Box(area.x, area.top - 14, area.w, 14),
        f"{room.place or doc.data.site} · {room.kind} · {len(room.candidates)} 人",
        10.5,
        "center",
    )
    podium = Box(area.x + area.w / 2 - 25 * MM, area.top - 28, 50 * MM, 12)
    frame(canvas, podium)
    _line(canvas, podium, "讲  台", 9.0, "center")
    grid = Box(area.x, area.y, area.w, area.top - 36 - area.y)
    width = grid.w / room.columns
    height = min(grid.h / room.rows, 28 * MM)
    seats = {(c.row, c.column): c for c in room.candidates}
    off = set(room.unusable)
    for row in range(1, room.rows + 1):
        for column in range(1, room.columns + 1):
            cell = Box(grid.x + (column - 1) * width, grid.top - row * height, width, height)
            _seat_cell(canvas, cell, row, column, seats.get((row, column)), (row, column) in off)


def _seat_cell(canvas: Canvas, cell: Box, row: int, column: int, who: Candidate | None, unusable: bool) -> None:
    if unusable:
        canvas.saveState()
        canvas.setFillGray(0.85)
        canvas.rect(cell.x, cell.y, cell.w, cell.h, stroke=1, fill=1)
        canvas.restoreState()
    else:
        frame(canvas, cell, 0.5)
    inner = cell.inset(1.5, 1.5)
    parts = [f"{row:02d}排{column:02d}号"]
    if unusable:
        parts.append("不可用")
    elif who is not None:
        parts += [who.ticket or "（待发布）", who.name]
    line = inner.h / 3
    for i, text in enumerate(parts):
        _line(canvas, Box(inner.x, inner.top - (i + 1) * line, inner.w, line), text, min(9.0, line * 0.7), "center")


def _thumbnail(jpeg: bytes) -> bytes | None:
    """The photo small enough for the sign-in cell, upright, decoded at a reduced scale (JPEG draft)."""
    try:
        with Image.open(io.BytesIO(jpeg)) as original:
            original.draft("RGB", PHOTO_PIXELS)
            image = ImageOps.exif_transpose(original).convert("RGB")
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        return None
    image.thumbnail(PHOTO_PIXELS)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def _photo(canvas: Canvas, box: Box, image: ImageReader | None) -> None:
    frame(canvas, box, 0.5)
    inner = box.inset(1.5, 1.5)
    if image is None:
        _line(canvas, inner, "无照片", 7.0, "center")
        return
    width, height = image.getSize()
    scale = min(inner.w / width, inner.h / height)
    w, h = width * scale, height * scale
    canvas.drawImage(image, inner.x + (inner.w - w) / 2, inner.y + (inner.h - h) / 2, w, h)


def _sign_in(doc: _Document, room: RoomSheet) -> None:
    """签到表: ticket order, photo to compare, a signature box per session (— where the candidate does not sit it)."""
    sessions = doc.data.sessions
    area = doc.start(f"第{room.number}考场 签到表")
    fixed = [
        ("序号", 10 * MM),
        ("准考证号", 31 * MM),
        ("姓名", 19 * MM),
        ("照片", 18 * MM),
        ("身份证号", 37 * MM),
        ("座位", 16 * MM),
    ]
    rest = area.w - sum(w for _, w in fixed)
    widths = tuple(w for _, w in fixed) + tuple(rest / max(len(sessions), 1) for _ in sessions or [None])
    headings = [h for h, _ in fixed] + ([f"{s.name}签名" for s in sessions] or ["签名"])
    top = _sign_in_header(doc, area, widths, headings)
    for number, candidate in enumerate(room.candidates, start=1):
        if top - SIGN_IN_ROW < area.y:
            area = doc.more(doc.canvas)
            top = _sign_in_header(doc, area, widths, headings)
        row = Box(area.x, top - SIGN_IN_ROW, area.w, SIGN_IN_ROW)
        cells = row.columns(widths)
        values = [
            str(number),
            candidate.ticket or "（待发布）",
            candidate.name,
            None,
            candidate.id_masked,
            candidate.seat,
        ]
        for box, value in zip(cells, values, strict=False):
            if value is None:
                _photo(doc.canvas, box, doc.photo(candidate.photo))
            else:
                _value(doc.canvas, box, value)
        for i, box in enumerate(cells[len(fixed) :]):
            _value(doc.canvas, box, "" if i in candidate.sessions or not sessions else "—")
        top -= SIGN_IN_ROW
    if not room.candidates:
        _line(doc.canvas, Box(area.x, top - 20, area.w, 16), "本考场没有考生。", 10.5, "center")


def _value(canvas: Canvas, box: Box, text: str) -> None:
    """A framed one-line value, shrunk to fit (names and numbers read better unbroken)."""
    frame(canvas, box, 0.5)
    if text:
        _line(canvas, box.inset(2, 2), text, 9.0, "center")


def _sign_in_header(doc: _Document, area: Box, widths: tuple[float, ...], headings: list[str]) -> float:
    header = Box(area.x, area.top - 9 * MM, area.w, 9 * MM)
    for box, text in zip(header.columns(widths), headings, strict=True):
        text_cell(doc.canvas, box, text, size=9.0, floor=6.0, align="center")
    return header.y


def _door(doc: _Document, room: RoomSheet) -> None:
    """门贴: what a candidate looks for at the door."""
    area = doc.start("门  贴")
    canvas = doc.canvas
    top = area.top - 20 * MM
    _line(canvas, Box(area.x, top - 40 * MM, area.w, 40 * MM), f"第 {room.number} 考场", 56.0, "center")
    top -= 50 * MM
    lines = [
        (f"{doc.data.site} {room.place}".strip(), 16.0),
        (f"准考证号：{room.ticket_range() or '（待发布）'}", 16.0),
        (f"考生 {len(room.candidates)} 人", 14.0),
    ]
    lines += [(paper, 12.0) for paper in room.papers()]
    lines += [(f"{s.name} {_date(s)}", 12.0) for s in doc.data.sessions]
    for text, size in lines:
        if top - size * 2 < area.y:
            break
        _line(canvas, Box(area.x, top - size * 1.8, area.w, size * 1.8), text, size, "center")
        top -= size * 2.2


def _record(doc: _Document, room: RoomSheet) -> None:
    """考场记录表: blank, one block per session, to be filled and signed on the day."""
    area = doc.start(f"第{room.number}考场 考场记录表")
    sessions = doc.data.sessions or ()
    blocks = area.rows(tuple(area.h / max(len(sessions), 1) for _ in (sessions or [None])))
    for block, session in zip(blocks, sessions or [None], strict=True):
        label = f"{session.name} {_date(session)}" if session else "场次"
        sitting = sum(1 for c in room.candidates if session is None or sessions.index(session) in c.sessions)
        cells = [
            ("考点", doc.data.site),
            ("考场", f"第{room.number}考场 {room.place}".strip()),
            ("场次", label),
            ("应考人数", str(sitting)),
            ("实考人数", ""),
            ("缺考人数及准考证号", ""),
            ("违纪情况", ""),
            ("其他情况", ""),
            ("监考员签名", ""),
        ]
        heights = (9, 9, 9, 9, 9, 22, 22, 14, 12)
        scale = (block.h - 6 * MM) / (sum(heights) * MM)
        rows = Box(block.x, block.y + 6 * MM, block.w, block.h - 6 * MM).rows(tuple(h * MM * scale for h in heights))
        for box, (name, value) in zip(rows, cells, strict=True):
            left, right = box.columns((36 * MM, box.w - 36 * MM))
            text_cell(doc.canvas, left, name, size=10.0, floor=6.0)
            text_cell(doc.canvas, right, value, size=10.0, floor=6.0, valign="top" if not value else "middle")


def _staff(doc: _Document) -> None:
    data = doc.data
    area = doc.start("考务人员安排")
    columns = [
        Column("场次", 30 * MM),
        Column("考场", 16 * MM, "center"),
        Column("姓名", 24 * MM),
        Column("职责", 18 * MM, "center"),
        Column("工作单位", area.w - 88 * MM),
    ]
    rows = [[data.sessions[s.session].name, s.room, s.name, s.duty, s.work_unit] for s in data.staff]
    draw_table(doc.canvas, area, columns, rows or [["—", "—", "尚未安排", "—", "—"]], new_page=doc.more)


def render_handbook(data: HandbookData, *, photo: PhotoSource = _no_photos) -> bytes:
    """The whole handbook of a site (one A4 PDF)."""
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, title=f"{data.site} 考务手册", subject=data.campaign_title)
    doc = _Document(canvas, data, photo)
    _cover(doc)
    _timetable_and_rooms(doc)
    for room in data.rooms:
        _chart(doc, room)
    for room in data.rooms:
        _sign_in(doc, room)
    for room in data.rooms:
        _door(doc, room)
    _staff(doc)
    for room in data.rooms:
        _record(doc, room)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
