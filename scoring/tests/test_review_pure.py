"""The pure rules of 综合评审: unit normalisation, conflicts, assignment, aggregation, the sheet."""

import random
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.review import (
    CandidateFacts,
    CriterionFacts,
    ExpertFacts,
    aggregate,
    assign,
    conflict,
    flagged,
    normalise_unit,
    sheet_total,
    spread,
    weights_problem,
)

totals = st.lists(
    st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False), min_size=1, max_size=9
)


def test_units_written_with_spaces_or_full_width_punctuation_are_one_unit():
    same = ["呼和浩特市 第二中学", "呼和浩特市　第二中学", "呼和浩特市第二中学", "呼和浩特市第二中学。"]
    assert len({normalise_unit(u) for u in same}) == 1
    assert normalise_unit("内蒙古电力（集团）有限责任公司") == normalise_unit("内蒙古电力(集团) 有限责任公司")
    assert normalise_unit("呼和浩特市第一中学") != normalise_unit("呼和浩特市第二中学")


@given(st.text(max_size=20), st.sampled_from([" ", "\u3000", "，", "、", "（", "）", "·", "-"]))
def test_normalisation_ignores_inserted_spaces_and_punctuation(unit, mark):
    middle = len(unit) // 2
    assert normalise_unit(unit[:middle] + mark + unit[middle:]) == normalise_unit(unit)


def test_a_shared_work_unit_is_a_conflict_with_its_reason():
    expert = ExpertFacts(1, "呼和浩特市 第二中学", frozenset({7}), name="李专家")
    candidate = CandidateFacts(10, 7, "呼和浩特市第二中学", "h1")
    assert "同一工作单位" in conflict(expert, candidate)


def test_a_declared_relation_is_a_conflict_and_an_empty_unit_is_not():
    expert = ExpertFacts(1, "", frozenset({7}), {"h1": "亲属"})
    assert "亲属" in conflict(expert, CandidateFacts(10, 7, "", "h1"))
    assert conflict(expert, CandidateFacts(11, 7, "", "h2")) is None


def test_each_candidate_gets_the_least_loaded_experts_of_their_occupation():
    experts = [ExpertFacts(pk, f"单位{pk}", frozenset({7})) for pk in (1, 2, 3, 4)]
    plan = assign([CandidateFacts(pk, 7, "某单位") for pk in range(10, 14)], experts, 3)
    assert plan.assignments[10] == (1, 2, 3)
    assert plan.assignments[11] == (1, 2, 4)  # 4 had none; ties by id
    assert sorted(plan.load.values()) == [3, 3, 3, 3]
    assert not plan.unassignable


def test_a_candidate_without_enough_experts_is_listed_with_why():
    experts = [ExpertFacts(1, "甲单位", frozenset({7})), ExpertFacts(2, "乙单位", frozenset({7}), name="王")]
    experts.append(ExpertFacts(3, "丙单位", frozenset({8})))
    plan = assign([CandidateFacts(10, 7, "乙单位")], experts, 2)
    assert not plan.assignments
    (missing,) = plan.unassignable
    assert missing.candidate == 10 and "只有 1 位" in missing.reason and "王" in missing.reason


