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


def fail(client: Client, identifier: str, times: int, ip: str = "10.0.0.1") -> None:
    for _ in range(times):
        log_in(client, identifier, "Wrong-password-1", ip=ip)


def test_five_failures_delay_that_address_even_for_the_right_password(people, client, settings):
    fail(client, "13800000001", settings.LOGIN_FAILURE_LIMIT)
    response = log_in(client, "13800000001")
    assert response.status_code == 200
    assert "登录失败次数过多" in response.content.decode() and "获取短信验证码" in response.content.decode()
    assert AuditEvent.objects.filter(action="accounts.login.locked").count() == 1


def test_switching_between_phone_and_id_number_does_not_reset_the_count(people, client, settings):
    id_number = people["applicant"].id_number
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        log_in(client, id_number if n % 2 else " 13800000001 ", "Wrong-password-1")
    assert "登录失败次数过多" in log_in(client, id_number.lower()).content.decode()


def test_the_delay_doubles_with_each_further_failure_up_to_the_maximum(settings):
    from accounts.services import pair_delay

    limit, base = settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_DELAY_BASE
    assert pair_delay(limit - 1) == timedelta(0)
    assert [pair_delay(limit + n) for n in range(3)] == [base, base * 2, base * 4]
    assert pair_delay(limit + 1000) == settings.LOGIN_DELAY_MAX


def test_the_delay_ends_and_the_next_failure_waits_longer(people, client, settings):
    fail(client, "13800000001", settings.LOGIN_FAILURE_LIMIT)
    LoginFailure.objects.update(at=timezone.now() - settings.LOGIN_DELAY_BASE - timedelta(seconds=1))
    fail(client, "13800000001", 1)  # allowed again, and wrong: now twice the wait
    LoginFailure.objects.update(at=timezone.now() - settings.LOGIN_DELAY_BASE - timedelta(seconds=1))
    assert "登录失败次数过多" in log_in(client, "13800000001").content.decode()
    LoginFailure.objects.update(at=timezone.now() - settings.LOGIN_DELAY_BASE * 2 - timedelta(seconds=1))
    assert log_in(client, "13800000001").status_code == 302


def test_failures_are_forgotten_after_the_window(people, client, settings):
    fail(client, "13800000001", settings.LOGIN_FAILURE_LIMIT + 3)
    LoginFailure.objects.update(at=timezone.now() - settings.LOGIN_FAILURE_WINDOW - timedelta(seconds=1))
    assert log_in(client, "13800000001").status_code == 302


def test_an_attacker_who_knows_the_phone_cannot_keep_the_owner_out(people, settings, sms):
    """The attacker's failures delay the attacker's address; past the account-wide limit a new
    device needs a code, which goes to the owner's phone; the owner's own phone is never asked."""
    owners_phone, attacker = Client(), Client()
    assert log_in(owners_phone, "13800000001", ip="10.0.0.5").status_code == 302  # a device the owner used
    owners_phone.post(reverse("accounts:logout"))
    fail(attacker, "13800000001", settings.LOGIN_FAILURE_LIMIT + 10, ip="10.6.6.6")
    assert "登录失败次数过多" in log_in(attacker, "13800000001", ip="10.6.6.6").content.decode()
    assert log_in(Client(), "13800000001", ip="10.0.0.7").status_code == 302  # owner elsewhere, new device
    # From many addresses the attacker exhausts the account-wide limit for unknown devices …
    for n in range(settings.LOGIN_ACCOUNT_LIMIT):
        fail(Client(), "13800000001", 1, ip=f"10.7.{n}.1")
    assert "需要短信验证码" in log_in(attacker, "13800000001", ip="10.7.200.1").content.decode()
    assert AuditEvent.objects.filter(action="accounts.login.locked", after__reason="code").count() == 1
    # … even behind the attacker's NAT, the owner's usual phone logs in with the password alone …
    assert log_in(owners_phone, "13800000001", ip="10.6.6.6").status_code == 302
    # … and on a new device the owner gets the code on their own phone.
    laptop = Client()
    assert "需要短信验证码" in log_in(laptop, "13800000001", ip="10.0.0.8").content.decode()
    with sms.sending():
        laptop.post(reverse("accounts:unlock"), {"identifier": "13800000001"}, REMOTE_ADDR="10.0.0.8")
    assert "138****0001" in sms.text()
    response = laptop.post(
        LOGIN,
        {"identifier": "13800000001", "password": PASSWORD, "code": sms.last_code()},
        REMOTE_ADDR="10.0.0.8",
    )
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="accounts.login").latest("pk")
    assert event.after == {"unlock_code": True}


def test_an_attackers_failures_behind_the_owners_nat_do_not_delay_the_owners_known_device(people, settings):
    owners_phone = Client()
    log_in(owners_phone, "hohhot-co", ip="10.5.5.5")
    owners_phone.post(reverse("accounts:logout"))
    fail(Client(), "hohhot-co", settings.LOGIN_FAILURE_LIMIT + 2, ip="10.5.5.5")
    assert log_in(owners_phone, "hohhot-co", ip="10.5.5.5").status_code == 302


