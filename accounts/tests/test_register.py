from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import PhoneCode, Role, User
from accounts.tests.conftest import without_per_request_values
from audit.models import AuditEvent

REGISTER = reverse("accounts:register")
GOOD = {
    "full_name": "李四",
    "id_number": "11010519491231002x",
    "phone": "139 0000 0009",
    "password1": "Gobi-Desert-2023",
    "password2": "Gobi-Desert-2023",
}


VERIFY = reverse("accounts:register_verify")


def register(client, **changes):
    return client.post(REGISTER, {**GOOD, **changes}, REMOTE_ADDR=changes.pop("ip", "10.0.0.1"))


def register_and_verify(client, sms, **changes):
    with sms.sending():
        response = register(client, **changes)
    assert response.status_code == 302 and response.url == VERIFY
    return client.post(VERIFY, {"code": sms.last_code()})


def test_applicant_registers_with_the_code_sent_to_the_phone_and_is_logged_in(db, client, sms):
    response = register_and_verify(client, sms)
    assert response.status_code == 302 and response.url == reverse("accounts:me")
    user = User.objects.get_by_id_number("11010519491231002X")
    assert user.role == Role.APPLICANT and user.phone == "13900000009" and user.username is None
    assert user.phone_verified_at is not None and user.check_password(GOOD["password1"])
    assert client.session["_auth_user_id"] == str(user.pk)
    assert AuditEvent.objects.filter(action="accounts.applicant.registered", actor=user).exists()
    assert "139****0009" in sms.text()


def test_no_account_exists_until_the_code_comes_back(db, client, sms):
    with sms.sending():
        register(client)
    assert User.objects.count() == 0
    page = client.get(VERIFY).content.decode()
    assert "139****0009" in page and "13900000009" not in page
    response = client.post(VERIFY, {"code": "000000" if sms.last_code() != "000000" else "111111"})
    assert "验证码不正确或已过期" in response.content.decode()
    assert User.objects.count() == 0 and "_auth_user_id" not in client.session


def test_a_code_registers_once(db, client, sms):
    register_and_verify(client, sms)
    code = sms.last_code()
    client.logout()
    assert client.post(VERIFY, {"code": code}).status_code == 302  # no pending registration: back to the form
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id_number", "110105194912310021", "校验位不正确"),
        ("id_number", "110105491231002", "15 位旧版"),
        ("id_number", "110105194902310028", "出生日期"),
        ("phone", "0471-3956299", "11 位"),
        ("full_name", "李", "与身份证一致"),
        ("password2", "Gobi-Desert-2024", "不一致"),
        ("password1", "1234567890", "字母和数字"),
    ],
)
def test_bad_input_is_explained_in_place_and_nothing_is_saved(db, client, field, value, message):
    changes = {field: value}
    if field == "password1":
        changes["password2"] = value
    response = register(client, **changes)
    body = response.content.decode()
    assert response.status_code == 200
    assert "error-summary" in body and message in body
    assert 'value="李四"' in body or field == "full_name"  # what was typed stays
    assert User.objects.count() == 0


def test_password_containing_the_id_number_is_refused(db, client):
    response = register(client, password1="a19491231002X", password2="a19491231002X")
    assert "不能包含身份证号码" in response.content.decode()
    assert User.objects.count() == 0


def _verify_page(client) -> str:
    """The verify page without its per-request values, to compare what two visitors see."""
    return without_per_request_values(client.get(VERIFY).content.decode())


