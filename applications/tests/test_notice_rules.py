"""Every sentence of section 二 of the notice (申报范围及申报条件), each with a test that fails without its rule.

The engine is pure; these tests call it with the shipped standards and today's readings
(`Readings()`), except 二.(一), which is enforced by the application form.
"""

from dataclasses import replace
from datetime import date

import pytest

from applications.eligibility import (
    CURRENT_POST_NOTE,
    Decision,
    Facts,
    PriorCertificate,
    ProfessionalTitle,
    decide,
    fact_problems,
)
from applications.standards import default_conditions
from applications.tests.test_eligibility import facts as eligibility_facts

CAR = "4-12-01-01"  # 汽车维修工: the 2018 template
COMPUTER = "4-12-02-01"  # 计算机维修工
LABOUR = "4-07-03-02"  # 劳动关系协调员: its own standard
AS_OF_2023 = date(2023, 10, 15)  # the 2023 exam
AS_OF_2024 = date(2024, 10, 13)  # a campaign of the next year
ALL_LEVELS = frozenset({5, 4, 3, 2, 1})


def facts(**changes) -> Facts:
    """The engine's test facts (test_eligibility), for a 四级 applicant of the 2023 exam."""
    return eligibility_facts(**{"level": 4, "as_of": AS_OF_2023, **changes})


def check(f: Facts) -> Decision:
    return decide(f, offered_levels=ALL_LEVELS, conditions=default_conditions())


def held(level: int, issued_on: date, *, code: str = CAR, related: bool = False, **more) -> PriorCertificate:
    return PriorCertificate(occupation_code=code, level=level, issued_on=issued_on, related=related, **more)


# --- 二.（一）申报范围 -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_scope_an_application_belongs_to_a_city_of_the_region_or_its_direct_units(people, draft):
    """二.（一）“全区各级范围内机关事业单位技能人员均可申报。”

    Who may apply is bounded by the region: every application names the 盟市 of its employer
    or is one of the 自治区直属单位 (handled by 呼和浩特).
    """
    from applications.forms import PersonForm
    from catalog.models import City

    values = {"full_name": "王小明", "phone": "13800000001", "version": draft.version, "employer": "某局"}
    outside = PersonForm(values, application=draft)
    assert not outside.is_valid() and "city" in outside.errors
    inside = PersonForm(values | {"city": City.objects.get(code="baotou").pk}, application=draft)
    direct = PersonForm(values | {"is_direct_unit": "on"}, application=draft)
    assert inside.is_valid(), inside.errors
    assert direct.is_valid(), direct.errors


# --- 二.（二）.1 初次申报和晋级申报 -----------------------------------------------------------------


def test_initial_applications_follow_the_national_standards_conditions():
    """二.（二）.1“初次申报和晋级申报。申报职业（工种）的申报条件按照最新版的《国家职业技能标准》申报条件要求进行申报。”

    初次: the standard's routes that need no certificate (四级: 6 years in the occupation).
    """
    assert check(facts(occupation_years=6)).rule == "initial.l4.years"
    refused = check(facts(occupation_years=5))
    assert (refused.eligible, refused.rule) == (False, "initial.l4.no_route")


def test_promotion_follows_the_national_standards_conditions():
    """二.（二）.1“初次申报和晋级申报。申报职业（工种）的申报条件按照最新版的《国家职业技能标准》申报条件要求进行申报。”

    晋级: the certificate one level below, then the standard's years since it (三级: 5 years after 四级).
    """
    promoted = check(
        facts(level=3, category="promotion", occupation_years=5, prior_certificate=held(4, date(2018, 9, 1)))
    )
    assert (promoted.eligible, promoted.rule) == (True, "promotion.l3.years_after_l4")
    wrong_level = check(
        facts(level=3, category="promotion", occupation_years=9, prior_certificate=held(5, date(2010, 1, 1)))
    )
    assert (wrong_level.eligible, wrong_level.rule) == (False, "promotion.certificate_level")