def test_a_known_device_that_keeps_failing_is_delayed_too(people, settings):
    phone = Client()
    log_in(phone, "hohhot-co")
    phone.post(reverse("accounts:logout"))
    fail(phone, "hohhot-co", settings.LOGIN_FAILURE_LIMIT)
    assert "登录失败次数过多" in log_in(phone, "hohhot-co").content.decode()


def test_one_address_trying_many_accounts_asks_its_unknown_devices_for_a_code(people, settings, sms):
    """A sprayer behind a carrier NAT cannot starve the people behind it: their usual phones
    log in, and anyone with a new device there gets a code on their own phone."""
    settings.LOGIN_ADDRESS_ACCOUNTS = 10
    neighbour = Client()
    log_in(neighbour, "hohhot-reg", ip="10.9.9.9")
    neighbour.post(reverse("accounts:logout"))
    for n in range(settings.LOGIN_ADDRESS_ACCOUNTS):
        log_in(Client(), f"guess-{n}", "Wrong-password-1", ip="10.9.9.9")
    assert "需要短信验证码" in log_in(Client(), "hohhot-co", ip="10.9.9.9").content.decode()
    assert log_in(neighbour, "hohhot-reg", ip="10.9.9.9").status_code == 302
    assert log_in(Client(), "hohhot-co", ip="10.0.0.2").status_code == 302
    applicant = Client()
    log_in(applicant, "13800000001", ip="10.9.9.9")
    with sms.sending():
        applicant.post(reverse("accounts:unlock"), {"identifier": "13800000001"}, REMOTE_ADDR="10.9.9.9")
    data = {"identifier": "13800000001", "password": PASSWORD, "code": sms.last_code()}
    assert applicant.post(LOGIN, data, REMOTE_ADDR="10.9.9.9").status_code == 302


def test_twenty_failing_accounts_behind_one_address_do_not_lock_the_others(people, settings):
    for n in range(settings.LOGIN_FAILURE_LIMIT * 4):
        log_in(Client(), f"guess-{n}", "Wrong-password-1", ip="10.9.9.8")
    assert log_in(Client(), "hohhot-co", ip="10.9.9.8").status_code == 302


def test_an_unlock_code_for_an_unknown_account_gets_the_same_answer_and_sends_nothing(db, client, sms):
    with sms.sending():
        response = client.post(reverse("accounts:unlock"), {"identifier": "13999999999"}, follow=True)
    assert "如果该账号绑定了手机，验证码已发送" in response.content.decode()
    assert sms.text() == ""
    data = {"identifier": "13999999999", "password": "Whatever-123", "code": "123456"}
    assert "验证码不正确或已过期" in client.post(LOGIN, data).content.decode()


def test_an_unlock_code_works_only_for_the_account_it_was_sent_for(people, client, sms):
    with sms.sending():
        client.post(reverse("accounts:unlock"), {"identifier": "13800000001"})
    data = {"identifier": "hohhot-co", "password": PASSWORD, "code": sms.last_code()}
    assert "验证码不正确或已过期" in client.post(LOGIN, data).content.decode()


def test_a_wrong_password_with_a_right_unlock_code_still_fails_and_costs_an_attempt(people, client, sms, settings):
    with sms.sending():
        client.post(reverse("accounts:unlock"), {"identifier": "13800000001"})
    code = sms.last_code()
    for _n in range(settings.PHONE_CODE_ATTEMPTS):
        data = {"identifier": "13800000001", "password": "Wrong-password-1", "code": code}
        assert "账号或密码不正确" in client.post(LOGIN, data).content.decode()
    data = {"identifier": "13800000001", "password": PASSWORD, "code": code}
    assert "验证码不正确或已过期" in client.post(LOGIN, data).content.decode()


def test_success_clears_earlier_failures(people, client, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        log_in(client, "hohhot-co", "Wrong-password-1")
    assert log_in(client, "hohhot-co").status_code == 302
    assert LoginFailure.objects.count() == 0


def test_a_forgot_password_link_is_on_the_login_page(db, client):
    assert reverse("accounts:forgot_password") in client.get(LOGIN).content.decode()


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


def test_unlock_codes_are_rate_limited_like_every_code(people, client, sms, settings):
    settings.PHONE_CODE_INTERVAL = timedelta(0)
    for n in range(settings.PHONE_CODE_PER_PHONE_HOUR):
        Client().post(reverse("accounts:unlock"), {"identifier": "13800000001"}, REMOTE_ADDR=f"10.0.8.{n}")
    response = client.post(reverse("accounts:unlock"), {"identifier": "13800000001"}, follow=True)
    assert "次数过多" in response.content.decode()
