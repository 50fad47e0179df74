"""Exam day: the check-in rules, the sync of scans (idempotent, two devices, tampered QRs refused),
the invigilator's scope, the manifest, the rest marked absent, corrections and absences."""

import base64
import json
import uuid
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from audit.models import AuditEvent
from exams import checkin, checkin_selectors, selectors
from exams.checkin import Outcome, Result
from exams.models import CheckIn, ExamStaff, Scan, SeatAssignment, Ticket
from exams.services import arranging, publishing, setup
from exams.services import checkin as service
from exams.tickets import signed_qr, ticket_facts
from skillcert import signing

# --- the pure rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "incoming", "correction", "result", "write"),
    [
        (None, "present", False, Result.ACCEPTED, True),
        ("present", "present", False, Result.DUPLICATE, False),
        ("present", "absent", False, Result.DUPLICATE, False),  # the first outcome decides
        ("absent", "present", False, Result.ACCEPTED, True),  # an absence gives way to an arrival
        ("present", "incident", True, Result.ACCEPTED, True),  # an explicit correction
        ("incident", "incident", True, Result.DUPLICATE, False),
    ],
)
def test_the_first_outcome_decides_except_absences_and_corrections(current, incoming, correction, result, write):
    verdict = checkin.decide(current, incoming, correction=correction)
    assert (verdict.result, verdict.write) == (result, write)
    assert verdict.corrected == (correction and write)


HERE = checkin.RoomFacts(campaign="demo", site="一中", room="01", session_date="2026-10-15", session_starts="08:30")
CLAIMS = {"cmp": "demo", "site": "一中", "room": "01", "ses": [["理论知识考试", "2026-10-15", "08:30", "10:00"]]}


def test_claims_of_another_room_campaign_or_session_say_why():
    assert checkin.claims_refusal(CLAIMS, HERE) == ""
    assert "第02考场" in checkin.claims_refusal({**CLAIMS, "room": "02"}, HERE)
    assert "本批次" in checkin.claims_refusal({**CLAIMS, "cmp": "2023"}, HERE)
    assert "本场次" in checkin.claims_refusal({**CLAIMS, "ses": [["技能考核", "2026-10-15", "10:30", "12:30"]]}, HERE)


# --- the world: a published city, an invigilator on room 01's first session, today -------------


@pytest.fixture
def session(open_campaign):
    open_campaign.sessions.update(date=timezone.localdate())
    return open_campaign.sessions.order_by("starts_at").first()


@pytest.fixture
def published(people, open_campaign, hohhot, candidates, session):
    arranging.apply_seating(people["hohhot_co"], open_campaign, hohhot, seed=1, spacing="none", version=0)
    publishing.publish(people["hohhot_co"], open_campaign, hohhot)
    return open_campaign


@pytest.fixture
def post(people, published, hohhot, site, rooms, session, invigilator):
    staff = ExamStaff.objects.create(
        campaign=published, city=hohhot, site=site, name="监考员甲", work_unit="某校", user=invigilator
    )
    setup.assign_staff(people["hohhot_co"], staff, room=rooms[0], session=session)
    return checkin_selectors.Post(rooms[0], session)


def seated(room, session) -> list[Ticket]:
    ids = SeatAssignment.objects.filter(room=room, session=session).order_by("row", "column")
    return [Ticket.objects.get(application_id=pk) for pk in ids.values_list("application_id", flat=True)]


def qr_of(ticket: Ticket) -> str:
    """The QR text printed on the ticket (as exams/tickets.py signs it)."""
    application = ticket.application
    info = selectors.exam_info_for(application, timezone.localdate())
    return signed_qr(ticket_facts(application, info))


def scan_of(post, *, number="", token="", outcome="present", client_id=None, **extra) -> dict:
    return {
        "client_id": str(client_id or uuid.uuid4()),
        "room": post.room.pk,
        "session": post.session.pk,
        "number": number,
        "token": token,
        "outcome": outcome,
        "scanned_at": timezone.now().isoformat(),
        **extra,
    }


# --- sync -----------------------------------------------------------------------------------------


def test_a_typed_ticket_number_checks_the_candidate_in(post, invigilator):
    ticket = seated(post.room, post.session)[0]
    [answer] = service.sync(invigilator, [scan_of(post, number=ticket.number)])
    assert (answer.result, answer.outcome, answer.number) == (Result.ACCEPTED, Outcome.PRESENT, ticket.number)
    check_in = CheckIn.objects.get()
    assert (check_in.application_id, check_in.room) == (ticket.application_id, post.room)
    assert check_in.recorded_by == invigilator
    assert Scan.objects.get().result == Result.ACCEPTED
    assert AuditEvent.objects.filter(action=service.SYNCED).count() == 1


