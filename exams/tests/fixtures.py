"""Fixtures of the exams tests (a plugin of the root conftest, so scoring tests use them too): a city
with paid candidates, a site and its rooms."""

import hashlib
import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from applications.generator import generate
from applications.models import Application, ApplicationDocument, DocumentSlot, Status
from catalog.models import City
from exams.models import ExamStaff, Room, Site


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


def photo(application, shade: int) -> None:
    """A stored 1-inch photo of the application (a plain colour)."""
    out = io.BytesIO()
    Image.new("RGB", (295, 413), (shade, 200, 230)).save(out, format="JPEG")
    content = out.getvalue()
    ApplicationDocument.objects.create(
        application=application,
        slot=DocumentSlot.PHOTO,
        file=ContentFile(content, name="photo.jpg"),
        content_type="image/jpeg",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


@pytest.fixture
def published(people, open_campaign, hohhot, site, rooms, candidates):
    """呼和浩特's 30 candidates seated and ticketed; photos for the first five; a staff member assigned."""
    from exams.services import arranging, publishing, setup

    for shade, application in enumerate(candidates[:5]):
        photo(application, 100 + shade)
    co = people["hohhot_co"]
    staff = setup.save_staff(
        co, ExamStaff(campaign=open_campaign, city=hohhot, site=site, name="赵监考", work_unit="呼和浩特市第二中学")
    )
    setup.assign_staff(co, staff, room=rooms[0], session=open_campaign.sessions.first())
    arranging.apply_seating(co, open_campaign, hohhot, seed=1, spacing="none", version=None)
    publishing.publish(co, open_campaign, hohhot)
    site.refresh_from_db()
    return site
