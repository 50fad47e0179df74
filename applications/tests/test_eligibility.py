"""The eligibility engine and the standards data: every rule with a passing and a failing case."""

import json
import re
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from applications import standards
from applications.eligibility import (
    CATEGORIES,
    TITLE_FIELDS,
    TITLE_RANKS,
    Decision,
    Facts,
    PriorCertificate,
    ProfessionalTitle,
    decide,
    fact_problems,
    required_facts,
    whole_years,
    years_since_certificate,
)
from applications.standards import EDUCATIONS, StandardsError, default_conditions

AS_OF = date(2023, 10, 15)  # the 2023 campaign's exam date
ALL_LEVELS = frozenset({5, 4, 3, 2, 1})
CAR = "4-12-01-01"  # 汽车维修工, template conditions
COMPUTER = "4-12-02-01"  # 计算机维修工
LABOUR = "4-07-03-02"  # 劳动关系协调员, its own 2019 standard
CJK = re.compile(r"[\u4e00-\u9fff]")


def years_ago(years: int, days: int = 0) -> date:
    return AS_OF.replace(year=AS_OF.year - years) + timedelta(days=days)


def cert(level: int, years: int = 10, *, code: str = CAR, related: bool = False, **more) -> PriorCertificate:
    return PriorCertificate(occupation_code=code, level=level, issued_on=years_ago(years), related=related, **more)


def facts(**changes) -> Facts:
    base = Facts(
        occupation_code=CAR,
        level=5,
        category="initial",
        as_of=AS_OF,
        occupation_years=0,
        apprenticeship_completed=False,
        education=None,
        education_related=False,
        prior_certificate=None,
        professional_title=None,
        veteran_wage_level=None,
    )
    return replace(base, **changes)


def check(f: Facts, offered: frozenset[int] | None = ALL_LEVELS) -> Decision:
    return decide(f, offered_levels=offered, conditions=default_conditions())


def assert_decision(decision: Decision, eligible: bool, rule: str) -> None:
    assert (decision.eligible, decision.rule) == (eligible, rule), decision.reasons
    assert decision.reasons and all(CJK.search(reason) for reason in decision.reasons)


# --- catalog ------------------------------------------------------------------------------------


def test_an_occupation_the_campaign_does_not_offer_is_refused():
    decision = check(facts(occupation_years=3), offered=None)
    assert_decision(decision, False, "catalog.occupation_not_offered")
    assert CAR in decision.reasons[0]


def test_a_level_the_campaign_does_not_offer_for_the_occupation_is_refused():
    # 保卫管理员 offers only 三级、二级、一级
    decision = check(facts(occupation_code="3-02-02-00", level=5, occupation_years=3), offered=frozenset({3, 2, 1}))
    assert_decision(decision, False, "catalog.level_not_offered")
    assert "三级/高级工、二级/技师、一级/高级技师" in decision.reasons[0] and "五级/初级工" in decision.reasons[0]


def test_an_offered_level_passes_the_catalog_and_says_so():
    decision = check(facts(level=5, occupation_years=1), offered=frozenset({5, 4, 3}))
    assert_decision(decision, True, "initial.l5.years")
    assert decision.reasons[0] == "本批次认定目录含该职业的五级/初级工。"


# --- initial (初次): routes that need no certificate ----------------------------------------------

INITIAL = [
    # level 5: 1 year, or apprenticeship
    ({"level": 5, "occupation_years": 1}, True, "initial.l5.years"),
    ({"level": 5, "occupation_years": 0.9}, False, "initial.l5.no_route"),
    ({"level": 5, "apprenticeship_completed": True}, True, "initial.l5.apprenticeship"),
    # level 4: 6 years, or a related technical school / assessed secondary vocational diploma
    ({"level": 4, "occupation_years": 6}, True, "initial.l4.years"),
    ({"level": 4, "occupation_years": 5.9}, False, "initial.l4.no_route"),
    ({"level": 4, "education": "technical_school", "education_related": True}, True, "initial.l4.school"),
    ({"level": 4, "education": "secondary_vocational", "education_related": True}, True, "initial.l4.school"),
    ({"level": 4, "education": "technical_school", "education_related": False}, False, "initial.l4.no_route"),
    ({"level": 4, "education": "high_school", "education_related": True}, False, "initial.l4.no_route"),
    # level 3: every template route needs a 四级 certificate
    (
        {"level": 3, "occupation_years": 30, "education": "doctor", "education_related": True},
        False,
        "initial.l3.no_route",
    ),
    # level 2: only the 预备技师 route needs no certificate
    (
        {"level": 2, "education": "technician_college", "preparatory_technician": True, "occupation_years": 2},
        True,
        "initial.l2.preparatory_technician",
    ),
    (
        {"level": 2, "education": "technician_college", "preparatory_technician": False, "occupation_years": 9},
        False,
        "initial.l2.no_route",
    ),
    (
        {"level": 2, "education": "technician_college", "preparatory_technician": True, "occupation_years": 1},
        False,
        "initial.l2.no_route",
    ),
    (
        {"level": 2, "education": "senior_technical_school", "preparatory_technician": True, "occupation_years": 2},
        False,
        "initial.l2.no_route",
    ),
    # level 1: never without a certificate
    ({"level": 1, "occupation_years": 40}, False, "initial.l1.no_route"),
]


