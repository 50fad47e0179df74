"""The 考务手册 of a site as a workbook (xlsx), the same `HandbookData` as the PDF.

Sheets: 封面 (campaign, site, contacts), 考试时间, 考场一览 (counts per occupation and level),
座次表 (one block per room: the grid, seat → ticket number and name), 签到表 (ticket order per
room, a signature column per session), 门贴, 考务人员, 考场记录表 (blank, per room and session).
Photos stay in the PDF. Text from outside is never a formula. (openpyxl stamps the save time,
so the bytes differ between renders: the cache is keyed by the data's fingerprint, not the bytes.)
"""

import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from exams.handbook_data import HandbookData, SessionLine

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")


def _append(
    sheet: Worksheet, values: Sequence, *, bold: bool = False, first_bold: bool = False
) -> list[Cell | MergedCell]:
    """One row, its cells returned; text from outside (names, units, addresses) is never a formula.
    (Rows are counted here: openpyxl's max_row scans every cell, which made long sheets quadratic.)"""
    sheet.append(list(values))
    row = _last_row(sheet)
    cells = [sheet.cell(row=row, column=index) for index in range(1, len(values) + 1)]
    for index, cell in enumerate(cells):
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"
        if bold or (first_bold and index == 0):
            cell.font = BOLD
    return cells


def _last_row(sheet: Worksheet) -> int:
    """The row `append` wrote last: openpyxl keeps it (the stubs leave it out)."""
    return sheet._current_row  # type: ignore[attr-defined]  # a runtime attribute of every Worksheet


def _sheet(workbook: Workbook, title: str, widths: Sequence[int]) -> Worksheet:
    sheet = workbook.create_sheet(title)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    return sheet


def _table(sheet: Worksheet, header: Sequence[str], rows: Iterable[Sequence]) -> None:
    _append(sheet, header, bold=True)
    for row in rows:
        _append(sheet, row)
    sheet.freeze_panes = "A2"


def _date(session: SessionLine) -> str:
    return f"{session.date:%Y-%m-%d} {session.starts_at:%H:%M}-{session.ends_at:%H:%M}"


def _cover(workbook: Workbook, data: HandbookData) -> None:
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook opens on its one worksheet
    sheet.title = "封面"
    for column, width in zip("ABCD", (16, 36, 18, 40), strict=True):
        sheet.column_dimensions[column].width = width
    info = [
        ("考务手册", data.campaign_title),
        ("盟市", data.city),
        ("考点", data.site),
        ("地址", data.address),
        ("办公电话", data.office_phone),
        ("考场数", len(data.rooms)),
        ("考生数", data.candidates),
        ("准考证", "已发布" if data.published else "尚未发布（编排草稿）"),
    ]
    for label, value in info:
        _append(sheet, [label, value], first_bold=True)
    sheet.append([])
    _append(sheet, ["联系人", "单位/姓名", "电话", "地址"], bold=True)
    for c in data.contacts:
        _append(sheet, [c.role, c.name, c.phone, c.address])


def _rooms(workbook: Workbook, data: HandbookData) -> None:
    sheet = _sheet(workbook, "考场一览", (8, 10, 24, 8, 8, 24, 18, 8))
    rows = []
    for room in data.rooms:
        counts = room.counts() or [("", "", 0)]
        for occupation, level, n in counts:
            rows.append([room.number, room.kind, room.place, room.capacity, len(room.candidates), occupation, level, n])
    _table(sheet, ["考场", "类型", "位置", "座位", "人数", "职业", "等级", "该职业等级人数"], rows)


def _charts(workbook: Workbook, data: HandbookData) -> None:
    """One block per room: a title row, the 讲台, then the grid (a cell per seat: seat, ticket, name)."""
    widest = max((room.columns for room in data.rooms), default=1)
    sheet = _sheet(workbook, "座次表", [18] * widest)
    for room in data.rooms:
        _append(sheet, [f"第{room.number}考场 {room.place}".strip(), f"{len(room.candidates)} 人"], first_bold=True)
        sheet.append(["讲台"])
        seats = {(c.row, c.column): c for c in room.candidates}
        off = set(room.unusable)
        for row in range(1, room.rows + 1):
            values = []
            for column in range(1, room.columns + 1):
                who = seats.get((row, column))
                label = f"{row:02d}排{column:02d}号"
                if (row, column) in off:
                    values.append(f"{label}\n不可用")
                elif who is None:
                    values.append(f"{label}\n（空）")
                else:
                    values.append(f"{label}\n{who.ticket or '（待发布）'}\n{who.name}")
            for cell in _append(sheet, values):
                cell.alignment, cell.border = WRAP, BOX
            sheet.row_dimensions[_last_row(sheet)].height = 48
        sheet.append([])


def _sign_in(workbook: Workbook, data: HandbookData) -> None:
    names = [s.name for s in data.sessions]
    sheet = _sheet(workbook, "签到表", (8, 6, 18, 12, 22, 12, 24, 10, *([16] * len(names))))
    rows = []
    for room in data.rooms:
        for number, c in enumerate(room.candidates, start=1):
            signatures = ["" if i in c.sessions else "—" for i in range(len(names))]
            rows.append(
                [room.number, number, c.ticket, c.name, c.id_masked, c.occupation, c.level, c.seat, *signatures]
            )
    _table(
        sheet,
        ["考场", "序号", "准考证号", "姓名", "身份证号", "职业", "等级", "座位", *[f"{n}签名" for n in names]],
        rows,
    )


def _doors(workbook: Workbook, data: HandbookData) -> None:
    sheet = _sheet(workbook, "门贴", (8, 24, 36, 8, 60))
    rows = [
        [room.number, room.place, room.ticket_range(), len(room.candidates), "；".join(room.papers())]
        for room in data.rooms
    ]
    _table(sheet, ["考场", "位置", "准考证号范围", "人数", "职业与等级"], rows)


def _staff(workbook: Workbook, data: HandbookData) -> None:
    sheet = _sheet(workbook, "考务人员", (16, 22, 8, 12, 10, 36))
    rows = [
        [data.sessions[s.session].name, _date(data.sessions[s.session]), s.room, s.name, s.duty, s.work_unit]
        for s in data.staff
    ]
    _table(sheet, ["场次", "时间", "考场", "姓名", "职责", "工作单位"], rows)


def _record(workbook: Workbook, data: HandbookData) -> None:
    sheet = _sheet(workbook, "考场记录表", (20, 60))
    for room in data.rooms:
        for index, session in enumerate(data.sessions):
            sitting = sum(1 for c in room.candidates if index in c.sessions)
            block = [
                ("考场", f"第{room.number}考场 {room.place}".strip()),
                ("场次", f"{session.name} {_date(session)}"),
                ("应考人数", sitting),
                ("实考人数", ""),
                ("缺考人数及准考证号", ""),
                ("违纪情况", ""),
                ("其他情况", ""),
                ("监考员签名", ""),
            ]
            for label, value in block:
                for cell in _append(sheet, [label, value], first_bold=True):
                    cell.border = BOX
            sheet.append([])


def render_handbook_xlsx(data: HandbookData) -> bytes:
    workbook = Workbook()
    _cover(workbook, data)
    timetable = _sheet(workbook, "考试时间", (20, 14, 10, 10))
    _table(
        timetable, ["科目", "日期", "开始", "结束"], [[s.name, s.date, s.starts_at, s.ends_at] for s in data.sessions]
    )
    _rooms(workbook, data)
    _charts(workbook, data)
    _sign_in(workbook, data)
    _doors(workbook, data)
    _staff(workbook, data)
    _record(workbook, data)
    workbook.properties.creator = "skillcert"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
