"""GET /api/v1/staff/applications and POST /api/v1/staff/token/revoke, called as a machine would:
with a personal token, per role and city, and with every kind of bad credential."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts import api_tokens
from accounts.demo import demo_id_number
from accounts.models import ApiToken, User
from applications.models import Application, Status
from audit.models import AuditEvent
from catalog.models import City, Level, Occupation
from conftest import client_for

URL = "/api/v1/staff/applications"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def token_of(user: User, *, scope: str = "read", days: int = 30) -> str:
    return api_tokens.create_token(user, name="测试", scope=scope, days=days)[1]


def apply(campaign, applicant: User, city: str, n: int, *, status: str = Status.SUBMITTED) -> Application:
    return Application.objects.create(
        campaign=campaign,
        applicant=applicant,
        city=City.objects.get(code=city),
        status=status,
        full_name="王小明",
        id_number=demo_id_number(f"150102198503{n:05d}"),
        phone=f"1380000{n:04d}",
        occupation=Occupation.objects.get(code="4-12-01-01"),
        level=Level.objects.get(number=4),
        category="initial",
        submitted_at=timezone.now(),
    )


@pytest.fixture
def world(people, open_campaign):
    """Two submitted in 呼和浩特, one in 包头, one draft in 呼和浩特 (staff never see drafts)."""
    applicant = people["applicant"]
    return {
        "hohhot": [apply(open_campaign, applicant, "hohhot", 1), apply(open_campaign, applicant, "hohhot", 2)],
        "baotou": [apply(open_campaign, applicant, "baotou", 3, status=Status.CITY_APPROVED)],
        "draft": apply(open_campaign, applicant, "hohhot", 4, status=Status.DRAFT),
    }


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def test_a_co_organizers_token_lists_the_submitted_applications_of_its_city_only(people, world):
    response = Client().get(URL, {"campaign": "demo"}, headers=bearer(token_of(people["hohhot_co"])))
    assert ids(response) == [a.pk for a in world["hohhot"]]
    assert response.json()["count"] == 2


def test_a_regulators_token_reads_its_city_and_another_citys_reads_theirs(people, world):
    hohhot = Client().get(URL, {"campaign": "demo"}, headers=bearer(token_of(people["hohhot_reg"])))
    baotou = Client().get(URL, {"campaign": "demo"}, headers=bearer(token_of(people["baotou_co"])))
    assert ids(hohhot) == [a.pk for a in world["hohhot"]]
    assert ids(baotou) == [a.pk for a in world["baotou"]]


def test_the_associations_token_reads_every_city_and_filters_by_status(people, world):
    token = token_of(people["association"])
    every = Client().get(URL, {"campaign": "demo"}, headers=bearer(token))
    approved = Client().get(URL, {"campaign": "demo", "status": "city_approved"}, headers=bearer(token))
    assert ids(every) == [a.pk for a in world["hohhot"] + world["baotou"]]
    assert ids(approved) == [world["baotou"][0].pk]


def test_an_experts_token_is_refused_like_the_expert(people, world):
    response = Client().get(URL, {"campaign": "demo"}, headers=bearer(token_of(people["hohhot_expert"])))
    assert response.status_code == 403
    assert "权限" in response.json()["detail"]


def test_names_and_numbers_are_masked_and_the_answer_is_not_cached(people, world):
    response = Client().get(URL, {"campaign": "demo"}, headers=bearer(token_of(people["association"])))
    first = response.json()["items"][0]
    application = world["hohhot"][0]
    assert first["full_name"] == "王**"
    assert first["id_number"] == application.id_number[:4] + "*" * 10 + application.id_number[-4:]
    assert first["phone"] == "138****0001"
    assert application.id_number not in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert first["status"] == "submitted" and first["city"] == "hohhot" and first["level"] == 4


def test_the_list_is_paginated(people, open_campaign):
    for n in range(1, 53):
        apply(open_campaign, people["applicant"], "hohhot", n)
    token = token_of(people["hohhot_co"])
    first = Client().get(URL, {"campaign": "demo"}, headers=bearer(token))
    second = Client().get(URL, {"campaign": "demo", "page": 2}, headers=bearer(token))
    assert first.json()["count"] == 52
    assert len(ids(first)) == 50 and len(ids(second)) == 2
    assert not set(ids(first)) & set(ids(second))


def test_an_unknown_campaign_or_status_is_answered_in_chinese(people, world):
    token = token_of(people["association"])
    unknown = Client().get(URL, {"campaign": "1999"}, headers=bearer(token))
    bad_status = Client().get(URL, {"campaign": "demo", "status": "nonsense"}, headers=bearer(token))
    assert unknown.status_code == 404 and "认定批次不存在" in unknown.json()["detail"]
    assert bad_status.status_code == 422


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer ",
        "Bearer skc_0123456789_not-a-real-secret",
        "Bearer not-even-a-token",
        "Basic YWxpY2U6cGFzc3dvcmQ=",
    ],
    ids=["none", "empty", "unknown", "malformed", "basic"],
)
def test_no_token_or_a_wrong_one_is_401_in_chinese(people, world, header):
    headers = {"Authorization": header} if header else {}
    response = Client().get(URL, {"campaign": "demo"}, headers=headers)
    assert response.status_code == 401
    assert "API 令牌" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_token_with_the_right_prefix_and_a_wrong_secret_is_refused(people, world):
    token = token_of(people["association"])
    forged = token[:-4] + ("aaaa" if not token.endswith("aaaa") else "bbbb")
    assert Client().get(URL, {"campaign": "demo"}, headers=bearer(forged)).status_code == 401


def test_an_expired_token_is_refused(people, world):
    token = token_of(people["association"], days=1)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get(URL, {"campaign": "demo"}, headers=bearer(token)).status_code == 401


def test_a_revoked_token_is_refused_and_its_use_audited(people, world):
    alice = people["association"]
    token = token_of(people["hohhot_co"])
    api_tokens.revoke_token(alice, ApiToken.objects.get())
    response = Client().get(URL, {"campaign": "demo"}, headers=bearer(token))
    assert response.status_code == 401
    used = AuditEvent.objects.get(action="accounts.api_token.used_after_revoke")
    assert used.city.code == "hohhot"


def test_a_deactivated_users_token_stops_working(people, world):
    token = token_of(people["hohhot_co"])
    User.objects.filter(pk=people["hohhot_co"].pk).update(is_active=False)
    assert Client().get(URL, {"campaign": "demo"}, headers=bearer(token)).status_code == 401


def test_a_token_follows_its_users_city_when_it_changes(people, world):
    token = token_of(people["hohhot_co"])
    User.objects.filter(pk=people["hohhot_co"].pk).update(city=City.objects.get(code="baotou"))
    response = Client().get(URL, {"campaign": "demo"}, headers=bearer(token))
    assert ids(response) == [world["baotou"][0].pk]


def test_a_staff_session_without_a_token_reads_nothing(people, world):
    response = client_for(people["association"]).get(URL, {"campaign": "demo"})
    assert response.status_code == 401


def test_a_session_cookie_without_csrf_cannot_revoke_a_token(people, world):
    co = people["hohhot_co"]
    token_of(co, scope="full")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(co, backend="accounts.backends.IdentifierBackend")
    response = browser.post("/api/v1/staff/token/revoke")
    assert response.status_code == 401
    assert ApiToken.objects.get().revoked_at is None


def test_a_full_token_revokes_itself_and_is_refused_afterwards(people, world):
    token = token_of(people["hohhot_co"], scope="full")
    response = Client().post("/api/v1/staff/token/revoke", headers=bearer(token))
    assert response.status_code == 204
    assert ApiToken.objects.get().revoked_at is not None
    assert AuditEvent.objects.filter(action="accounts.api_token.revoked").count() == 1
    assert Client().get(URL, {"campaign": "demo"}, headers=bearer(token)).status_code == 401


def test_a_read_only_token_cannot_make_unsafe_calls(people, world):
    token = token_of(people["hohhot_co"], scope="read")
    response = Client().post("/api/v1/staff/token/revoke", headers=bearer(token))
    assert response.status_code == 403
    assert "只读" in response.json()["detail"]
    assert ApiToken.objects.get().revoked_at is None


def test_use_is_recorded_once_per_interval(people, world, settings):
    settings.API_TOKEN_USE_INTERVAL = timedelta(minutes=5)
    token = token_of(people["hohhot_co"])
    Client().get(URL, {"campaign": "demo"}, headers=bearer(token))
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    Client().get(URL, {"campaign": "demo"}, headers=bearer(token))
    assert ApiToken.objects.get().last_used_at == first
    ApiToken.objects.update(last_used_at=first - timedelta(minutes=6))
    Client().get(URL, {"campaign": "demo"}, headers=bearer(token))
    assert ApiToken.objects.get().last_used_at > first


def test_the_openapi_schema_documents_the_bearer_scheme_on_staff_endpoints_only(db):
    schema = Client().get("/api/v1/openapi.json").json()
    scheme = schema["components"]["securitySchemes"]["StaffToken"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer" and scheme["bearerFormat"] == "skc_…"
    assert schema["paths"]["/api/v1/staff/applications"]["get"]["security"] == [{"StaffToken": []}]
    assert "security" not in schema["paths"]["/api/v1/cities"]["get"]
