"""Exam day: a room's manifest for the invigilator's phone, and the scans it sends back.

`sync` takes a batch of scans (from the phone's queue, or one from the typed-number form) and
answers each one:

* a scan whose client id is known already (the phone sent it again) is answered as before and
  nothing is written: re-sending is harmless;
* a scan is refused (recorded, with the reason) when its QR does not verify against the published
  keys, names another room or session, is an older revision of a reissued ticket, or when the
  sender is not assigned to that room and session today;
* otherwise `exams.checkin.decide` settles it against the candidate's check-in: the first outcome
  decides, others are duplicates (recorded too), an absence gives way to a later arrival, and an
  explicit correction replaces the outcome (audited).

Lock order: the candidates' `SeatAssignment` rows of the batch, by pk, then their check-ins. Two
phones sending the same ticket at once wait on the same seat row, so one check-in comes out.
"""

import base64
import io
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import require
from applications.models import ApplicationDocument, DocumentSlot
from audit.services import record
from catalog.models import ExamSession
from exams import checkin
from exams.checkin import Result
from exams.models import CheckIn, Room, Scan, SeatAssignment, Ticket
from exams.numbering import seat_label
from exams.selectors import invigilator_assignments
from skillcert import signing
from skillcert.lib.masking import mask_id_number
from skillcert.storage import private_storage

logger = logging.getLogger(__name__)

# The audit kinds written here (declared in exams/kinds.py; record() names them literally).
MANIFEST_DOWNLOADED = "exams.checkin.manifest_downloaded"
SYNCED = "exams.checkin.synced"
CORRECTED = "exams.checkin.corrected"
REST_ABSENT = "exams.checkin.rest_absent"

THUMBNAIL = (240, 320)  # big enough to compare a face on a phone, ~10 kB as JPEG
MAX_BATCH = 5000
NOT_ASSIGNED = "您今天没有被安排在该考场和场次。"
UNKNOWN_TICKET = "准考证号不存在或已作废。"
OLD_REVISION = "这是调整座位前的旧准考证，请考生出示重新签发的准考证。"
NOT_THIS_SESSION = "该考生不参加本场次考试。"
BAD_SCAN = "扫描记录不完整，请重新扫描。"
OUTCOMES = frozenset(checkin.Outcome)


def ticket_typ() -> str:
    """The `typ` header admission tickets are signed with."""
    return signing.TICKET


# --- the manifest -------------------------------------------------------------------------------


def room_facts(room: Room, session: ExamSession) -> checkin.RoomFacts:
    return checkin.RoomFacts(
        campaign=room.site.campaign.slug,
        site=room.site.name,
        room=room.number,
        session_date=session.date.isoformat(),
        session_starts=f"{session.starts_at:%H:%M}",
    )


def _thumbnail(name: str) -> str:
    """The stored photo as a small JPEG data URL ("" if it cannot be read)."""
    from PIL import Image

    try:
        with private_storage.open(name, "rb") as handle, Image.open(handle) as image:
            image.draft("RGB", THUMBNAIL)  # JPEG: decode at a reduced scale
            small = image.convert("RGB")
            small.thumbnail(THUMBNAIL)
            out = io.BytesIO()
            small.save(out, "JPEG", quality=70, optimize=True)
    except (OSError, ValueError):
        logger.warning("photo %s could not be read for a manifest", name)
        return ""
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode()


def manifest_entries(room: Room, session: ExamSession) -> list[checkin.Entry]:
    seats = SeatAssignment.objects.filter(room=room, session=session).select_related(
        "application__occupation", "application__level"
    )
    by_application = {seat.application_id: seat for seat in seats}
    tickets = Ticket.objects.filter(application__in=list(by_application), voided_at__isnull=True)
    photos = dict(
        ApplicationDocument.objects.filter(application__in=list(by_application), slot=DocumentSlot.PHOTO).values_list(
            "application_id", "file"
        )
    )
    entries = []
    for ticket in tickets:
        seat = by_application[ticket.application_id]
        a = seat.application
        entries.append(
            checkin.Entry(
                number=ticket.number,
                revision=ticket.revision,
                name=a.full_name,
                id_masked=mask_id_number(a.id_number),
                occupation=a.occupation.name if a.occupation else "",
                level=str(a.level),
                seat=seat_label(seat.row, seat.column),
                row=seat.row,
                column=seat.column,
                photo=_thumbnail(photos[a.pk]) if a.pk in photos else "",
            )
        )
    return entries


