from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skillcert.lib import workdays
from skillcert.lib.workdays import CalendarNotCovered


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2023, 9, 28), True),  # Thursday before the holiday
        (date(2023, 9, 29), False),  # 中秋节
        (date(2023, 10, 2), False),  # 国庆节, a Monday
        (date(2023, 10, 6), False),  # last day of the holiday, a Friday
        (date(2023, 10, 7), True),  # Saturday made a workday (调休)
        (date(2023, 10, 8), True),  # Sunday made a workday (调休)
        (date(2023, 10, 14), False),  # an ordinary Saturday
        (date(2023, 10, 15), False),  # the exam day, a Sunday
    ],
)
def test_national_day_2023_holidays_and_make_up_workdays(day, working):
    assert workdays.is_working_day(day) is working


def test_handbook_due_five_working_days_before_the_2023_exam():
    assert workdays.working_days_before(date(2023, 10, 15), 5) == date(2023, 10, 9)


def test_results_due_ten_working_days_after_the_2023_exam():
    assert workdays.working_days_after(date(2023, 10, 15), 10) == date(2023, 10, 27)


def test_counting_across_the_holiday_lands_on_the_make_up_saturday():
    assert workdays.working_days_after(date(2023, 9, 28), 1) == date(2023, 10, 7)
    assert workdays.working_days_after(date(2023, 9, 28), 2) == date(2023, 10, 8)


def test_counting_back_from_monday_after_the_holiday_finds_the_make_up_sunday():
    assert workdays.working_days_before(date(2023, 10, 9), 1) == date(2023, 10, 8)
    assert workdays.working_days_before(date(2023, 10, 7), 1) == date(2023, 9, 28)


def test_zero_working_days_is_the_day_itself():
    assert workdays.working_days_after(date(2023, 10, 3), 0) == date(2023, 10, 3)


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        workdays.working_days_before(date(2023, 10, 15), -1)


def test_a_date_the_calendar_does_not_cover_is_a_clear_error():
    with pytest.raises(CalendarNotCovered) as raised:
        workdays.is_working_day(date(2099, 5, 4))
    assert "2099-05-04" in str(raised.value)
    assert "chinesecalendar" in str(raised.value)


def test_counting_into_an_uncovered_year_is_an_error_not_a_guess():
    _, last = workdays.coverage()
    with pytest.raises(CalendarNotCovered):
        workdays.working_days_after(last - timedelta(days=3), 10)


covered_days = st.dates(min_value=date(2005, 1, 1), max_value=date(2025, 12, 1))


@given(covered_days, st.integers(min_value=1, max_value=40))
def test_n_working_days_after_is_a_working_day_exactly_n_away(day, count):
    due = workdays.working_days_after(day, count)
    assert workdays.is_working_day(due)
    assert workdays.working_days_between(day, due) == count


@given(covered_days, st.integers(min_value=1, max_value=40))
def test_before_leaves_exactly_n_working_days_up_to_the_day(day, count):
    earlier = workdays.working_days_before(day, count)
    assert workdays.is_working_day(earlier)
    # earlier itself and the working days strictly between make `count`.
    between = workdays.working_days_between(earlier, day) - int(workdays.is_working_day(day))
    assert between + 1 == count