@pytest.mark.parametrize(("changes", "eligible", "rule"), INITIAL)
def test_initial_applications(changes, eligible, rule):
    assert_decision(check(facts(category="initial", **changes)), eligible, rule)


def test_initial_ignores_a_held_certificate_and_points_to_promotion():
    decision = check(facts(level=4, occupation_years=5, prior_certificate=cert(5, years=5)))
    assert_decision(decision, False, "initial.l4.no_route")
    assert "按晋级申报" in decision.reasons[-1]


def test_every_route_checked_is_explained_met_or_not():
    decision = check(facts(level=4, occupation_years=6, education="high_school"))
    explained = [r for r in decision.reasons if r.startswith(("具备：", "不具备："))]
    assert explained == [
        "具备：累计从事本职业或相关职业工作6年（含）以上。核对：从事本职业或相关职业 6 年，须满 6 年。",
        "不具备：取得技工学校本专业或相关专业毕业证书，或经评估论证、以中级技能为培养目标的中等及以上职业学校"
        "本专业或相关专业毕业证书（均含尚未取得毕业证书的在校应届毕业生）。核对：文化程度为普通高中，"
        "须为中等职业学校、技工学校之一；所学专业与申报职业不相关。",
    ]
    assert "国家职业技能标准申报条件通用模板（2018年版）" in decision.reasons[1]


# --- promotion (晋级): the certificate one level below, then any route -----------------------------

