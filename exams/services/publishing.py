"""Publishing a city's seating: ticket numbers without gaps, candidates scheduled, applicants told;
latecomers seated and ticketed after it; a late move reissues that one ticket."""

import logging
from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from applications import lifecycle
from applications.models import Application, Status
from audit.services import record
from catalog.models import Campaign, City
from exams import numbering, states
from exams.handbook_tasks import refresh_on_commit
from exams.models import Arrangement, SeatAssignment, Ticket, TicketSerial
from exams.services.arranging import Inputs, current_placements, inputs_for, seat_rooms, seat_rows, write_seats
from exams.services.common import require_arranger, require_version
from notifications.services import Notice, notify, notify_many
from skillcert.refusals import TransitionRefused

logger = logging.getLogger(__name__)


def _lock_serial(campaign: Campaign, city: City) -> TicketSerial:
    """The city's serial row of the campaign's year, locked: numbers are given one transaction at a
    time (no gaps, no twins), whichever campaign of that year gives them."""
    TicketSerial.objects.get_or_create(year=campaign.year, city=city)
    return TicketSerial.objects.select_for_update().get(year=campaign.year, city=city)


def _seat_order(campaign: Campaign, city: City) -> list[int]:
    """Seated applications in room and seat order: the order their serials follow."""
    rooms = {room.pk: index for index, room in enumerate(seat_rooms(campaign, city))}
    placements = current_placements(campaign, city).values()
    return [p.candidate for p in sorted(placements, key=lambda p: (rooms.get(p.room, 0), p.row, p.column))]


def _give_tickets(actor: User, campaign: Campaign, city: City, application_ids: list[int]) -> list[Ticket]:
    """Tickets with the next serials for those without one, then paid → scheduled, then the message:
    a few queries for the whole batch (a city of 4,000 in seconds), not a few per candidate."""
    if not city.gbt2260:
        raise TransitionRefused(_("%(city)s 尚未设置行政区划代码，不能生成准考证号。") % {"city": city.name})
    has_ticket = set(
        Ticket.objects.filter(application__in=application_ids).order_by().values_list("application_id", flat=True)
    )
    serial = _lock_serial(campaign, city)
    now = timezone.now()
    # Downloads open already: the publication message says so, the tickets-open job has nothing to add.
    told = now if campaign.tickets_open is None or campaign.tickets_open <= timezone.localdate() else None
    tickets = []
    for pk in application_ids:
        if pk in has_ticket:
            continue
        serial.last += 1
        number = numbering.ticket_number(campaign.year, city.gbt2260, serial.last)
        tickets.append(
            Ticket(application_id=pk, campaign=campaign, city=city, number=number, issued_at=now, opening_told_at=told)
        )
    Ticket.objects.bulk_create(tickets, batch_size=2000)
    serial.save(update_fields=["last"])
    moved = lifecycle.schedule_many(actor, {ticket.application_id: ticket.number for ticket in tickets})
    _tell_many(tickets, "exams.ticket_published", loaded={a.pk: a for a in moved})
    return tickets


def _seats_of(application_ids: list[int]) -> dict[int, SeatAssignment]:
    """One seat per application (the same in every session), with its room and site, in three queries."""
    rows = SeatAssignment.objects.filter(application__in=application_ids).prefetch_related("room__site")
    return {seat.application_id: seat for seat in rows}


def _tell_many(tickets: list[Ticket], kind: str, *, loaded: dict[int, Application]) -> int:
    """One message per ticket holder with a seat, written in bulk (`notify_many`). `loaded` are the
    applications the lifecycle just moved (read again only for any other ticket holder)."""
    ids = [ticket.application_id for ticket in tickets]
    rest = [pk for pk in ids if pk not in loaded]
    applications = loaded | Application.objects.prefetch_related("campaign", "occupation", "level").in_bulk(rest)
    # The phone is where the SMS goes; the ID number is not decrypted for nothing.
    applicants = User.objects.defer("id_number").in_bulk({a.applicant_id for a in applications.values()})
    for application in applications.values():
        application.applicant = applicants[application.applicant_id]
    seats = _seats_of(ids)
    notices = []
    for ticket in tickets:
        application, seat = applications[ticket.application_id], seats.get(ticket.application_id)
        if seat is not None:
            notices.append(Notice(application.applicant, _context(application, ticket, seat), obj=application))
    return len(notify_many(kind, notices))


