"""POST /api/v1/eligibility/check: decisions as 200s, malformed input as 422s naming the field."""

import json
import re
from typing import get_args

import pytest

from applications import api, eligibility, standards
from catalog.models import Occupation

URL = "/api/v1/eligibility/check"
CJK = re.compile(r"[\u4e00-\u9fff]")


def post(client, body: dict):
    return client.post(URL, data=json.dumps(body), content_type="application/json")


def decision(client, **body) -> dict:
    response = post(client, {"occupation_years": 0, **body})
    assert response.status_code == 200, response.json()
    data = response.json()
    assert set(data) == {"eligible", "rule", "reasons"} and data["reasons"]
    return data


HAPPY = [
    ({"occupation_code": "4-12-01-01", "level": 5, "category": "initial", "occupation_years": 1}, "initial.l5.years"),
    (
        {
            "occupation_code": "4-12-01-01",
            "level": 3,
            "category": "promotion",
            "occupation_years": 8,
            "prior_certificate": {"occupation_code": "4-12-01-01", "level": 4, "issued_on": "2018-10-15"},
        },
        "promotion.l3.years_after_l4",
    ),
    (
        {
            "occupation_code": "4-12-01-01",
            "level": 4,
            "category": "transfer",
            "prior_certificate": {
                "occupation_code": "4-12-02-01",
                "level": 4,
                "issued_on": "2020-06-01",
                "related": True,
            },
        },
        "transfer.same_level_related",
    ),
    (
        {
            "occupation_code": "4-12-01-01",
            "level": 2,
            "category": "through",
            "professional_title": {"field": "engineering", "rank": "intermediate"},
        },
        "through.intermediate_to_l2",
    ),
    (
        {"occupation_code": "4-12-01-01", "level": 4, "category": "veteran", "veteran_wage_level": 4},
        "veteran.junior_or_intermediate_wage",
    ),
    (
        {
            "occupation_code": "4-07-03-02",
            "level": 3,
            "category": "initial",
            "education": "master",
            "education_related": True,
        },
        "initial.l3.master",
    ),
]


@pytest.mark.parametrize(("body", "rule"), HAPPY)
def test_eligible_in_each_category(catalog_2023, client, body, rule):
    data = decision(client, **body)
    assert data["eligible"] is True and data["rule"] == rule
    assert all(CJK.search(reason) for reason in data["reasons"])


def test_not_eligible_is_a_200_with_the_reasons(catalog_2023, client):
    data = decision(
        client,
        occupation_code="4-12-01-01",
        level=3,
        category="promotion",
        occupation_years=8,
        prior_certificate={"occupation_code": "4-12-01-01", "level": 4, "issued_on": "2020-10-15"},
    )
    assert data["eligible"] is False and data["rule"] == "promotion.l3.no_route"
    assert data["reasons"][-1] == "以上条件均不具备。"


def test_years_count_to_the_campaigns_exam_date_by_default(catalog_2023, client):
    body = {"occupation_code": "4-12-01-01", "level": 3, "category": "promotion", "occupation_years": 8}
    on_time = {"occupation_code": "4-12-01-01", "level": 4, "issued_on": "2018-10-15"}  # exam: 2023-10-15
    late = on_time | {"issued_on": "2018-10-16"}
    assert decision(client, **body, prior_certificate=on_time)["eligible"] is True
    assert decision(client, **body, prior_certificate=late)["eligible"] is False
    assert decision(client, **body, prior_certificate=late, as_of="2023-10-16", campaign="2023")["eligible"] is True


def test_promotion_after_a_transfer_counts_from_the_original_certificate(catalog_2023, client):
    transferred = {
        "occupation_code": "4-12-01-01",
        "level": 4,
        "issued_on": "2022-09-01",
        "via_transfer": True,
        "original_issued_on": "2017-09-01",
    }
    data = decision(
        client,
        occupation_code="4-12-01-01",
        level=3,
        category="promotion",
        occupation_years=10,
        prior_certificate=transferred,
    )
    assert (data["eligible"], data["rule"]) == (True, "promotion.l3.years_after_l4")


NOT_OFFERED = [
    ("3-02-02-00", 5),  # 保卫管理员: 3、2、1
    ("3-01-02-02", 1),  # 秘书: 5–2
    ("5-02-03-01", 2),  # 护林员: 5–3
    ("4-07-03-02", 5),  # 劳动关系协调员: 4–1
]


@pytest.mark.parametrize(("code", "level"), NOT_OFFERED)
def test_a_level_not_offered_is_a_200_not_eligible(catalog_2023, client, code, level):
    data = decision(client, occupation_code=code, level=level, category="initial", occupation_years=30)
    assert (data["eligible"], data["rule"]) == (False, "catalog.level_not_offered")


def test_an_occupation_of_the_catalog_the_campaign_does_not_offer_is_a_200(catalog_2023, client):
    Occupation.objects.create(code="4-99-99-99", name="未开展的职业")
    data = decision(client, occupation_code="4-99-99-99", level=5, category="initial", occupation_years=3)
    assert (data["eligible"], data["rule"]) == (False, "catalog.occupation_not_offered")


def test_an_offered_level_passes_for_the_occupations_in_the_brief(catalog_2023, client):
    assert decision(client, occupation_code="3-02-02-00", level=3, category="veteran", veteran_wage_level=2)["eligible"]
    assert decision(client, occupation_code="4-07-03-02", level=4, category="initial", occupation_years=4)["eligible"]


VALID = {"occupation_code": "4-12-01-01", "level": 5, "category": "initial", "occupation_years": 1}
CERT = {"occupation_code": "4-12-01-01", "level": 4, "issued_on": "2018-10-15"}

