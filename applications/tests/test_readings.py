"""The association's readings of the notice: each one changes the engine's decision as documented,
and the campaign's stored rules reach the engine, the counting date and the submit guard."""

from dataclasses import replace
from datetime import date

import pytest

from applications import services
from applications.eligibility import DEFAULT_READINGS, ProfessionalTitle, Readings, decide, fact_problems
from applications.eligibility_service import counting_date, decide_for, readings_for
from applications.models import Status
from applications.standards import default_conditions
from applications.tests.fixtures import attach_documents, fill
from applications.tests.test_notice_rules import AS_OF_2024, COMPUTER, TRANSFERRED, VETERAN_L4, facts, held
from catalog import rules

ALL_LEVELS = frozenset({5, 4, 3, 2, 1})


def check(f, **readings):
    return decide(f, offered_levels=ALL_LEVELS, conditions=default_conditions(), readings=Readings(**readings))


def test_todays_readings_are_the_defaults_of_the_campaign_rules():
    from catalog.models import CampaignRules

    stored = CampaignRules()
    assert all(getattr(stored, name) == getattr(DEFAULT_READINGS, name) for name in Readings.__dataclass_fields__)


def test_a_transfer_without_the_certificate_goes_to_the_reviewers_when_the_rules_allow():
    without = facts(category="transfer", level=3)
    assert fact_problems(without)  # today: the certificate is required
    assert not fact_problems(without, Readings(transfer_requires_certificate=False))
    decision = check(without, transfer_requires_certificate=False)
    assert decision.eligible and decision.rule == "transfer.certificate_checked_by_reviewers"


def test_a_transfer_within_the_same_occupation_when_the_rules_allow():
    same = facts(category="transfer", level=3, prior_certificate=held(3, date(2015, 1, 1)))
    assert check(same).rule == "transfer.same_occupation"
    assert check(same, transfer_allows_same_occupation=True).eligible


def test_a_transfer_from_an_unrelated_certificate_when_the_rules_allow():
    unrelated = facts(category="transfer", level=3, prior_certificate=held(3, date(2015, 1, 1), code=COMPUTER))
    assert check(unrelated).rule == "transfer.unrelated"
    assert check(unrelated, transfer_requires_related_certificate=False).eligible


def test_years_after_a_transfer_from_the_new_certificate_when_the_rules_say_so():
    promotion = facts(
        category="promotion",
        level=3,
        occupation_code=COMPUTER,
        occupation_years=9,
        as_of=AS_OF_2024,
        prior_certificate=TRANSFERRED,
    )
    assert check(promotion).eligible
    assert not check(promotion, transfer_years_from_original=False).eligible


def test_years_after_a_veterans_certificate_from_the_certificate_when_the_rules_say_so():
    promotion = facts(category="promotion", level=3, occupation_years=8, as_of=AS_OF_2024, prior_certificate=VETERAN_L4)
    assert check(promotion).eligible
    assert not check(promotion, veteran_years_from_wage_year=False).eligible


def test_the_next_year_can_mean_twelve_months():
    late_2023 = replace(TRANSFERRED, issued_on=date(2023, 11, 20))
    promotion = facts(category="promotion", level=3, occupation_code=COMPUTER, occupation_years=9, as_of=AS_OF_2024)
    promotion = replace(promotion, prior_certificate=late_2023)
    assert check(promotion).eligible  # 2024 is the next calendar year
    refused = check(promotion, promotion_wait="twelve_months")
    assert refused.rule == "promotion.too_soon_after_transfer" and "2024-11-20" in " ".join(refused.reasons)


def test_years_after_a_certificate_uncapped_when_the_rules_say_so():
    # 5 years since the 四级 certificate, but only 3 years worked in the occupation.
    promotion = facts(category="promotion", level=3, occupation_years=3, prior_certificate=held(4, date(2018, 9, 1)))
    assert not check(promotion).eligible
    assert check(promotion, years_capped_by_occupation_years=False).eligible


def test_a_junior_title_no_longer_leads_to_senior_worker_when_the_rules_say_so():
    junior = facts(category="through", level=3, professional_title=ProfessionalTitle("engineering", "junior"))
    assert check(junior).eligible
    assert check(junior, through_junior_title_counts=False).rule == "through.rank_not_covered"


