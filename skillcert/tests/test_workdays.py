from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skillcert.lib import workdays
from skillcert.lib.workdays import CalendarNotCovered, HolidayData


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
    assert "2099" in str(raised.value) and raised.value.year == 2099
    assert "chinesecalendar" not in str(raised.value)  # a reason for people, not a developer's hint


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


# --- the association's entries override the package ----------------------------------------

# Made-up entries for a year beyond the package: the real schedule is the State Council's.
NEW_YEAR_2027 = HolidayData(
    days={date(2027, 1, 1): False, date(2027, 1, 4): False, date(2027, 1, 9): True},
    complete_years=frozenset({2027}),
)


def test_a_year_without_entries_beyond_the_package_is_not_covered():
    with pytest.raises(CalendarNotCovered):
        workdays.is_working_day(date(2027, 1, 5))


def test_entries_answer_for_a_year_the_package_does_not_know():
    assert workdays.is_working_day(date(2027, 1, 4), NEW_YEAR_2027) is False  # an entered holiday, a Monday
    assert workdays.is_working_day(date(2027, 1, 9), NEW_YEAR_2027) is True  # an entered make-up Saturday


def test_a_complete_year_answers_other_days_by_the_ordinary_week():
    assert workdays.is_working_day(date(2027, 1, 5), NEW_YEAR_2027) is True  # a Tuesday
    assert workdays.is_working_day(date(2027, 1, 10), NEW_YEAR_2027) is False  # a Sunday


def test_an_incomplete_year_still_refuses_the_days_it_does_not_list():
    partial = HolidayData(days=NEW_YEAR_2027.days)
    assert workdays.is_working_day(date(2027, 1, 1), partial) is False
    with pytest.raises(CalendarNotCovered):
        workdays.is_working_day(date(2027, 1, 5), partial)


def test_an_entry_overrides_the_package_for_the_same_day():
    corrected = HolidayData(days={date(2023, 10, 7): False})  # the package says 调休上班
    assert workdays.is_working_day(date(2023, 10, 7)) is True
    assert workdays.is_working_day(date(2023, 10, 7), corrected) is False


def test_deadlines_count_across_into_an_entered_year():
    # 2026-12-31 is a Thursday; then 1 January (entered holiday), the weekend, 4 January (entered holiday).
    assert workdays.working_days_after(date(2026, 12, 31), 1, NEW_YEAR_2027) == date(2027, 1, 5)
    assert workdays.working_days_before(date(2027, 1, 11), 2, NEW_YEAR_2027) == date(2027, 1, 8)
