"""The eligibility engine applied to a stored application (the engine itself is pure)."""

from datetime import date
from typing import Any

from applications import eligibility
from applications.models import Application
from applications.standards import default_conditions
from catalog.models import Campaign, CampaignOccupation, CampaignRules, Occupation

# CampaignRules fields that the engine reads (the rest are read here and by the lifecycle).
_ENGINE_READINGS = tuple(field for field in eligibility.Readings.__dataclass_fields__)


def rules_of(campaign: Campaign) -> CampaignRules:
    """The campaign's readings; today's defaults (unsaved) until the association changes one."""
    try:
        return campaign.rules
    except CampaignRules.DoesNotExist:
        return CampaignRules(campaign=campaign)


def readings_for(campaign: Campaign) -> eligibility.Readings:
    rules = rules_of(campaign)
    return eligibility.Readings(**{name: getattr(rules, name) for name in _ENGINE_READINGS})


def eligibility_allows_submission(campaign: Campaign, decision: eligibility.Decision) -> bool:
    """Whether this decision lets the application be submitted, as the campaign's rules say."""
    return decision.eligible or rules_of(campaign).submit_when_ineligible


def counting_date(campaign: Campaign) -> date:
    """The day years are counted to, as the campaign's rules say."""
    return getattr(campaign, rules_of(campaign).years_counted_to)


def offered_levels(campaign_id: int, occupation_id: int) -> frozenset[int] | None:
    offering = (
        CampaignOccupation.objects.filter(campaign_id=campaign_id, occupation_id=occupation_id)
        .prefetch_related("levels")
        .first()
    )
    return frozenset(offering.level_numbers()) if offering else None


FACT_FIELDS = (
    "category",
    "level",
    "occupation_years",
    "apprenticeship_completed",
    "education",
    "education_related",
    "preparatory_technician",
    "prior_level",
    "prior_issued_on",
    "prior_related",
    "prior_via_transfer",
    "prior_original_issued_on",
    "prior_via_veteran",
    "prior_wage_granted_year",
    "title_field",
    "title_rank",
    "veteran_wage_level",
)


def prior_code(prior_occupation: Occupation | None, prior_name: str) -> str:
    """The held certificate's occupation code: picked from the catalog, or typed (目录外) as
    the name of a catalog occupation, which is then that occupation."""
    if prior_occupation is not None:
        return prior_occupation.code
    name = "".join((prior_name or "").split())
    if not name:
        return ""
    return Occupation.objects.filter(name=name).values_list("code", flat=True).first() or ""


def prior_is_related(application: Application) -> bool:
    """与申报职业相同或相关, as the engine reads it: ticked, or the same occupation."""
    if application.prior_related:
        return True
    code = prior_code(application.prior_occupation, application.prior_occupation_name)
    if not code or application.occupation is None:
        return False
    return code == application.occupation.code


def facts_from(values: dict[str, Any], *, occupation_code: str, prior_code: str, as_of: date) -> eligibility.Facts:
    """Facts from field values named as on the application (a stored one or the self-check form)."""
    category = values["category"]
    prior = None
    # The engine's category keys (vocabulary.CATEGORY): the choices class is built at run time.
    if category in ("promotion", "transfer") and values.get("prior_level"):
        prior = eligibility.PriorCertificate(
            occupation_code=prior_code,
            level=values["prior_level"],
            issued_on=values["prior_issued_on"],
            related=bool(values.get("prior_related")) or prior_code == occupation_code,
            via_transfer=bool(values.get("prior_via_transfer")),
            original_issued_on=values.get("prior_original_issued_on"),
            via_veteran=bool(values.get("prior_via_veteran")),
            wage_granted_year=values.get("prior_wage_granted_year"),
        )
    title = None
    if category == "through" and values.get("title_field") and values.get("title_rank"):
        title = eligibility.ProfessionalTitle(field=values["title_field"], rank=values["title_rank"])
    return eligibility.Facts(
        occupation_code=occupation_code,
        level=values["level"],
        category=category,
        as_of=as_of,
        occupation_years=float(values.get("occupation_years") or 0),
        apprenticeship_completed=bool(values.get("apprenticeship_completed")),
        education=values.get("education") or None,
        education_related=bool(values.get("education_related")),
        prior_certificate=prior,
        professional_title=title,
        veteran_wage_level=values.get("veteran_wage_level"),
        preparatory_technician=bool(values.get("preparatory_technician")),
    )


def facts_for(application: Application) -> eligibility.Facts:
    # Callers decide only once the occupation is chosen (decide_for checks it first).
    assert application.occupation is not None
    values = {name: getattr(application, name) for name in FACT_FIELDS} | {"level": application.level_id}
    return facts_from(
        values,
        occupation_code=application.occupation.code,
        prior_code=prior_code(application.prior_occupation, application.prior_occupation_name),
        as_of=counting_date(application.campaign),
    )


def decide_for(application: Application) -> eligibility.Decision:
    """The engine's decision; a clear "not yet" while the deciding fields are empty."""
    if not (application.occupation_id and application.level_id and application.category):
        return eligibility.Decision(False, "facts.incomplete", ("请先在第 2 步选择申报职业、等级和类别。",))
    facts = facts_for(application)
    readings = readings_for(application.campaign)
    problems = eligibility.fact_problems(facts, readings)
    if problems:
        return eligibility.Decision(False, "facts.incomplete", tuple(p.message for p in problems))
    offered = offered_levels(application.campaign_id, application.occupation_id)
    return eligibility.decide(facts, offered_levels=offered, conditions=default_conditions(), readings=readings)


def self_check(campaign: Campaign, data: dict[str, Any]) -> eligibility.Decision:
    """The engine on facts typed into the public self-check form (nothing stored)."""
    occupation = data["occupation"]
    code = prior_code(data.get("prior_occupation"), data.get("prior_occupation_name") or "")
    facts = facts_from(data, occupation_code=occupation.code, prior_code=code, as_of=counting_date(campaign))
    readings = readings_for(campaign)
    problems = eligibility.fact_problems(facts, readings)
    if problems:
        return eligibility.Decision(False, "facts.invalid", tuple(p.message for p in problems))
    return eligibility.decide(
        facts,
        offered_levels=offered_levels(campaign.pk, occupation.pk),
        conditions=default_conditions(),
        readings=readings,
    )
