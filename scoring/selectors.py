"""Reads of score entry: the sheets of a city, a sheet's lines in ticket order (with exam day's
outcome and one round's entries, never the other's: the two entries are blind), mismatches."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.permissions import AnyUser, require, scope_by_city
from applications.models import Application
from catalog.models import Campaign, City, ExamSession
from exams.models import CheckIn, Outcome, Room, SeatAssignment, Ticket
from scoring import rules
from scoring.models import Entry, Part, Round, Score, ScoringRules, Sheet

DAY_MARKS = {Outcome.ABSENT: rules.ABSENT, Outcome.INCIDENT: rules.VOID}


def rules_of(campaign: Campaign) -> ScoringRules:
    """The campaign's rules, the defaults until the association saves them."""
    found = ScoringRules.objects.filter(campaign=campaign).first()
    return found or ScoringRules(campaign=campaign)


def cell_of(entry: Entry | Score) -> rules.Cell:
    return rules.Cell(entry.mark, entry.value, entry.note)


def get_room_session_for(user: AnyUser, room_pk: int, session_pk: int) -> tuple[Room, ExamSession]:
    """A room of the user's city (the association: any) and a session of its campaign; 404 otherwise."""
    require(user, "scoring.view")
    rooms = scope_by_city(Room.objects.select_related("site__campaign", "site__city"), user, city_field="site__city")
    room = get_object_or_404(rooms, pk=room_pk)
    session = get_object_or_404(ExamSession.objects.select_related("campaign"), pk=session_pk)
    if session.campaign_id != room.site.campaign_id:
        raise Http404
    return room, session


def get_sheet_for(user: AnyUser, pk: int) -> Sheet:
    require(user, "scoring.view")
    sheets = Sheet.objects.select_related("room__site", "session", "campaign", "city")
    return get_object_or_404(scope_by_city(sheets, user), pk=pk)


def sheet_of(room: Room, session: ExamSession) -> Sheet:
    """The room's sheet of the session, or an unsaved one with nothing entered (for readers)."""
    found = Sheet.objects.filter(room=room, session=session).first()
    site = room.site
    return found or Sheet(
        room=room, session=session, campaign_id=site.campaign_id, city_id=site.city_id, part=part_of(session)
    )


def part_of(session: ExamSession) -> str:
    return Part.THEORY if session.kind == ExamSession.Kind.THEORY else Part.SKILL


@dataclass(frozen=True)
class SheetSummary:
    room: Room
    session: ExamSession
    sheet: Sheet | None
    seated: int
    first: int  # rows entered in 录入
    second: int  # rows entered in 复核

    @property
    def state_label(self) -> str:
        if self.sheet is not None and self.sheet.state == Sheet.State.CONFIRMED:
            return "已确认"
        if self.first or self.second:
            return "录入中"
        return "未录入"


def sheets_of(campaign: Campaign, city: City) -> list[SheetSummary]:
    """Every seated room × session of the city, with its sheet and how far each round is."""
    from collections import Counter

    from django.db.models import Count

    seats = (
        SeatAssignment.objects.filter(room__site__campaign=campaign, room__site__city=city)
        .order_by()
        .values_list("room", "session")
        .annotate(n=Count("pk"))
    )
    sheets = {(s.room_id, s.session_id): s for s in Sheet.objects.filter(campaign=campaign, city=city)}
    entered: Counter[tuple[int, int]] = Counter()
    rows = Entry.objects.filter(sheet__in=[s.pk for s in sheets.values()]).order_by()
    for sheet_id, round_, n in rows.values_list("sheet", "round").annotate(n=Count("pk")):
        entered[(sheet_id, round_)] = n
    rooms = Room.objects.select_related("site").in_bulk({r for r, _s, _n in seats})
    sessions = ExamSession.objects.in_bulk({s for _r, s, _n in seats})
    result = []
    for r, s, n in seats:
        sheet = sheets.get((r, s))
        key = sheet.pk if sheet else 0
        result.append(
            SheetSummary(rooms[r], sessions[s], sheet, n, entered[(key, Round.FIRST)], entered[(key, Round.SECOND)])
        )
    return sorted(result, key=lambda x: (x.session.starts_at, x.room.site.position, x.room.position, x.room.number))


@dataclass(frozen=True)
class Line:
    """One candidate of a sheet: identity, exam day, and the entries the reader may see."""

    application: Application
    number: str
    day: str  # rules.ABSENT / rules.VOID when exam day fixed the part, else ""
    day_note: str
    entry: rules.Cell | None  # the asked round's entry
    final: rules.Cell | None
    score_pk: int | None = None

    @property
    def fixed(self) -> rules.Cell | None:
        return rules.Cell(self.day, None, self.day_note) if self.day else None