@pytest.mark.parametrize(
    ("taken", "changes"),
    [("id_number", {"phone": "13900000010"}), ("phone", {"id_number": "110105198001010016", "full_name": "王五"})],
)
def test_a_taken_number_gets_the_same_answer_and_its_owner_is_told(db, client, sms, people, taken, changes):
    """Nobody learns from the site whether a number has an account: the owner is told by SMS."""
    from django.test import Client

    owner = people["applicant"]
    if taken == "id_number":
        changes = {**changes, "id_number": owner.id_number, "full_name": owner.full_name}
    else:
        changes = {**changes, "phone": owner.phone}
    free = Client()
    with sms.sending():
        taken_response = register(client, **changes)
    with sms.sending():
        free_response = register(free, **{**changes, "id_number": "11010519491231002x", "phone": "13700000007"})
    assert taken_response.status_code == free_response.status_code == 302
    assert taken_response.url == free_response.url == VERIFY
    seen_taken = _verify_page(client).replace(changes["phone"][:3] + "****" + changes["phone"][-4:], "#")
    assert seen_taken == _verify_page(free).replace("137****0007", "#")
    # The person typing gets no code for the taken number; the owner gets a notice, no code.
    assert len(sms.codes()) == 1
    notice = owner.notifications.get(kind="accounts.registration_attempt")
    assert ("身份证号码" if taken == "id_number" else "手机号码") in notice.title
    assert "138****0001" in sms.text() and "有人刚刚尝试" in sms.text()
    # Whatever code is tried, no second account.
    for code in ["000000", "123456", sms.last_code()]:
        assert "验证码不正确或已过期" in client.post(VERIFY, {"code": code}).content.decode()
    assert User.objects.filter(role=Role.APPLICANT).count() == 1
    assert AuditEvent.objects.filter(action="accounts.registration.refused").count() == 1


def test_the_owner_is_told_at_most_once_an_hour(db, sms, people):
    from django.test import Client

    owner = people["applicant"]
    for n in range(3):
        with sms.sending():
            register(Client(), id_number=owner.id_number, phone=f"1390000001{n}", ip=f"10.0.0.{n + 2}")
    assert owner.notifications.filter(kind="accounts.registration_attempt").count() == 1


def test_registration_is_rate_limited_per_phone_and_per_address(db, client, sms, settings):
    from django.test import Client

    settings.PHONE_CODE_INTERVAL = timedelta(0)
    for _n in range(settings.PHONE_CODE_PER_PHONE_HOUR):
        assert register(Client(), ip="10.0.1.1").status_code == 302
    body = register(Client(), ip="10.0.1.2").content.decode()
    assert "次数过多" in body and "error-summary" in body
    settings.PHONE_CODE_PER_ADDRESS_HOUR = 3
    for n in range(3):
        assert register(Client(), phone=f"1370000000{n}", ip="10.0.2.1").status_code == 302
    assert "您所在的网络" in register(Client(), phone="13700000009", ip="10.0.2.1").content.decode()
    assert register(Client(), phone="13700000009", ip="10.0.2.2").status_code == 302


def test_a_second_code_request_within_a_minute_is_refused_with_the_wait(db, client, sms):
    register(client)
    assert "秒后再试" in register(client).content.decode()


def test_two_pending_registrations_of_one_number_create_one_account(db, sms):
    from django.test import Client

    first, second = Client(), Client()
    with sms.sending():
        register(first)
    first_code = sms.last_code()
    PhoneCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    with sms.sending():
        register(second, ip="10.0.0.2")
    second_code = sms.last_code()
    assert first.post(VERIFY, {"code": first_code}).status_code == 302
    body = second.post(VERIFY, {"code": second_code}).content.decode()
    assert "已有账号" in body
    assert User.objects.count() == 1


def test_the_password_is_never_echoed_back(db, client):
    body = register(client, password2="Different-9").content.decode()
    assert "Gobi-Desert-2023" not in body


def test_a_resent_code_replaces_the_first_one(db, client, sms, settings):
    settings.PHONE_CODE_INTERVAL = timedelta(0)
    with sms.sending():
        register(client)
    first = sms.last_code()
    with sms.sending():
        response = client.post(VERIFY, {"resend": "1"}, follow=True)
    assert "已重新发送验证码" in response.content.decode()
    second = sms.last_code()
    if first != second:
        assert "验证码不正确或已过期" in client.post(VERIFY, {"code": first}).content.decode()
    assert client.post(VERIFY, {"code": second}).status_code == 302
    assert User.objects.count() == 1


def test_a_resend_is_rate_limited_like_the_first_code(db, client, sms):
    register(client)
    response = client.post(VERIFY, {"resend": "1"}, follow=True)
    assert "秒后再试" in response.content.decode()


def test_the_audit_trail_shows_registration_attempts_masked(db, sms, people):
    from conftest import client_for

    with sms.sending():
        register(client_for(None), id_number=people["applicant"].id_number, phone="13900000010")
    page = client_for(people["association"]).get(reverse("audit:search"))
    body = page.content.decode()
    assert page.status_code == 200 and "139****0010" in body
    assert people["applicant"].id_number not in body and "13900000010" not in body
