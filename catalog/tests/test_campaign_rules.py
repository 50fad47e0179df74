"""The association's page of a campaign's readings of the notice: shown with their sentences, changed, audited."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from catalog.models import CampaignRules
from catalog.readings import READINGS
from catalog.rules import RULE_FIELDS
from conftest import client_for


def url(campaign) -> str:
    return reverse("catalog_staff:rules", args=[campaign.slug])


def test_every_rule_has_its_explanation_and_sentence_of_the_notice():
    assert sorted(reading.field for reading in READINGS) == sorted(RULE_FIELDS)
    for reading in READINGS:
        assert str(reading.sentence).startswith(("二.", "五.")) and str(reading.explanation)


def test_the_page_shows_each_reading_with_todays_choice(people, catalog_2023):
    response = client_for(people["association"]).get(url(catalog_2023))
    body = response.content.decode()
    for reading in READINGS:
        assert f'id="reading-{reading.field}"' in body
        assert str(reading.sentence) in body
    assert "平转合格后于次年可晋级申报" in body
    form = response.context["form"]
    assert form["transfer_requires_certificate"].value() is True and form["years_counted_to"].value() == "exam_date"


def test_changing_a_reading_is_stored_and_audited_with_old_and_new_values(people, catalog_2023):
    client = client_for(people["association"])
    data = {name: "on" for name in RULE_FIELDS if getattr(CampaignRules(), name) is True}
    data |= {"years_counted_to": "registration_closes", "promotion_wait": "calendar_year"}
    response = client.post(url(catalog_2023), data)
    assert response.status_code == 302
    stored = CampaignRules.objects.get(campaign=catalog_2023)
    assert stored.years_counted_to == "registration_closes"
    event = AuditEvent.objects.get(action="catalog.campaign.rules_changed")
    assert event.actor == people["association"]
    assert event.before == {"years_counted_to": "exam_date"} and event.after == {
        "years_counted_to": "registration_closes"
    }


def test_saving_unchanged_readings_writes_no_audit_event(people, catalog_2023):
    data = {name: "on" for name in RULE_FIELDS if getattr(CampaignRules(), name) is True}
    data |= {"years_counted_to": "exam_date", "promotion_wait": "calendar_year"}
    client_for(people["association"]).post(url(catalog_2023), data)
    assert not AuditEvent.objects.filter(action="catalog.campaign.rules_changed").exists()


def test_a_bad_choice_is_shown_in_place_and_nothing_is_saved(people, catalog_2023):
    response = client_for(people["association"]).post(
        url(catalog_2023), {"years_counted_to": "tomorrow", "promotion_wait": "calendar_year"}
    )
    assert response.status_code == 200 and "请修改以下问题" in response.content.decode()
    assert not CampaignRules.objects.exists()


def test_an_unknown_campaign_is_not_found(people, catalog_2023):
    assert client_for(people["association"]).get("/staff/campaigns/nope/rules/").status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (None, 302),
        ("applicant", 403),
        ("other_applicant", 403),
        ("hohhot_co", 403),
        ("baotou_co", 403),
        ("hohhot_reg", 403),
        ("hohhot_expert", 403),
        ("association", 200),
    ],
)
def test_only_the_association_opens_or_changes_the_readings(people, other_applicant, catalog_2023, role, status):
    user = other_applicant if role == "other_applicant" else people.get(role)
    client = client_for(user)
    assert client.get(url(catalog_2023)).status_code == status
    posted = client.post(
        url(catalog_2023), {"years_counted_to": "registration_closes", "promotion_wait": "calendar_year"}
    )
    assert posted.status_code == (302 if role in (None, "association") else 403)
    assert CampaignRules.objects.filter(years_counted_to="registration_closes").exists() is (role == "association")