def candidates(room: Room, session: ExamSession) -> list[tuple[Application, str]]:
    """The room's candidates of the session in ticket order, with their ticket numbers."""
    ids = SeatAssignment.objects.filter(room=room, session=session).values("application")
    numbers = dict(
        Ticket.objects.filter(application__in=ids, voided_at__isnull=True).values_list("application_id", "number")
    )
    people = Application.objects.filter(pk__in=ids).select_related("occupation", "level")
    return sorted(((a, numbers.get(a.pk, "")) for a in people), key=lambda pair: (pair[1], pair[0].pk))


def candidate_rows(room: Room, session: ExamSession) -> list[tuple[int, str, str]]:
    """`candidates` as plain rows (application id, full name, ticket number), same order: what
    checking a sheet of 100,000 needs, without a model instance per candidate."""
    ids = SeatAssignment.objects.filter(room=room, session=session).values("application")
    numbers = dict(
        Ticket.objects.filter(application__in=ids, voided_at__isnull=True).values_list("application_id", "number")
    )
    people = Application.objects.filter(pk__in=ids).values_list("pk", "full_name")
    return sorted(((pk, name, numbers.get(pk, "")) for pk, name in people), key=lambda row: (row[2], row[0]))


def candidate_ids(room: Room, session: ExamSession) -> set[int]:
    """The ids of the room's candidates of the session (one cheap query)."""
    seated = SeatAssignment.objects.filter(room=room, session=session)
    return set(Application.objects.filter(pk__in=seated.values("application")).values_list("pk", flat=True))


def room_day_outcomes(room: Room, session: ExamSession) -> dict[int, tuple[str, str]]:
    """`day_outcomes` of the room's candidates, by a subquery rather than a list of 100,000 ids."""
    seated = SeatAssignment.objects.filter(room=room, session=session).values("application")
    check_ins = CheckIn.objects.filter(session=session, application__in=seated, outcome__in=list(DAY_MARKS))
    return {
        pk: (DAY_MARKS[Outcome(outcome)], note)
        for pk, outcome, note in check_ins.values_list("application_id", "outcome", "note")
    }


def day_outcomes(session: ExamSession, ids: list[int]) -> dict[int, tuple[str, str]]:
    check_ins = CheckIn.objects.filter(session=session, application__in=ids, outcome__in=list(DAY_MARKS))
    return {c.application_id: (DAY_MARKS[Outcome(c.outcome)], c.note) for c in check_ins}


def lines(room: Room, session: ExamSession, sheet: Sheet | None, round_: int | None) -> list[Line]:
    """The sheet's lines; `round_` None shows no entry (a reader), else only that round's."""
    people = candidates(room, session)
    ids = [a.pk for a, _n in people]
    day = day_outcomes(session, ids)
    entries: dict[int, rules.Cell] = {}
    if sheet is not None and round_ is not None:
        entries = {e.application_id: cell_of(e) for e in Entry.objects.filter(sheet=sheet, round=round_)}
    finals = {s.application_id: s for s in Score.objects.filter(application__in=ids, part=part_of(session))}
    return [
        Line(
            a,
            number,
            *day.get(a.pk, ("", "")),
            entries.get(a.pk),
            cell_of(finals[a.pk]) if a.pk in finals else None,
            finals[a.pk].pk if a.pk in finals else None,
        )
        for a, number in people
    ]


def round_owner(sheet: Sheet | None, round_: int) -> User | None:
    if sheet is None:
        return None
    entry = Entry.objects.filter(sheet=sheet, round=round_).select_related("entered_by").order_by("pk").first()
    return entry.entered_by if entry else None


def round_for(user: User, sheet: Sheet | None) -> int | None:
    """The round `user` enters on this sheet: the one they own, else the first free; None when both
    rounds are someone else's."""
    first, second = round_owner(sheet, Round.FIRST), round_owner(sheet, Round.SECOND)
    if first == user or (first is None and second != user):
        return Round.FIRST
    if second == user or second is None:
        return Round.SECOND
    return None


@dataclass(frozen=True)
class MismatchLine:
    application: Application
    number: str
    first: rules.Cell
    second: rules.Cell
    decision: rules.Cell | None


def mismatches(sheet: Sheet) -> list[MismatchLine]:
    """Side by side: where 录入 and 复核 disagree, with the decision when one was made."""
    by_round: dict[int, dict[int, rules.Cell]] = {r: {} for r in Round.values}
    for entry in Entry.objects.filter(sheet=sheet):
        by_round[entry.round][entry.application_id] = cell_of(entry)
    found = rules.mismatches(by_round[Round.FIRST], by_round[Round.SECOND])
    people = dict((a.pk, (a, n)) for a, n in candidates(sheet.room, sheet.session))
    return [
        MismatchLine(*people[m.application], m.first, m.second, by_round[Round.DECISION].get(m.application))
        for m in found
        if m.application in people
    ]


def scores_of(application: Application) -> QuerySet[Score]:
    return Score.objects.filter(application=application).order_by("part")