def _tell(application: Application, ticket: Ticket, kind: str) -> None:
    seat = SeatAssignment.objects.filter(application=application).select_related("room__site").first()
    if seat is None:
        return
    notify(application.applicant, kind, context=_context(application, ticket, seat), obj=application)


def _context(application: Application, ticket: Ticket, seat: SeatAssignment) -> dict:
    """What the ticket messages say: where and when, and the download date while it is ahead."""
    opens = application.campaign.tickets_open
    return {
        "application": application,
        "ticket": ticket,
        "site": seat.room.site,
        "room": seat.room,
        "seat": numbering.seat_label(seat.row, seat.column),
        "opens": f"{opens:%Y年%-m月%-d日}" if opens and opens > timezone.localdate() else "",
        "opens_on": f"{opens:%Y年%-m月%-d日}" if opens else "",
        "url": reverse("applications:detail", args=[application.pk]),
    }


def _require_publishable(campaign: Campaign, city: City, inputs: Inputs) -> None:
    seated = current_placements(campaign, city)
    if not seated:
        raise TransitionRefused(_("还没有编排座位，请先编排。"))
    unseated = [c.key for c in inputs.candidates if c.key not in seated]
    if unseated:
        raise TransitionRefused(
            _("还有 %(n)d 名已缴费考生没有座位，请增加考场或座位后重新编排。") % {"n": len(unseated)}
        )


@transaction.atomic
def request_publication(actor: User, campaign: Campaign, city: City, *, version: int | None = None) -> bool:
    """Check that the city can be published now and queue the publication (`exams.tasks.publish_city`)
    after the commit, the arrangement marked queued; False when it is published, queued or running
    already. The task runs `run_publication`, which checks again."""
    from exams import tasks
    from skillcert.jobs import enqueue_on_commit

    require_arranger(actor, city.pk)
    arrangement = states.lock_arrangement(campaign, city)
    if arrangement.is_published:
        return False
    require_version(arrangement, version)
    _require_publishable(campaign, city, inputs_for(campaign, city))
    if not states.queue_publication(arrangement, actor=actor):
        return False
    enqueue_on_commit(tasks.publish_city, campaign.pk, city.pk, actor.pk)
    return True


# What the page says when the run broke on something unexpected (the traceback goes to the log).
CRASHED = "发布过程中出现系统错误，未发布任何准考证。请稍后重试；如仍失败，请联系系统管理员。"


def run_publication(actor: User, campaign: Campaign, city: City) -> str:
    """The background publication: marked running, then `publish`; a refusal or a crash marks it
    failed with the reason in Chinese (nothing of the publication is kept, it is one transaction).
    Says what happened, for the task's result."""
    arrangement = Arrangement(campaign=campaign, city=city)  # each state change reads and locks its own row
    if not states.start_publication(arrangement, actor=actor):
        return "skipped: published or running already"
    try:
        given = publish(actor, campaign, city)
    except TransitionRefused as refusal:
        states.fail_publication(arrangement, actor=actor, reason=str(refusal))
        return f"refused: {refusal}"
    except Exception:
        logger.exception("publishing the tickets of campaign %s city %s failed", campaign.pk, city.pk)
        states.fail_publication(arrangement, actor=actor, reason=_(CRASHED))
        return "failed: unexpected error (see the log)"
    return f"published: {given}"


@transaction.atomic
def publish(actor: User, campaign: Campaign, city: City, *, version: int | None = None) -> int:
    """Give every seated candidate of the city a ticket number (room and seat order, gap-free),
    move them paid → scheduled and tell them; the arrangement is then published.

    Refused while a paid candidate has no seat (add rooms and seat again). Publishing twice
    gives nothing new (0). Returns the number of tickets given."""
    require_arranger(actor, city.pk)
    arrangement = states.lock_arrangement(campaign, city)
    if arrangement.is_published:
        return 0
    require_version(arrangement, version)
    _require_publishable(campaign, city, inputs_for(campaign, city, lock=True))
    tickets = _give_tickets(actor, campaign, city, _seat_order(campaign, city))
    states.publish(arrangement, actor=actor, tickets=len(tickets))
    refresh_on_commit(campaign.pk, city.pk)
    return len(tickets)