def test_resending_a_scan_is_harmless(post, invigilator):
    ticket = seated(post.room, post.session)[0]
    item = scan_of(post, number=ticket.number)
    first = service.sync(invigilator, [item])
    again = service.sync(invigilator, [item, item])
    assert [a.result for a in first + again] == [Result.ACCEPTED] * 3
    assert Scan.objects.count() == 1 and CheckIn.objects.count() == 1


def test_two_devices_scanning_one_ticket_give_one_check_in_and_both_scans(post, invigilator):
    ticket = seated(post.room, post.session)[0]
    one = service.sync(invigilator, [scan_of(post, number=ticket.number)], device="phone A")
    two = service.sync(invigilator, [scan_of(post, token=qr_of(ticket))], device="phone B")
    assert (one[0].result, two[0].result) == (Result.ACCEPTED, Result.DUPLICATE)
    assert CheckIn.objects.count() == 1
    assert sorted(Scan.objects.values_list("device", "result")) == [
        ("phone A", Result.ACCEPTED),
        ("phone B", Result.DUPLICATE),
    ]


def test_within_a_batch_the_earliest_scan_decides(post, invigilator):
    ticket = seated(post.room, post.session)[0]
    now = timezone.now()
    late = scan_of(post, number=ticket.number, outcome="absent", scanned_at=now.isoformat())
    early = scan_of(post, number=ticket.number, scanned_at=(now - timedelta(minutes=5)).isoformat())
    answers = service.sync(invigilator, [late, early])
    assert [a.result for a in answers] == [Result.DUPLICATE, Result.ACCEPTED]
    assert CheckIn.objects.get().outcome == Outcome.PRESENT


def test_a_signed_qr_checks_in_and_a_tampered_or_foreign_one_is_refused(post, invigilator):
    ticket = seated(post.room, post.session)[0]
    token = qr_of(ticket)
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    forged = base64.urlsafe_b64encode(json.dumps({**claims, "name": "李四"}).encode()).rstrip(b"=").decode()
    tampered = f"{header}.{forged}.{signature}"
    foreign_signature = Ed25519PrivateKey.generate().sign(f"{header}.{payload}".encode())  # same kid, another key
    foreign = f"{header}.{payload}.{base64.urlsafe_b64encode(foreign_signature).rstrip(b'=').decode()}"
    answers = service.sync(invigilator, [scan_of(post, token=t) for t in (tampered, foreign, "not-a-jws", token)])
    assert [a.result for a in answers] == [Result.REFUSED] * 3 + [Result.ACCEPTED]
    assert all("签名无效" in a.reason for a in answers[:3])
    assert CheckIn.objects.get().application_id == ticket.application_id


def test_a_ticket_of_another_room_says_which_room_it_belongs_to(post, invigilator, rooms):
    other = seated(rooms[1], post.session)[0]
    answers = service.sync(invigilator, [scan_of(post, token=qr_of(other)), scan_of(post, number=other.number)])
    assert [a.result for a in answers] == [Result.REFUSED, Result.REFUSED]
    assert all("第02考场" in a.reason for a in answers)
    assert not CheckIn.objects.exists()


def test_an_old_ticket_after_a_late_move_is_refused(post, invigilator):
    ticket = seated(post.room, post.session)[0]
    token = qr_of(ticket)
    Ticket.objects.filter(pk=ticket.pk).update(revision=1)
    [answer] = service.sync(invigilator, [scan_of(post, token=token)])
    assert answer.result == Result.REFUSED and "旧准考证" in answer.reason


def test_an_invigilator_of_another_room_or_day_gets_nothing(post, invigilator, rooms):
    ticket = seated(post.room, post.session)[0]
    tomorrow = timezone.localdate() + timedelta(days=1)
    [answer] = service.sync(invigilator, [scan_of(post, number=ticket.number)], today=tomorrow)
    assert answer.result == Result.REFUSED and answer.reason == service.NOT_ASSIGNED
    elsewhere = checkin_selectors.Post(rooms[1], post.session)
    [answer] = service.sync(invigilator, [scan_of(elsewhere, number=seated(rooms[1], post.session)[0].number)])
    assert answer.result == Result.REFUSED
    assert not CheckIn.objects.exists()
    with pytest.raises(Http404):
        checkin_selectors.get_post_for(invigilator, rooms[1].pk, post.session.pk, timezone.localdate())
    with pytest.raises(Http404):
        checkin_selectors.get_post_for(invigilator, post.room.pk, post.session.pk, tomorrow)
    assert checkin_selectors.posts_of(invigilator, tomorrow) == []