def download_manifest(actor: User, room: Room, session: ExamSession) -> dict[str, Any]:
    """The room's manifest for offline use (names, masked IDs, seats, photos): an audited download.
    The caller has checked the post (`checkin_selectors.get_post_for`)."""
    require(actor, "exams.checkin")
    entries = manifest_entries(room, session)
    data = checkin.manifest(
        room_facts(room, session),
        room_label=f"{room.site.name} 第{room.number}考场" + (f"（{room.place}）" if room.place else ""),
        session_label=str(session),
        ticket_typ=ticket_typ(),
        entries=entries,
    )
    data["jwks"] = signing.jwks()
    record(
        "exams.checkin.manifest_downloaded",
        actor=actor,
        obj=room,
        after={"session": session.pk, "candidates": len(entries)},
    )
    return data


# --- scans --------------------------------------------------------------------------------------


@dataclass
class ScanIn:
    """One scan as the device sent it, parsed."""

    client_id: uuid.UUID | None
    room: int | None
    session: int | None
    token: str = ""  # the QR's compact JWS
    number: str = ""  # a typed ticket number
    outcome: str = ""
    note: str = ""
    correction: bool = False
    scanned_at: datetime | None = None
    problem: str = ""  # why it cannot be read (refused)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _when(value: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def parse_scan(item: Any) -> ScanIn:
    """A scan from the device's JSON; what cannot be read is kept as `problem`."""
    if not isinstance(item, dict):
        return ScanIn(None, None, None, problem=BAD_SCAN)
    try:
        client_id = uuid.UUID(str(item.get("client_id", "")))
    except ValueError:
        client_id = None
    scan = ScanIn(
        client_id=client_id,
        room=_int(item.get("room")),
        session=_int(item.get("session")),
        token=str(item.get("token") or "").strip()[:2000],
        number=str(item.get("number") or "").strip()[:30],
        outcome=str(item.get("outcome") or ""),
        note=str(item.get("note") or "").strip()[:500],
        correction=bool(item.get("correction")),
        scanned_at=_when(item.get("scanned_at")),
    )
    complete = client_id is not None and scan.room is not None and scan.session is not None
    if not complete or not (scan.token or scan.number) or scan.outcome not in OUTCOMES:
        scan.problem = BAD_SCAN
    return scan


@dataclass
class Answer:
    client_id: str
    result: str
    reason: str = ""
    number: str = ""
    outcome: str = ""  # the candidate's outcome after this scan

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items()}


@dataclass
class _Batch:
    """What one sync call looked up once for all its scans."""

    posts: set[tuple[int, int]]
    rooms: dict[int, Room]
    sessions: dict[int, ExamSession]
    tickets: dict[str, Ticket] = field(default_factory=dict)
    seats: dict[tuple[int, int], SeatAssignment] = field(default_factory=dict)
    check_ins: dict[tuple[int, int], CheckIn] = field(default_factory=dict)
    claims: dict[str, dict[str, Any] | signing.SignatureRefused] = field(default_factory=dict)  # by token


def _number_of(scan: ScanIn, batch: _Batch) -> tuple[str, int | None, str]:
    """(ticket number, revision in the QR or None, refusal) of a scan: its QR verified, or its typed number."""
    if not scan.token:
        return scan.number, None, ""
    claims = batch.claims[scan.token]
    if isinstance(claims, signing.SignatureRefused):
        return "", None, str(claims)
    assert scan.room is not None and scan.session is not None  # a scan of the sender's post
    refusal = checkin.claims_refusal(claims, room_facts(batch.rooms[scan.room], batch.sessions[scan.session]))
    return str(claims.get("no", "")), _int(claims.get("rev")), refusal


