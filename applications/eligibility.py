"""Who may apply for which level: the eligibility engine (申报条件核对). Pure module: no Django.

`decide(facts, offered_levels=..., conditions=...)` answers one application with a
`Decision`: eligible or not, the rule that decided (a stable machine id) and Chinese
sentences explaining each condition checked. The checks, in order:

1. the facts themselves (`fact_problems`): a bad level, category, year count or a fact the
   category needs (`required_facts`) → rule `facts.invalid` / `facts.missing`;
2. the campaign's catalog: the occupation offered, and the level offered for it → `catalog.*`;
3. the category's rules:
   * initial (初次) and promotion (晋级): the occupation's standard (`applications.standards`),
     any one route of the level → `initial.l<n>.<route>` / `promotion.l<n>.<route>`, else
     `….l<n>.no_route`. Initial applications use only routes that need no certificate;
     promotion needs the certificate one level below in the same or a related occupation;
   * transfer (平转): same level as the held certificate, 二级/技师 and below, a different but
     related occupation → `transfer.*`;
   * through (贯通): a professional title in one of 8 fields; its rank fixes the level → `through.*`;
   * veteran (退役军人): the wage treatment held in the army fixes the levels → `veteran.*`.

Where the notice's words leave a choice (which day years are counted to, whether 平转 needs the
held certificate, what "次年" means …) the engine follows `Readings`: the association's decisions,
stored per campaign (`catalog.CampaignRules`) and passed in; `Readings()` is today's choice.

`decide` never raises on well-typed input: impossible values become an ineligible decision.
"""

import math
from calendar import isleap
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from applications import vocabulary
from applications.standards import EDUCATIONS, LEVEL_NAMES, Route, StandardConditions

CATEGORIES = vocabulary.in_sentence(vocabulary.CATEGORY)
TITLE_FIELDS = vocabulary.labels(vocabulary.TITLE_FIELD)
# Every 职称系列 but "other" takes part in 贯通 (高技能人才与专业技术人才职业发展贯通).
THROUGH_FIELDS = frozenset(TITLE_FIELDS) - {"other"}
TITLE_RANKS = vocabulary.in_sentence(vocabulary.TITLE_RANK)
THROUGH_LEVEL = {"junior": 3, "assistant": 3, "intermediate": 2, "deputy_senior": 1, "senior": 1}

TRANSFER_HIGHEST_LEVEL = 2  # 平转 only up to 二级/技师

# 平转 and veterans apply for "与现岗位相关相近职业（工种）": the current post is not a fact we hold.
CURRENT_POST_NOTE = "申报职业须与现岗位相关相近，由审核人员核实。"

# 退役军人 wage levels (工资待遇), by the title of the same rank.
WAGE_TITLES = {number: title for number, (_grade, title) in vocabulary.NATIONAL_LEVELS.items()}

_REQUIRED = {
    "initial": frozenset(),
    "promotion": frozenset({"prior_certificate"}),
    "transfer": frozenset({"prior_certificate"}),
    "through": frozenset({"professional_title"}),
    "veteran": frozenset({"veteran_wage_level"}),
}
_MISSING = {
    ("promotion", "prior_certificate"): "晋级申报须填写上一级证书（prior_certificate）。",
    ("transfer", "prior_certificate"): "平转申报须填写所持证书（prior_certificate）。",
    ("through", "professional_title"): "贯通申报须填写职称（professional_title）。",
    ("veteran", "veteran_wage_level"): "退役军人申报须填写服役期间的工资待遇等级（veteran_wage_level）。",
}


@dataclass(frozen=True)
class Readings:
    """The association's readings of the notice, one per choice its words leave open.

    The defaults are the readings the engine was first built on; each field's explanation
    and the sentence it interprets are shown to the association with the campaign's rules.
    """

    # 二.(二).2 平转: "原有……证书……与现从事岗位不匹配的，……可自愿平级申报": the held certificate is a fact.
    transfer_requires_certificate: bool = True
    # 二.(二).2 "平级申报……与现岗位相关相近职业": a certificate of the same occupation needs no 平转.
    transfer_allows_same_occupation: bool = False
    # 二.(二).2: the held certificate's occupation must be related to the one applied for. (The
    # notice asks the applied occupation to be related to the current post, 与现岗位相关相近.)
    transfer_requires_related_certificate: bool = True
    # 二.(二).2 "累计从事本职业（工种）年限可从平转前获证时间起算".
    transfer_years_from_original: bool = True
    # 二.(二).4 "累计从事本职业（工种）年限可从兑现……待遇当年起算" (from 1 January of that year).
    veteran_years_from_wage_year: bool = True
    # 二.(二).2/4 "合格后于次年可晋级申报": "calendar_year" (from 1 January after) or "twelve_months".
    promotion_wait: str = "calendar_year"
    # National standards: years "取得……证书后，累计从事本职业……": never more than the years worked.
    years_capped_by_occupation_years: bool = True
    # 二.(二).3 "助理级或初级专业技术职称": 员级 is a 初级 title as well.
    through_junior_title_counts: bool = True


