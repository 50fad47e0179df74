"""Simultaneous attempts: one code used twice at once succeeds once; parallel password guesses
get no more checks than the limit."""

import threading
from types import SimpleNamespace

import pytest
from django.db import connection, connections

from accounts import codes, services
from accounts.models import CodePurpose, User

pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (make test runs this file on PostgreSQL too)")


def race(*calls) -> list[str]:
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call):
        try:
            barrier.wait(timeout=10)
            call()
            outcomes.append("done")
        except codes.CodeRefused:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_reset_code_sets_one_password(postgres_only, people, monkeypatch, settings):
    settings.NOTIFICATIONS_SMS_BACKEND = ""
    monkeypatch.setattr(codes, "new_code", lambda: "246810")
    owner = people["applicant"]
    row = codes.issue(CodePurpose.RESET, phone_hash=owner.phone_hash, to=owner.phone, ip=None, user=owner)

    def reset(password):
        request = SimpleNamespace(session={services.RESET_SESSION_KEY: row.pk})
        return lambda: services.complete_password_reset(request, "246810", password)

    assert race(reset("First-choice-1"), reset("Second-choice-2")) == ["done", "refused"]
    owner.refresh_from_db()
    assert owner.check_password("First-choice-1") != owner.check_password("Second-choice-2")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_registration_code_creates_one_account(postgres_only, catalog_2023, monkeypatch, settings):
    import json

    settings.NOTIFICATIONS_SMS_BACKEND = ""
    monkeypatch.setattr(codes, "new_code", lambda: "135790")
    payload = {"full_name": "李四", "id_number": "11010519491231002X", "phone": "13900000009", "password": "!"}
    row = codes.issue(
        CodePurpose.REGISTER, phone_hash=codes.phone_key("13900000009"), to=None, ip=None, payload=json.dumps(payload)
    )

    def complete():
        request = SimpleNamespace(session={services.REGISTER_SESSION_KEY: row.pk})
        return lambda: services.complete_registration(request, "135790")

    assert race(complete(), complete()) == ["done", "refused"]
    assert User.objects.filter(role="applicant").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_password_guesses_get_no_more_checks_than_the_limit(postgres_only, people, monkeypatch, settings):
    from django.test import Client

    from accounts.backends import IdentifierBackend

    checked = []
    original = IdentifierBackend.authenticate

    def counting(self, request, username=None, password=None, **kwargs):
        checked.append(password)
        return original(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(IdentifierBackend, "authenticate", counting)
    barrier = threading.Barrier(10)

    def guess(n):
        try:
            barrier.wait(timeout=10)
            Client().post(
                "/accounts/login/", {"identifier": "13800000001", "password": f"Guess-{n}-x"}, REMOTE_ADDR="10.6.6.6"
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert 1 <= len(checked) <= settings.LOGIN_FAILURE_LIMIT
