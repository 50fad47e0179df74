"""Reading a holiday schedule file (日期, 类型, 名称). Pure module: no Django.

CSV or XLSX, one row per dated exception: a holiday (放假) or a make-up working day
(调休上班). Every row is checked and every problem reported with its line, so a file
with one bad row imports nothing.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from catalog.catalog_io import _decode

COLUMNS = {
    "day": {"日期", "date", "day"},
    "kind": {"类型", "kind", "type"},
    "name": {"名称", "节日", "节日名称", "name"},
}
HOLIDAY_WORDS = {"放假", "休", "假", "节假日", "holiday"}
WORKDAY_WORDS = {"上班", "班", "调休上班", "补班", "工作日", "workday"}
DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
MAX_NAME = 30
WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


class UnreadableSchedule(ValueError):
    pass


@dataclass(frozen=True)
class ScheduleRow:
    line: int
    day: date
    kind: str  # "holiday" or "workday"
    name: str


@dataclass
class ScheduleReport:
    rows: list[ScheduleRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def years(self) -> list[int]:
        return sorted({row.day.year for row in self.rows})


def read_schedule(name: str, content: bytes) -> ScheduleReport:
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        table = _xlsx_table(content)
    elif suffix == ".csv":
        table = [(number, row) for number, row in enumerate(csv.reader(io.StringIO(_decode(content))), start=1)]
    else:
        raise UnreadableSchedule(f"不支持的文件类型 {suffix or '(无扩展名)'}：请使用 .csv 或 .xlsx。")
    return validate(_records(table))


def _xlsx_table(content: bytes) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise UnreadableSchedule(f"无法读取 Excel 文件：{error}") from None
    return [(number, list(values)) for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)]


def _records(table: list[tuple[int, list]]) -> list[tuple[int, dict]]:
    rows = [(line, cells) for line, cells in table if any(_text(c) for c in cells)]
    if not rows:
        raise UnreadableSchedule("文件中没有数据。")
    header_line, header = rows[0]
    columns = {}
    for index, cell in enumerate(header):
        for key, titles in COLUMNS.items():
            if _text(cell).lower() in titles:
                columns[key] = index
    if columns.keys() != COLUMNS.keys():
        raise UnreadableSchedule(f"第 {header_line} 行应为表头：日期、类型、名称。")
    return [
        (line, {key: cells[i] if i < len(cells) else None for key, i in columns.items()}) for line, cells in rows[1:]
    ]


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def parse_day(value: object) -> date:
    """A date cell: a real date (Excel) or text such as 2027-01-01, 2027/1/1, 2027年1月1日."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = DATE_RE.match(_text(value))
    if not match:
        raise ValueError(f"日期“{_text(value)}”无法识别，应为 2027-01-01 这样的格式")
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        raise ValueError(f"日期“{_text(value)}”不存在") from None


def parse_kind(value: object) -> str:
    text = _text(value).lower()
    if text in HOLIDAY_WORDS:
        return "holiday"
    if text in WORKDAY_WORDS:
        return "workday"
    raise ValueError(f"类型“{_text(value)}”无效，应为“放假”或“调休上班”")


def validate(records: list[tuple[int, dict]]) -> ScheduleReport:
    report = ScheduleReport()
    seen: dict[date, int] = {}
    for line, record in records:
        problems = []
        day = kind = None
        try:
            day = parse_day(record["day"])
        except ValueError as error:
            problems.append(str(error))
        try:
            kind = parse_kind(record["kind"])
        except ValueError as error:
            problems.append(str(error))
        name = _text(record["name"])
        if not name:
            problems.append("名称为空（例如：春节）")
        elif len(name) > MAX_NAME:
            problems.append(f"名称超过 {MAX_NAME} 个字")
        if day is not None:
            if not 2000 <= day.year <= 2100:
                problems.append(f"年份 {day.year} 不在 2000–2100 之间")
            if kind == "workday" and day.weekday() < 5:
                problems.append(f"{day} 是{WEEKDAYS[day.weekday()]}，本来就是工作日，调休上班只会在周六或周日")
            if day in seen:
                problems.append(f"日期 {day} 与第 {seen[day]} 行重复")
            else:
                seen[day] = line
        if problems:
            report.errors.append(f"第 {line} 行：" + "；".join(problems) + "。")
        else:
            assert day is not None and kind is not None  # both parsed: no problem was found
            report.rows.append(ScheduleRow(line, day, kind, name))
    return report
