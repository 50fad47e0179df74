from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import LoginFailure
from audit.models import AuditEvent
from conftest import PASSWORD

LOGIN = reverse("accounts:login")
ME = reverse("accounts:me")


def log_in(client: Client, identifier: str, password: str = PASSWORD, ip: str = "10.0.0.1"):
    return client.post(LOGIN, {"identifier": identifier, "password": password}, REMOTE_ADDR=ip)


def test_applicant_logs_in_with_id_number(people, client):
    response = log_in(client, people["applicant"].id_number)
    assert response.status_code == 302 and response.url == ME
    assert client.get(ME).context["user"] == people["applicant"]


def test_applicant_logs_in_with_mobile_number(people, client):
    assert log_in(client, "13800000001").status_code == 302


def test_staff_log_in_with_username(people, client):
    assert log_in(client, "hohhot-co").status_code == 302


def test_wrong_password_says_so_in_place(people, client):
    response = log_in(client, "13800000001", "Wrong-password-1")
    assert response.status_code == 200
    assert "账号或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unknown_account_gets_the_same_message(db, client):
    response = log_in(client, "nobody", "Whatever-123")
    assert "账号或密码不正确" in response.content.decode()


def test_inactive_account_cannot_log_in(people, client):
    people["hohhot_co"].is_active = False
    people["hohhot_co"].save()
    assert log_in(client, "hohhot-co").status_code == 200


def test_login_is_audited_with_ip(people, client):
    log_in(client, "hohhot-co", ip="10.1.2.3")
    event = AuditEvent.objects.get(action="accounts.login")
    assert event.actor == people["hohhot_co"] and event.ip == "10.1.2.3"
    assert event.city.code == "hohhot"


def test_five_failures_lock_the_account_even_for_the_right_password(people, client, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        log_in(client, "13800000001", "Wrong-password-1")
    response = log_in(client, "13800000001")
    assert response.status_code == 200
    assert "登录失败次数过多" in response.content.decode()
    assert AuditEvent.objects.filter(action="accounts.login.locked").count() == 1


def test_switching_between_phone_and_id_number_does_not_reset_the_count(people, client, settings):
    id_number = people["applicant"].id_number
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        log_in(client, id_number if n % 2 else " 13800000001 ", "Wrong-password-1")
    assert "登录失败次数过多" in log_in(client, id_number.lower()).content.decode()


def test_lock_ends_when_the_window_has_passed(people, client, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        log_in(client, "13800000001", "Wrong-password-1")
    LoginFailure.objects.update(at=timezone.now() - settings.LOGIN_FAILURE_WINDOW - timedelta(seconds=1))
    assert log_in(client, "13800000001").status_code == 302


def test_one_address_trying_many_accounts_is_locked(people, client, settings):
    for n in range(settings.LOGIN_FAILURE_LIMIT * 4):
        log_in(client, f"guess-{n}", "Wrong-password-1", ip="10.9.9.9")
    assert "登录失败次数过多" in log_in(client, "hohhot-co", ip="10.9.9.9").content.decode()
    assert log_in(Client(), "hohhot-co", ip="10.0.0.2").status_code == 302


def test_success_clears_earlier_failures(people, client, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        log_in(client, "hohhot-co", "Wrong-password-1")
    assert log_in(client, "hohhot-co").status_code == 302
    assert LoginFailure.objects.count() == 0


def test_next_parameter_is_followed_only_within_the_site(people, client):
    response = client.post(
        LOGIN + "?next=/staff/", {"identifier": "hohhot-co", "password": PASSWORD, "next": "/staff/"}
    )
    assert response.url == "/staff/"
    response = Client().post(LOGIN, {"identifier": "hohhot-co", "password": PASSWORD, "next": "https://evil.example/"})
    assert response.url == reverse("staff_home")


def test_staff_land_on_their_workbench_and_applicants_on_their_account(people):
    assert log_in(Client(), "hohhot-reg").url == reverse("staff_home")
    assert log_in(Client(), "13800000001").url == ME


def test_logout_everywhere_ends_sessions_on_other_devices(people):
    phone, laptop = Client(), Client()
    log_in(phone, "13800000001")
    log_in(laptop, "13800000001")
    assert laptop.get(ME).status_code == 200
    phone.post(reverse("accounts:logout_everywhere"))
    assert laptop.get(ME).status_code == 302
    assert phone.get(ME).status_code == 302
    assert AuditEvent.objects.filter(action="accounts.logout_everywhere").exists()


def test_logout_needs_post(people, client):
    log_in(client, "hohhot-co")
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert client.get(ME).status_code == 302


def test_an_idle_session_expires(people, client):
    log_in(client, "hohhot-co")
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(ME)
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_each_request_extends_the_idle_timeout(people, client, settings):
    log_in(client, "hohhot-co")
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=1))
    client.get(ME)
    remaining = Session.objects.get().expire_date - timezone.now()
    assert remaining > timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


@pytest.mark.parametrize(
    ("new_password", "message"),
    [("short1A", "太短"), ("abcdefghij", "字母和数字"), ("1234567890", "字母和数字"), ("Password123", "太常见")],
)
def test_password_change_enforces_the_rules(people, client, new_password, message):
    log_in(client, "hohhot-co")
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()


def test_password_change_logs_out_other_devices(people):
    phone, laptop = Client(), Client()
    log_in(phone, "hohhot-co")
    log_in(laptop, "hohhot-co")
    response = phone.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "Another-pass-77", "new_password2": "Another-pass-77"},
    )
    assert response.status_code == 302
    assert phone.get(ME).status_code == 200
    assert laptop.get(ME).status_code == 302


def test_an_empty_form_is_explained_not_ignored(db, client):
    body = client.post(LOGIN, {}).content.decode()
    assert "error-summary" in body and "这个字段是必填项" in body


def test_old_failures_are_pruned(people, client, settings):
    LoginFailure.objects.create(identifier_hash="x", at=timezone.now() - settings.LOGIN_FAILURE_WINDOW * 5)
    log_in(client, "hohhot-co", "Wrong-password-1")
    assert not LoginFailure.objects.filter(identifier_hash="x").exists()
    assert LoginFailure.objects.count() == 1
