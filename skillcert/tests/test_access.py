"""Every page and endpoint of the project, for every role: who gets in, who is refused.

anon is not logged in. 302 for anon means "sent to log in"; 403 is a refusal.
"""

import pytest
from django.urls import reverse

from conftest import client_for

ROLES = ["anon", "applicant", "hohhot_co", "hohhot_reg", "hohhot_expert", "association"]
PUBLIC = dict.fromkeys(ROLES, 200)
LOGGED_IN = {**dict.fromkeys(ROLES, 200), "anon": 302}
STAFF = {**LOGGED_IN, "applicant": 403}
AUDIT = {**STAFF, "hohhot_co": 403, "hohhot_expert": 403}
PEOPLE = {**STAFF, "hohhot_expert": 403}
ADMIN = {**dict.fromkeys(ROLES, 302), "association": 200}
ASSOCIATION = {**dict.fromkeys(ROLES, 403), "anon": 302, "association": 200}

PAGES = [
    ("/", PUBLIC),
    ("/campaigns/2023/", PUBLIC),
    ("/campaigns/2023/catalog/", PUBLIC),
    ("/campaigns/2023/catalog/?q=电工&level=3", PUBLIC),
    ("/directory/", PUBLIC),
    ("/accounts/login/", PUBLIC),
    ("/accounts/register/", PUBLIC),
    ("/healthz", PUBLIC),
    ("/api/v1/occupations?campaign=2023", PUBLIC),
    ("/api/v1/cities", PUBLIC),
    ("/api/v1/campaigns", PUBLIC),
    ("/api/v1/campaigns/2023", PUBLIC),
    ("/api/v1/docs", PUBLIC),
    ("/self-check/", PUBLIC),
    ("/campaigns/2023/self-check/", PUBLIC),
    ("/api/v1/openapi.json", PUBLIC),
    ("/accounts/me/", LOGGED_IN),
    ("/notifications/", LOGGED_IN),
    ("/admin/notifications/message/", ADMIN),
    ("/admin/notifications/delivery/", ADMIN),
    ("/staff/review/", {**STAFF, "hohhot_expert": 403}),
    ("/apply/", LOGGED_IN),
    ("/accounts/password/", LOGGED_IN),
    ("/accounts/people/", PEOPLE),
    ("/staff/", STAFF),
    ("/staff/audit/", AUDIT),
    ("/staff/catalog/import/", ASSOCIATION),
    ("/staff/payments/", PEOPLE),
    ("/staff/payments/?campaign=2023&state=paid&flagged=on&text=王", PEOPLE),
    ("/staff/payments/fees/", ASSOCIATION),
    ("/staff/payments/invoices/", ASSOCIATION),
    ("/staff/payments/reconciliation/", ASSOCIATION),
    ("/admin/payments/order/", ADMIN),
    ("/admin/", ADMIN),
    ("/admin/catalog/campaign/", ADMIN),
    ("/admin/catalog/occupation/", ADMIN),
    ("/admin/accounts/user/", ADMIN),
    ("/admin/audit/auditevent/", ADMIN),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_get(people, url, expected, role):
    client = client_for(None if role == "anon" else people[role])
    response = client.get(url)
    assert response.status_code == expected[role], f"{role} GET {url}"
    if expected[role] == 302 and not url.startswith("/admin/"):
        assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ROLES)
def test_logout_everywhere_needs_a_login(people, role):
    client = client_for(None if role == "anon" else people[role])
    response = client.post(reverse("accounts:logout_everywhere"))
    assert response.status_code == 302
    expected = reverse("accounts:login")
    assert response.url.startswith(expected)


@pytest.mark.parametrize("role", ROLES)
def test_audit_events_cannot_be_added_or_changed_in_the_admin_by_anyone(people, role):
    client = client_for(None if role == "anon" else people[role])
    assert client.get("/admin/audit/auditevent/add/").status_code in {302, 403}


def test_association_edits_the_catalog_in_the_admin_and_it_is_audited(people):
    from audit.models import AuditEvent
    from catalog.models import Occupation

    occupation = Occupation.objects.get(code="6-31-01-03")
    client = client_for(people["association"])
    response = client.post(
        f"/admin/catalog/occupation/{occupation.pk}/change/", {"code": "6-31-01-03", "name": "电工（新）"}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.catalog.occupation.changed")
    assert event.before["name"] == "电工" and event.after["name"] == "电工（新）"
    assert event.actor == people["association"]


def test_admin_refuses_a_malformed_occupation_code(people):
    from catalog.models import Occupation

    occupation = Occupation.objects.get(code="6-31-01-03")
    client = client_for(people["association"])
    response = client.post(f"/admin/catalog/occupation/{occupation.pk}/change/", {"code": "63101", "name": "电工"})
    assert response.status_code == 200 and "4-12-01-01" in response.content.decode()
    occupation.refresh_from_db()
    assert occupation.code == "6-31-01-03"


def test_the_admin_login_goes_through_the_one_login_with_lockout(people):
    client = client_for(None)
    response = client.post("/admin/login/?next=/admin/", {"username": "alice", "password": "Correct-horse-42"})
    assert response.status_code == 302 and response.url == "/accounts/login/?next=%2Fadmin%2F"
    assert "_auth_user_id" not in client.session
    final = client.get("/admin/", follow=True)
    assert final.request["PATH_INFO"] == "/accounts/login/" and "登录" in final.content.decode()