@pytest.mark.parametrize("who", ["hohhot_co", "hohhot_reg", "association", "applicant"])
def test_only_invigilators_send_scans(post, people, who):
    with pytest.raises(PermissionDenied):
        service.sync(people[who], [scan_of(post, number="x")])
    assert not Scan.objects.exists()


def test_a_scan_that_cannot_be_read_is_refused(post, invigilator):
    answers = service.sync(invigilator, [{"client_id": "nope"}, scan_of(post, number="1", outcome="late"), "junk"])
    assert [a.result for a in answers] == [Result.REFUSED] * 3
    assert Scan.objects.count() == 1  # only the one with a client id is kept


def test_a_correction_replaces_the_outcome_and_is_audited(post, invigilator):
    ticket = seated(post.room, post.session)[0]
    service.sync(invigilator, [scan_of(post, number=ticket.number)])
    [plain] = service.sync(invigilator, [scan_of(post, number=ticket.number, outcome="incident", note="夹带")])
    assert plain.result == Result.DUPLICATE and CheckIn.objects.get().outcome == Outcome.PRESENT
    fix = scan_of(post, number=ticket.number, outcome="incident", note="夹带", correction=True)
    [answer] = service.sync(invigilator, [fix])
    assert answer.result == Result.ACCEPTED
    assert (CheckIn.objects.get().outcome, CheckIn.objects.get().note) == (Outcome.INCIDENT, "夹带")
    event = AuditEvent.objects.get(action=service.CORRECTED)
    assert (event.before["outcome"], event.after["outcome"]) == (Outcome.PRESENT, Outcome.INCIDENT)


def test_the_rest_marked_absent_are_the_rooms_absences(post, invigilator):
    tickets = seated(post.room, post.session)
    service.sync(invigilator, [scan_of(post, number=t.number) for t in tickets[:2]])
    marked = service.mark_rest_absent(invigilator, post.room, post.session)
    assert marked == len(tickets) - 2
    absent = list(checkin_selectors.absences(post.room, post.session).values_list("pk", flat=True))
    assert sorted(absent) == sorted(t.application_id for t in tickets[2:])
    late = tickets[2]  # turns up after all: present
    [answer] = service.sync(invigilator, [scan_of(post, number=late.number)])
    assert answer.result == Result.ACCEPTED
    assert late.application_id not in checkin_selectors.absences(post.room, post.session).values_list("pk", flat=True)
    assert service.mark_rest_absent(invigilator, post.room, post.session) == 0  # twice: nothing new


def test_the_manifest_lists_the_room_in_seat_order_and_its_download_is_audited(post, invigilator):
    data = service.download_manifest(invigilator, post.room, post.session)
    numbers = [c["no"] for c in data["candidates"]]
    assert numbers == [t.number for t in seated(post.room, post.session)]
    first = data["candidates"][0]
    assert "*" in first["idm"] and first["seat"].endswith("号")
    assert data["ticket_typ"] == signing.TICKET and data["jwks"]["keys"]
    assert (data["room"], data["session"]["date"]) == (post.room.number, post.session.date.isoformat())
    event = AuditEvent.objects.get(action=service.MANIFEST_DOWNLOADED)
    assert event.after == {"session": post.session.pk, "candidates": len(numbers)}


def test_a_stored_photo_becomes_a_small_jpeg_in_the_manifest(post, invigilator, tmp_path):
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    from applications.models import ApplicationDocument, DocumentSlot

    ticket = seated(post.room, post.session)[0]
    out = io.BytesIO()
    Image.new("RGB", (413, 579), (200, 180, 160)).save(out, "JPEG")
    document = ApplicationDocument(
        application=ticket.application, slot=DocumentSlot.PHOTO, content_type="image/jpeg", size=out.tell()
    )
    document.file.save("photo.jpg", ContentFile(out.getvalue()), save=False)
    document.save()
    data = service.download_manifest(invigilator, post.room, post.session)
    photo = data["candidates"][0]["photo"]
    assert photo.startswith("data:image/jpeg;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(photo.split(",", 1)[1])))
    assert image.size[0] <= 240 and image.size[1] <= 320