DEFAULT_READINGS = Readings()


@dataclass(frozen=True)
class PriorCertificate:
    """A skill-level (or vocational qualification) certificate already held."""

    occupation_code: str
    level: int
    issued_on: date
    related: bool  # its occupation is related to the one applied for (本职业或相关职业)
    via_transfer: bool = False  # obtained by 平转; years then count from the original certificate
    original_issued_on: date | None = None
    via_veteran: bool = False  # obtained by a veteran's application (退役军人申报)
    wage_granted_year: int | None = None  # the year the army's skill wage treatment was granted (兑现待遇当年)


@dataclass(frozen=True)
class ProfessionalTitle:
    field: str  # a key of TITLE_FIELDS
    rank: str  # a key of TITLE_RANKS


@dataclass(frozen=True)
class Facts:
    occupation_code: str
    level: int
    category: str  # a key of CATEGORIES
    as_of: date  # the day years are counted to (the campaign's exam date by default)
    occupation_years: float  # years in this or a related occupation (本职业或相关职业工作年限)
    apprenticeship_completed: bool
    education: str | None  # a key of standards.EDUCATIONS
    education_related: bool  # the diploma's major is this or a related one (本专业或相关专业)
    prior_certificate: PriorCertificate | None
    professional_title: ProfessionalTitle | None
    veteran_wage_level: int | None  # 1–5: the skill wage treatment held in the army
    preparatory_technician: bool = False  # holds a 预备技师 certificate


@dataclass(frozen=True)
class Decision:
    eligible: bool
    rule: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class FactProblem:
    field: str  # dotted, e.g. "prior_certificate.original_issued_on"
    message: str
    missing: bool = False


def required_facts(category: str, readings: Readings = DEFAULT_READINGS) -> frozenset[str]:
    """The optional facts a category cannot do without (for the API's 422s)."""
    required = _REQUIRED.get(category, frozenset())
    if category == "transfer" and not readings.transfer_requires_certificate:
        required = required - {"prior_certificate"}
    return required


def fact_problems(facts: Facts, readings: Readings = DEFAULT_READINGS) -> tuple[FactProblem, ...]:
    """What is wrong with the facts themselves, before any rule is applied."""
    problems = []
    if facts.level not in LEVEL_NAMES:
        problems.append(FactProblem("level", "申报等级只能是 1–5（5 五级/初级工 … 1 一级/高级技师）。"))
    if facts.category not in CATEGORIES:
        problems.append(FactProblem("category", f"申报类别只能是 {'、'.join(CATEGORIES)} 之一。"))
    if not (math.isfinite(facts.occupation_years) and facts.occupation_years >= 0):
        problems.append(FactProblem("occupation_years", "从事本职业或相关职业的年限须是不小于 0 的数。"))
    if facts.education is not None and facts.education not in EDUCATIONS:
        problems.append(FactProblem("education", f"文化程度只能是 {'、'.join(EDUCATIONS)} 之一。"))
    for name in sorted(required_facts(facts.category, readings)):
        if getattr(facts, name) is None:
            problems.append(FactProblem(name, _MISSING[facts.category, name], missing=True))
    problems += _certificate_problems(facts.prior_certificate, facts.as_of)
    problems += _title_problems(facts.professional_title)
    if facts.veteran_wage_level is not None and facts.veteran_wage_level not in WAGE_TITLES:
        problems.append(FactProblem("veteran_wage_level", "工资待遇等级只能是 1–5（5 初级工 … 1 高级技师）。"))
    return tuple(problems)


