"""Fixtures for applying: an open campaign and complete drafts."""

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from applications.models import Application, ApplicationDocument
from applications.requirements import required_slots
from catalog.models import City, Level, Occupation
from catalog.services import ensure_demo_campaign


@pytest.fixture
def open_campaign(catalog_2023):
    """A campaign whose registration is open today (the demo campaign)."""
    campaign, _ = ensure_demo_campaign(timezone.localdate())
    return campaign


COMPLETE = {
    "ethnicity": "蒙古族",
    "education": "technical_school",
    "education_related": True,
    "work_started_on": date(2005, 7, 1),
    "occupation_years": 12,
    "employer": "呼和浩特市公路养护中心",
    "category": "initial",
    "work_history": "2005.07 至今 呼和浩特市公路养护中心 汽车维修",
}


def fill(application: Application, *, level: int = 4, occupation: str = "4-12-01-01", **changes) -> Application:
    values = {
        **COMPLETE,
        "city": City.objects.get(code="hohhot"),
        "occupation": Occupation.objects.get(code=occupation),
        "level": Level.objects.get(number=level),
        **changes,
    }
    for name, value in values.items():
        setattr(application, name, value)
    application.save()
    return application


def attach_documents(application: Application, slots=None) -> None:
    for slot in slots or required_slots(application.category, application.level_id):
        ApplicationDocument.objects.create(
            application=application,
            slot=slot,
            file=ContentFile(b"%PDF-1.4 test", name=f"{slot}.pdf"),
            content_type="application/pdf",
            size=13,
            sha256=slot.ljust(64, "0"),
        )


@pytest.fixture
def draft(people, open_campaign):
    from applications.services import start_application

    return start_application(people["applicant"], open_campaign)


@pytest.fixture
def complete_draft(draft):
    fill(draft)
    attach_documents(draft)
    return draft
