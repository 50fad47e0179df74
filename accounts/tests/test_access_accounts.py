"""Who may open the pages of registration, recovery and staff password resets."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from conftest import PASSWORD, client_for

ROLES = ["anon", "applicant", "other_applicant", "hohhot_co", "baotou_co", "hohhot_reg", "hohhot_expert", "association"]


@pytest.fixture
def clients(people):
    other = User.objects.create_user(
        None, PASSWORD, role=Role.APPLICANT, full_name="赵六", id_number="11010519491231002X", phone="13900000009"
    )
    users = {**people, "other_applicant": other}
    return {role: Client() if role == "anon" else client_for(users[role]) for role in ROLES}


@pytest.mark.parametrize("role", ROLES)
def test_the_recovery_pages_are_open_to_everyone_and_lead_back_when_nothing_is_pending(clients, role):
    client = clients[role]
    assert client.get(reverse("accounts:forgot_password")).status_code == 200
    assert client.get(reverse("accounts:register")).status_code == 200
    response = client.get(reverse("accounts:password_reset"))
    assert response.status_code == 302 and response.url == reverse("accounts:forgot_password")
    response = client.get(reverse("accounts:register_verify"))
    assert response.status_code == 302 and response.url == reverse("accounts:register")
    assert client.get(reverse("accounts:unlock")).status_code == 405
    response = client.post(reverse("accounts:unlock"), {"identifier": "13800000001"})
    assert response.status_code == 302 and response.url == reverse("accounts:login")


EXPECTED_RESET = {
    "anon": 302,
    "applicant": 403,
    "other_applicant": 403,
    "hohhot_co": 403,
    "baotou_co": 403,
    "hohhot_reg": 403,
    "hohhot_expert": 403,
    "association": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_association_resets_a_staff_password(clients, people, role):
    url = reverse("accounts:staff_password_reset", args=[people["baotou_reg"].pk])
    assert clients[role].get(url).status_code == 405
    assert clients[role].post(url).status_code == EXPECTED_RESET[role]
    applicant_url = reverse("accounts:staff_password_reset", args=[people["applicant"].pk])
    expected = 404 if role == "association" else EXPECTED_RESET[role]
    assert clients[role].post(applicant_url).status_code == expected