experts_strategy = st.lists(
    st.tuples(
        st.sampled_from(["甲", "乙", "丙", "丁 "]),
        st.sets(st.integers(1, 3), min_size=1),
        st.sets(st.sampled_from("abc")),
    ),
    min_size=0,
    max_size=8,
)
candidates_strategy = st.lists(
    st.tuples(st.integers(1, 3), st.sampled_from(["甲", "乙", "丙", "丁", "戊"]), st.sampled_from("abcdef")),
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(experts_strategy, candidates_strategy, st.integers(1, 4))
def test_assignment_never_uses_a_conflicting_expert_and_gives_exactly_size(experts_spec, candidates_spec, size):
    experts = [
        ExpertFacts(pk, unit, frozenset(occ), dict.fromkeys(rel, "亲属"))
        for pk, (unit, occ, rel) in enumerate(experts_spec)
    ]
    candidates = [CandidateFacts(100 + i, occ, unit, h) for i, (occ, unit, h) in enumerate(candidates_spec)]
    plan = assign(candidates, experts, size)
    by_id = {e.id: e for e in experts}
    listed = set(plan.assignments) | {u.candidate for u in plan.unassignable}
    assert listed == {c.id for c in candidates} and not set(plan.assignments) & {u.candidate for u in plan.unassignable}
    for candidate in candidates:
        chosen = plan.assignments.get(candidate.id)
        if chosen is None:
            continue
        assert len(chosen) == len(set(chosen)) == size
        for pk in chosen:
            assert candidate.occupation in by_id[pk].specialties
            assert conflict(by_id[pk], candidate) is None
    assert plan == assign(list(reversed(candidates)), list(reversed(experts)), size)  # deterministic


def test_five_thousand_candidates_and_forty_experts_are_all_planned_without_a_conflict():
    # Its speed is measured in bench/test_bench_review.py, never here.
    rng = random.Random(4)
    units = [f"呼和浩特市第{n}中学" for n in range(60)]
    experts = [
        ExpertFacts(pk, rng.choice(units), frozenset(rng.sample(range(10), 3)), {f"h{rng.randrange(5000)}": "亲属"})
        for pk in range(40)
    ]
    candidates = [CandidateFacts(pk, rng.randrange(10), rng.choice(units), f"h{pk}") for pk in range(5000)]
    plan = assign(candidates, experts, 3)
    assert len(plan.assignments) + len(plan.unassignable) == 5000
    by_pk = {expert.id: expert for expert in experts}
    people = {candidate.id: candidate for candidate in candidates}
    for candidate_pk, chosen in plan.assignments.items():
        assert len(set(chosen)) == 3
        assert all(conflict(by_pk[e], people[candidate_pk]) is None for e in chosen)


def test_the_mean_is_rounded_half_up_to_the_campaigns_decimals():
    assert aggregate([Decimal(70), Decimal(71)]) == Decimal(71)  # 70.5 → 71
    assert aggregate([Decimal("70.25"), Decimal("70.30"), Decimal("70.30")], 1) == Decimal("70.3")
    assert aggregate([Decimal(60), Decimal(80), Decimal(90), Decimal(100), Decimal(10)]) == Decimal(77)  # 60,80,90


@given(totals, st.integers(0, 2))
def test_the_aggregate_lies_within_the_lowest_and_the_highest(values, decimals):
    result = aggregate(values, decimals)
    step = Decimal(1).scaleb(-decimals) / 2
    assert min(values) - step <= result <= max(values) + step


@given(totals, st.randoms())
def test_the_aggregate_does_not_depend_on_the_order(values, rng):
    shuffled = list(values)
    rng.shuffle(shuffled)
    assert aggregate(shuffled, 2) == aggregate(values, 2)


@given(
    st.lists(st.decimals(min_value=0, max_value=100, places=1), min_size=5, max_size=9), st.decimals(0, 100, places=1)
)
def test_with_five_or_more_one_extreme_does_not_move_the_trimmed_mean(values, extreme):
    highest = sorted(values)
    lifted = [*highest[:-1], max(highest[-1], extreme)]  # the single highest raised further
    assert aggregate(lifted, 2) == aggregate(values, 2)


def test_spread_and_flag():
    assert spread([Decimal(60), Decimal(85), Decimal(70)]) == Decimal(25)
    assert flagged([Decimal(60), Decimal(85)], Decimal(20))
    assert not flagged([Decimal(60), Decimal(80)], Decimal(20))  # at the threshold: not over it


CRITERIA = [CriterionFacts(1, "技术总结", 40), CriterionFacts(2, "论文", 60)]


def test_the_sheet_adds_points_within_weights():
    result = sheet_total({1: "35.5", 2: 50}, CRITERIA)
    assert result.ok and result.total == Decimal("85.5")


def test_the_sheet_names_each_wrong_criterion_in_chinese():
    result = sheet_total({1: "41", 2: "abc"}, CRITERIA)
    assert result.total is None
    assert "技术总结" in result.errors[1] and "0 到 40" in result.errors[1]
    assert "不是有效的数字" in result.errors[2]
    assert "请填写" in sheet_total({1: "1"}, CRITERIA).errors[2]
    assert "小数" in sheet_total({1: "1.25", 2: "1"}, CRITERIA).errors[1]


@given(st.lists(st.integers(1, 40), min_size=1, max_size=6), st.data())
def test_a_sheet_within_weights_totals_their_sum_and_never_exceeds_the_weights(weights, data):
    criteria = [CriterionFacts(i, f"项目{i}", w) for i, w in enumerate(weights)]
    points = {i: data.draw(st.integers(0, w * 10)) / 10 for i, w in enumerate(weights)}
    result = sheet_total({i: str(p) for i, p in points.items()}, criteria)
    assert result.ok
    assert result.total == sum((Decimal(str(p)) for p in points.values()), Decimal(0))
    assert result.total <= sum(weights)


def test_weights_must_sum_to_one_hundred():
    assert weights_problem([40, 60]) is None
    assert "90" in weights_problem([40, 50])
    assert weights_problem([])
