"""Applications at scale (`make bench`): generate N applicants, decide all of them,
and submit applications end to end through the test client.

N is BENCH_APPLICANTS (default 100,000). Targets: eligibility ≥ 20,000 decisions
per second on one core; a whole submission (4 steps, 5 uploads, submit) well under
a second of server time. Figures go to bench/results/.
"""

import io
import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from applications import eligibility
from applications.eligibility_service import facts_for
from applications.generator import generate
from applications.models import Application, Status
from applications.standards import default_conditions
from bench.results import save
from catalog.models import City, Level, Occupation
from catalog.services import ensure_demo_campaign

COUNT = int(os.environ.get("BENCH_APPLICANTS", "100000"))


@pytest.fixture
def campaign(catalog_2023):
    return ensure_demo_campaign(timezone.localdate())[0]


@pytest.mark.django_db
def test_generate_and_decide_every_applicant(campaign):
    started = time.perf_counter()
    generate(campaign, COUNT)
    generated_in = time.perf_counter() - started

    offered = {o.occupation_id: frozenset(o.level_numbers()) for o in campaign.offerings.prefetch_related("levels")}
    conditions = default_conditions()
    rows = (
        Application.objects.filter(campaign=campaign)
        .select_related("campaign", "occupation", "prior_occupation")
        .defer("id_number", "phone", "work_history", "achievements", "specialties")
    )
    started = time.perf_counter()
    applications = list(rows.iterator(chunk_size=5000))
    loaded_in = time.perf_counter() - started
    started = time.perf_counter()
    eligible = sum(
        eligibility.decide(facts_for(a), offered_levels=offered.get(a.occupation_id), conditions=conditions).eligible
        for a in applications
    )
    decided_in = time.perf_counter() - started
    per_second = round(len(applications) / decided_in)
    save(
        "eligibility-over-applicants",
        {
            "applicants": len(applications),
            "eligible": eligible,
            "generate_seconds": round(generated_in, 1),
            "load_seconds": round(loaded_in, 1),
            "decide_seconds": round(decided_in, 2),
            "decisions_per_second": per_second,
        },
    )
    assert len(applications) == COUNT


def _photo() -> bytes:
    image = Image.new("RGB", (390, 567), "white")
    image.paste((40, 50, 80), (100, 200, 290, 567))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return buffer.getvalue()


def _scan() -> bytes:
    image = Image.new("RGB", (800, 500), "white")
    image.paste((20, 20, 20), (40, 240, 760, 250))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.django_db
def test_submission_end_to_end(campaign, people):
    """One applicant's whole path through the web form, timed round by round."""
    from accounts.models import Role, User
    from applications.tests.fixtures import COMPLETE

    city = City.objects.get(code="hohhot")
    occupation = Occupation.objects.get(code="4-12-01-01")
    level = Level.objects.get(number=4)
    photo, scan = _photo(), _scan()
    timings = []
    for n in range(int(os.environ.get("BENCH_SUBMISSIONS", "20"))):
        user = User.objects.create_user(
            None, "x", role=Role.APPLICANT, full_name="王小明", id_number=_id(n), phone=f"1370000{n:04d}"
        )
        client = Client()
        client.force_login(user, backend="accounts.backends.IdentifierBackend")
        started = time.perf_counter()
        client.post(reverse("applications:start"))
        application = Application.objects.get(applicant=user)
        steps = {
            "person": {
                **_form(COMPLETE, "ethnicity", "education", "employer"),
                "full_name": "王小明",
                "phone": user.phone,
                "work_started_on": "2012-07-01",
                "city": city.pk,
            },
            "target": {"occupation": occupation.pk, "level": level.pk, "category": "initial", "occupation_years": 12},
            "record": {"work_history": COMPLETE["work_history"]},
        }
        for version, (step, data) in enumerate(steps.items()):
            response = client.post(
                reverse("applications:step", args=[application.pk, step]), {"version": version, **data}
            )
            assert response.status_code == 302, response.context["form"].errors
        for slot in ("photo", "id_front", "id_back", "diploma", "pledge"):
            content = photo if slot == "photo" else scan
            client.post(
                reverse("applications:documents", args=[application.pk]),
                {"slot": slot, "file": SimpleUploadedFile(f"{slot}.png", content)},
            )
        client.post(reverse("applications:review", args=[application.pk]))
        timings.append(time.perf_counter() - started)
        application.refresh_from_db()
        assert application.status == Status.SUBMITTED
    timings.sort()
    save(
        "submission-end-to-end",
        {
            "submissions": len(timings),
            "median_ms": round(timings[len(timings) // 2] * 1000),
            "max_ms": round(timings[-1] * 1000),
        },
    )


def _form(values: dict, *names: str) -> dict:
    return {name: values[name] for name in names}


def _id(n: int) -> str:
    from stdnum.cn import ric

    first17 = f"1101051990{(n // 28) % 12 + 1:02d}{n % 28 + 1:02d}{n % 1000:03d}"
    return first17 + ric.calc_check_digit(first17 + "0")
