"""Reads of exam day: an invigilator's posts (room × session, on the day), a room's roster and
status, and its absences, which score entry starts from."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.permissions import AnyUser, has_capability, require, scope_by_city
from applications.models import Application
from catalog.models import Campaign, City, ExamSession
from exams import selectors
from exams.models import CheckIn, Outcome, Room, SeatAssignment, StaffAssignment, Ticket
from exams.numbering import seat_label


@dataclass(frozen=True)
class Post:
    """A room and a session an invigilator checks candidates in for."""

    room: Room
    session: ExamSession


def posts_of(user: AnyUser, today: date) -> list[StaffAssignment]:
    """The invigilator's rooms and sessions of `today`, in time order."""
    return list(
        selectors.invigilator_assignments(user, today).order_by("session__starts_at", "room__site__pk", "room__number")
    )


def get_post_for(user: AnyUser, room_pk: int, session_pk: int, today: date) -> Post:
    """The post if `user` is assigned to it today; 403 without the capability, 404 otherwise
    (another site's room, another day's session)."""
    require(user, "exams.checkin")
    assignment = (
        selectors.invigilator_assignments(user, today)
        .filter(room_id=room_pk, session_id=session_pk)
        .select_related("room__site__campaign", "session__campaign")
        .first()
    )
    if assignment is None:
        raise Http404
    return Post(assignment.room, assignment.session)


def get_status_for(user: AnyUser, room_pk: int, session_pk: int, today: date) -> Post:
    """A room's check-in status, read-only: the invigilator on their post, desk staff of the city
    (co-organizer, regulator) and the association."""
    if has_capability(user, "exams.checkin"):
        return get_post_for(user, room_pk, session_pk, today)
    require(user, "exams.view")
    rooms = Room.objects.select_related("site__campaign", "site__city")
    room = get_object_or_404(scope_by_city(rooms, user, city_field="site__city"), pk=room_pk)
    session = get_object_or_404(ExamSession.objects.select_related("campaign"), pk=session_pk)
    if session.campaign_id != room.site.campaign_id:
        raise Http404
    return Post(room, session)


@dataclass(frozen=True)
class RosterLine:
    application: int
    name: str
    id_number: str  # as stored (full): mask it where it is shown
    occupation: str
    level: str
    seat: str
    number: str
    outcome: str  # "" when nobody recorded one yet
    outcome_label: str
    note: str


def roster(room: Room, session: ExamSession) -> list[RosterLine]:
    """Every candidate seated in the room for the session, in seat order, with their outcome."""
    seats = (
        SeatAssignment.objects.filter(room=room, session=session)
        .select_related("application__occupation", "application__level")
        .order_by("row", "column")
    )
    ids = [seat.application_id for seat in seats]
    numbers = dict(
        Ticket.objects.filter(application__in=ids, voided_at__isnull=True).values_list("application_id", "number")
    )
    outcomes = {c.application_id: c for c in CheckIn.objects.filter(session=session, application__in=ids)}
    lines = []
    for seat in seats:
        a = seat.application
        check_in = outcomes.get(a.pk)
        lines.append(
            RosterLine(
                application=a.pk,
                name=a.full_name,
                id_number=a.id_number,
                occupation=a.occupation.name if a.occupation else "",
                level=str(a.level),
                seat=seat_label(seat.row, seat.column),
                number=numbers.get(a.pk, ""),
                outcome=check_in.outcome if check_in else "",
                outcome_label=check_in.get_outcome_display() if check_in else "",
                note=check_in.note if check_in else "",
            )
        )
    return lines


def absences(room: Room, session: ExamSession) -> QuerySet[Application]:
    """The candidates of the room recorded absent (缺考) in the session: where score entry starts."""
    absent = CheckIn.objects.filter(session=session, outcome=Outcome.ABSENT).values("application")
    seated = SeatAssignment.objects.filter(room=room, session=session).values("application")
    return Application.objects.filter(pk__in=absent).filter(pk__in=seated).order_by("full_name", "pk")


def counts(lines: list[RosterLine]) -> dict[str, int]:
    """How many of each outcome, and how many are still unmarked."""
    result = {value: 0 for value in Outcome.values} | {"unmarked": 0}
    for line in lines:
        result[line.outcome or "unmarked"] += 1
    return result


@dataclass(frozen=True)
class BoardLine:
    room: Room
    session: ExamSession
    seated: int
    present: int
    absent: int
    incident: int

    @property
    def unmarked(self) -> int:
        return max(self.seated - self.present - self.absent - self.incident, 0)


def board(campaign: Campaign, city: City) -> list[BoardLine]:
    """Every seated room × session of the city with its check-in counts (a fixed number of queries)."""
    from collections import Counter

    from django.db.models import Count

    seats = (
        SeatAssignment.objects.filter(room__site__campaign=campaign, room__site__city=city)
        .order_by()
        .values_list("room", "session")
        .annotate(n=Count("pk"))
    )
    outcomes: Counter[tuple[int, int, str]] = Counter()
    check_ins = CheckIn.objects.filter(room__site__campaign=campaign, room__site__city=city).order_by()
    for room, session, outcome, n in check_ins.values_list("room", "session", "outcome").annotate(n=Count("pk")):
        outcomes[(room, session, outcome)] = n
    rooms = Room.objects.select_related("site").in_bulk({room for room, _session, _n in seats})
    sessions = ExamSession.objects.in_bulk({session for _room, session, _n in seats})
    lines = [
        BoardLine(
            rooms[r],
            sessions[s],
            n,
            *(outcomes[(r, s, o)] for o in (Outcome.PRESENT, Outcome.ABSENT, Outcome.INCIDENT)),
        )
        for r, s, n in seats
    ]
    return sorted(
        lines,
        key=lambda x: (
            x.session.date,
            x.session.starts_at,
            x.room.site.position,
            x.room.site_id,
            x.room.position,
            x.room.number,
        ),
    )