UNPROCESSABLE = [
    ({"occupation_code": "9-99-99-99"}, ["occupation_code"], "职业目录中没有职业编码 9-99-99-99"),
    ({"occupation_code": "4-12-1-1"}, ["occupation_code"], "职业编码格式"),
    ({"level": 7}, ["level"], "等级只能是 1–5"),
    ({"level": 0}, ["level"], "等级只能是 1–5"),
    ({"level": "三级"}, ["level"], "等级只能是 1–5"),
    ({"as_of": "2023-02-30"}, ["as_of"], "须是真实的日期"),
    ({"category": "upgrade"}, ["category"], "申报类别只能是"),
    ({"education": "phd"}, ["education"], "文化程度只能是"),
    ({"occupation_years": -1}, ["occupation_years"], "不小于 0"),
    ({"occupation_years": "many"}, ["occupation_years"], "不小于 0"),
    ({"category": "promotion", "level": 3}, ["prior_certificate"], "晋级申报须填写上一级证书"),
    ({"category": "transfer", "level": 4}, ["prior_certificate"], "平转申报须填写所持证书"),
    ({"category": "through", "level": 2}, ["professional_title"], "贯通申报须填写职称"),
    ({"category": "veteran", "level": 4}, ["veteran_wage_level"], "退役军人申报须填写"),
    ({"category": "veteran", "level": 4, "veteran_wage_level": 6}, ["veteran_wage_level"], "工资待遇等级只能是"),
    (
        {"category": "promotion", "level": 3, "prior_certificate": CERT | {"via_transfer": True}},
        ["prior_certificate", "original_issued_on"],
        "原证书的发证日期",
    ),
    (
        {"category": "promotion", "level": 3, "prior_certificate": CERT | {"issued_on": "2018-13-01"}},
        ["prior_certificate", "issued_on"],
        "发证日期须是真实的日期",
    ),
    (
        {"category": "promotion", "level": 3, "prior_certificate": CERT | {"issued_on": "2024-01-01"}},
        ["prior_certificate", "issued_on"],
        "不能晚于核算日期 2023-10-15",
    ),
    (
        {"category": "through", "level": 2, "professional_title": {"field": "law", "rank": "senior"}},
        ["professional_title", "field"],
        "职称系列只能是",
    ),
    (
        {"category": "through", "level": 2, "professional_title": {"field": "art", "rank": "chief"}},
        ["professional_title", "rank"],
        "职称级别只能是",
    ),
    ({"prior_certificate": "4-12-01-01"}, ["prior_certificate"], "上一级证书须是对象"),
    ({"colour": "red"}, ["colour"], "未知字段 colour"),
]


@pytest.mark.parametrize(("changes", "loc", "message"), UNPROCESSABLE)
def test_malformed_input_is_a_422_naming_the_field_in_chinese(catalog_2023, client, changes, loc, message):
    response = post(client, VALID | changes)
    assert response.status_code == 422
    errors = response.json()["detail"]
    assert isinstance(errors, list)
    found = [error for error in errors if error["loc"] == ["body", "payload", *loc]]
    assert found, errors
    assert message in found[0]["msg"] and CJK.search(found[0]["msg"])


def test_a_missing_field_is_a_422_naming_it(catalog_2023, client):
    body = dict(VALID)
    del body["occupation_years"]
    errors = post(client, body).json()["detail"]
    assert errors == [
        {"type": "missing", "loc": ["body", "payload", "occupation_years"], "msg": "缺少必填字段 occupation_years。"}
    ]


def test_every_bad_field_is_reported_at_once(catalog_2023, client):
    errors = post(client, VALID | {"level": 9, "category": "x", "education": "phd"}).json()["detail"]
    assert [error["loc"][-1] for error in errors] == ["level", "category", "education"]


def test_an_unknown_campaign_is_404(catalog_2023, client):
    response = post(client, VALID | {"campaign": "1999"})
    assert response.status_code == 404
    assert response.json() == {"detail": "认定批次不存在：1999"}


def test_the_check_is_in_the_openapi_schema(catalog_2023, client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/eligibility/check"]["post"]
    assert {"200", "404", "422"} <= set(operation["responses"])


def test_the_api_enums_are_the_engines():
    assert get_args(api.Category) == tuple(eligibility.CATEGORIES)
    assert get_args(api.Education) == tuple(standards.EDUCATIONS)
    assert get_args(api.TitleField) == tuple(eligibility.TITLE_FIELDS)
    assert get_args(api.TitleRank) == tuple(eligibility.TITLE_RANKS)


def test_the_api_takes_how_the_certificate_was_obtained_and_the_campaigns_rules(client, people, catalog_2023):
    from catalog import rules

    body = {
        "occupation_code": "4-12-01-01",
        "level": 3,
        "category": "promotion",
        "campaign": "2023",
        "occupation_years": 8,
        "prior_certificate": {
            "occupation_code": "4-12-01-01",
            "level": 4,
            "issued_on": "2023-03-01",
            "via_veteran": True,
            "wage_granted_year": 2016,
        },
    }
    assert decision(client, **body)["rule"] == "promotion.too_soon_after_veteran"
    rules.update_rules(people["association"], catalog_2023, {"promotion_wait": "twelve_months"})
    assert "2024-03-01" in " ".join(decision(client, **body)["reasons"])
    bad = post(client, body | {"prior_certificate": body["prior_certificate"] | {"wage_granted_year": 1800}})
    assert bad.status_code == 422 and "兑现工资待遇年份" in bad.json()["detail"][0]["msg"]
