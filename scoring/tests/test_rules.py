"""The pure rules of marking: typed cells, agreement of two entries, the pass rule (property tests)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring import rules

scores = st.decimals(min_value=0, max_value=100, places=0).map(lambda d: rules.Cell(rules.SCORE, d))
cells = st.one_of(scores, st.just(rules.Cell(rules.ABSENT)), st.just(rules.Cell(rules.VOID, note="作弊")))
levels = st.integers(min_value=1, max_value=5)


@given(level=levels, parts=st.dictionaries(st.sampled_from([rules.THEORY, rules.SKILL, rules.REVIEW]), cells))
def test_a_candidate_passes_exactly_when_every_required_part_is_a_score_of_60_or_more(level, parts):
    result = rules.result(level, parts)
    required = rules.required_parts(level)
    expected = all(
        p in parts and parts[p].mark == rules.SCORE and parts[p].value is not None and parts[p].value >= 60
        for p in required
    )
    assert result.passed is expected
    assert result.complete is all(p in parts for p in required)
    assert result.passed or result.reasons  # a fail always says why


@given(parts=st.fixed_dictionaries({rules.THEORY: scores, rules.SKILL: scores}))
def test_five_and_four_never_need_a_review_and_two_and_one_always_do(parts):
    assert rules.result(4, parts).complete and rules.result(5, parts).complete
    assert not rules.result(2, parts).complete and not rules.result(1, parts).complete


def test_sixty_passes_and_fifty_nine_point_five_fails():
    sixty, just_under = rules.Cell(rules.SCORE, Decimal(60)), rules.Cell(rules.SCORE, Decimal("59.5"))
    assert rules.result(3, {rules.THEORY: sixty, rules.SKILL: sixty}).passed
    assert not rules.result(3, {rules.THEORY: sixty, rules.SKILL: just_under}).passed


@given(value=st.decimals(min_value=0, max_value=100, places=2), decimals=st.integers(0, 2))
def test_a_typed_score_is_taken_at_the_precision_or_refused(value, decimals):
    text = format(value, "f")
    try:
        cell = rules.parse_cell(text, decimals)
    except rules.CellError as error:
        assert "精度" in str(error)
        assert value != value.quantize(rules.quantum(decimals))
    else:
        assert cell.mark == rules.SCORE and cell.value == value


@pytest.mark.parametrize("text", ["101", "-1", "八十", "NaN", "Infinity", "1e3", ""])
def test_what_is_not_a_score_is_refused_in_chinese(text):
    with pytest.raises(rules.CellError) as refused:
        rules.parse_cell(text, 1)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(refused.value))


def test_absent_and_void_words():
    assert rules.parse_cell("缺考", 0).mark == rules.ABSENT and rules.parse_cell("违纪", 0).mark == rules.VOID
    with pytest.raises(rules.CellError, match="缺考"):
        rules.check_against_day(rules.Cell(rules.SCORE, Decimal(80)), rules.ABSENT)


@given(first=st.dictionaries(st.integers(1, 50), scores), second=st.dictionaries(st.integers(1, 50), scores))
def test_mismatches_are_exactly_the_candidates_both_entered_differently(first, second):
    found = {m.application for m in rules.mismatches(first, second)}
    assert found == {pk for pk in first.keys() & second.keys() if first[pk] != second[pk]}