def _refusal(scan: ScanIn, batch: _Batch) -> tuple[str, str]:
    """(ticket number, why the scan is refused or "")."""
    if scan.problem:
        return scan.number, scan.problem
    if scan.room is None or scan.session is None or (scan.room, scan.session) not in batch.posts:
        return scan.number, NOT_ASSIGNED
    number, revision, refusal = _number_of(scan, batch)
    if refusal:
        return number, refusal
    ticket = batch.tickets.get(number)
    if ticket is None:
        return number, UNKNOWN_TICKET
    if revision is not None and revision < ticket.revision:
        return number, OLD_REVISION
    seat = batch.seats.get((ticket.application_id, scan.session))
    if seat is None:
        return number, NOT_THIS_SESSION
    if seat.room_id != scan.room:
        return number, f"该考生的考场是：{seat.room.site.name} 第{seat.room.number}考场，请引导其前往。"
    return number, ""


def _verified(token: str) -> dict[str, Any] | signing.SignatureRefused:
    try:
        return signing.verify(token, typ=ticket_typ())
    except signing.SignatureRefused as refusal:
        return refusal


def _look_up(scans: list[ScanIn], actor: User, today: date) -> _Batch:
    assignments = invigilator_assignments(actor, today).select_related("room__site__campaign")
    posts = {(a.room_id, a.session_id): a for a in assignments}
    batch = _Batch(
        posts=set(posts),
        rooms={a.room_id: a.room for a in posts.values()},
        sessions={a.session_id: a.session for a in posts.values()},
    )
    numbers = {scan.number for scan in scans if scan.number}
    for scan in scans:
        if scan.token and not scan.problem and scan.token not in batch.claims:
            batch.claims[scan.token] = _verified(scan.token)
            if isinstance(claims := batch.claims[scan.token], dict):
                numbers.add(str(claims.get("no", "")))
    tickets = Ticket.objects.filter(number__in=numbers, voided_at__isnull=True)
    batch.tickets = {t.number: t for t in tickets}
    applications = [t.application_id for t in batch.tickets.values()]
    seats = (
        SeatAssignment.objects.select_for_update()
        .filter(application__in=applications, session__in=list(batch.sessions))
        .select_related("room__site")
        .order_by("pk")
    )
    batch.seats = {(s.application_id, s.session_id): s for s in seats}
    check_ins = CheckIn.objects.select_for_update().filter(
        application__in=applications, session__in=list(batch.sessions)
    )
    batch.check_ins = {(c.application_id, c.session_id): c for c in check_ins}
    return batch


Changed = dict[tuple[int, int], CheckIn]  # (application, session) → the check-in to write


def _apply(
    actor: User, scan: ScanIn, session: int, ticket: Ticket, batch: _Batch, now: datetime, changed: Changed
) -> checkin.Verdict:
    """Settle one accepted scan against the candidate's check-in (in memory; written by `sync`)."""
    key = (ticket.application_id, session)
    current = batch.check_ins.get(key)
    verdict = checkin.decide(current.outcome if current else None, scan.outcome, correction=scan.correction)
    if not verdict.write:
        return verdict
    if current is None:
        current = CheckIn(application_id=ticket.application_id, session_id=session)
        batch.check_ins[key] = current
    elif verdict.corrected:
        before = {"outcome": current.outcome, "note": current.note}
        record(
            "exams.checkin.corrected",
            actor=actor,
            obj=ticket,
            before=before,
            after={"outcome": scan.outcome, "note": scan.note},
        )
    current.outcome, current.note, current.room_id = scan.outcome, scan.note, scan.room
    current.recorded_by, current.recorded_at = actor, now
    changed[key] = current
    return verdict


def _scan_row(
    scan: ScanIn,
    client_id: uuid.UUID,
    actor: User,
    device: str,
    now: datetime,
    posted: bool,
    answer: Answer,
    reason: str,
) -> Scan:
    """The Scan row of a scan; room and session only when they are the sender's post (else unknown ids)."""
    return Scan(
        client_id=client_id,
        device=device[:100],
        user=actor,
        ticket_number=scan.token or scan.number,
        room_id=scan.room if posted else None,
        session_id=scan.session if posted else None,
        outcome=scan.outcome if scan.outcome in OUTCOMES else "",
        note=scan.note,
        scanned_at=scan.scanned_at or now,
        result=answer.result,
        reason=f"{reason} {answer.number}".strip()[:200] if reason else "",
    )


