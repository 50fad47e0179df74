"""The 汇总表's pure rows (scoring/summary.py), the roster's columns and the retention dates."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import roster, summary
from scoring.retention import retain_until, retention_state


def line(code: str, level: int, **counts: int) -> summary.LineCounts:
    return summary.LineCounts(code, f"职业{code}", level, f"{level}级", **counts)


def test_the_pass_rate_is_passed_over_sat_with_one_decimal():
    assert summary.pass_rate(2, 3) == "66.7%"
    assert summary.pass_rate(1, 8) == "12.5%"
    assert summary.pass_rate(5, 5) == "100.0%"


def test_the_pass_rate_is_a_dash_when_nobody_sat():
    assert summary.pass_rate(0, 0) == "—"


def test_lines_go_by_occupation_then_level_five_first_and_the_total_is_last():
    table = summary.build([line("4-02", 3, applied=1), line("4-01", 2, applied=2), line("4-01", 5, applied=3)])
    rows = table.rows()
    assert [(r[1], r[3]) for r in rows[:-1]] == [("4-01", "5级"), ("4-01", "2级"), ("4-02", "3级")]
    assert rows[-1][0] == "合计" and rows[-1][4] == "6"
    assert len(rows[0]) == len(summary.HEADINGS)


def test_an_empty_city_has_only_the_total_row_with_a_dash_rate():
    assert summary.build([]).rows() == [["合计", "", "", "", "0", "0", "0", "0", "0", "0", "0", "—"]]


counts = st.integers(min_value=0, max_value=500)
# The machine is shared: a slow example is not a failure.
CALM = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@CALM
@given(st.lists(st.tuples(st.sampled_from(["4-01", "4-02", "6-18"]), st.integers(1, 5), counts, counts), max_size=12))
def test_the_total_row_sums_every_line(specs):
    lines = [line(code, level, applied=a, sat=s, passed=min(a, s)) for code, level, a, s in specs]
    table = summary.build(lines)
    assert table.total.applied == sum(x.applied for x in lines)
    assert table.total.sat == sum(x.sat for x in lines)
    assert table.rows()[-1][-1] == summary.pass_rate(table.total.passed, table.total.sat)
    assert len(table.rows()) == len(lines) + 1


@CALM
@given(st.integers(0, 10_000), st.integers(1, 10_000))
def test_a_pass_rate_is_never_above_a_hundred_when_passed_are_among_sat(passed, sat):
    rate = summary.pass_rate(min(passed, sat), sat)
    assert 0 <= float(rate.removesuffix("%")) <= 100


def test_the_roster_shows_the_review_column_only_when_someone_has_one():
    plain = roster.RosterLine(
        "202315010000001", "张三", "男", "1501**********0015", "电工", "四级", "某局", {"theory": "80"}
    )
    assert roster.headings([plain])[-2:] == ["理论知识", "技能考核"]
    technician = roster.RosterLine("2", "李四", "女", "x", "电工", "二级", "", {"review": "75"})
    assert roster.headings([plain, technician])[-1] == "综合评审"
    assert roster.rows([plain, technician])[1][7:] == ["—", "—", "—", "75"]


def test_retention_counts_whole_years_and_a_leap_day_keeps_to_the_28th():
    assert retain_until(date(2023, 10, 20), 3) == date(2026, 10, 20)
    assert retain_until(date(2024, 2, 29), 1) == date(2025, 2, 28)
    with pytest.raises(ValueError):
        retain_until(date(2023, 1, 1), 0)


def test_retention_state_says_expired_ending_or_kept():
    today = date(2030, 1, 10)
    assert retention_state(date(2030, 1, 9), today, 90) == "expired"
    assert retention_state(date(2030, 1, 10), today, 90) == "ending"
    assert retention_state(date(2030, 4, 10), today, 90) == "ending"
    assert retention_state(date(2030, 4, 11), today, 90) == "kept"