PROMOTION = [
    # 四级: 4 years after 五级, or 6 years in all
    ({"level": 4, "prior_certificate": cert(5, 4), "occupation_years": 4}, True, "promotion.l4.years_after_l5"),
    ({"level": 4, "prior_certificate": cert(5, 3), "occupation_years": 5}, False, "promotion.l4.no_route"),
    ({"level": 4, "prior_certificate": cert(5, 2), "occupation_years": 6}, True, "promotion.l4.years"),
    # 三级: 5 years after 四级
    ({"level": 3, "prior_certificate": cert(4, 5), "occupation_years": 8}, True, "promotion.l3.years_after_l4"),
    ({"level": 3, "prior_certificate": cert(4, 4), "occupation_years": 8}, False, "promotion.l3.no_route"),
    # 三级: 四级 + 高级技工学校/技师学院 (the standard does not ask for a related major here)
    (
        {"level": 3, "prior_certificate": cert(4, 0), "education": "senior_technical_school"},
        True,
        "promotion.l3.l4_and_technician_school",
    ),
    (
        {"level": 3, "prior_certificate": cert(4, 0), "education": "technician_college"},
        True,
        "promotion.l3.l4_and_technician_school",
    ),
    ({"level": 3, "prior_certificate": cert(4, 0), "education": "technical_school"}, False, "promotion.l3.no_route"),
    # 三级: 四级 + assessed 高职 of a related major
    (
        {"level": 3, "prior_certificate": cert(4, 0), "education": "higher_vocational", "education_related": True},
        True,
        "promotion.l3.l4_and_higher_vocational",
    ),
    (
        {"level": 3, "prior_certificate": cert(4, 0), "education": "higher_vocational", "education_related": False},
        False,
        "promotion.l3.no_route",
    ),
    # 三级: 大专 or above, related, and 2 years after 四级
    (
        {
            "level": 3,
            "prior_certificate": cert(4, 2),
            "occupation_years": 2,
            "education": "junior_college",
            "education_related": True,
        },
        True,
        "promotion.l3.college_years_after_l4",
    ),
    (
        {
            "level": 3,
            "prior_certificate": cert(4, 2),
            "occupation_years": 3,
            "education": "bachelor",
            "education_related": True,
        },
        True,
        "promotion.l3.college_years_after_l4",
    ),
    (
        {
            "level": 3,
            "prior_certificate": cert(4, 1),
            "occupation_years": 3,
            "education": "bachelor",
            "education_related": True,
        },
        False,
        "promotion.l3.no_route",
    ),
    (
        {
            "level": 3,
            "prior_certificate": cert(4, 2),
            "occupation_years": 3,
            "education": "bachelor",
            "education_related": False,
        },
        False,
        "promotion.l3.no_route",
    ),
    # 二级: 4 years after 三级
    ({"level": 2, "prior_certificate": cert(3, 4), "occupation_years": 9}, True, "promotion.l2.years_after_l3"),
    ({"level": 2, "prior_certificate": cert(3, 3), "occupation_years": 9}, False, "promotion.l2.no_route"),
    # 二级: a 高级技工学校/技师学院 graduate holding 三级, 3 years of work in all
    (
        {"level": 2, "prior_certificate": cert(3, 1), "occupation_years": 3, "education": "technician_college"},
        True,
        "promotion.l2.l3_technician_school_years",
    ),
    (
        {"level": 2, "prior_certificate": cert(3, 1), "occupation_years": 2.5, "education": "senior_technical_school"},
        False,
        "promotion.l2.no_route",
    ),
    # 一级: 4 years after 二级
    ({"level": 1, "prior_certificate": cert(2, 4), "occupation_years": 20}, True, "promotion.l1.years_after_l2"),
    ({"level": 1, "prior_certificate": cert(2, 3), "occupation_years": 20}, False, "promotion.l1.no_route"),
    # the certificate itself
    ({"level": 3, "prior_certificate": cert(5, 10), "occupation_years": 20}, False, "promotion.certificate_level"),
    ({"level": 3, "prior_certificate": cert(3, 10), "occupation_years": 20}, False, "promotion.certificate_level"),
    (
        {"level": 3, "prior_certificate": cert(4, 6, code=COMPUTER, related=False), "occupation_years": 8},
        False,
        "promotion.certificate_unrelated",
    ),
    (
        {"level": 3, "prior_certificate": cert(4, 6, code=COMPUTER, related=True), "occupation_years": 8},
        True,
        "promotion.l3.years_after_l4",
    ),
    ({"level": 5, "prior_certificate": cert(5, 3), "occupation_years": 3}, False, "promotion.no_lower_level"),
]


@pytest.mark.parametrize(("changes", "eligible", "rule"), PROMOTION)
def test_promotion(changes, eligible, rule):
    assert_decision(check(facts(category="promotion", **changes)), eligible, rule)


def test_a_refused_certificate_explains_both_certificate_checks():
    decision = check(facts(category="promotion", level=3, prior_certificate=cert(5, code=COMPUTER), occupation_years=9))
    assert decision.reasons[1:] == (
        "晋级三级/高级工须持有四级/中级工证书；所持证书为五级/初级工。",
        "所持证书的职业（4-12-02-01）与申报职业不相关；须为本职业或相关职业的证书。",
    )


# --- per-occupation standards: 劳动关系协调员 (2019) --------------------------------------------------

LABOUR_CASES = [
    # 四级 after 4 years (the template asks 6)
    ({"level": 4, "occupation_years": 4}, True, "initial.l4.years"),
    ({"level": 4, "occupation_years": 3}, False, "initial.l4.no_route"),
    ({"level": 4, "education": "bachelor", "education_related": True}, True, "initial.l4.college_student"),
    ({"level": 4, "education": "bachelor", "education_related": False}, False, "initial.l4.no_route"),
    # 三级 straight away with a related master's degree
    ({"level": 3, "education": "master", "education_related": True}, True, "initial.l3.master"),
    ({"level": 3, "education": "master", "education_related": False}, False, "initial.l3.no_route"),
    # 三级 one year after 四级 with a related bachelor's degree
    (
        {
            "category": "promotion",
            "level": 3,
            "prior_certificate": cert(4, 1, code=LABOUR),
            "occupation_years": 1,
            "education": "bachelor",
            "education_related": True,
        },
        True,
        "promotion.l3.bachelor_years_after_l4",
    ),
    (
        {
            "category": "promotion",
            "level": 3,
            "prior_certificate": cert(4, 1, code=LABOUR),
            "occupation_years": 1,
            "education": "junior_college",
            "education_related": True,
        },
        False,
        "promotion.l3.no_route",
    ),
]


