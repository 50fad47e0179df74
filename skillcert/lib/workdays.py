"""Working days by China's official calendar (holidays and make-up workdays).

Pure module: no Django. Every deadline of the notice that is counted in working
days ("考前5个工作日", "考试结束后10个工作日内") goes through here.
"""

from datetime import date, timedelta

import chinese_calendar


class CalendarNotCovered(ValueError):
    """The holiday data does not cover this date, so no honest answer exists."""

    def __init__(self, day: date) -> None:
        self.day = day
        first, last = coverage()
        super().__init__(
            f"{day.isoformat()} 不在节假日数据覆盖范围内（{first.year}–{last.year} 年），"
            "无法计算工作日；请升级 chinesecalendar 软件包后重试。"
        )


def coverage() -> tuple[date, date]:
    """The first and last day the installed holiday data answers for."""
    years = {d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays}
    return date(min(years), 1, 1), date(max(years), 12, 31)


def is_working_day(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        raise CalendarNotCovered(day) from None


def add_working_days(day: date, count: int) -> date:
    """The date `count` working days after `day` (before it when negative).

    `day` itself is never counted: 1 working day after a Friday is the next
    Monday, unless that Monday is a holiday.
    """
    step = timedelta(days=1 if count >= 0 else -1)
    remaining = abs(count)
    current = day
    while remaining:
        current += step
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_before(day: date, count: int) -> date:
    """The latest date that lies `count` working days before `day`."""
    if count < 0:
        raise ValueError("count must not be negative")
    return add_working_days(day, -count)


def working_days_after(day: date, count: int) -> date:
    """The date by which something due `count` working days after `day` is late."""
    if count < 0:
        raise ValueError("count must not be negative")
    return add_working_days(day, count)


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end]: how many are left from start until end."""
    if end < start:
        return -working_days_between(end, start)
    return sum(1 for n in range(1, (end - start).days + 1) if is_working_day(start + timedelta(n)))
