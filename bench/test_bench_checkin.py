"""Exam day at scale (`make bench`): one sync batch of BENCH_SCANS (default 1,000) scans, each a
ticket's signed QR, through the real service (signature checks, scope, seat locks, decisions, bulk
writes, the audit event), printed beside its anchor from the same run: a bare `bulk_create` of
the same number of Scan rows. Then the same batch sent again (every scan known: nothing written).
"""

import os
import time
import uuid

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role, User
from applications.generator import generate
from applications.models import Application, Status
from bench.results import save
from catalog.models import City
from catalog.services import ensure_demo_campaign
from exams.models import CheckIn, ExamStaff, Room, Scan, SeatAssignment, Site, StaffAssignment, Ticket
from exams.services import checkin as service
from skillcert import signing

SCANS = int(os.environ.get("BENCH_SCANS", "1000"))
COLUMNS = 40


def _room_of(count: int):
    """One room holding `count` seated candidates with tickets, and its invigilator (bench setup only)."""
    today = timezone.localdate()
    campaign = ensure_demo_campaign(today)[0]
    campaign.sessions.update(date=today)
    session = campaign.sessions.order_by("starts_at").first()
    hohhot = City.objects.get(code="hohhot")
    generate(campaign, count)
    Application.objects.filter(campaign=campaign).update(status=Status.SCHEDULED, city=hohhot)
    site = Site.objects.create(campaign=campaign, city=hohhot, name="基准考点", address="某路 1 号")
    room = Room.objects.create(site=site, number="01", rows=-(-count // COLUMNS), columns=COLUMNS)
    ids = list(Application.objects.filter(campaign=campaign).order_by("pk").values_list("pk", flat=True))
    seats = [
        SeatAssignment(application_id=pk, session=session, room=room, row=i // COLUMNS + 1, column=i % COLUMNS + 1)
        for i, pk in enumerate(ids)
    ]
    SeatAssignment.objects.bulk_create(seats)
    now = timezone.now()
    tickets = [
        Ticket(application_id=pk, campaign=campaign, city=hohhot, number=f"{campaign.year}150100{i:05d}", issued_at=now)
        for i, pk in enumerate(ids, start=1)
    ]
    Ticket.objects.bulk_create(tickets)
    user = User.objects.create_user("bench-invigilator", "x", role=Role.INVIGILATOR, city=hohhot, full_name="监考")
    staff = ExamStaff.objects.create(
        campaign=campaign, city=hohhot, site=site, name="监考", work_unit="某校", user=user
    )
    StaffAssignment.objects.create(staff=staff, room=room, session=session)
    return user, room, session, tickets


def _qr(ticket: Ticket, room: Room, session) -> str:
    claims = {
        "no": ticket.number,
        "rev": 0,
        "name": "考生",
        "cmp": room.site.campaign.slug,
        "site": room.site.name,
        "room": room.number,
        "seat": "01排01号",
        "ses": [["理论知识考试", session.date.isoformat(), f"{session.starts_at:%H:%M}", f"{session.ends_at:%H:%M}"]],
    }
    return signing.sign(claims, typ=service.ticket_typ())


def _bare_insert(user, room, session, count: int) -> float:
    """The anchor: `count` Scan rows written by one bulk_create, rolled back."""
    now = timezone.now()
    rows = [
        Scan(client_id=uuid.uuid4(), user=user, room=room, session=session, ticket_number="x", scanned_at=now)
        for _ in range(count)
    ]
    with transaction.atomic():
        started = time.perf_counter()
        Scan.objects.bulk_create(rows, batch_size=500)
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


@pytest.mark.django_db
def test_a_thousand_scan_sync_batch(catalog_2023):
    user, room, session, tickets = _room_of(SCANS)
    now = timezone.now().isoformat()
    items = [
        {"client_id": str(uuid.uuid4()), "room": room.pk, "session": session.pk, "outcome": "present"}
        | {"token": _qr(ticket, room, session), "scanned_at": now}
        for ticket in tickets
    ]
    anchor = _bare_insert(user, room, session, SCANS)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        answers = service.sync(user, items, device="bench", today=timezone.localdate())
        elapsed = time.perf_counter() - started
    started = time.perf_counter()
    again = service.sync(user, items, device="bench", today=timezone.localdate())
    resend = time.perf_counter() - started
    assert {a.result for a in answers} == {"accepted"} and {a.result for a in again} == {"accepted"}
    assert CheckIn.objects.count() == SCANS and Scan.objects.count() == SCANS
    save(
        "checkin-sync-batch",
        {
            "scans": SCANS,
            "sync_s": round(elapsed, 3),
            "sync_queries": len(queries),
            "resend_s": round(resend, 3),
            "anchor_bulk_insert_s": round(anchor, 3),
            "ratio_to_anchor": round(elapsed / anchor, 1),
            "per_scan_ms": round(elapsed * 1000 / SCANS, 2),
        },
    )