@pytest.mark.parametrize(("changes", "eligible", "rule"), LABOUR_CASES)
def test_labour_relations_coordinator_has_its_own_standard(changes, eligible, rule):
    decision = check(facts(occupation_code=LABOUR, **changes))
    assert_decision(decision, eligible, rule)
    assert any("劳动关系协调员国家职业技能标准（2019年修订）" in reason for reason in decision.reasons)


def test_the_same_facts_under_the_template_are_judged_by_the_template():
    assert check(facts(occupation_code=CAR, level=4, occupation_years=4)).eligible is False
    assert check(facts(occupation_code=CAR, level=3, education="master", education_related=True)).eligible is False


# --- transfer (平转) ---------------------------------------------------------------------------------

TRANSFER = [
    ({"level": 4, "prior_certificate": cert(4, code=COMPUTER, related=True)}, True, "transfer.same_level_related"),
    ({"level": 2, "prior_certificate": cert(2, code=COMPUTER, related=True)}, True, "transfer.same_level_related"),
    ({"level": 5, "prior_certificate": cert(5, code=COMPUTER, related=True)}, True, "transfer.same_level_related"),
    ({"level": 1, "prior_certificate": cert(1, code=COMPUTER, related=True)}, False, "transfer.level_too_high"),
    ({"level": 3, "prior_certificate": cert(4, code=COMPUTER, related=True)}, False, "transfer.level_mismatch"),
    ({"level": 4, "prior_certificate": cert(3, code=COMPUTER, related=True)}, False, "transfer.level_mismatch"),
    ({"level": 4, "prior_certificate": cert(4, code=CAR, related=True)}, False, "transfer.same_occupation"),
    ({"level": 4, "prior_certificate": cert(4, code=COMPUTER, related=False)}, False, "transfer.unrelated"),
]


@pytest.mark.parametrize(("changes", "eligible", "rule"), TRANSFER)
def test_transfer(changes, eligible, rule):
    assert_decision(check(facts(category="transfer", **changes)), eligible, rule)


def test_a_refused_transfer_lists_every_condition():
    decision = check(facts(category="transfer", level=3, prior_certificate=cert(4, code=COMPUTER, related=False)))
    assert len(decision.reasons) == 1 + 4  # the catalog, then level, same level, other occupation, related


# --- through (贯通) ----------------------------------------------------------------------------------

THROUGH = [
    ({"field": "engineering", "rank": "junior"}, 3, True, "through.junior_to_l3"),
    ({"field": "engineering", "rank": "assistant"}, 3, True, "through.assistant_to_l3"),
    ({"field": "engineering", "rank": "intermediate"}, 2, True, "through.intermediate_to_l2"),
    ({"field": "engineering", "rank": "deputy_senior"}, 1, True, "through.deputy_senior_to_l1"),
    ({"field": "engineering", "rank": "senior"}, 1, True, "through.senior_to_l1"),
    ({"field": "engineering", "rank": "assistant"}, 4, False, "through.level_mismatch"),
    ({"field": "engineering", "rank": "intermediate"}, 3, False, "through.level_mismatch"),
    ({"field": "engineering", "rank": "senior"}, 2, False, "through.level_mismatch"),
    ({"field": "other", "rank": "intermediate"}, 2, False, "through.field_not_covered"),
]


@pytest.mark.parametrize(("title", "level", "eligible", "rule"), THROUGH)
def test_through(title, level, eligible, rule):
    decision = check(facts(category="through", level=level, professional_title=ProfessionalTitle(**title)))
    assert_decision(decision, eligible, rule)


@pytest.mark.parametrize("field", sorted(set(TITLE_FIELDS) - {"other"}))
def test_through_covers_eight_fields(field):
    title = ProfessionalTitle(field=field, rank="intermediate")
    assert check(facts(category="through", level=2, professional_title=title)).eligible is True


