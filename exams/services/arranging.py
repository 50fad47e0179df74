"""Seating a city: the candidates and rooms handed to the pure algorithm, its plan previewed,
applied under the arrangement's lock, and single moves and swaps with their conflict checks."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from applications.models import Application, Status
from audit.services import record
from catalog.models import Campaign, City
from exams import seating
from exams.handbook_tasks import refresh_on_commit
from exams.models import SEATED_KINDS, Room, SeatAssignment, SeatingNeed
from exams.numbering import seat_label
from exams.services.common import require_arranger, require_draft, require_version
from exams.staffing import normalise_unit
from exams.states import lock_arrangement
from skillcert.refusals import TransitionRefused

# Who is seated: paid (before publication) or scheduled (after) candidates of the city.
SEATABLE = (Status.PAID, Status.SCHEDULED)


@dataclass(frozen=True)
class Inputs:
    """What a plan is computed from: candidates, rooms in fill order, and who sits which session."""

    candidates: tuple[seating.Candidate, ...]
    rooms: tuple[seating.RoomGrid, ...]
    sessions_of: dict[int, tuple[int, ...]]  # application → the sessions it sits


def seat_rooms(campaign: Campaign, city: City) -> QuerySet[Room]:
    """The city's rooms that get numbered seats, in fill order (site, then room)."""
    return (
        Room.objects.filter(site__campaign=campaign, site__city=city, kind__in=SEATED_KINDS)
        .select_related("site")
        .order_by("site__position", "site__pk", "position", "number", "pk")
    )


def grid_of(room: Room) -> seating.RoomGrid:
    return seating.RoomGrid(
        key=room.pk,
        rows=room.rows,
        columns=room.columns,
        unusable=frozenset(tuple(seat) for seat in room.unusable),
        accessible=frozenset(tuple(seat) for seat in room.accessible),
    )


def _sessions_by_paper(campaign: Campaign) -> list[tuple[int, set[int], set[int]]]:
    """(session, occupation ids, level numbers) of each session; empty sets mean everyone."""
    return [
        (session.pk, {o.pk for o in session.occupations.all()}, {lv.pk for lv in session.levels.all()})
        for session in campaign.sessions.prefetch_related("occupations", "levels").order_by("date", "starts_at")
    ]


def sessions_for(sessions: list[tuple[int, set[int], set[int]]], occupation_id: int, level_id: int) -> tuple[int, ...]:
    return tuple(
        pk
        for pk, occupations, levels in sessions
        if (not occupations or occupation_id in occupations) and (not levels or level_id in levels)
    )


def inputs_for(
    campaign: Campaign, city: City, *, statuses: Iterable[str] = (Status.PAID,), lock: bool = False
) -> Inputs:
    """The city's candidates (paid, by default) and rooms. `lock` locks the applications (by pk)."""
    applications = Application.objects.filter(campaign=campaign, city=city, status__in=statuses).order_by("pk")
    if lock:
        applications = applications.select_for_update(of=("self",))
    rows = list(applications.values_list("pk", "occupation_id", "occupation__code", "level_id", "employer"))
    accessible = set(
        SeatingNeed.objects.filter(
            application__campaign=campaign, application__city=city, application__status__in=statuses, accessible=True
        ).values_list("application_id", flat=True)
    )
    sessions = _sessions_by_paper(campaign)
    candidates, sessions_of = [], {}
    for pk, occupation_id, code, level, employer in rows:
        candidates.append(seating.Candidate(pk, (code or "", level or 0), normalise_unit(employer), pk in accessible))
        sessions_of[pk] = sessions_for(sessions, occupation_id, level)
    rooms = tuple(grid_of(room) for room in seat_rooms(campaign, city))
    return Inputs(tuple(candidates), rooms, sessions_of)


def preview(campaign: Campaign, city: City, *, seed: int, spacing: str) -> tuple[seating.Plan, Inputs]:
    """The plan the algorithm proposes now; nothing is written."""
    inputs = inputs_for(campaign, city)
    return seating.seat(inputs.candidates, inputs.rooms, seed=seed, spacing=seating.Spacing(spacing)), inputs


SeatRow = tuple[int, int, int, int, int]  # application, session, room, row, column
SEAT_COLUMNS = ("application_id", "session_id", "room_id", "row", "column")


def seat_rows(placements: Iterable[seating.Placement], sessions_of: dict[int, tuple[int, ...]]) -> list[SeatRow]:
    """One seat row per placement and session the candidate sits: the same seat in each."""
    return [
        (p.candidate, session, p.room, p.row, p.column)
        for p in placements
        for session in sessions_of.get(p.candidate, ())
    ]


