"""The eligibility engine applied to a stored application (the engine itself is pure)."""

from applications import eligibility
from applications.models import Application, Category
from applications.standards import default_conditions
from catalog.models import CampaignOccupation


def offered_levels(campaign_id: int, occupation_id: int) -> frozenset[int] | None:
    offering = (
        CampaignOccupation.objects.filter(campaign_id=campaign_id, occupation_id=occupation_id)
        .prefetch_related("levels")
        .first()
    )
    return frozenset(offering.level_numbers()) if offering else None


def facts_for(application: Application) -> eligibility.Facts:
    prior = None
    if application.category in (Category.PROMOTION, Category.TRANSFER) and application.prior_level:
        prior_code = application.prior_occupation.code if application.prior_occupation_id else ""
        prior = eligibility.PriorCertificate(
            occupation_code=prior_code,
            level=application.prior_level,
            issued_on=application.prior_issued_on,
            related=application.prior_related or prior_code == application.occupation.code,
            via_transfer=application.prior_via_transfer,
            original_issued_on=application.prior_original_issued_on,
        )
    title = None
    if application.category == Category.THROUGH and application.title_field and application.title_rank:
        title = eligibility.ProfessionalTitle(field=application.title_field, rank=application.title_rank)
    return eligibility.Facts(
        occupation_code=application.occupation.code,
        level=application.level_id,
        category=application.category,
        as_of=application.campaign.exam_date,
        occupation_years=float(application.occupation_years or 0),
        apprenticeship_completed=application.apprenticeship_completed,
        education=application.education or None,
        education_related=application.education_related,
        prior_certificate=prior,
        professional_title=title,
        veteran_wage_level=application.veteran_wage_level,
        preparatory_technician=application.preparatory_technician,
    )


def decide_for(application: Application) -> eligibility.Decision:
    """The engine's decision; a clear "not yet" while the deciding fields are empty."""
    if not (application.occupation_id and application.level_id and application.category):
        return eligibility.Decision(False, "facts.incomplete", ("请先在第 2 步选择申报职业、等级和类别。",))
    facts = facts_for(application)
    problems = eligibility.fact_problems(facts)
    if problems:
        return eligibility.Decision(False, "facts.incomplete", tuple(p.message for p in problems))
    offered = offered_levels(application.campaign_id, application.occupation_id)
    return eligibility.decide(facts, offered_levels=offered, conditions=default_conditions())


def self_check(campaign, data: dict) -> eligibility.Decision:
    """The engine on facts typed into the public self-check form (nothing stored)."""
    occupation = data["occupation"]
    prior = None
    if data["category"] in (Category.PROMOTION, Category.TRANSFER) and data.get("prior_level"):
        prior_code = data["prior_occupation"].code if data.get("prior_occupation") else ""
        prior = eligibility.PriorCertificate(
            occupation_code=prior_code,
            level=data["prior_level"],
            issued_on=data["prior_issued_on"],
            related=data["prior_related"] or prior_code == occupation.code,
            via_transfer=data["prior_via_transfer"],
            original_issued_on=data.get("prior_original_issued_on"),
        )
    title = None
    if data["category"] == Category.THROUGH and data.get("title_field") and data.get("title_rank"):
        title = eligibility.ProfessionalTitle(field=data["title_field"], rank=data["title_rank"])
    facts = eligibility.Facts(
        occupation_code=occupation.code,
        level=data["level"],
        category=data["category"],
        as_of=campaign.exam_date,
        occupation_years=float(data["occupation_years"]),
        apprenticeship_completed=data["apprenticeship_completed"],
        education=data.get("education") or None,
        education_related=data["education_related"],
        prior_certificate=prior,
        professional_title=title,
        veteran_wage_level=data.get("veteran_wage_level"),
        preparatory_technician=data["preparatory_technician"],
    )
    problems = eligibility.fact_problems(facts)
    if problems:
        return eligibility.Decision(False, "facts.invalid", tuple(p.message for p in problems))
    offered = offered_levels(campaign.pk, occupation.pk)
    return eligibility.decide(facts, offered_levels=offered, conditions=default_conditions())
