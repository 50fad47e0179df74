"""Reads of results and publicity: each candidate's parts and result, a city's readiness to publish,
the public list (masked), the 10-working-day countdown per city, and every city's progress."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from applications.models import Application, Status
from catalog.models import Campaign, City
from exams.models import Ticket
from scoring import rules
from scoring.models import Objection, Part, Publicity, Score, Sheet
from scoring.selectors import cell_of
from skillcert.lib.masking import mask_id_number, mask_name
from skillcert.lib.workdays import CalendarNotCovered

# Who is in a city's results: seated candidates (a ticket), then examined and concluded ones.
IN_RESULTS = (Status.SCHEDULED, Status.EXAMINED, Status.PASSED, Status.FAILED, Status.CERTIFIED, Status.DELIVERED)


def publicity_of(campaign: Campaign, city: City) -> Publicity | None:
    return Publicity.objects.filter(campaign=campaign, city=city).first()


def candidates_of(campaign: Campaign, city: City) -> QuerySet[Application]:
    return Application.objects.filter(campaign=campaign, city=city, status__in=IN_RESULTS, ticket__isnull=False)


@dataclass(frozen=True)
class ResultLine:
    application: Application
    number: str
    parts: dict[str, rules.Cell]
    result: rules.Result
    voided: str  # the disqualification's reason when the results were voided

    def part(self, name: str) -> str:
        cell = self.parts.get(name)
        if cell is None:
            return "—" if name == Part.REVIEW and self.application.level_id and self.application.level_id > 2 else ""
        return cell.shown()

    @property
    def theory(self) -> str:
        return self.part(Part.THEORY)

    @property
    def skill(self) -> str:
        return self.part(Part.SKILL)

    @property
    def review(self) -> str:
        return self.part(Part.REVIEW)

    @property
    def name_masked(self) -> str:
        return mask_name(self.application.full_name)

    @property
    def id_masked(self) -> str:
        return mask_id_number(self.application.id_number)

    @property
    def label(self) -> str:
        return "成绩作废" if self.voided else self.result.label


def results_of(campaign: Campaign, city: City) -> list[ResultLine]:
    """Every candidate of the city with their final parts and result, in ticket order (3 queries)."""
    people = list(candidates_of(campaign, city).select_related("occupation", "level"))
    return _lines(people)


def _lines(people: list[Application]) -> list[ResultLine]:
    ids = [a.pk for a in people]
    numbers = dict(
        Ticket.objects.filter(application__in=ids, voided_at__isnull=True).values_list("application_id", "number")
    )
    parts: dict[int, dict[str, rules.Cell]] = defaultdict(dict)
    voided: dict[int, str] = {}
    for score in Score.objects.filter(application__in=ids):
        parts[score.application_id][score.part] = cell_of(score)
        if score.voided_at is not None:
            voided[score.application_id] = score.void_reason
    lines = [
        ResultLine(
            a,
            numbers.get(a.pk, ""),
            parts[a.pk],
            rules.result(a.level_id or 5, parts[a.pk]),
            voided.get(a.pk, "") or ("已取消资格" if a.status == Status.DISQUALIFIED else ""),
        )
        for a in people
    ]
    return sorted(lines, key=lambda line: (line.number, line.application.pk))


def result_of(application: Application) -> ResultLine:
    return _lines([application])[0]


@dataclass(frozen=True)
class Readiness:
    candidates: int
    incomplete: int
    open_sheets: int

    @property
    def ready(self) -> bool:
        return self.candidates > 0 and not self.incomplete and not self.open_sheets


def readiness(campaign: Campaign, city: City) -> Readiness:
    lines = results_of(campaign, city)
    open_sheets = Sheet.objects.filter(campaign=campaign, city=city, state=Sheet.State.OPEN).count()
    return Readiness(len(lines), sum(1 for line in lines if not line.result.complete), open_sheets)


@dataclass(frozen=True)
class Deadline:
    """六.二: results published within N working days after the exam (Campaign.results_due)."""

    due: date | None  # None: the holiday calendar of that year is not published yet
    opened_on: date | None
    today: date

    @property
    def days_left(self) -> int | None:
        return None if self.due is None else (self.due - self.today).days

    @property
    def days_overdue(self) -> int:
        return max(-(self.days_left or 0), 0)

    @property
    def late(self) -> bool:
        if self.due is None:
            return False
        return (self.opened_on or self.today) > self.due

    @property
    def done(self) -> bool:
        return self.opened_on is not None


def deadline_of(campaign: Campaign, city: City, publicity: Publicity | None = None) -> Deadline:
    publicity = publicity if publicity is not None else publicity_of(campaign, city)
    try:
        due: date | None = campaign.results_due
    except CalendarNotCovered:
        due = None
    return Deadline(due, publicity.opens_on if publicity else None, timezone.localdate())


@dataclass(frozen=True)
class CityProgress:
    city: City
    publicity: Publicity | None
    deadline: Deadline
    open_objections: int


def progress(campaign: Campaign) -> list[CityProgress]:
    """Every city's publicity and countdown, for the association (a fixed number of queries)."""
    publicities = {p.city_id: p for p in Publicity.objects.filter(campaign=campaign)}
    open_objections: dict[int, int] = defaultdict(int)
    objections = Objection.objects.filter(publicity__campaign=campaign, state=Objection.State.OPEN)
    for city_id in objections.values_list("publicity__city", flat=True):
        open_objections[city_id] += 1
    try:
        due: date | None = campaign.results_due
    except CalendarNotCovered:
        due = None
    today = timezone.localdate()
    return [
        CityProgress(
            city,
            publicities.get(city.pk),
            Deadline(due, publicities[city.pk].opens_on if city.pk in publicities else None, today),
            open_objections[city.pk],
        )
        for city in City.objects.order_by("position", "pk")
    ]


def open_publicities() -> QuerySet[Publicity]:
    """What the public page lists: publicities open now, then recently closed ones."""
    return Publicity.objects.select_related("campaign", "city").order_by("state", "-opens_on", "city__position")


def public_lines(publicity: Publicity, query: str = "") -> list[ResultLine]:
    """The public list (masked); `query` finds a ticket number."""
    lines = results_of(publicity.campaign, publicity.city)
    if query:
        lines = [line for line in lines if line.number == query.strip()]
    return lines


@dataclass(frozen=True)
class PublishedResult:
    line: ResultLine
    publicity: Publicity

    @property
    def final(self) -> bool:
        return self.publicity.state == Publicity.State.CLOSED


def published_result(application: Application) -> PublishedResult | None:
    """The applicant's parts and result once their city's results are published (公示), else None."""
    if application.city_id is None:
        return None
    publicity = Publicity.objects.filter(campaign_id=application.campaign_id, city_id=application.city_id).first()
    if publicity is None or not Score.objects.filter(application=application).exists():
        return None
    return PublishedResult(result_of(application), publicity)