def test_through_has_exactly_eight_fields_and_names_them_when_refusing():
    assert len(set(TITLE_FIELDS) - {"other"}) == 8
    decision = check(facts(category="through", level=2, professional_title=ProfessionalTitle("other", "senior")))
    assert (
        "不属于贯通的领域（工程、农业、工艺美术、文物博物、实验技术、艺术、体育、技工院校教师）" in decision.reasons[1]
    )


# --- veteran (退役军人) -------------------------------------------------------------------------------

VETERAN = [
    (5, 5, True, "veteran.junior_or_intermediate_wage"),
    (5, 4, True, "veteran.junior_or_intermediate_wage"),
    (4, 5, True, "veteran.junior_or_intermediate_wage"),
    (4, 4, True, "veteran.junior_or_intermediate_wage"),
    (4, 3, False, "veteran.level_mismatch"),
    (5, 3, False, "veteran.level_mismatch"),
    (3, 3, True, "veteran.senior_wage"),
    (2, 3, True, "veteran.senior_wage"),
    (1, 3, True, "veteran.senior_wage"),
    (3, 4, False, "veteran.level_mismatch"),
    (3, 2, False, "veteran.level_mismatch"),
    (1, 1, False, "veteran.level_mismatch"),
]


@pytest.mark.parametrize(("wage", "level", "eligible", "rule"), VETERAN)
def test_veteran(wage, level, eligible, rule):
    assert_decision(check(facts(category="veteran", level=level, veteran_wage_level=wage)), eligible, rule)


# --- the facts themselves ------------------------------------------------------------------------

FACT_PROBLEMS = [
    ({"category": "promotion", "level": 4}, "facts.missing", "prior_certificate"),
    ({"category": "transfer", "level": 4}, "facts.missing", "prior_certificate"),
    ({"category": "through", "level": 2}, "facts.missing", "professional_title"),
    ({"category": "veteran", "level": 4}, "facts.missing", "veteran_wage_level"),
    (
        {"category": "promotion", "level": 3, "prior_certificate": cert(4, 1, via_transfer=True)},
        "facts.missing",
        "prior_certificate.original_issued_on",
    ),
    (
        {
            "category": "promotion",
            "level": 3,
            "prior_certificate": cert(4, 1, via_transfer=True, original_issued_on=years_ago(0)),
        },
        "facts.invalid",
        "prior_certificate.original_issued_on",
    ),
    (
        {"category": "promotion", "level": 3, "prior_certificate": cert(4, -1)},
        "facts.invalid",
        "prior_certificate.issued_on",
    ),
    ({"category": "promotion", "level": 3, "prior_certificate": cert(9)}, "facts.invalid", "prior_certificate.level"),
    ({"level": 7}, "facts.invalid", "level"),
    ({"level": 0}, "facts.invalid", "level"),
    ({"category": "bogus"}, "facts.invalid", "category"),
    ({"occupation_years": -1}, "facts.invalid", "occupation_years"),
    ({"occupation_years": float("nan")}, "facts.invalid", "occupation_years"),
    ({"occupation_years": float("inf")}, "facts.invalid", "occupation_years"),
    ({"education": "phd"}, "facts.invalid", "education"),
    (
        {"category": "through", "level": 2, "professional_title": ProfessionalTitle("law", "senior")},
        "facts.invalid",
        "professional_title.field",
    ),
    (
        {"category": "through", "level": 2, "professional_title": ProfessionalTitle("art", "chief")},
        "facts.invalid",
        "professional_title.rank",
    ),
    ({"category": "veteran", "level": 4, "veteran_wage_level": 6}, "facts.invalid", "veteran_wage_level"),
]


@pytest.mark.parametrize(("changes", "rule", "field"), FACT_PROBLEMS)
def test_bad_or_missing_facts_are_refused_naming_the_field(changes, rule, field):
    f = facts(**{"occupation_years": 5, **changes})
    assert field in {problem.field for problem in fact_problems(f)}
    assert_decision(check(f), False, rule)


def test_good_facts_have_no_problems():
    assert fact_problems(facts(category="promotion", level=4, prior_certificate=cert(5, 4), occupation_years=4)) == ()


def test_required_facts_by_category():
    assert required_facts("initial") == frozenset()
    assert required_facts("promotion") == required_facts("transfer") == {"prior_certificate"}
    assert required_facts("through") == {"professional_title"}
    assert required_facts("veteran") == {"veteran_wage_level"}
    assert required_facts("bogus") == frozenset()


# --- whole years ----------------------------------------------------------------------------------