def _known(scans: list[ScanIn]) -> dict[uuid.UUID, Scan]:
    ids = [scan.client_id for scan in scans if scan.client_id is not None]
    return {s.client_id: s for s in Scan.objects.filter(client_id__in=ids)}


def _settle(actor: User, scan: ScanIn, batch: _Batch, now: datetime, changed: Changed) -> tuple[Answer, str]:
    """(the answer, the reason to record) of one new scan."""
    number, reason = _refusal(scan, batch)
    if reason:
        return Answer(str(scan.client_id or ""), Result.REFUSED, reason, number), reason
    ticket = batch.tickets[number]
    assert scan.session is not None  # accepted: a scan of the sender's post
    verdict = _apply(actor, scan, scan.session, ticket, batch, now, changed)
    outcome = batch.check_ins[(ticket.application_id, scan.session)].outcome
    return Answer(str(scan.client_id), verdict.result, verdict.reason, number, outcome), verdict.reason


def sync(actor: User, items: Iterable[Any], *, device: str = "", today: date | None = None) -> list[Answer]:
    """Record a batch of scans (module docstring); one answer per item, in the order sent."""
    require(actor, "exams.checkin")
    scans = [parse_scan(item) for item in list(items)[:MAX_BATCH]]
    today = today or timezone.localdate()
    now = timezone.now()
    answered: dict[int, Answer] = {}
    with transaction.atomic():
        known = _known(scans)
        batch = _look_up([scan for scan in scans if scan.client_id not in known], actor, today)
        rows: list[Scan] = []
        changed: Changed = {}
        counts: dict[str, int] = {result: 0 for result in Result}
        for i in sorted(range(len(scans)), key=lambda i: (scans[i].scanned_at or now, i)):  # the earliest decides
            scan = scans[i]
            if scan.client_id in known:  # sent again: answered as before, nothing written
                old = known[scan.client_id]
                answered[i] = Answer(str(scan.client_id), old.result, old.reason, scan.number, old.outcome)
                continue
            answered[i], reason = _settle(actor, scan, batch, now, changed)
            if scan.client_id is not None:
                posted = (scan.room, scan.session) in batch.posts
                row = _scan_row(scan, scan.client_id, actor, device, now, posted, answered[i], reason)
                rows.append(row)
                known[scan.client_id] = row
            counts[answered[i].result] += 1
        _write(rows, changed)
        if rows:
            record(
                "exams.checkin.synced",
                actor=actor,
                after={"device": device[:100], **{str(k): v for k, v in counts.items()}},
            )
    return [answered[i] for i in range(len(scans))]


def _write(rows: list[Scan], changed: Changed) -> None:
    new = [c for c in changed.values() if c.pk is None]
    old = [c for c in changed.values() if c.pk is not None]
    CheckIn.objects.bulk_create(new, batch_size=500)
    CheckIn.objects.bulk_update(old, ["outcome", "note", "room", "recorded_by", "recorded_at"], batch_size=500)
    Scan.objects.bulk_create(rows, batch_size=500)


def mark_rest_absent(
    actor: User, room: Room, session: ExamSession, *, device: str = "", today: date | None = None
) -> int:
    """Every candidate of the room not yet marked in the session is absent (缺考); how many were marked."""
    require(actor, "exams.checkin")
    marked = CheckIn.objects.filter(session=session).values("application")
    seated = SeatAssignment.objects.filter(room=room, session=session).exclude(application__in=marked)
    numbers = Ticket.objects.filter(application__in=seated.values("application"), voided_at__isnull=True)
    now = timezone.now().isoformat()
    items = [
        {"client_id": str(uuid.uuid4()), "room": room.pk, "session": session.pk, "number": number}
        | {"outcome": checkin.Outcome.ABSENT, "scanned_at": now}
        for number in numbers.values_list("number", flat=True)
    ]
    with transaction.atomic():
        answers = sync(actor, items, device=device, today=today)
        done = sum(1 for a in answers if a.result == Result.ACCEPTED)
        record("exams.checkin.rest_absent", actor=actor, obj=room, after={"session": session.pk, "absent": done})
    return done
