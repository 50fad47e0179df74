"""Numbers under concurrency, on PostgreSQL's row locks: no twins, no gaps."""

import pytest
from django.db import connection, transaction

from certificates.models import Certificate
from certificates.numbering import parse_certificate_number
from certificates.services import issuing
from certificates.services.numbers import take_numbers
from skillcert.tests.races import race

pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (make test runs this file on PostgreSQL too)")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eight_issuers_taking_numbers_at_once_get_one_run_without_gaps(postgres_only):
    taken: list[list[str]] = []

    def take(count):
        def action():
            with transaction.atomic():
                numbers = take_numbers(2026, 3, count)
            taken.append(numbers)
            return len(numbers)

        return action

    race(*(take(count) for count in (1, 2, 3, 5, 8, 13, 21, 34)))
    numbers = [number for run in taken for number in run]
    serials = sorted(parse_certificate_number(number).serial for number in numbers)
    assert serials == list(range(1, 88))  # 1 + 2 + … + 34 = 87, each once
    for run in taken:  # each issuer's numbers are consecutive
        own = [parse_certificate_number(n).serial for n in run]
        assert own == list(range(own[0], own[0] + len(own)))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_staff_issuing_one_city_at_once_issue_each_candidate_once(postgres_only, concluded, people):
    from accounts.models import Role, User
    from conftest import PASSWORD

    colleague = User.objects.create_user("association-2", PASSWORD, role=Role.ASSOCIATION, full_name="同事")
    outcomes = race(
        lambda: issuing.issue(people["association"], concluded.campaign, concluded.city).count,
        lambda: issuing.issue(colleague, concluded.campaign, concluded.city).count,
    )
    assert sorted(o.split(":")[0] for o in outcomes) == ["done", "refused"]
    certificates = Certificate.objects.all()
    assert certificates.values("application").distinct().count() == certificates.count()
    for level in set(certificates.values_list("level", flat=True)):
        serials = sorted(certificates.filter(level=level).values_list("serial", flat=True))
        assert serials == list(range(1, len(serials) + 1))