@transaction.atomic
def seat_latecomers(actor: User, campaign: Campaign, city: City) -> int:
    """After publication: paid candidates without a seat (paid late) get the first free seats in
    room order and the next serials. Returns how many were seated."""
    from exams import seating

    require_arranger(actor, city.pk)
    arrangement = states.lock_arrangement(campaign, city)
    if not arrangement.is_published:
        raise TransitionRefused(_("准考证尚未发布：新缴费的考生在重新编排时自动安排座位。"))
    inputs = inputs_for(campaign, city, statuses=(Status.PAID,), lock=True)
    seated = current_placements(campaign, city)
    waiting = [c for c in inputs.candidates if c.key not in seated]
    if not waiting:
        return 0
    taken = {(p.room, p.row, p.column) for p in seated.values()}
    free = [
        (room.key, row, column)
        for room in inputs.rooms
        for row in range(1, room.rows + 1)
        for column in range(1, room.columns + 1)
        if (row, column) not in room.unusable and (room.key, row, column) not in taken
    ]
    if len(free) < len(waiting):
        raise TransitionRefused(_("空余座位不足：还需 %(n)d 个座位，请增加考场。") % {"n": len(waiting) - len(free)})
    placements = [seating.Placement(c.key, *seat) for c, seat in zip(waiting, free, strict=False)]
    write_seats(seat_rows(placements, inputs.sessions_of))
    tickets = _give_tickets(actor, campaign, city, [p.candidate for p in placements])
    arrangement.version += 1
    arrangement.save(update_fields=["version"])
    record("exams.latecomers.seated", actor=actor, obj=arrangement, after={"seated": len(tickets)}, city=city)
    refresh_on_commit(campaign.pk, city.pk)
    return len(tickets)


def reissue(actor: User, application: Application, *, reason: str) -> Ticket | None:
    """A late move: the ticket keeps its number, its revision goes up, the applicant is told.
    Called inside the move's transaction (the arrangement is locked)."""
    ticket = Ticket.objects.select_for_update().filter(application=application, voided_at__isnull=True).first()
    if ticket is None:
        return None
    ticket.revision += 1
    ticket.issued_at = timezone.now()
    ticket.save(update_fields=["revision", "issued_at"])
    record(
        "exams.ticket.reissued",
        actor=actor,
        obj=application,
        after={"ticket": ticket.number, "revision": ticket.revision, "reason": reason},
    )
    application = Application.objects.select_related("campaign", "occupation", "level", "applicant").get(
        pk=application.pk
    )
    _tell(application, ticket, "exams.ticket_reissued")
    return ticket


# Tickets told per transaction by the tickets-open job (a campaign has tens of thousands).
OPENING_BATCH = 2000


def tell_tickets_open(today: date | None = None) -> int:
    """The daily job: from a campaign's tickets_open day until its exam, every scheduled holder of a
    valid ticket who has not been told is told once that downloads are open (`Ticket.opening_told_at`
    is the marker; a rerun sends nothing twice). Returns the messages sent."""
    today = today or timezone.localdate()
    campaigns = Campaign.objects.filter(tickets_open__isnull=False, tickets_open__lte=today, exam_date__gte=today)
    sent = 0
    for campaign in campaigns:
        while (told := _tell_opening(campaign)) is not None:
            sent += told
    return sent


@transaction.atomic
def _tell_opening(campaign: Campaign) -> int | None:
    """The next OPENING_BATCH untold tickets: told and marked in one transaction; None when none are
    left. The campaign's row is locked: two runs at once queue here, the second finds them marked."""
    Campaign.objects.select_for_update().get(pk=campaign.pk)
    untold = Ticket.objects.filter(
        campaign=campaign, voided_at__isnull=True, opening_told_at__isnull=True, application__status=Status.SCHEDULED
    )
    tickets = list(untold.order_by("number")[:OPENING_BATCH])
    if not tickets:
        return None
    Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(opening_told_at=timezone.now())
    return _tell_many(tickets, "exams.tickets_open", loaded={})
