"""The public 申报条件自测 page."""

import pytest
from django.urls import reverse

from applications.models import Application
from catalog.models import Occupation
from conftest import client_for

URL = reverse("applications:self_check_in", args=["2023"])


def facts(**changes):
    """What the form sends once it shows the chosen category's fields (`shown`)."""
    data = {
        "occupation": Occupation.objects.get(code="4-12-01-01").pk,
        "level": "4",
        "category": "initial",
        "occupation_years": "7",
        "education": "high_school",
        **changes,
    }
    data.setdefault("shown", data["category"])
    return data


def test_eligible_with_the_reasons_but_no_machine_rule_id(catalog_2023, client):
    response = client.post(URL, facts())
    decision = response.context["decision"]
    assert decision.eligible and decision.rule.startswith("initial.l4")
    body = response.content.decode()
    assert "符合申报条件" in body and "累计从事本职业" in body
    assert decision.rule not in body and "initial.l4" not in body and "依据：" not in body


def test_not_eligible_says_why(catalog_2023, client):
    body = client.post(URL, facts(occupation_years="2")).content.decode()
    assert "暂不符合申报条件" in body and "6" in body


def test_a_level_not_offered_is_not_eligible(catalog_2023, client):
    guard = Occupation.objects.get(name="保卫管理员")
    decision = client.post(URL, facts(occupation=guard.pk, level="5", occupation_years="3")).context["decision"]
    assert not decision.eligible and decision.rule == "catalog.level_not_offered"


def test_promotion_counts_years_after_the_certificate(catalog_2023, client):
    occupation = Occupation.objects.get(code="4-12-01-01").pk
    data = facts(
        level="3",
        category="promotion",
        occupation_years="10",
        prior_level="4",
        prior_occupation=occupation,
        prior_issued_on="2018-10-15",
    )
    assert client.post(URL, data).context["decision"].eligible  # 5 whole years to 2023-10-15
    data["prior_issued_on"] = "2018-10-16"
    assert not client.post(URL, data).context["decision"].eligible


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"category": "promotion"}, "晋级、平转须填写所持证书的等级和发证日期"),
        ({"category": "through"}, "贯通申报须选择职称领域和等级"),
        ({"category": "veteran"}, "退役军人申报须选择工资待遇等级"),
        ({"occupation_years": "-1"}, "error-summary"),
        ({"level": "7"}, "error-summary"),
    ],
)
def test_missing_or_bad_facts_are_explained(catalog_2023, client, changes, message):
    response = client.post(URL, facts(**changes))
    assert response.context["decision"] is None
    assert message in response.content.decode()


def test_htmx_gets_only_the_result(catalog_2023, client):
    body = client.post(URL, facts(), HTTP_HX_REQUEST="true").content.decode()
    assert body.lstrip().startswith('<div id="result"') and "<html" not in body


def test_nothing_is_stored_and_anyone_may_use_it(people, client):
    for who in [None, "applicant", "hohhot_co", "association"]:
        assert client_for(people[who] if who else None).post(URL, facts()).status_code == 200
    assert Application.objects.count() == 0


ALL_CATEGORY_FIELDS = (
    "occupation_years",
    "apprenticeship_completed",
    "education",
    "prior_level",
    "prior_issued_on",
    "title_field",
    "title_rank",
    "veteran_wage_level",
)


@pytest.mark.parametrize(
    ("category", "asked"),
    [
        ("initial", {"occupation_years", "apprenticeship_completed", "education"}),
        ("promotion", {"prior_level", "prior_issued_on", "occupation_years", "education"}),
        ("transfer", {"prior_level", "prior_issued_on"}),
        ("through", {"title_field", "title_rank"}),
        ("veteran", {"veteran_wage_level"}),
    ],
)
def test_only_what_the_chosen_category_needs_is_asked(catalog_2023, client, category, asked):
    body = client.get(URL, {"category": category}).content.decode()
    assert 'name="occupation"' in body and 'name="level"' in body and 'name="category"' in body
    for name in ALL_CATEGORY_FIELDS:
        assert (f'name="{name}"' in body) == (name in asked), name


