"""Fixtures shared by every app's tests: the notice's catalog and one user per role and city."""

import pytest
from django.test import Client

from accounts.demo import demo_id_number
from accounts.models import Role, User
from catalog.models import City

# Applications in every state, shared by the apps that work on them (review, payments, …).
pytest_plugins = [
    "applications.tests.fixtures",
    "paysim.tests.fixtures",
    "exams.tests.fixtures",
    "scoring.tests.fixtures",
    "certificates.tests.fixtures",
]

PASSWORD = "Correct-horse-42"  # noqa: S105

# Every transactional test is marked `serialized_rollback=True`: a flush without it emits
# post_migrate, which recreates the content types under new ids, and the next serialized
# test (browser, parallel writes) then fails to restore the migrations' rows.


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the notice's data once per test database; each test rolls back its own changes."""
    from catalog.services import load_notice_2023

    with django_db_blocker.unblock():
        load_notice_2023()


@pytest.fixture(autouse=True)
def _fresh_public_cache():
    """Every test starts with no cached public reads: rolled-back rows must not be served."""
    from skillcert import public_cache, throttle

    public_cache.forget_everything()
    throttle.forget()


@pytest.fixture(autouse=True)
def _audit_kinds_are_declared(settings):
    """In tests every recorded action must be declared in its app's kinds.py (audit.kinds);
    tests record their own under "test."."""
    from audit.kinds import ActionKind, declared_for_a_test

    settings.AUDIT_REFUSES_UNDECLARED_KINDS = True
    with declared_for_a_test(ActionKind("test.*", "测试事件")):
        yield


@pytest.fixture
def catalog_2023(db):
    """Cities, organisations, annex 1 and the 2023 campaign, loaded the way `make run` does."""
    from catalog.services import load_notice_2023

    return load_notice_2023()


def _staff(username: str, role: str, city_code: str | None) -> User:
    city = City.objects.get(code=city_code) if city_code else None
    return User.objects.create_user(username, PASSWORD, role=role, city=city, full_name=username)


@pytest.fixture
def people(catalog_2023) -> dict[str, User]:
    """alice: association; hohhot/baotou staff of each city role; one applicant."""
    return make_people()


def make_people() -> dict[str, User]:
    """The `people` fixture's users, for fixtures that build them once per module."""
    return {
        "association": _staff("alice", Role.ASSOCIATION, None),
        "hohhot_co": _staff("hohhot-co", Role.CO_ORGANIZER, "hohhot"),
        "baotou_co": _staff("baotou-co", Role.CO_ORGANIZER, "baotou"),
        "hohhot_reg": _staff("hohhot-reg", Role.REGULATOR, "hohhot"),
        "baotou_reg": _staff("baotou-reg", Role.REGULATOR, "baotou"),
        "hohhot_expert": _staff("hohhot-expert", Role.EXPERT, "hohhot"),
        "applicant": User.objects.create_user(
            None,
            PASSWORD,
            role=Role.APPLICANT,
            full_name="王小明",
            id_number=demo_id_number("15010219850315001"),
            phone="13800000001",
        ),
    }


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user, backend="accounts.backends.IdentifierBackend")
    return client