WHOLE_YEARS = [
    (date(2018, 10, 15), date(2023, 10, 15), 5),  # the anniversary day completes the year
    (date(2018, 10, 16), date(2023, 10, 15), 4),  # one day short
    (date(2018, 10, 14), date(2023, 10, 15), 5),
    (date(2023, 10, 15), date(2023, 10, 15), 0),
    (date(2023, 10, 16), date(2023, 10, 15), 0),  # a later start is never negative
    (date(2020, 2, 29), date(2021, 2, 28), 1),  # leap day: 28 February completes it in a common year
    (date(2020, 2, 29), date(2021, 2, 27), 0),
    (date(2020, 2, 29), date(2021, 3, 1), 1),
    (date(2020, 2, 29), date(2024, 2, 28), 3),  # ... but not in a leap year, which has its 29th
    (date(2020, 2, 29), date(2024, 2, 29), 4),
    (date(2019, 2, 28), date(2020, 2, 28), 1),
    (date(2019, 3, 1), date(2020, 2, 29), 0),
]


@pytest.mark.parametrize(("start", "end", "years"), WHOLE_YEARS)
def test_whole_years(start, end, years):
    assert whole_years(start, end) == years


def test_years_after_a_certificate_are_capped_by_the_years_worked():
    held = cert(4, 10)
    assert years_since_certificate(held, AS_OF, 20) == 10
    assert years_since_certificate(held, AS_OF, 5.9) == 5
    assert years_since_certificate(held, AS_OF, 0) == 0
    decision = check(facts(category="promotion", level=3, prior_certificate=held, occupation_years=4.5))
    assert_decision(decision, False, "promotion.l3.no_route")
    assert any("满 10 年，但从事本职业或相关职业只有 4.5 年，按 4 年计" in reason for reason in decision.reasons)


def test_a_transferred_certificate_counts_from_the_original_one():
    # 四级 汽车维修工 obtained in 2022 by transfer from a 2018 四级 计算机维修工 certificate
    transferred = cert(4, 1, via_transfer=True, original_issued_on=years_ago(5))
    assert years_since_certificate(transferred, AS_OF, 10) == 5
    decision = check(facts(category="promotion", level=3, prior_certificate=transferred, occupation_years=10))
    assert_decision(decision, True, "promotion.l3.years_after_l4")
    assert any(f"自原证书 {years_ago(5)} 发证至 2023-10-15 满 5 年" in reason for reason in decision.reasons)
    not_transferred = replace(transferred, via_transfer=False)
    assert (
        check(facts(category="promotion", level=3, prior_certificate=not_transferred, occupation_years=10)).eligible
        is False
    )


def test_the_original_date_is_ignored_for_a_certificate_not_obtained_by_transfer():
    held = cert(4, 1, original_issued_on=years_ago(9))
    assert years_since_certificate(held, AS_OF, 20) == 1


@given(st.dates(), st.integers(min_value=0, max_value=50))
@example(date(2020, 2, 29), 1)
@example(date(2020, 2, 29), 4)
@example(date.min, 0)
def test_the_nth_anniversary_is_n_whole_years(start, years):
    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:  # 29 February → 28 February of a common year, or past year 9999
        if start.year + years > 9999:
            return
        anniversary = date(start.year + years, 2, 28)
    assert whole_years(start, anniversary) == years
    if anniversary == date.min:
        return
    assert whole_years(start, anniversary - timedelta(days=1)) == max(years - 1, 0)


# --- never raises ----------------------------------------------------------------------------------

CODES = [CAR, COMPUTER, LABOUR, "3-02-02-00", "5-02-03-01"]
_text = st.text(max_size=12)

certificates = st.builds(
    PriorCertificate,
    occupation_code=st.sampled_from(CODES) | _text,
    level=st.integers(min_value=-3, max_value=9),
    issued_on=st.dates(),
    related=st.booleans(),
    via_transfer=st.booleans(),
    original_issued_on=st.none() | st.dates(),
)
titles = st.builds(
    ProfessionalTitle,
    field=st.sampled_from([*TITLE_FIELDS, "law"]) | _text,
    rank=st.sampled_from([*TITLE_RANKS, "chief"]) | _text,
)
any_facts = st.builds(
    Facts,
    occupation_code=st.sampled_from(CODES) | _text,
    level=st.integers(min_value=-3, max_value=9),
    category=st.sampled_from([*CATEGORIES, "bogus"]) | _text,
    as_of=st.dates(),
    occupation_years=st.floats() | st.integers(min_value=0, max_value=60).map(float),
    apprenticeship_completed=st.booleans(),
    education=st.none() | st.sampled_from([*EDUCATIONS, "phd"]) | _text,
    education_related=st.booleans(),
    prior_certificate=st.none() | certificates,
    professional_title=st.none() | titles,
    veteran_wage_level=st.none() | st.integers(min_value=-2, max_value=8),
    preparatory_technician=st.booleans(),
)