def test_the_latest_standard_of_an_occupation_replaces_the_template():
    """二.（二）.1“……按照最新版的《国家职业技能标准》申报条件要求进行申报。”

    An occupation with its own (newer) standard is decided by that standard, not the template.
    """
    template = check(facts(occupation_code=CAR, occupation_years=6))
    own = check(facts(occupation_code=LABOUR, occupation_years=6))
    assert "通用模板" in template.reasons[1]
    assert "劳动关系协调员" in own.reasons[1] and "通用模板" not in own.reasons[1]


def test_the_decision_names_the_standard_so_it_can_be_looked_up():
    """二.（二）.1“《国家职业技能标准》可登录技能人才评价工作网(http://WWW.osta.org.cn)“职业标准系统”查询。”

    Every decision of the standard's routes names the standard it applied, so the applicant can look it up.
    """
    decision = check(facts(occupation_code=LABOUR, occupation_years=1))
    assert "依据" in decision.reasons[1] and "标准" in decision.reasons[1]


# --- 二.（二）.2 平转申报 -------------------------------------------------------------------------


def transfer(level: int = 3, **cert) -> Facts:
    certificate = held(cert.pop("cert_level", level), cert.pop("issued_on", date(2015, 6, 1)), **cert)
    return facts(category="transfer", level=level, occupation_code=COMPUTER, prior_certificate=certificate)


def test_transfer_needs_a_held_certificate():
    """二.（二）.2“……原有技术技能类职业资格证书（含职业技能等级证书）与现从事岗位不匹配的，申报人员可自愿平级申报……”

    平转 starts from a certificate already held: without it there is nothing to transfer.
    """
    problems = fact_problems(facts(category="transfer", level=3))
    assert [p.field for p in problems] == ["prior_certificate"] and problems[0].missing


def test_transfer_is_at_the_same_level_as_the_held_certificate():
    """二.（二）.2“……申报人员可自愿平级申报……的技能等级。”"""
    assert check(transfer(3, code=CAR, related=True)).eligible
    refused = check(transfer(3, cert_level=4, code=CAR, related=True))
    assert (refused.eligible, refused.rule) == (False, "transfer.level_mismatch")


def test_transfer_goes_up_to_technician_only():
    """二.（二）.2“……可自愿平级申报技师（含）以下……职业（工种）的技能等级。”"""
    assert check(transfer(2, code=CAR, related=True)).eligible
    refused = check(transfer(1, code=CAR, related=True))
    assert (refused.eligible, refused.rule) == (False, "transfer.level_too_high")


def test_transfer_is_to_a_related_occupation():
    """二.（二）.2“……可自愿平级申报技师（含）以下与现岗位相关相近职业（工种）的技能等级。”

    The engine checks the held certificate's occupation is related (today's reading), and leaves the
    current post to the reviewers, saying so.
    """
    accepted = check(transfer(3, code=CAR, related=True))
    assert accepted.eligible and CURRENT_POST_NOTE in accepted.reasons
    refused = check(transfer(3, code=CAR, related=False))
    assert (refused.eligible, refused.rule) == (False, "transfer.unrelated")


# A 平转 certificate: 计算机维修工 四级, issued in 2023, transferred from 汽车维修工 四级 of 2015.
TRANSFERRED = held(4, date(2023, 6, 1), code=COMPUTER, via_transfer=True, original_issued_on=date(2015, 6, 1))


def test_after_a_transfer_promotion_waits_until_the_next_year():
    """二.（二）.2“平转合格后于次年可晋级申报，……”

    A certificate obtained by 平转 in 2023 allows 晋级 from 2024 on, not in the 2023 campaign.
    """
    same_year = facts(category="promotion", level=3, occupation_code=COMPUTER, occupation_years=9)
    refused = check(replace(same_year, prior_certificate=TRANSFERRED))
    assert (refused.eligible, refused.rule) == (False, "promotion.too_soon_after_transfer")
    assert "2024-01-01" in " ".join(refused.reasons)
    next_year = check(replace(same_year, prior_certificate=TRANSFERRED, as_of=AS_OF_2024))
    assert next_year.eligible, next_year.reasons