def write_seats(rows: Iterable[SeatRow]) -> None:
    """Insert seat rows as plain tuples (200,000 model instances cost more than writing them):
    PostgreSQL's COPY, one executemany elsewhere. The unique constraints hold either way."""
    table = connection.ops.quote_name(SeatAssignment._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in SEAT_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(SEAT_COLUMNS))
            insert = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 (the model's own names)
            cursor.executemany(insert, list(rows))


@transaction.atomic
def apply_seating(
    actor: User, campaign: Campaign, city: City, *, seed: int, spacing: str, version: int | None
) -> seating.Plan:
    """Seat the city's paid candidates: the previous draft plan is replaced by this one.

    Refused when someone changed the arrangement since the form was made (`version`), or
    once the tickets are published. Two staff applying at once: the second waits for the
    arrangement lock, then finds the version moved and is told to refresh: one plan."""
    require_arranger(actor, city.pk)
    arrangement = lock_arrangement(campaign, city)
    require_version(arrangement, version)
    require_draft(arrangement)
    inputs = inputs_for(campaign, city, lock=True)
    plan = seating.seat(inputs.candidates, inputs.rooms, seed=seed, spacing=seating.Spacing(spacing))
    SeatAssignment.objects.filter(room__site__campaign=campaign, room__site__city=city).delete()
    write_seats(seat_rows(plan.placements, inputs.sessions_of))
    arrangement.seed, arrangement.spacing = seed, str(spacing)
    arrangement.version += 1
    arrangement.seated_at = timezone.now()
    arrangement.save(update_fields=["seed", "spacing", "version", "seated_at"])
    record(
        "exams.seating.applied",
        actor=actor,
        obj=arrangement,
        after={
            "seed": seed,
            "spacing": str(spacing),
            "seated": len(plan.placements),
            "unplaced": len(plan.unplaced),
            "warnings": len(plan.warnings),
        },
        city=city,
    )
    refresh_on_commit(campaign.pk, city.pk)
    return plan


# --- single moves and swaps ------------------------------------------------------------------


@dataclass(frozen=True)
class Seat:
    room: Room
    row: int
    column: int

    @property
    def label(self) -> str:
        return f"第{self.room.number}考场 {seat_label(self.row, self.column)}"


def current_placements(campaign: Campaign, city: City) -> dict[int, seating.Placement]:
    """application → its seat (the same in every session it sits)."""
    rows = SeatAssignment.objects.filter(room__site__campaign=campaign, room__site__city=city).values_list(
        "application_id", "room_id", "row", "column"
    )
    return {app: seating.Placement(app, room, row, column) for app, room, row, column in rows}


def _candidate_facts(applications: Iterable[int]) -> list[seating.Candidate]:
    keys = list(applications)
    rows = Application.objects.filter(pk__in=keys).values_list("pk", "occupation__code", "level_id", "employer")
    accessible = set(
        SeatingNeed.objects.filter(application__in=keys, accessible=True).values_list("application_id", flat=True)
    )
    return [
        seating.Candidate(pk, (code or "", level or 0), normalise_unit(unit), pk in accessible)
        for pk, code, level, unit in rows
    ]


def _check_target(room: Room, row: int, column: int) -> None:
    if not (1 <= row <= room.rows and 1 <= column <= room.columns):
        raise TransitionRefused(_("%(seat)s 不在该考场内。") % {"seat": seat_label(row, column)})
    if [row, column] in room.unusable or (row, column) in {tuple(s) for s in room.unusable}:
        raise TransitionRefused(_("%(seat)s 不可用。") % {"seat": seat_label(row, column)})


def conflicts_after(campaign: Campaign, city: City, moved: dict[int, seating.Placement]) -> list[str]:
    """What the seating module finds wrong once `moved` is applied together: its errors refuse,
    its warnings (a colleague next to them, another paper, an accessible need) are returned."""
    rooms = {p.room for p in moved.values()}
    seated = [p for p in current_placements(campaign, city).values() if p.room in rooms]
    grids = [grid_of(room) for room in Room.objects.filter(pk__in=rooms)]
    candidates = _candidate_facts({p.candidate for p in seated} | set(moved))
    conflicts = seating.move_conflicts(seated, candidates, grids, list(moved.values()))
    errors = [c.message for c in conflicts if c.severity is seating.Severity.ERROR]
    if errors:
        raise TransitionRefused("；".join(errors))
    return [c.message for c in conflicts]


def _rewrite_seat(application_id: int, target: seating.Placement) -> None:
    SeatAssignment.objects.filter(application_id=application_id).update(
        room_id=target.room, row=target.row, column=target.column
    )


@transaction.atomic
def move_seat(
    actor: User,
    campaign: Campaign,
    city: City,
    application: Application,
    *,
    room: Room,
    row: int,
    column: int,
    version: int | None,
    confirm: bool = False,
) -> list[str]:
    """Move one seated candidate to a free seat of a seated room of the city.

    Hard conflicts (taken, unusable, outside the grid) refuse; what the seating module
    flags (a colleague next to them) refuses unless `confirm`. Returns the flags accepted.
    After publication the ticket is reissued (`publishing.reissue`)."""
    from exams.services import publishing

    require_arranger(actor, city.pk)
    arrangement = lock_arrangement(campaign, city)
    require_version(arrangement, version)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if room.site.city_id != city.pk or room.site.campaign_id != campaign.pk or room.kind not in SEATED_KINDS:
        raise TransitionRefused(_("只能调整到本盟市的笔试或机考考场。"))
    placements = current_placements(campaign, city)
    if application.pk not in placements:
        raise TransitionRefused(_("该考生还没有座位。"))
    _check_target(room, row, column)
    occupant = next((p for p in placements.values() if (p.room, p.row, p.column) == (room.pk, row, column)), None)
    if occupant is not None:
        raise TransitionRefused(_("%(seat)s 已有考生，请改用交换座位。") % {"seat": seat_label(row, column)})
    old = placements[application.pk]
    target = seating.Placement(application.pk, room.pk, row, column)
    flags = conflicts_after(campaign, city, {application.pk: target})
    if flags and not confirm:
        raise TransitionRefused(_("调整后：") + "；".join(flags) + _(" 如确需调整，请勾选“仍然调整”。"))
    _rewrite_seat(application.pk, target)
    arrangement.version += 1
    arrangement.save(update_fields=["version"])
    before = {"room": Room.objects.get(pk=old.room).number, "seat": seat_label(old.row, old.column)}
    after = {"room": room.number, "seat": seat_label(row, column), "flags": flags}
    record("exams.seat.moved", actor=actor, obj=application, before=before, after=after)
    refresh_on_commit(campaign.pk, city.pk)
    if arrangement.is_published:
        publishing.reissue(actor, application, reason=_("座位调整"))
    return flags


@transaction.atomic
def swap_seats(
    actor: User,
    campaign: Campaign,
    city: City,
    first: Application,
    second: Application,
    *,
    version: int | None,
    confirm: bool = False,
) -> list[str]:
    """Two seated candidates of the city exchange seats (in every session they sit)."""
    from exams.services import publishing

    require_arranger(actor, city.pk)
    arrangement = lock_arrangement(campaign, city)
    require_version(arrangement, version)
    if first.pk == second.pk:
        raise TransitionRefused(_("请选择两名不同的考生。"))
    locked = list(Application.objects.select_for_update().filter(pk__in=[first.pk, second.pk]).order_by("pk"))
    placements = current_placements(campaign, city)
    if first.pk not in placements or second.pk not in placements:
        raise TransitionRefused(_("两名考生都须已有座位。"))
    a, b = placements[first.pk], placements[second.pk]
    moved = {
        first.pk: seating.Placement(first.pk, b.room, b.row, b.column),
        second.pk: seating.Placement(second.pk, a.room, a.row, a.column),
    }
    flags = conflicts_after(campaign, city, moved)
    if flags and not confirm:
        raise TransitionRefused(_("交换后：") + "；".join(flags) + _(" 如确需交换，请勾选“仍然调整”。"))
    # Through the side: the seat constraint holds at every statement.
    rows = defaultdict(list)
    for seat in SeatAssignment.objects.filter(application__in=[first.pk, second.pk]):
        rows[seat.application_id].append(seat)
    seats_of_first = [(s.session_id) for s in rows[first.pk]]
    seats_of_second = [(s.session_id) for s in rows[second.pk]]
    SeatAssignment.objects.filter(application__in=[first.pk, second.pk]).delete()
    SeatAssignment.objects.bulk_create(
        [
            SeatAssignment(application_id=first.pk, session_id=s, room_id=b.room, row=b.row, column=b.column)
            for s in seats_of_first
        ]
        + [
            SeatAssignment(application_id=second.pk, session_id=s, room_id=a.room, row=a.row, column=a.column)
            for s in seats_of_second
        ]
    )
    arrangement.version += 1
    arrangement.save(update_fields=["version"])
    record(
        "exams.seat.swapped",
        actor=actor,
        obj=arrangement,
        after={
            "applications": [first.pk, second.pk],
            "seats": [seat_label(a.row, a.column), seat_label(b.row, b.column)],
            "flags": flags,
        },
        city=city,
    )
    refresh_on_commit(campaign.pk, city.pk)
    if arrangement.is_published:
        for application in locked:
            publishing.reissue(actor, application, reason=_("座位交换"))
    return flags