def _certificate_problems(cert: PriorCertificate | None, as_of: date) -> list[FactProblem]:
    if cert is None:
        return []
    problems = []
    if cert.level not in LEVEL_NAMES:
        problems.append(FactProblem("prior_certificate.level", "证书等级只能是 1–5。"))
    if cert.issued_on > as_of:
        problems.append(FactProblem("prior_certificate.issued_on", f"证书发证日期不能晚于核算日期 {as_of}。"))
    if cert.via_transfer and cert.original_issued_on is None:
        problems.append(
            FactProblem(
                "prior_certificate.original_issued_on",
                "平转取得的证书须填写原证书的发证日期（original_issued_on），年限从原证书起算。",
                missing=True,
            )
        )
    elif cert.via_transfer and cert.original_issued_on is not None and cert.original_issued_on > cert.issued_on:
        problems.append(
            FactProblem("prior_certificate.original_issued_on", "原证书的发证日期不能晚于平转取得的证书的发证日期。")
        )
    if cert.via_transfer and cert.via_veteran:
        problems.append(
            FactProblem("prior_certificate.via_veteran", "一张证书只能由平转或退役军人申报中的一种方式取得。")
        )
    if cert.via_veteran and cert.wage_granted_year is not None and cert.wage_granted_year > cert.issued_on.year:
        problems.append(
            FactProblem("prior_certificate.wage_granted_year", "兑现工资待遇的年份不能晚于凭该待遇取得证书的年份。")
        )
    return problems


def _title_problems(title: ProfessionalTitle | None) -> list[FactProblem]:
    if title is None:
        return []
    problems = []
    if title.field not in TITLE_FIELDS:
        problems.append(FactProblem("professional_title.field", f"职称系列只能是 {'、'.join(TITLE_FIELDS)} 之一。"))
    if title.rank not in TITLE_RANKS:
        problems.append(FactProblem("professional_title.rank", f"职称级别只能是 {'、'.join(TITLE_RANKS)} 之一。"))
    return problems


def whole_years(start: date, end: date) -> int:
    """Whole years from `start` to `end` (0 if `end` is earlier).

    A year is complete on the anniversary day. A period starting on 29 February is
    complete on 28 February in a common year (民法典第二百零二条: 没有对应日的，月末日为期间的最后一日).
    """
    if end < start:
        return 0
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
        if (start.month, start.day) == (2, 29) and (end.month, end.day) == (2, 28) and not isleap(end.year):
            years += 1
    return years


def certificate_start(cert: PriorCertificate, readings: Readings = DEFAULT_READINGS) -> date:
    """The day years after a certificate count from.

    平转: from the original certificate ("可从平转前获证时间起算"); a veteran's certificate: from
    1 January of the year the wage treatment was granted ("可从兑现……待遇当年起算").
    """
    if cert.via_transfer and cert.original_issued_on is not None and readings.transfer_years_from_original:
        return cert.original_issued_on
    if cert.via_veteran and cert.wage_granted_year is not None and readings.veteran_years_from_wage_year:
        return min(date(cert.wage_granted_year, 1, 1), cert.issued_on)
    return cert.issued_on


def years_since_certificate(
    cert: PriorCertificate, as_of: date, occupation_years: float, readings: Readings = DEFAULT_READINGS
) -> int:
    """Whole years since the certificate, never more than the years worked in the occupation (by default)."""
    elapsed = whole_years(certificate_start(cert, readings), as_of)
    if not readings.years_capped_by_occupation_years:
        return elapsed
    return min(elapsed, _floor_years(occupation_years))


def promotion_opens(cert: PriorCertificate, readings: Readings = DEFAULT_READINGS) -> date | None:
    """The first day a 平转 or veteran's certificate allows 晋级 ("合格后于次年可晋级申报"); None: no wait."""
    if not (cert.via_transfer or cert.via_veteran):
        return None
    if readings.promotion_wait == "twelve_months":
        return _anniversary(cert.issued_on)
    return date(cert.issued_on.year + 1, 1, 1)


