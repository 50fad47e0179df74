"""忘记密码: a code by SMS to the account's phone sets a new password; the answers never
tell whether the phone has an account."""

import logging
from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import LoginFailure, PhoneCode
from accounts.tests.conftest import without_per_request_values
from audit.models import AuditEvent
from conftest import PASSWORD
from notifications.models import Message

FORGOT = reverse("accounts:forgot_password")
RESET = reverse("accounts:password_reset")
LOGIN = reverse("accounts:login")
NEW = "Blue-Steppe-2027"


def ask(client, sms, phone="13800000001", ip="10.0.0.1"):
    with sms.sending():
        return client.post(FORGOT, {"phone": phone}, REMOTE_ADDR=ip)


def reset(client, code, password=NEW, confirm=None):
    return client.post(RESET, {"code": code, "password1": password, "password2": confirm or password})


def logs_in(password, identifier="13800000001") -> bool:
    return Client().post(LOGIN, {"identifier": identifier, "password": password}).status_code == 302


def test_the_code_sent_to_the_accounts_phone_sets_a_new_password(people, client, sms):
    laptop = Client()
    laptop.force_login(people["applicant"], backend="accounts.backends.IdentifierBackend")
    assert ask(client, sms).url == RESET
    assert "138****0001" in sms.text()
    response = reset(client, sms.last_code())
    assert response.status_code == 302 and response.url == LOGIN
    assert logs_in(NEW) and not logs_in(PASSWORD)
    assert laptop.get(reverse("accounts:me")).status_code == 302  # other sessions ended
    event = AuditEvent.objects.get(action="accounts.password_reset")
    assert event.object_id == str(people["applicant"].pk)
    assert AuditEvent.objects.filter(action="accounts.password_reset.requested").count() == 1


def test_an_unknown_phone_gets_the_same_answer_and_nothing_is_sent(people, sms):
    known, unknown = Client(), Client()
    ask(known, sms)
    answer = ask(unknown, sms, phone="13912345678")
    assert answer.status_code == 302 and answer.url == RESET
    assert len(sms.codes()) == 1 and "139****5678" not in sms.text()

    def page(client, masked):
        return without_per_request_values(client.get(RESET).content.decode()).replace(masked, "#")

    assert page(known, "138****0001") == page(unknown, "139****5678")
    assert "验证码不正确或已过期" in reset(unknown, sms.last_code()).content.decode()


def test_a_code_is_single_use(people, client, sms):
    ask(client, sms)
    code = sms.last_code()
    reset(client, code)
    other = Client()
    PhoneCode.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    ask(other, sms)
    other.session.save()
    session = other.session
    session["accounts.reset_code"] = PhoneCode.objects.order_by("pk").first().pk  # replay the used code's row
    session.save()
    assert "验证码不正确或已过期" in reset(other, code, "Other-Steppe-2028").content.decode()
    assert logs_in(NEW)


def test_a_code_expires(people, client, sms, settings):
    ask(client, sms)
    PhoneCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert "验证码不正确或已过期" in reset(client, sms.last_code()).content.decode()
    assert logs_in(PASSWORD)


def test_five_wrong_codes_void_the_right_one(people, client, sms, settings):
    ask(client, sms)
    code = sms.last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _n in range(settings.PHONE_CODE_ATTEMPTS):
        assert "验证码不正确或已过期" in reset(client, wrong).content.decode()
    assert "验证码不正确或已过期" in reset(client, code).content.decode()
    assert logs_in(PASSWORD)


def test_a_weak_password_is_explained_and_the_code_stays_valid(people, client, sms):
    ask(client, sms)
    body = reset(client, sms.last_code(), "1234567890").content.decode()
    assert "字母和数字" in body and "error-summary" in body
    assert "不一致" in reset(client, sms.last_code(), NEW, "Other-9999x").content.decode()
    assert reset(client, sms.last_code()).status_code == 302
    assert logs_in(NEW)


def test_requests_are_rate_limited_per_phone(people, sms, settings):
    settings.PHONE_CODE_INTERVAL = timedelta(0)
    for n in range(settings.PHONE_CODE_PER_PHONE_HOUR):
        assert ask(Client(), sms, ip=f"10.0.3.{n}").status_code == 302
    body = ask(Client(), sms, ip="10.0.3.99").content.decode()
    assert "次数过多" in body
    # The same for a phone without an account: the limit tells nothing either.
    for n in range(settings.PHONE_CODE_PER_PHONE_HOUR):
        ask(Client(), sms, phone="13912345678", ip=f"10.0.4.{n}")
    assert "次数过多" in ask(Client(), sms, phone="13912345678", ip="10.0.4.99").content.decode()


def test_the_code_is_kept_only_hashed_and_never_in_an_inbox_or_a_log(people, client, sms, caplog):
    caplog.set_level(logging.DEBUG)
    ask(client, sms)
    code = sms.last_code()
    row = PhoneCode.objects.get()
    assert code not in row.code_hash and row.outgoing == "" and row.to == ""
    assert not Message.objects.filter(body__contains=code).exists()
    assert code not in caplog.text
    assert not AuditEvent.objects.filter(after__icontains=code).exists()


def test_a_failing_gateway_is_logged_without_the_code(people, client, sms, settings, caplog):
    settings.NOTIFICATIONS_SMS_BACKEND = "accounts.tests.test_password_reset.BrokenSMS"
    caplog.set_level(logging.DEBUG)
    ask(client, sms)
    assert "not sent" in caplog.text and "验证码" not in caplog.text
    assert PhoneCode.objects.get().outgoing == ""


class BrokenSMS:
    def send_text(self, to, text, reference):
        raise RuntimeError(f"gateway echoed {text}")


def test_a_reset_clears_the_login_delay(people, client, sms, settings):
    for _n in range(settings.LOGIN_FAILURE_LIMIT):
        Client().post(LOGIN, {"identifier": "13800000001", "password": "Wrong-1-pass"})
    ask(client, sms)
    reset(client, sms.last_code())
    assert not LoginFailure.objects.exists()
    assert logs_in(NEW)


def test_the_reset_page_without_a_request_goes_back_to_the_phone_form(db, client):
    response = client.get(RESET)
    assert response.status_code == 302 and response.url == FORGOT


def test_code_rows_older_than_a_day_are_deleted_by_the_next_request(people, client, sms):
    ask(client, sms)
    PhoneCode.objects.update(created_at=timezone.now() - timedelta(days=1, seconds=1))
    ask(Client(), sms, phone="13912345678", ip="10.0.0.2")
    assert PhoneCode.objects.count() == 1