@settings(max_examples=500, deadline=None)
@given(any_facts, st.none() | st.frozensets(st.integers(min_value=0, max_value=6)))
def test_decide_never_raises_and_always_explains(f, offered):
    decision = decide(f, offered_levels=offered, conditions=default_conditions())
    assert isinstance(decision.eligible, bool) and decision.rule and decision.reasons
    assert all(isinstance(reason, str) and reason for reason in decision.reasons)
    if decision.eligible:
        assert not fact_problems(f) and offered is not None and f.level in offered


# --- the standards data ---------------------------------------------------------------------------


def test_the_shipped_template_has_every_level_and_the_documented_route_ids():
    template = default_conditions().default
    assert {level: [route.id for route in template.routes(level)] for level in standards.LEVELS} == {
        5: ["years", "apprenticeship"],
        4: ["years_after_l5", "years", "school"],
        3: ["years_after_l4", "l4_and_technician_school", "l4_and_higher_vocational", "college_years_after_l4"],
        2: ["years_after_l3", "l3_technician_school_years", "preparatory_technician"],
        1: ["years_after_l2"],
    }


def test_an_override_replaces_or_extends_levels_and_keeps_the_rest_of_its_template():
    conditions = default_conditions()
    labour = conditions.for_occupation(LABOUR)
    assert [route.id for route in labour.routes(4)] == ["years", "school", "college_student"]
    assert [route.id for route in labour.routes(3)][-2:] == ["bachelor_years_after_l4", "master"]
    assert labour.routes(3)[:4] == conditions.default.routes(3)
    assert labour.routes(2) == conditions.default.routes(2)
    assert conditions.for_occupation(CAR) is conditions.default


def _data(**changes) -> dict:
    data = json.loads(standards.DATA_FILE.read_text(encoding="utf-8"))
    data.update(changes)
    return data


def _route_data(**route) -> dict:
    data = _data()
    data["occupations"][LABOUR]["add"]["3"] = [{"id": "x", "text": "条件", **route}]
    return data


BAD_DATA = [
    (_data(format=2), "format"),
    (_data(default="nope"), "default"),
    (_data(occupations={"4-7-3-2": {"name": "x"}}), "职业编码格式"),
    (_data(occupations={LABOUR: {"name": "x", "template": "nope"}}), "没有模板 nope"),
    (_data(occupations={LABOUR: {"name": "x", "colour": "red"}}), "未知字段 colour"),
    (_data(occupations={LABOUR: {"name": "x", "add": {"6": []}}}), "等级只能是 1–5"),
    (_route_data(years=1, yeers=2), "未知字段 yeers"),
    (_route_data(certificate=5, years=1), "certificate"),
    (_route_data(years=-1), "years"),
    (_route_data(years="5"), "years"),
    (_route_data(education=["phd"]), "education"),
    (_route_data(education_related=True), "education_related"),
    (_route_data(years=1, years_after_certificate=True), "years_after_certificate"),
    (_route_data(apprenticeship="yes"), "apprenticeship"),
    (_route_data(), "条件为空"),
    (_route_data(id="Years", years=1), "id"),
    (_route_data(id="years_after_l4", certificate=4, years=1), "id 重复"),
]


@pytest.mark.parametrize(("data", "message"), BAD_DATA)
def test_bad_standards_data_is_refused_with_its_place(data, message):
    with pytest.raises(StandardsError, match=message):
        standards.parse(data)


def test_an_unreadable_standards_file_is_a_standards_error(tmp_path):
    path = tmp_path / "standards.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(StandardsError, match="读不了"):
        standards.load(path)


def test_the_template_must_list_every_level():
    data = _data()
    del data["templates"]["template-2018"]["levels"]["1"]
    with pytest.raises(StandardsError, match="1–5 全部等级"):
        standards.parse(data)
