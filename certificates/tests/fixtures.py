"""Fixtures of the certificates tests (a plugin of the root conftest): a city whose results are final.

`concluded` builds on scoring's `scored`: 呼和浩特's publicity opened on exam day and closed after
its period, so its candidates are passed (or failed: the absent and the one with an incident)."""

from datetime import timedelta

import pytest

from applications.models import Application, Status
from scoring.tests.fixtures import Sat


def conclude(sat: Sat, regulator) -> None:
    from scoring.services import publicity as service

    publicity = service.open_publicity(regulator, sat.campaign, sat.city, today=sat.campaign.exam_date)
    service.close_publicity(regulator, publicity, today=publicity.closes_on + timedelta(days=1))


@pytest.fixture
def concluded(scored, people) -> Sat:
    conclude(scored, people["hohhot_reg"])
    return scored


def passed_of(sat: Sat) -> list[Application]:
    return list(Application.objects.filter(campaign=sat.campaign, city=sat.city, status=Status.PASSED).order_by("pk"))


@pytest.fixture
def issued(concluded, people):
    """呼和浩特's passed candidates issued in one batch by the association."""
    from certificates.services import issuing

    return issuing.issue(people["association"], concluded.campaign, concluded.city)
