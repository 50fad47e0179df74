"""Working days by China's official calendar (holidays and make-up workdays).

Pure module: no Django. Every deadline of the notice that is counted in working
days ("考前5个工作日", "考试结束后10个工作日内") goes through here.

Two sources, the first that knows a day wins:

1. `HolidayData`, the schedule the association entered (each year's 放假安排 is
   published by the State Council around November, before any package has it);
2. the `chinesecalendar` package;
3. for a year the association marked complete, any other day is an ordinary
   weekday or weekend.

A day none of them answers raises `CalendarNotCovered`: no guess is ever made.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar


@dataclass(frozen=True)
class HolidayData:
    """Entered holidays and make-up working days; `days[d]` is True when d is a working day."""

    days: Mapping[date, bool] = field(default_factory=dict)
    complete_years: frozenset[int] = frozenset()


NO_DATA = HolidayData()


class CalendarNotCovered(ValueError):
    """The holiday data does not cover this date, so no honest answer exists."""

    def __init__(self, day: date) -> None:
        self.day = day
        self.year = day.year
        super().__init__(f"{day.year} 年的放假和调休安排尚未录入，无法按工作日计算（{day.isoformat()}）。")


def coverage() -> tuple[date, date]:
    """The first and last day the installed holiday package answers for."""
    years = {d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays}
    return date(min(years), 1, 1), date(max(years), 12, 31)


def is_working_day(day: date, data: HolidayData = NO_DATA) -> bool:
    entered = data.days.get(day)
    if entered is not None:
        return entered
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        if day.year in data.complete_years:
            return day.weekday() < 5
        raise CalendarNotCovered(day) from None


def add_working_days(day: date, count: int, data: HolidayData = NO_DATA) -> date:
    """The date `count` working days after `day` (before it when negative).

    `day` itself is never counted: 1 working day after a Friday is the next
    Monday, unless that Monday is a holiday.
    """
    step = timedelta(days=1 if count >= 0 else -1)
    remaining = abs(count)
    current = day
    while remaining:
        current += step
        if is_working_day(current, data):
            remaining -= 1
    return current


def working_days_before(day: date, count: int, data: HolidayData = NO_DATA) -> date:
    """The latest date that lies `count` working days before `day`."""
    if count < 0:
        raise ValueError("count must not be negative")
    return add_working_days(day, -count, data)


def working_days_after(day: date, count: int, data: HolidayData = NO_DATA) -> date:
    """The date by which something due `count` working days after `day` is late."""
    if count < 0:
        raise ValueError("count must not be negative")
    return add_working_days(day, count, data)


def working_days_between(start: date, end: date, data: HolidayData = NO_DATA) -> int:
    """Working days in (start, end]: how many are left from start until end."""
    if end < start:
        return -working_days_between(end, start, data)
    return sum(1 for n in range(1, (end - start).days + 1) if is_working_day(start + timedelta(n), data))