def _anniversary(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February: the period ends on the last day of the month (民法典第二百零二条)
        return day.replace(year=day.year + 1, day=28) + timedelta(days=1)


def decide(
    facts: Facts,
    *,
    offered_levels: frozenset[int] | None,
    conditions: StandardConditions,
    readings: Readings = DEFAULT_READINGS,
) -> Decision:
    """May these facts apply for this level of this occupation? See the module docstring."""
    problems = fact_problems(facts, readings)
    if problems:
        rule = "facts.missing" if any(p.missing for p in problems) else "facts.invalid"
        return Decision(False, rule, tuple(p.message for p in problems))
    refused = _catalog(facts, offered_levels)
    if refused is not None:
        return refused
    offered = f"本批次认定目录含该职业的{_level_name(facts.level)}。"
    decision = _BY_CATEGORY[facts.category](facts, conditions, readings)
    return Decision(decision.eligible, decision.rule, (offered, *decision.reasons))


def _catalog(facts: Facts, offered_levels: frozenset[int] | None) -> Decision | None:
    if offered_levels is None:
        missing = f"本批次认定目录中没有职业 {facts.occupation_code}。"
        return Decision(False, "catalog.occupation_not_offered", (missing,))
    if facts.level not in offered_levels:
        listed = "、".join(_level_name(n) for n in sorted(offered_levels, reverse=True)) or "任何等级"
        return Decision(
            False,
            "catalog.level_not_offered",
            (f"本批次该职业只开展{listed}的认定，不含{_level_name(facts.level)}。",),
        )
    return None


# --- initial and promotion: the standard's routes ---------------------------------------------


def _initial(facts: Facts, conditions: StandardConditions, readings: Readings) -> Decision:
    standard = conditions.for_occupation(facts.occupation_code)
    level = facts.level
    routes = tuple(route for route in standard.routes(level) if route.certificate is None)
    head = f"依据{standard.name}，初次申报{_level_name(level)}须具备以下不要求证书的条件之一："
    if not routes:
        return Decision(
            False,
            f"initial.l{level}.no_route",
            (f"依据{standard.name}，{_level_name(level)}没有不要求证书的申报条件，不能初次申报；持证的请按晋级申报。",),
        )
    decision = _any_route(facts, "initial", routes, head, readings)
    if not decision.eligible and len(routes) < len(standard.routes(level)):
        hint = f"其余条件要求持有{_level_name(level + 1)}证书；持证的请按晋级申报。"
        return Decision(False, decision.rule, (*decision.reasons, hint))
    return decision


def _promotion(facts: Facts, conditions: StandardConditions, readings: Readings) -> Decision:
    level, cert = facts.level, facts.prior_certificate
    assert cert is not None  # fact_problems requires it
    below = level + 1
    if below not in LEVEL_NAMES:
        return Decision(False, "promotion.no_lower_level", ("五级/初级工是最低等级，没有晋级申报；请按初次申报。",))
    checks = [
        (
            cert.level == below,
            "promotion.certificate_level",
            f"晋级{_level_name(level)}须持有{_level_name(below)}证书；所持证书为{_level_name(cert.level)}。",
        ),
        (
            cert.occupation_code == facts.occupation_code or cert.related,
            "promotion.certificate_unrelated",
            _certificate_occupation(cert, facts.occupation_code),
        ),
    ]
    opens = promotion_opens(cert, readings)
    if opens is not None:
        how = "平转" if cert.via_transfer else "退役军人申报"
        waited = facts.as_of >= opens
        checks.append(
            (
                waited,
                "promotion.too_soon_after_transfer" if cert.via_transfer else "promotion.too_soon_after_veteran",
                f"所持证书由{how}取得（{cert.issued_on}），合格后于次年可晋级申报："
                f"{opens} 起可以晋级{'，本批次可以申报' if waited else f'，核算日期 {facts.as_of} 尚未到'}。",
            )
        )
    refused = _first_failed(checks)
    if refused is not None:
        return refused
    standard = conditions.for_occupation(facts.occupation_code)
    head = f"依据{standard.name}，申报{_level_name(level)}须具备以下条件之一："
    decision = _any_route(facts, "promotion", standard.routes(level), head, readings)
    return Decision(decision.eligible, decision.rule, (*(text for _, _, text in checks), *decision.reasons))


def _certificate_occupation(cert: PriorCertificate, code: str) -> str:
    if cert.occupation_code == code:
        return "所持证书是本职业的证书。"
    if cert.related:
        return f"所持证书的职业（{cert.occupation_code}）与申报职业相关。"
    return f"所持证书的职业（{cert.occupation_code}）与申报职业不相关；须为本职业或相关职业的证书。"


def _any_route(facts: Facts, category: str, routes: tuple[Route, ...], head: str, readings: Readings) -> Decision:
    reasons = [head]
    met = None
    for route in routes:
        ok, sentence = _check_route(route, facts, readings)
        reasons.append(sentence)
        if ok and met is None:
            met = route
    if met is not None:
        return Decision(True, f"{category}.l{facts.level}.{met.id}", tuple(reasons))
    reasons.append("以上条件均不具备。" if routes else "该等级没有可用的申报条件。")
    return Decision(False, f"{category}.l{facts.level}.no_route", tuple(reasons))


def _check_route(route: Route, facts: Facts, readings: Readings) -> tuple[bool, str]:
    checks = []
    if route.certificate is not None:
        held = facts.prior_certificate is not None and facts.prior_certificate.level == route.certificate
        checks.append((held, f"{'持有' if held else '未持有'}{_level_name(route.certificate)}证书"))
    if route.years is not None:
        checks.append(_years_check(route, facts, readings))
    if route.apprenticeship:
        done = facts.apprenticeship_completed
        checks.append((done, "学徒期满" if done else "学徒未期满"))
    if route.education:
        checks.append(_education_check(route, facts.education))
    if route.education_related:
        related = facts.education_related
        checks.append((related, "所学专业与申报职业相关" if related else "所学专业与申报职业不相关"))
    if route.preparatory_technician:
        held = facts.preparatory_technician
        checks.append((held, "持有预备技师证书" if held else "未持有预备技师证书"))
    ok = all(passed for passed, _ in checks)
    details = "；".join(text for _, text in checks)
    return ok, f"{'具备' if ok else '不具备'}：{route.text}。核对：{details}。"


def _years_check(route: Route, facts: Facts, readings: Readings) -> tuple[bool, str]:
    needed = route.years or 0
    cert = facts.prior_certificate
    if not route.years_after_certificate:
        worked = facts.occupation_years
        return worked >= needed, f"从事本职业或相关职业 {_years(worked)} 年，须满 {_years(needed)} 年"
    if cert is None:
        return False, f"没有证书，无从计算取得证书后的年限，须满 {_years(needed)} 年"
    start = certificate_start(cert, readings)
    elapsed = whole_years(start, facts.as_of)
    counted = years_since_certificate(cert, facts.as_of, facts.occupation_years, readings)
    if start == cert.issued_on:
        since = f"自证书 {start} 发证至 {facts.as_of} "
    elif cert.via_transfer:
        since = f"自原证书 {start} 发证至 {facts.as_of} "
    else:
        since = f"自 {cert.wage_granted_year} 年兑现工资待遇至 {facts.as_of} "
    if counted < elapsed:
        years_worked = _years(facts.occupation_years)
        text = f"{since}满 {elapsed} 年，但从事本职业或相关职业只有 {years_worked} 年，按 {counted} 年计"
    else:
        text = f"{since}满 {counted} 年"
    return counted >= needed, f"{text}，须满 {_years(needed)} 年"


def _education_check(route: Route, education: str | None) -> tuple[bool, str]:
    accepted = "、".join(label for key, label in EDUCATIONS.items() if key in route.education)
    if education in route.education:
        return True, f"文化程度为{EDUCATIONS[education]}"
    held = f"文化程度为{EDUCATIONS[education]}" if education in EDUCATIONS else "未填写文化程度"
    return False, f"{held}，须为{accepted}之一" if len(route.education) > 1 else f"{held}，须为{accepted}"


# --- transfer, through, veteran -----------------------------------------------------------------


def _transfer(facts: Facts, conditions: StandardConditions, readings: Readings) -> Decision:
    level, cert = facts.level, facts.prior_certificate
    checks = [
        (
            level >= TRANSFER_HIGHEST_LEVEL,
            "transfer.level_too_high",
            f"平转适用于二级/技师及以下等级，申报{_level_name(level)}。"
            if level >= TRANSFER_HIGHEST_LEVEL
            else "平转只适用于二级/技师及以下等级，一级/高级技师不能平转。",
        ),
    ]
    if cert is None:  # only when the campaign's readings do not require the certificate as a fact
        checks.append((True, "", "未填写所持证书：证书的等级和职业由审核人员核对。"))
        return _with_current_post_note(_all_of(checks, "transfer.certificate_checked_by_reviewers"))
    same = cert.occupation_code == facts.occupation_code
    checks += [
        (
            cert.level == level,
            "transfer.level_mismatch",
            f"平转只能申报与所持证书相同的等级：所持为{_level_name(cert.level)}，申报为{_level_name(level)}。",
        ),
        (
            not same or readings.transfer_allows_same_occupation,
            "transfer.same_occupation",
            "平转须申报与所持证书不同的职业。"
            if not same
            else "所持证书是本职业同一等级的证书，本批次允许按平转申报。"
            if readings.transfer_allows_same_occupation
            else "所持证书就是本职业同一等级的证书，无需平转。",
        ),
        (
            cert.related or same or not readings.transfer_requires_related_certificate,
            "transfer.unrelated",
            f"所持证书的职业（{cert.occupation_code}）与申报职业"
            + (
                "相关。"
                if cert.related or same
                else "不相关；本批次不要求与所持证书的职业相关。"
                if not readings.transfer_requires_related_certificate
                else "不相关；平转须在相关职业之间。"
            ),
        ),
    ]
    return _with_current_post_note(_all_of(checks, "transfer.same_level_related"))


def _through(facts: Facts, conditions: StandardConditions, readings: Readings) -> Decision:
    title = facts.professional_title
    assert title is not None  # fact_problems requires it
    field, rank = TITLE_FIELDS[title.field], TITLE_RANKS[title.rank]
    allowed = THROUGH_LEVEL[title.rank]
    covered = title.field in THROUGH_FIELDS
    checks = []
    if title.rank == "junior" and not readings.through_junior_title_counts:
        checks.append(
            (False, "through.rank_not_covered", "本批次贯通申报只认可助理级及以上职称，员级职称不能贯通申报。")
        )
    checks += [
        (
            covered,
            "through.field_not_covered",
            f"职称系列为{field}，{'属于' if covered else '不属于'}贯通的领域"
            f"（{'、'.join(TITLE_FIELDS[key] for key in TITLE_FIELDS if key in THROUGH_FIELDS)}）。",
        ),
        (
            facts.level == allowed,
            "through.level_mismatch",
            f"{rank}职称贯通申报{_level_name(allowed)}"
            f"{'，与申报等级一致' if facts.level == allowed else f'，不能申报{_level_name(facts.level)}'}。",
        ),
    ]
    decision = _all_of(checks, f"through.{title.rank}_to_l{allowed}")
    note = "职称的专业须与申报职业对应，由审核人员核实。"
    return Decision(decision.eligible, decision.rule, (*decision.reasons, note))


def _veteran(facts: Facts, conditions: StandardConditions, readings: Readings) -> Decision:
    wage = facts.veteran_wage_level
    assert wage is not None  # fact_problems requires it
    allowed: tuple[int, ...]
    if wage >= 4:
        allowed, rule = (5, 4), "veteran.junior_or_intermediate_wage"
    else:
        allowed, rule = (3,), "veteran.senior_wage"
    listed = "或".join(_level_name(n) for n in allowed)
    ok = facts.level in allowed
    sentence = (
        f"服役期间享受{WAGE_TITLES[wage]}工资待遇，可申报{listed}"
        f"{'' if ok else f'，不能申报{_level_name(facts.level)}'}。"
    )
    return _with_current_post_note(_all_of([(ok, "veteran.level_mismatch", sentence)], rule))


def _with_current_post_note(decision: Decision) -> Decision:
    if not decision.eligible:
        return decision
    return Decision(decision.eligible, decision.rule, (*decision.reasons, CURRENT_POST_NOTE))


# --- helpers ----------------------------------------------------------------------------------


def _all_of(checks: list[tuple[bool, str, str]], success_rule: str) -> Decision:
    refused = _first_failed(checks)
    if refused is not None:
        return Decision(False, refused.rule, tuple(text for _, _, text in checks))
    return Decision(True, success_rule, tuple(text for _, _, text in checks))


def _first_failed(checks: list[tuple[bool, str, str]]) -> Decision | None:
    for ok, rule, _ in checks:
        if not ok:
            return Decision(False, rule, tuple(text for _, _, text in checks))
    return None


def _level_name(level: int) -> str:
    return LEVEL_NAMES.get(level, f"{level}级")


def _years(value: float) -> str:
    return f"{value:g}"


def _floor_years(value: float) -> int:
    return math.floor(value) if math.isfinite(value) and value > 0 else 0


_BY_CATEGORY: dict[str, Callable[[Facts, StandardConditions, Readings], Decision]] = {
    "initial": _initial,
    "promotion": _promotion,
    "transfer": _transfer,
    "through": _through,
    "veteran": _veteran,
}