def test_a_certificate_not_obtained_by_transfer_has_no_wait():
    """二.（二）.2“平转合格后于次年可晋级申报”: the wait belongs to 平转 certificates only."""
    ordinary = replace(TRANSFERRED, via_transfer=False, original_issued_on=None, issued_on=date(2018, 6, 1))
    decision = check(
        facts(category="promotion", level=3, occupation_code=COMPUTER, occupation_years=5, prior_certificate=ordinary)
    )
    assert decision.eligible, decision.reasons


def test_after_a_transfer_years_count_from_the_certificate_held_before():
    """二.（二）.2“……累计从事本职业（工种）年限可从平转前获证时间起算。”

    三级 needs 5 years after the 四级 certificate: 2015 (before the 平转) to 2024 counts 9, the
    平转 certificate of 2023 alone would count 1.
    """
    decision = check(
        facts(
            category="promotion",
            level=3,
            occupation_code=COMPUTER,
            occupation_years=9,
            as_of=AS_OF_2024,
            prior_certificate=TRANSFERRED,
        )
    )
    assert decision.rule == "promotion.l3.years_after_l4"
    assert "原证书 2015-06-01" in " ".join(decision.reasons)


# --- 二.（二）.3 贯通申报 -------------------------------------------------------------------------


def through(level: int, field: str, rank: str) -> Decision:
    return check(facts(category="through", level=level, professional_title=ProfessionalTitle(field, rank)))


@pytest.mark.parametrize(
    "field",
    [
        "engineering",
        "agriculture",
        "arts_crafts",
        "cultural_relics",
        "laboratory",
        "art",
        "sports",
        "technical_school_teacher",
    ],
)
def test_through_covers_the_eight_fields(field):
    """二.（二）.3“在工程、农业、工艺美术、文物博物、实验技术、艺术、体育、技工院校教师等 8 个领域……”"""
    assert through(3, field, "assistant").eligible


def test_through_does_not_cover_other_fields():
    """二.（二）.3“在工程、农业、工艺美术、文物博物、实验技术、艺术、体育、技工院校教师等 8 个领域……”"""
    decision = through(3, "other", "assistant")
    assert (decision.eligible, decision.rule) == (False, "through.field_not_covered")


def test_an_assistant_or_junior_title_leads_to_senior_worker():
    """二.（二）.3“……取得助理级或初级专业技术职称的人员可申报相关领域高级工职业技能等级，……”"""
    assert through(3, "engineering", "assistant").rule == "through.assistant_to_l3"
    assert through(3, "engineering", "junior").rule == "through.junior_to_l3"
    assert through(2, "engineering", "assistant").rule == "through.level_mismatch"


def test_an_intermediate_title_leads_to_technician():
    """二.（二）.3“……取得中级专业技术职称的人员可申报相关领域技师职业技能等级，……”"""
    assert through(2, "agriculture", "intermediate").rule == "through.intermediate_to_l2"
    assert through(1, "agriculture", "intermediate").rule == "through.level_mismatch"


def test_a_deputy_senior_or_higher_title_leads_to_senior_technician():
    """二.（二）.3“……取得副高级（含）以上专业技术职称的人员可申报相关领域高级技师职业技能等级。”"""
    assert through(1, "art", "deputy_senior").rule == "through.deputy_senior_to_l1"
    assert through(1, "art", "senior").rule == "through.senior_to_l1"
    assert through(2, "art", "senior").rule == "through.level_mismatch"


# --- 二.（二）.4 退役军人申报 ---------------------------------------------------------------------


