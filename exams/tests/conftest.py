"""Fixtures of the exams tests: a city with paid candidates, a site and its rooms."""

import pytest

from applications.generator import generate
from applications.models import Application, Status
from catalog.models import City
from exams.models import Room, Site


def paid_candidates(campaign, count: int, *, city_code: str = "hohhot") -> list[Application]:
    """`count` generated applications made paid in one city (test setup writes the status directly)."""
    before = set(Application.objects.filter(campaign=campaign).values_list("pk", flat=True))
    generate(campaign, count, seed=count)
    new = Application.objects.filter(campaign=campaign).exclude(pk__in=before)
    new.update(status=Status.PAID, city=City.objects.get(code=city_code))
    return list(Application.objects.filter(pk__in=new.values("pk")).order_by("pk"))


def rendered_handbook(site):
    """The site's current handbook pair as the worker leaves it: the page's read queues the render,
    the task runs here (a test's transaction never commits, so nothing ran on commit)."""
    from exams.handbook_tasks import render_site_handbook
    from exams.services import handbook_files

    status = handbook_files.current_status(site)
    if not status.ready:
        assert render_site_handbook.call(site.pk, status.fingerprint) == "ready"
        status = handbook_files.current_status(site)
    return status.files


@pytest.fixture
def hohhot(catalog_2023):
    return City.objects.get(code="hohhot")


@pytest.fixture
def site(open_campaign, hohhot):
    return Site.objects.create(campaign=open_campaign, city=hohhot, name="呼和浩特市第一考点", address="新华大街 1 号")


@pytest.fixture
def rooms(site):
    """Two written rooms of 4 × 5 seats; the first has seat 1-1 unusable and 1-2 accessible."""
    return [
        Room.objects.create(site=site, number="01", rows=4, columns=5, unusable=[[1, 1]], accessible=[[1, 2]]),
        Room.objects.create(site=site, number="02", rows=4, columns=5, position=1),
    ]


@pytest.fixture
def candidates(open_campaign, rooms):
    """30 paid candidates of 呼和浩特 (39 seats in the two rooms)."""
    return paid_candidates(open_campaign, 30)


@pytest.fixture
def invigilator(hohhot):
    from accounts.models import Role, User
    from conftest import PASSWORD

    return User.objects.create_user(
        "hohhot-invigilator", PASSWORD, role=Role.INVIGILATOR, city=hohhot, full_name="监考员甲"
    )
