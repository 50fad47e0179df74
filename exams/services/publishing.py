"""Publishing a city's seating: ticket numbers without gaps, candidates scheduled, applicants told;
latecomers seated and ticketed after it; a late move reissues that one ticket."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import lifecycle
from applications.models import Application, Status
from audit.services import record
from exams import numbering, states
from exams.handbook_tasks import refresh_on_commit
from exams.models import SeatAssignment, Ticket, TicketSerial
from exams.services.arranging import current_placements, inputs_for, seat_rooms, seat_rows, write_seats
from exams.services.common import require_arranger, require_version
from notifications.services import notify
from skillcert.refusals import TransitionRefused


def _lock_serial(campaign, city) -> TicketSerial:
    """The city's serial row, locked: numbers are given one transaction at a time (no gaps, no twins)."""
    TicketSerial.objects.get_or_create(campaign=campaign, city=city)
    return TicketSerial.objects.select_for_update().get(campaign=campaign, city=city)


def _seat_order(campaign, city) -> list[int]:
    """Seated applications in room and seat order: the order their serials follow."""
    rooms = {room.pk: index for index, room in enumerate(seat_rooms(campaign, city))}
    placements = current_placements(campaign, city).values()
    return [p.candidate for p in sorted(placements, key=lambda p: (rooms.get(p.room, 0), p.row, p.column))]


def _give_tickets(actor, campaign, city, application_ids: list[int]) -> list[Ticket]:
    """Tickets with the next serials for those without one, then paid → scheduled, then the message."""
    if not city.gbt2260:
        raise TransitionRefused(_("%(city)s 尚未设置行政区划代码，不能生成准考证号。") % {"city": city.name})
    has_ticket = set(
        Ticket.objects.filter(application__in=application_ids).order_by().values_list("application_id", flat=True)
    )
    serial = _lock_serial(campaign, city)
    now = timezone.now()
    tickets = []
    for pk in application_ids:
        if pk in has_ticket:
            continue
        serial.last += 1
        number = numbering.ticket_number(campaign.year, city.gbt2260, serial.last)
        tickets.append(Ticket(application_id=pk, campaign=campaign, city=city, number=number, issued_at=now))
    Ticket.objects.bulk_create(tickets, batch_size=2000)
    serial.save(update_fields=["last"])
    applications = Application.objects.select_related("campaign", "occupation", "level", "applicant")
    by_pk = applications.in_bulk([t.application_id for t in tickets])
    seats = _seats_of([t.application_id for t in tickets])
    for ticket in tickets:
        application = lifecycle.schedule(actor, by_pk[ticket.application_id], ticket_number=ticket.number)
        _tell(application, ticket, "exams.ticket_published", seats[ticket.application_id])
    return tickets


def _seats_of(application_ids: list[int]) -> dict[int, SeatAssignment]:
    """One seat per application (the same in every session), with its room and site, in one query."""
    rows = SeatAssignment.objects.filter(application__in=application_ids).select_related("room__site")
    return {seat.application_id: seat for seat in rows}


def _tell(application: Application, ticket: Ticket, kind: str, seat: SeatAssignment | None = None) -> None:
    seat = seat or SeatAssignment.objects.filter(application=application).select_related("room__site").first()
    if seat is None:
        return
    opens = application.campaign.tickets_open
    notify(
        application.applicant,
        kind,
        context={
            "application": application,
            "ticket": ticket,
            "site": seat.room.site,
            "room": seat.room,
            "seat": numbering.seat_label(seat.row, seat.column),
            "opens": f"{opens:%Y年%-m月%-d日}" if opens and opens > timezone.localdate() else "",
            "url": reverse("applications:detail", args=[application.pk]),
        },
        obj=application,
    )


def _require_publishable(campaign, city, inputs) -> None:
    seated = current_placements(campaign, city)
    if not seated:
        raise TransitionRefused(_("还没有编排座位，请先编排。"))
    unseated = [c.key for c in inputs.candidates if c.key not in seated]
    if unseated:
        raise TransitionRefused(
            _("还有 %(n)d 名已缴费考生没有座位，请增加考场或座位后重新编排。") % {"n": len(unseated)}
        )


@transaction.atomic
def request_publication(actor, campaign, city, *, version: int | None = None) -> bool:
    """Check that the city can be published now and queue the publication (`exams.tasks.publish_city`)
    after the commit; False when it is published already. The task runs `publish`, which checks again."""
    from exams import tasks
    from skillcert.jobs import enqueue_on_commit

    require_arranger(actor, city.pk)
    arrangement = states.lock_arrangement(campaign, city)
    if arrangement.is_published:
        return False
    require_version(arrangement, version)
    _require_publishable(campaign, city, inputs_for(campaign, city))
    enqueue_on_commit(tasks.publish_city, campaign.pk, city.pk, actor.pk)
    return True


@transaction.atomic
def publish(actor, campaign, city, *, version: int | None = None) -> int:
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
def seat_latecomers(actor, campaign, city) -> int:
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


def reissue(actor, application: Application, *, reason: str) -> Ticket | None:
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
