import pytest
from django.urls import reverse

from accounts.models import Role, User
from audit.models import AuditEvent

REGISTER = reverse("accounts:register")
GOOD = {
    "full_name": "李四",
    "id_number": "11010519491231002x",
    "phone": "139 0000 0009",
    "password1": "Gobi-Desert-2023",
    "password2": "Gobi-Desert-2023",
}


def register(client, **changes):
    return client.post(REGISTER, {**GOOD, **changes})


def test_applicant_registers_and_is_logged_in(db, client):
    response = register(client)
    assert response.status_code == 302 and response.url == reverse("accounts:me")
    user = User.objects.get_by_id_number("11010519491231002X")
    assert user.role == Role.APPLICANT and user.phone == "13900000009" and user.username is None
    assert client.session["_auth_user_id"] == str(user.pk)
    assert AuditEvent.objects.filter(action="accounts.applicant.registered", actor=user).exists()


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


def test_an_id_number_registers_only_once(db, client):
    register(client)
    client.logout()
    response = register(client, phone="13900000010")
    assert "该身份证号码已注册" in response.content.decode()
    assert User.objects.count() == 1


def test_a_mobile_number_registers_only_once(db, client):
    register(client)
    client.logout()
    response = register(client, id_number="110105198001010016", full_name="王五")
    assert "该手机号码已注册" in response.content.decode()
    assert User.objects.count() == 1


def test_the_password_is_never_echoed_back(db, client):
    body = register(client, password2="Different-9").content.decode()
    assert "Gobi-Desert-2023" not in body
