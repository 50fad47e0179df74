"""Reads of exams' rows for pages: always scoped (city staff their city, invigilators their site)."""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Model, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from accounts.permissions import AnyUser, has_capability, require, scope_by_city
from applications.models import Application, Status
from catalog.models import Campaign, City, ExamSession
from exams import grid, seating, staffing, states
from exams.models import (
    Arrangement,
    ExamStaff,
    Publication,
    Room,
    RoomKind,
    SeatAssignment,
    SeatingNeed,
    Site,
    StaffAssignment,
    Ticket,
)
from exams.numbering import seat_label
from exams.services.arranging import SEATABLE, seat_rooms

# --- access -------------------------------------------------------------------------------------


def city_for(user: User, code: str | None) -> City | None:
    """The city whose arrangement `user` opens: city staff their own, the association the one
    asked for (None: the overview of every city). 403 without exams.view."""
    require(user, "exams.view")
    if not user.is_association:
        return user.city
    return get_object_or_404(City, code=code) if code else None


def _scoped[T: Model](user: AnyUser, queryset: QuerySet[T], pk: int, *, need: str, city_field: str) -> T:
    """An object of the user's city if they hold the capability of `need` (403), else 404."""
    require(user, "exams.arrange" if need == "arrange" else "exams.view")
    return get_object_or_404(scope_by_city(queryset, user, city_field=city_field), pk=pk)


def get_site_for(user: AnyUser, pk: int, *, need: str = "arrange") -> Site:
    return _scoped(user, Site.objects.select_related("campaign", "city"), pk, need=need, city_field="city")


def get_room_for(user: AnyUser, pk: int, *, need: str = "arrange") -> Room:
    rooms = Room.objects.select_related("site__campaign", "site__city")
    return _scoped(user, rooms, pk, need=need, city_field="site__city")


def get_staff_for(user: AnyUser, pk: int, *, need: str = "arrange") -> ExamStaff:
    return _scoped(user, ExamStaff.objects.select_related("site", "city"), pk, need=need, city_field="city")


def get_assignment_for(user: AnyUser, pk: int) -> StaffAssignment:
    assignments = StaffAssignment.objects.select_related("staff", "room__site", "session")
    return _scoped(user, assignments, pk, need="arrange", city_field="staff__city")


def get_candidate_for(user: AnyUser, pk: int, campaign: Campaign) -> Application:
    """A paid or scheduled application of the arranger's city (404 otherwise)."""
    require(user, "exams.arrange")
    applications = Application.objects.filter(campaign=campaign, status__in=SEATABLE)
    return get_object_or_404(scope_by_city(applications, user), pk=pk)


# --- the city's arrangement -------------------------------------------------------------------


def arrangement_of(campaign: Campaign, city: City) -> Arrangement:
    """The (campaign, city) arrangement as it is (unsaved draft when none exists yet)."""
    found = Arrangement.objects.filter(campaign=campaign, city=city).first()
    return found or Arrangement(campaign=campaign, city=city)


@dataclass(frozen=True)
class PublicationView:
    """What the seating pages say about the background publication: `key` is draft, queued,
    running, done or failed; `reason` (failed) is Chinese for the co-organizer; `retry` offers
    the publish button again."""

    key: str
    reason: str = ""
    at: datetime | None = None

    @property
    def retry(self) -> bool:
        return self.key in ("draft", "failed")


STALLED = _("后台发布超过 %(minutes)d 分钟没有完成，可能已中断，未发布任何准考证。请重新发布。")


