"""The public 申报条件自测 page."""

import pytest
from django.urls import reverse

from applications.models import Application
from catalog.models import Occupation
from conftest import client_for

URL = reverse("applications:self_check_in", args=["2023"])


def facts(**changes):
    return {
        "occupation": Occupation.objects.get(code="4-12-01-01").pk,
        "level": "4",
        "category": "initial",
        "occupation_years": "7",
        "education": "high_school",
        **changes,
    }


def test_eligible_with_the_rule_and_reasons(catalog_2023, client):
    response = client.post(URL, facts())
    assert response.context["decision"].eligible
    body = response.content.decode()
    assert "符合申报条件" in body and "initial.l4" in body


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
