"""Fixtures of the scoring tests (a plugin of the root conftest): a city whose exam has been sat.

`sat` builds on exams' `published` (呼和浩特's 30 candidates seated and ticketed in two rooms) and
records exam day the way check-in leaves it: in the first room's theory session the first candidate
was absent (缺考) and the second had an incident (违纪), everyone else present."""

from dataclasses import dataclass

import pytest
from django.utils import timezone

from accounts.models import Role, User
from applications.models import Application
from catalog.models import Campaign, City, ExamSession, Level
from conftest import PASSWORD
from exams.models import CheckIn, Outcome, Room, SeatAssignment, Site, Ticket


@dataclass
class Sat:
    campaign: Campaign
    city: City
    site: Site
    rooms: list[Room]
    theory: ExamSession
    skill: ExamSession

    def seated(self, room: Room, session: ExamSession) -> list[Application]:
        """The room's candidates of the session in ticket order (the order of the answer-sheet bundles)."""
        ids = SeatAssignment.objects.filter(room=room, session=session).values("application")
        numbers = dict(Ticket.objects.filter(application__in=ids).values_list("application_id", "number"))
        candidates = Application.objects.filter(pk__in=ids)
        return sorted(candidates, key=lambda a: numbers[a.pk])


@pytest.fixture
def second_regulator(catalog_2023) -> User:
    """Another staff member of 呼和浩特's regulator: double entry needs two different people."""
    city = City.objects.get(code="hohhot")
    return User.objects.create_user("hohhot-reg2", PASSWORD, role=Role.REGULATOR, city=city, full_name="复核员")


def record_day(sat: Sat) -> None:
    """Exam day's outcomes, written as check-in leaves them (setup writes rows directly)."""
    now = timezone.now()
    rows = []
    for session in (sat.theory, sat.skill):
        for room in sat.rooms:
            for index, application in enumerate(sat.seated(room, session)):
                outcome, note = Outcome.PRESENT, ""
                if room == sat.rooms[0] and index == 0:
                    outcome = Outcome.ABSENT
                elif room == sat.rooms[0] and index == 1 and session == sat.theory:
                    outcome, note = Outcome.INCIDENT, "携带手机进入考场"
                rows.append(
                    CheckIn(
                        application=application,
                        session=session,
                        room=room,
                        outcome=outcome,
                        note=note,
                        recorded_at=now,
                    )
                )
    CheckIn.objects.bulk_create(rows)


@pytest.fixture
def sat(published, open_campaign, hohhot) -> Sat:
    sessions = {session.kind: session for session in open_campaign.sessions.all()}
    rooms = list(published.rooms.order_by("position", "number"))
    result = Sat(open_campaign, hohhot, published, rooms, sessions["theory"], sessions["skill"])
    record_day(result)
    return result


def make_technicians(applications: list[Application]) -> None:
    """Turn these candidates into 二级/技师 candidates (they then need a 综合评审)."""
    Application.objects.filter(pk__in=[a.pk for a in applications]).update(level=Level.objects.get(number=2))
    for application in applications:
        application.refresh_from_db()


def enter_everything(sat: Sat, first: User, second: User, value: str = "75") -> None:
    """Every sheet of the city entered twice alike and confirmed; 综合评审 scores written for the
    二级/一级 candidates as a closed panel leaves them (setup writes those rows directly)."""
    from scoring.models import Round, Score
    from scoring.services import entry

    for session in (sat.theory, sat.skill):
        for room in sat.rooms:
            sheet = entry.ensure_sheet(room, session)
            typed = {a.pk: value for a in sat.seated(room, session)}
            entry.save_entries(first, sheet, Round.FIRST, typed)
            entry.save_entries(second, sheet, Round.SECOND, typed)
            entry.confirm(first, sheet)
    technicians = Application.objects.filter(campaign=sat.campaign, city=sat.city, level__number__lte=2)
    now = timezone.now()
    Score.objects.bulk_create(
        Score(application=a, part="review", mark="score", value=80, finalized_by=first, finalized_at=now)
        for a in technicians
    )


@pytest.fixture
def scored(sat, people, second_regulator) -> Sat:
    """Every score final; the exam's year (and the next) entered as complete holiday years, so the
    publicity period is computed whatever year the demo campaign falls in."""
    from catalog.models import HolidayYear

    for year in (sat.campaign.exam_date.year, sat.campaign.exam_date.year + 1):
        HolidayYear.objects.get_or_create(year=year, defaults={"complete": True})
    enter_everything(sat, people["hohhot_reg"], second_regulator)
    return sat
