"""Personal API tokens: made on /accounts/tokens/, shown once, stored hashed, revoked, audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import api_tokens
from accounts.models import ApiToken
from audit.models import AuditEvent
from conftest import client_for

PAGE = "/accounts/tokens/"


def make(client, **data):
    return client.post(PAGE, {"name": "考场编排导出", "scope": "read", "days": 30, **data})


def test_a_new_token_is_shown_once_and_only_its_hash_is_kept(people):
    client = client_for(people["hohhot_co"])
    response = make(client)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    row = ApiToken.objects.get()
    token = response.context["created"][1]
    assert token.startswith(f"skc_{row.prefix}_") and token in response.content.decode()
    stored = " ".join(str(value) for value in ApiToken.objects.values_list().get())
    assert token not in stored and token.split("_", 2)[2] not in stored
    assert api_tokens.authenticate(token) == row
    assert token not in client.get(PAGE).content.decode()
    created = AuditEvent.objects.get(action="accounts.api_token.created")
    assert created.actor == people["hohhot_co"] and created.city.code == "hohhot"
    assert token not in str(created.after)


def test_a_lifetime_beyond_the_maximum_is_refused_in_place(people, settings):
    settings.API_TOKEN_MAX_DAYS = 90
    response = make(client_for(people["association"]), days=91, name="导出")
    assert response.status_code == 200
    assert "有效期最长 90 天" in response.content.decode()
    assert response.context["form"].data["name"] == "导出"  # what was typed stays
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="accounts.api_token").exists()


def test_the_service_refuses_a_lifetime_beyond_the_maximum_too(people, settings):
    settings.API_TOKEN_MAX_DAYS = 30
    with pytest.raises(ValidationError):
        api_tokens.create_token(people["association"], name="导出", scope="read", days=31)
    assert not ApiToken.objects.exists()


def test_a_token_without_a_purpose_is_refused_in_chinese(people):
    response = make(client_for(people["hohhot_reg"]), name="")
    assert "用途：这个字段是必填项。" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_applicants_cannot_have_tokens(people):
    assert client_for(people["applicant"]).get(PAGE).status_code == 403
    assert make(client_for(people["applicant"])).status_code == 403
    with pytest.raises(PermissionDenied):
        api_tokens.create_token(people["applicant"], name="x", scope="read", days=1)
    assert not ApiToken.objects.exists()


def test_staff_see_only_their_own_tokens_and_the_association_everyones(people):
    api_tokens.create_token(people["hohhot_co"], name="呼和浩特导出", scope="read", days=30)
    api_tokens.create_token(people["baotou_co"], name="包头导出", scope="read", days=30)
    hohhot_page = client_for(people["hohhot_co"]).get(PAGE).content.decode()
    alice_page = client_for(people["association"]).get(PAGE).content.decode()
    assert "呼和浩特导出" in hohhot_page and "包头导出" not in hohhot_page
    assert "呼和浩特导出" in alice_page and "包头导出" in alice_page


def test_another_staff_member_cannot_revoke_a_token(people):
    token, _secret = api_tokens.create_token(people["hohhot_co"], name="导出", scope="read", days=30)
    response = client_for(people["baotou_co"]).post(f"{PAGE}{token.pk}/revoke/")
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        api_tokens.revoke_token(people["hohhot_reg"], token)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_owner_revokes_a_token_and_it_stops_working(people):
    token, secret = api_tokens.create_token(people["hohhot_co"], name="导出", scope="read", days=30)
    response = client_for(people["hohhot_co"]).post(f"{PAGE}{token.pk}/revoke/")
    assert response.status_code == 302
    assert api_tokens.authenticate(secret) is None
    token.refresh_from_db()
    assert token.revoked_by == people["hohhot_co"]


def test_the_association_revokes_anyones_token_and_a_second_revoke_changes_nothing(people):
    alice = people["association"]
    token, _secret = api_tokens.create_token(people["baotou_co"], name="导出", scope="full", days=30)
    api_tokens.revoke_token(alice, token)
    api_tokens.revoke_token(alice, token)
    revoked = AuditEvent.objects.get(action="accounts.api_token.revoked")
    assert revoked.actor == alice and revoked.city.code == "baotou"
    page = client_for(alice).get(PAGE).content.decode()
    assert "alice 吊销" in page


def test_staff_find_the_token_page_from_their_account(people):
    assert PAGE in client_for(people["hohhot_co"]).get("/accounts/me/").content.decode()
    assert PAGE not in client_for(people["applicant"]).get("/accounts/me/").content.decode()