def publication_of(arrangement: Arrangement) -> PublicationView:
    """The publication as the page shows it: a run whose worker died reads as failed."""
    at = arrangement.publication_changed_at
    if arrangement.is_published:
        return PublicationView("done", at=arrangement.published_at)
    if states.publication_stalled(arrangement):
        minutes = int(states.PUBLICATION_STALLS_AFTER.total_seconds() // 60)
        return PublicationView("failed", reason=str(STALLED) % {"minutes": minutes}, at=at)
    if arrangement.publication in (Publication.QUEUED, Publication.RUNNING, Publication.FAILED):
        return PublicationView(arrangement.publication, reason=arrangement.publication_error, at=at)
    return PublicationView("draft")


def sites_of(campaign: Campaign, city: City) -> QuerySet[Site]:
    # The seat count is distinct per candidate, whatever the number of sessions they sit.
    rooms = Room.objects.annotate(seated=Count("seats__application", distinct=True)).order_by("position", "number")
    return Site.objects.filter(campaign=campaign, city=city).prefetch_related(Prefetch("rooms", queryset=rooms))


def staff_of(campaign: Campaign, city: City) -> QuerySet[ExamStaff]:
    return ExamStaff.objects.filter(campaign=campaign, city=city).select_related("site", "user")


@dataclass
class Counts:
    paid: int
    seated: int
    capacity: int
    rooms: int
    sites: int


def counts(campaign: Campaign, city: City) -> Counts:
    candidates = Application.objects.filter(campaign=campaign, city=city, status__in=SEATABLE)
    rooms = list(seat_rooms(campaign, city))
    seated = SeatAssignment.objects.filter(room__site__campaign=campaign, room__site__city=city)
    return Counts(
        paid=candidates.count(),
        seated=seated.order_by().values("application").distinct().count(),
        capacity=sum(room.capacity for room in rooms),
        rooms=Room.objects.filter(site__campaign=campaign, site__city=city).count(),
        sites=Site.objects.filter(campaign=campaign, city=city).count(),
    )


@dataclass
class Occupant:
    application: int
    name: str
    paper: str
    unit: str
    accessible_need: bool


@dataclass
class Chart:
    room: Room
    rows: list[list[grid.Cell]]
    seated: int
    papers: list[tuple[str, int]]  # (paper, candidates)


def _occupants(application_ids: Iterable[int]) -> dict[int, Occupant]:
    rows = Application.objects.filter(pk__in=list(application_ids)).values_list(
        "pk", "full_name", "occupation__name", "level__name", "employer"
    )
    need = set(
        SeatingNeed.objects.filter(application__in=list(application_ids), accessible=True).values_list(
            "application_id", flat=True
        )
    )
    return {
        pk: Occupant(pk, name, f"{occupation or ''} {level or ''}".strip(), unit, pk in need)
        for pk, name, occupation, level, unit in rows
    }


def charts(campaign: Campaign, city: City, placements: Iterable[seating.Placement]) -> list[Chart]:
    """Every seated room of the city as a grid with its occupants (`placements`: a plan's or the stored ones)."""
    by_room: dict[int, dict[tuple[int, int], int]] = defaultdict(dict)
    for p in placements:
        by_room[p.room][(p.row, p.column)] = p.candidate
    people = _occupants({p.candidate for p in placements})
    result = []
    for room in seat_rooms(campaign, city):
        seats = {where: people.get(pk) for where, pk in by_room.get(room.pk, {}).items()}
        papers = Counter(o.paper for o in seats.values() if o)
        result.append(
            Chart(
                room=room,
                rows=grid.cells(room.rows, room.columns, room.unusable, room.accessible, seats),
                seated=len(seats),
                papers=sorted(papers.items()),
            )
        )
    return result


def seated_candidates(campaign: Campaign, city: City) -> list[dict[str, Any]]:
    """For the move and swap forms: every seated candidate with their seat label."""
    seats = (
        SeatAssignment.objects.filter(room__site__campaign=campaign, room__site__city=city)
        .order_by("room__site__position", "room__position", "room__number", "row", "column", "session_id")
        .values_list("application_id", "application__full_name", "room__number", "row", "column")
    )
    seen, rows = set(), []
    for pk, name, room, row, column in seats:
        if pk not in seen:
            seen.add(pk)
            rows.append({"pk": pk, "label": f"{name} · 第{room}考场 {seat_label(row, column)}"})
    return rows


def candidates_with_needs(campaign: Campaign, city: City) -> QuerySet[Application]:
    return (
        Application.objects.filter(campaign=campaign, city=city, status__in=SEATABLE)
        .select_related("occupation", "level", "seating_need")
        .order_by("full_name", "pk")
    )


# --- staff per room and session -----------------------------------------------------------------


@dataclass
class RoomSession:
    room: Room
    session: Any
    assignments: list[StaffAssignment] = field(default_factory=list)
    candidates: int = 0
    check: staffing.StaffCheck | None = None


def staffing_table(campaign: Campaign, city: City) -> list[RoomSession]:
    """Each room × session of the city with its staff and the notice's checks."""
    sessions = list(campaign.sessions.order_by("date", "starts_at"))
    rooms = list(
        Room.objects.filter(site__campaign=campaign, site__city=city)
        .select_related("site")
        .order_by("site__position", "site__pk", "position", "number")
    )
    assigned = defaultdict(list)
    for a in StaffAssignment.objects.filter(room__in=rooms).select_related("staff"):
        assigned[(a.room_id, a.session_id)].append(a)
    seat_counts: Counter[tuple[int, int]] = Counter()
    units = defaultdict(set)
    seats = SeatAssignment.objects.filter(room__in=rooms).values_list("room_id", "session_id", "application__employer")
    for room_id, session_id, unit in seats:
        seat_counts[(room_id, session_id)] += 1
        units[(room_id, session_id)].add(unit)
    table = []
    for room in rooms:
        for session in sessions:
            key = (room.pk, session.pk)
            people = assigned.get(key, [])
            check = staffing.check_room(
                [(a.staff.name, a.staff.work_unit) for a in people],
                units.get(key, ()),
                candidates=seat_counts[key],
                written=room.kind == RoomKind.WRITTEN,
            )
            table.append(RoomSession(room, session, people, seat_counts[key], check))
    return table


# --- the association's overview ----------------------------------------------------------------


@dataclass
class CityProgress:
    city: City
    sites: int
    rooms: int
    paid: int
    seated: int
    published: bool


def progress(campaign: Campaign) -> list[CityProgress]:
    """Per city: sites, rooms, seated/paid and whether the tickets are out (a fixed number of queries)."""
    sites = Counter(dict(Site.objects.filter(campaign=campaign).order_by().values_list("city").annotate(n=Count("pk"))))
    rooms = Counter(
        dict(Room.objects.filter(site__campaign=campaign).order_by().values_list("site__city").annotate(n=Count("pk")))
    )
    paid = Counter(
        dict(
            Application.objects.filter(campaign=campaign, status__in=SEATABLE)
            .order_by()
            .values_list("city")
            .annotate(n=Count("pk"))
        )
    )
    seated = Counter(
        dict(
            SeatAssignment.objects.filter(room__site__campaign=campaign)
            .order_by()
            .values_list("room__site__city")
            .annotate(n=Count("application", distinct=True))
        )
    )
    published = set(
        Arrangement.objects.filter(campaign=campaign, state=Arrangement.State.PUBLISHED).values_list(
            "city_id", flat=True
        )
    )
    return [
        CityProgress(city, sites[city.pk], rooms[city.pk], paid[city.pk], seated[city.pk], city.pk in published)
        for city in City.objects.order_by("position", "name")
    ]


# --- the applicant's page -------------------------------------------------------------------


@dataclass
class SessionSeat:
    session: Any
    site: Site
    room: Room
    seat: str


@dataclass
class ExamInfo:
    ticket: Ticket
    seats: list[SessionSeat]
    rules: str
    downloadable: bool
    opens: date | None


def exam_info_for(application: Application, today: date) -> ExamInfo | None:
    """Time, place, room and seat per session once the city's tickets are published."""
    return exam_infos_for([application], today).get(application.pk)


def exam_infos_for(applications: Iterable[Application], today: date) -> dict[int, ExamInfo]:
    """`exam_info_for` of many applications (a room's) in two queries: by application id, only
    those with a valid ticket, scheduled and seated. Each application's campaign should be loaded."""
    scheduled = {a.pk: a for a in applications if a.status == Status.SCHEDULED}
    tickets = {t.application_id: t for t in Ticket.objects.filter(application__in=scheduled, voided_at__isnull=True)}
    seats: dict[int, list[SeatAssignment]] = defaultdict(list)
    rows = SeatAssignment.objects.filter(application__in=list(tickets)).select_related("session", "room__site")
    for seat in rows.order_by("application_id", "session__date", "session__starts_at"):
        seats[seat.application_id].append(seat)
    infos = {}
    for pk, ticket in tickets.items():
        if seats[pk]:
            campaign = scheduled[pk].campaign
            infos[pk] = ExamInfo(
                ticket=ticket,
                seats=[SessionSeat(s.session, s.room.site, s.room, seat_label(s.row, s.column)) for s in seats[pk]],
                rules=campaign.exam_rules,
                downloadable=tickets_downloadable(campaign, today),
                opens=campaign.tickets_open,
            )
    return infos


def tickets_downloadable(campaign: Campaign, today: date) -> bool:
    return campaign.tickets_open is None or today >= campaign.tickets_open


# --- exam-day accounts ---------------------------------------------------------------------------


def invigilator_assignments(user: AnyUser, today: date | None = None) -> QuerySet[StaffAssignment]:
    """The rooms and sessions of an invigilator (their ExamStaff row), on `today` when given."""
    if not (user.is_authenticated and user.is_active and user.role == Role.INVIGILATOR):
        return StaffAssignment.objects.none()
    assignments = StaffAssignment.objects.filter(staff__user=user, staff__city=user.city).select_related(
        "room__site", "session"
    )
    if today is not None:
        assignments = assignments.filter(session__date=today)
    return assignments


def may_check_in(user: AnyUser, room: Room, session: ExamSession) -> bool:
    """An invigilator may check candidates in only in a room and session assigned to them."""
    return (
        has_capability(user, "exams.checkin")
        and invigilator_assignments(user).filter(Q(room=room) & Q(session=session)).exists()
    )


def require_check_in(user: AnyUser, room: Room, session: ExamSession) -> None:
    if not may_check_in(user, room, session):
        raise PermissionDenied("not assigned to this room and session")