def test_changing_the_category_swaps_in_its_fields_and_keeps_what_was_typed(catalog_2023, client):
    response = client.post(
        URL, facts(category="veteran", shown="initial"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="facts"
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<fieldset class="facts" id="facts"') and "<html" not in body
    assert 'name="veteran_wage_level"' in body and 'name="occupation_years"' not in body
    assert 'value="veteran"' in body  # the hidden marker: the next submit judges the veteran facts
    assert 'hx-swap-oob="true"' in body  # the old result is cleared
    assert response.context["decision"] is None


def test_without_javascript_a_changed_category_first_shows_its_fields(catalog_2023, client):
    response = client.post(URL, facts(category="through", shown="initial"))
    body = response.content.decode()
    assert response.context["decision"] is None and "error-summary" not in body
    assert 'name="title_rank"' in body and "请填写后再点" in body
    # what was typed is kept
    assert f'<option value="{Occupation.objects.get(code="4-12-01-01").pk}" selected>' in body
    judged = client.post(URL, facts(category="through", level="3", title_field="engineering", title_rank="assistant"))
    assert judged.context["decision"].eligible


def test_an_eligible_check_offers_to_apply_with_those_facts(catalog_2023, client):
    body = client.post(URL, facts()).content.decode()
    assert "按此条件申报" in body and reverse("applications:start_in", args=["2023"]) in body
    body = client.post(URL, facts(occupation_years="1")).content.decode()
    assert "按此条件申报" not in body


def promotion_facts():
    car = Occupation.objects.get(code="4-12-01-01").pk
    return facts(
        level="3",
        category="promotion",
        occupation_years="10.5",
        prior_level="4",
        prior_occupation=car,
        prior_issued_on="2016-06-30",
        prior_related="on",
        education="technical_school",
    )


def test_applying_from_the_self_check_prefills_the_new_draft(people, open_campaign, client):
    url = reverse("applications:self_check_in", args=[open_campaign.slug])
    client.force_login(people["applicant"])
    data = promotion_facts()
    data["prior_issued_on"] = "2016-06-30"
    assert client.post(url, data).context["decision"] is not None
    start = reverse("applications:start_in", args=[open_campaign.slug])
    assert "将带入你在申报条件自测中填写的" in client.get(start).content.decode()

    response = client.post(start)
    application = Application.objects.get()
    assert response.url == reverse("applications:step", args=[application.pk, "person"])
    assert application.occupation.code == "4-12-01-01" and application.level_id == 3
    assert application.category == "promotion" and application.occupation_years == 10
    assert application.prior_level == 4 and application.prior_occupation.code == "4-12-01-01"
    assert str(application.prior_issued_on) == "2016-06-30" and application.prior_related
    assert application.education == "technical_school"
    from audit.models import AuditEvent

    saved = AuditEvent.objects.get(action="applications.draft_saved", object_id=str(application.pk))
    assert "category" in saved.after["fields"]
    # used once: the facts do not follow the applicant into later applications
    assert "self_check_facts" not in client.session


def test_the_query_cannot_carry_facts_into_an_application(people, open_campaign, client):
    client.force_login(people["applicant"])
    start = reverse("applications:start_in", args=[open_campaign.slug])
    client.post(start + "?category=veteran&level=1&occupation_years=40")
    application = Application.objects.get()
    assert application.category == "" and application.level_id is None and application.occupation_years is None


def test_facts_checked_for_another_campaign_are_not_carried(people, open_campaign, client):
    client.post(URL, facts())  # the 2023 campaign
    client.force_login(people["applicant"])
    client.post(reverse("applications:start_in", args=[open_campaign.slug]))
    assert Application.objects.get().category == ""


def test_facts_are_not_poured_into_an_application_that_already_exists(people, draft, client):
    url = reverse("applications:self_check_in", args=[draft.campaign.slug])
    client.force_login(people["applicant"])
    client.post(url, facts(occupation=Occupation.objects.get(code="4-12-01-01").pk))
    response = client.get(reverse("applications:start_in", args=[draft.campaign.slug]), follow=True)
    assert "自测的条件没有带入" in response.content.decode()
    draft.refresh_from_db()
    assert draft.category == "" and draft.occupation_id is None
