import pytest
from django.core.exceptions import FieldError
from django.db import IntegrityError, connection

from accounts.models import Role, User
from skillcert.fields import lookup_hash

ID_NUMBER = "11010519491231002X"


@pytest.fixture
def applicant(db):
    return User.objects.create_user(
        None, "Correct-horse-42", role=Role.APPLICANT, full_name="李四", id_number=ID_NUMBER, phone="13900000009"
    )


def raw_columns(user: User) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM accounts_user WHERE id = %s", [user.pk])
        return cursor.fetchone()


def test_id_and_phone_are_encrypted_at_rest(applicant):
    id_column, phone_column = raw_columns(applicant)
    assert ID_NUMBER not in id_column and "1949" not in id_column
    assert "13900000009" not in phone_column


def test_values_read_back_as_plaintext(applicant):
    fresh = User.objects.get(pk=applicant.pk)
    assert fresh.id_number == ID_NUMBER
    assert fresh.phone == "13900000009"


def test_exact_lookup_by_hash_finds_the_person(applicant):
    assert User.objects.get_by_id_number(ID_NUMBER) == applicant
    assert User.objects.get_by_id_number("11010519491231002x") == applicant  # lower-case x
    assert User.objects.get_by_phone("139 0000 0009") == applicant


def test_hash_follows_a_changed_value(applicant):
    applicant.phone = "13900000010"
    applicant.save()
    assert User.objects.filter(phone_hash=lookup_hash(User, "phone", "13900000009")).count() == 0
    assert User.objects.get_by_phone("13900000010") == applicant


def test_filtering_on_the_ciphertext_is_refused_loudly(applicant):
    with pytest.raises(FieldError, match="encrypted"):
        list(User.objects.filter(id_number=ID_NUMBER))


def test_the_same_id_number_cannot_register_twice(applicant):
    with pytest.raises(IntegrityError):
        User.objects.create(role=Role.APPLICANT, full_name="冒用者", id_number=ID_NUMBER)