# --- the stored rules reach the engine -----------------------------------------------------------


@pytest.mark.django_db
def test_the_campaigns_stored_rules_reach_the_engine(people, open_campaign):
    assert readings_for(open_campaign) == DEFAULT_READINGS
    rules.update_rules(people["association"], open_campaign, {"through_junior_title_counts": False})
    open_campaign.refresh_from_db()
    assert readings_for(open_campaign).through_junior_title_counts is False


@pytest.mark.django_db
def test_years_counted_to_the_close_of_registration_when_the_rules_say_so(people, open_campaign, draft):
    assert counting_date(open_campaign) == open_campaign.exam_date
    rules.update_rules(people["association"], open_campaign, {"years_counted_to": "registration_closes"})
    open_campaign.refresh_from_db()
    assert counting_date(open_campaign) == open_campaign.registration_closes
    fill(draft, level=3, category="promotion", occupation_years=9, prior_level=4, prior_issued_on=date(2018, 9, 1))
    draft.prior_occupation = draft.occupation
    draft.save()
    draft.refresh_from_db()
    assert open_campaign.registration_closes.isoformat() in " ".join(decide_for(draft).reasons)


def _ineligible(draft):
    fill(draft, level=4, occupation_years=2, education="high_school")  # 四级 needs 6 years
    attach_documents(draft)
    return draft


@pytest.mark.django_db
def test_an_ineligible_application_is_refused_by_default(people, draft):
    from skillcert.refusals import TransitionRefused

    with pytest.raises(TransitionRefused, match="不符合申报条件"):
        services.submit_application(people["applicant"], _ineligible(draft))


@pytest.mark.django_db
def test_an_ineligible_application_reaches_the_reviewers_when_the_rules_allow(people, open_campaign, draft):
    rules.update_rules(people["association"], open_campaign, {"submit_when_ineligible": True})
    submitted = services.submit_application(people["applicant"], _ineligible(draft))
    assert submitted.status == Status.SUBMITTED
    assert submitted.eligibility_rule == "initial.l4.no_route"  # the reviewers see the engine's verdict


# --- the facts on the application form ---------------------------------------------------------


@pytest.mark.django_db
def test_a_stored_promotion_on_a_veterans_certificate_of_this_year_is_told_to_wait(people, draft, open_campaign):
    issued = open_campaign.exam_date.replace(month=1, day=1)
    fill(draft, level=3, category="promotion", occupation_years=9, prior_level=4, prior_issued_on=issued)
    draft.prior_occupation = draft.occupation
    draft.prior_via_veteran, draft.prior_wage_granted_year = True, 2010
    draft.save()
    decision = decide_for(draft)
    assert (decision.eligible, decision.rule) == (False, "promotion.too_soon_after_veteran")


@pytest.mark.django_db
def test_the_form_refuses_a_certificate_obtained_both_ways(people, draft):
    from applications.forms import CategoryForm

    fill(draft, level=3, category="promotion")
    values = {
        "version": draft.version,
        "prior_occupation": draft.occupation.pk,
        "prior_certificate_number": "1234",
        "prior_level": 4,
        "prior_issued_on": "2020-01-01",
        "prior_via_transfer": "on",
        "prior_original_issued_on": "2015-01-01",
        "prior_via_veteran": "on",
        "prior_wage_granted_year": "2021",
    }
    form = CategoryForm(values, application=draft)
    assert not form.is_valid()
    assert "一种方式" in form.errors["prior_via_veteran"][0]
    assert "不能晚于证书的发证年份" in form.errors["prior_wage_granted_year"][0]


@pytest.mark.django_db
def test_the_check_page_lets_an_ineligible_application_be_submitted_only_when_the_rules_allow(
    people, open_campaign, draft
):
    from django.urls import reverse

    from conftest import client_for

    _ineligible(draft)
    client = client_for(people["applicant"])
    page = reverse("applications:review", args=[draft.pk])
    assert client.get(page).context["eligibility_allows"] is False
    rules.update_rules(people["association"], open_campaign, {"submit_when_ineligible": True})
    body = client.get(page).content.decode()
    assert "本批次仍可提交，由协办单位审核决定" in body