def veteran(level: int, wage: int) -> Decision:
    return check(facts(category="veteran", level=level, veteran_wage_level=wage))


def test_a_junior_or_intermediate_wage_leads_to_levels_five_or_four():
    """二.（二）.4“退役军人工资按初、中级工待遇兑现的，可申报现岗位相关相近职业（工种）的初、中级工，……”"""
    assert veteran(5, 5).eligible and veteran(4, 4).eligible and veteran(5, 4).eligible
    assert veteran(3, 4).rule == "veteran.level_mismatch"
    assert CURRENT_POST_NOTE in veteran(4, 4).reasons  # 现岗位相关相近: checked by the reviewers


def test_a_senior_worker_wage_or_above_leads_to_senior_worker():
    """二.（二）.4“……退役军人工资按高级工（含）以上待遇兑现的，可申报现岗位相关相近职业（工种）的高级工，……”"""
    assert veteran(3, 3).eligible and veteran(3, 1).eligible
    assert veteran(2, 2).rule == "veteran.level_mismatch"


# A veteran's 四级 of 2023, on a 中级工 wage granted in 2016.
VETERAN_L4 = held(4, date(2023, 3, 1), via_veteran=True, wage_granted_year=2016)
# A veteran's 三级 of 2023, on a 高级工 wage granted in 2015.
VETERAN_L3 = held(3, date(2023, 3, 1), via_veteran=True, wage_granted_year=2015)


def test_after_a_junior_or_intermediate_veterans_certificate_promotion_waits_until_the_next_year():
    """二.（二）.4“退役军人工资按初、中级工待遇兑现的，可申报……初、中级工，合格后于次年可晋级申报，……”"""
    base = facts(category="promotion", level=3, occupation_years=8, prior_certificate=VETERAN_L4)
    refused = check(base)
    assert (refused.eligible, refused.rule) == (False, "promotion.too_soon_after_veteran")
    assert check(replace(base, as_of=AS_OF_2024)).eligible


def test_a_junior_or_intermediate_veterans_years_count_from_the_wage_year():
    """二.（二）.4“……累计从事本职业（工种）年限可从兑现初、中级工待遇当年起算；……”

    三级 needs 5 years after 四级: from 2016 (the wage) to 2024 is 8; from the 2023 certificate, 1.
    """
    decision = check(
        facts(category="promotion", level=3, occupation_years=8, as_of=AS_OF_2024, prior_certificate=VETERAN_L4)
    )
    assert decision.rule == "promotion.l3.years_after_l4"
    assert "2016 年兑现工资待遇" in " ".join(decision.reasons)


def test_after_a_senior_veterans_certificate_promotion_waits_until_the_next_year():
    """二.（二）.4“……退役军人工资按高级工（含）以上待遇兑现的，可申报……高级工，合格后于次年可晋级申报，……”"""
    base = facts(category="promotion", level=2, occupation_years=9, prior_certificate=VETERAN_L3)
    refused = check(base)
    assert (refused.eligible, refused.rule) == (False, "promotion.too_soon_after_veteran")
    assert check(replace(base, as_of=AS_OF_2024)).eligible


def test_a_senior_veterans_years_count_from_the_wage_year():
    """二.（二）.4“……累计从事本职业（工种）年限可从兑现高级工（含）以上待遇当年算起。”

    二级 needs 4 years after 三级: from 2015 (the wage) to 2024 is 9; from the 2023 certificate, 1.
    """
    decision = check(
        facts(category="promotion", level=2, occupation_years=9, as_of=AS_OF_2024, prior_certificate=VETERAN_L3)
    )
    assert decision.rule == "promotion.l2.years_after_l3"
    without_wage_year = replace(VETERAN_L3, wage_granted_year=None)
    refused = check(
        facts(category="promotion", level=2, occupation_years=9, as_of=AS_OF_2024, prior_certificate=without_wage_year)
    )
    assert not refused.eligible
