"""Reads of the summary (汇总表), its signed scans, the roster (人员名册), the materials and the archive:
scoped by city, each in a fixed number of queries whatever the city's size."""

import gc
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Role, User
from accounts.permissions import AnyUser, has_capability, require, same_city, scope_by_city
from applications.models import Application, ApplicationDocument, DocumentSlot, Status
from catalog.models import Campaign, City, ExamSession
from exams.models import CheckIn, Outcome, SeatAssignment, Ticket
from payments.models import Order
from review.models import Decision, ReviewRound, Tier
from scoring import summary
from scoring.materials_zip import CHUNK, Chunks, Member, folder_name
from scoring.models import ArchivePack, Mark, Part, Score, SummaryScan
from scoring.roster import RosterLine
from skillcert.lib.identity import InvalidIdentity, parse_id_number
from skillcert.lib.masking import mask_id_number
from skillcert.lib.workdays import CalendarNotCovered

READS = "scoring.reports"  # the association, and the regulator of the city

PAID_OR_LATER = (
    Status.PAID,
    Status.SCHEDULED,
    Status.EXAMINED,
    Status.PASSED,
    Status.FAILED,
    Status.CERTIFIED,
    Status.DELIVERED,
)
APPROVED_OR_LATER = (Status.APPROVED, *PAID_OR_LATER)
LEFT = (Status.WITHDRAWN, Status.DISQUALIFIED)
PASSED = (Status.PASSED, Status.CERTIFIED, Status.DELIVERED)
# Submitted: not a draft, and not a draft its applicant withdrew (never submitted).
APPLIED = ~Q(status=Status.DRAFT) & ~Q(status=Status.WITHDRAWN, submitted_at__isnull=True)
WRITTEN = ((Part.THEORY, ExamSession.Kind.THEORY), (Part.SKILL, ExamSession.Kind.SKILL))


# --- access -------------------------------------------------------------------------------------


def city_for(user: AnyUser, code: str | None) -> City | None:
    """The city a reports page is about: a regulator's own, the association's choice (None: every
    city). 403 without scoring.reports."""
    require(user, READS)
    assert isinstance(user, User)  # require() refuses the anonymous visitor
    if not user.is_association:
        return user.city
    return get_object_or_404(City, code=code) if code else None


def require_city_reader(user: AnyUser, city_id: int | None) -> None:
    """scoring.reports of that city (its regulator) or the association; 403 otherwise."""
    require(user, READS)
    if not same_city(user, city_id):
        raise PermissionDenied("another city's reports")


def is_city_regulator(user: AnyUser, city_id: int | None) -> bool:
    return has_capability(user, READS) and getattr(user, "role", "") == Role.REGULATOR and same_city(user, city_id)


# --- the 汇总表 counts ------------------------------------------------------------------------------


def _written_part(part: str, kind: str) -> tuple[Q, Q]:
    """(present, absent) in one written part: its score decides; without one, the check-in does."""
    scores = Score.objects.filter(application=OuterRef("pk"), part=part)
    check_ins = CheckIn.objects.filter(application=OuterRef("pk"), session__kind=kind)
    scored = Exists(scores)
    present = Exists(scores.exclude(mark=Mark.ABSENT)) | (
        ~scored & Exists(check_ins.filter(outcome__in=(Outcome.PRESENT, Outcome.INCIDENT)))
    )
    absent = Exists(scores.filter(mark=Mark.ABSENT)) | (~scored & Exists(check_ins.filter(outcome=Outcome.ABSENT)))
    return Q(present), Q(absent)


def counting_conditions() -> dict[str, Q]:
    """Each count of `summary.LineCounts` as a condition on an application (see its docstring)."""
    parts = [_written_part(part, kind) for part, kind in WRITTEN]
    sat = parts[0][0] | parts[1][0]
    some_absence = parts[0][1] | parts[1][1]
    approved_once = Exists(
        ReviewRound.objects.filter(application=OuterRef("pk"), tier=Tier.ASSOCIATION, decision=Decision.APPROVED)
    )
    paid_once = Exists(
        Order.objects.filter(application=OuterRef("pk"), state__in=(Order.State.PAID, Order.State.REFUNDED))
    )
    seated = Q(Exists(SeatAssignment.objects.filter(application=OuterRef("pk")))) | Q(
        Exists(Ticket.objects.filter(application=OuterRef("pk"), voided_at__isnull=True))
    )
    return {
        "applied": APPLIED,
        "approved": Q(status__in=APPROVED_OR_LATER) | (Q(status__in=LEFT) & Q(approved_once)),
        "paid": Q(status__in=PAID_OR_LATER) | (Q(status__in=LEFT) & Q(paid_once)),
        "seated": seated,
        "sat": sat,
        "absent": seated & ~sat & some_absence,
        "passed": Q(status__in=PASSED) | _passing_in_publicity(),
    }


def _passing_in_publicity() -> Q:
    """Examined (published, not yet final) and passing by the rule of `scoring.rules.result`: every
    part the level requires a valid score of 60 or more. The 汇总表 is sent with the publicity."""

    def passing(part: str) -> Q:
        valid = Score.objects.filter(application=OuterRef("pk"), part=part, voided_at__isnull=True)
        return Q(Exists(valid.filter(mark=Mark.SCORE, value__gte=60)))

    review = Q(level__number__gt=2) | passing(Part.REVIEW)
    return Q(status=Status.EXAMINED) & passing(Part.THEORY) & passing(Part.SKILL) & review


def summary_counts(campaign: Campaign, city: City) -> list[summary.LineCounts]:
    """One row per occupation × level of the city's submitted applications: ONE query."""
    conditions = counting_conditions()
    rows = (
        Application.objects.filter(APPLIED, campaign=campaign, city=city)
        .values("occupation__code", "occupation__name", "level__number", "level__name", "level__title")
        .annotate(**{name: Count("pk", filter=condition) for name, condition in conditions.items()})
        .order_by()
    )
    return [
        summary.LineCounts(
            occupation_code=row["occupation__code"] or "",
            occupation_name=row["occupation__name"] or "",
            level_number=row["level__number"] or 0,
            level_name=f"{row['level__name']}/{row['level__title']}" if row["level__number"] else "",
            **{name: row[name] for name in summary.COUNTED},  # type: ignore[literal-required]  # the annotated counts
        )
        for row in rows
    ]


def summary_table(campaign: Campaign, city: City) -> summary.SummaryTable:
    return summary.build(summary_counts(campaign, city))


# --- the signed scans -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    day: date | None  # None: the holiday calendar does not cover the exam's year (待公布)
    problem: str = ""


def results_due(campaign: Campaign) -> Due:
    try:
        return Due(campaign.results_due)
    except CalendarNotCovered as error:
        return Due(None, str(error))


def is_late_scan(uploaded_at: datetime | None, due: date | None, today: date) -> bool:
    """Uploaded after the due day (Beijing date), or not uploaded and the due day has passed; an
    unknown due day is never late."""
    if due is None:
        return False
    if uploaded_at is None:
        return today > due
    return timezone.localdate(uploaded_at) > due


@dataclass
class CityScans:
    city: City
    scans: list[SummaryScan] = field(default_factory=list)  # newest first
    late: bool = False

    @property
    def latest(self) -> SummaryScan | None:
        return self.scans[0] if self.scans else None

    @property
    def first(self) -> SummaryScan | None:
        return self.scans[-1] if self.scans else None


def scans_of(campaign: Campaign, city: City) -> list[SummaryScan]:
    return list(SummaryScan.objects.filter(campaign=campaign, city=city).select_related("uploaded_by"))


def scan_overview(campaign: Campaign, due: date | None, today: date) -> list[CityScans]:
    """The association's table: every city with its scans; late by its first upload (two queries)."""
    by_city: defaultdict[int, list[SummaryScan]] = defaultdict(list)
    for scan in SummaryScan.objects.filter(campaign=campaign).select_related("uploaded_by"):
        by_city[scan.city_id].append(scan)
    rows = []
    for city in City.objects.order_by("position", "name"):
        row = CityScans(city, by_city.get(city.pk, []))
        row.late = is_late_scan(row.first.uploaded_at if row.first else None, due, today)
        rows.append(row)
    return rows


def get_scan_for(user: AnyUser, pk: int) -> SummaryScan:
    require(user, READS)
    scans = SummaryScan.objects.select_related("campaign", "city")
    return get_object_or_404(scope_by_city(scans, user), pk=pk)


# --- 人员名册 ----------------------------------------------------------------------------------------


def passed_applications(campaign: Campaign, city: City) -> QuerySet[Application]:
    return Application.objects.filter(campaign=campaign, city=city, status__in=PASSED)


def _sex(id_number: str) -> str:
    try:
        return "男" if parse_id_number(id_number).gender == "male" else "女"
    except InvalidIdentity:
        return ""


def _score_text(mark: str, value: Decimal | None) -> str:
    if mark == Mark.SCORE and value is not None:
        return f"{value.normalize():f}"
    return str(Mark(mark).label)


def roster(campaign: Campaign, city: City, *, full_ids: bool) -> list[RosterLine]:
    """The city's passed candidates in ticket order with each part's final score (three queries)."""
    applications = list(passed_applications(campaign, city).select_related("occupation", "level"))
    ids = [a.pk for a in applications]
    tickets = dict(Ticket.objects.filter(application__in=ids).values_list("application_id", "number"))
    scores: defaultdict[int, dict[str, str]] = defaultdict(dict)
    for score in Score.objects.filter(application__in=ids, voided_at__isnull=True).only(
        "application_id", "part", "mark", "value"
    ):
        scores[score.application_id][score.part] = _score_text(score.mark, score.value)
    lines = [
        RosterLine(
            ticket=tickets.get(a.pk, ""),
            name=a.full_name,
            sex=_sex(a.id_number),
            id_number=a.id_number if full_ids else mask_id_number(a.id_number),
            occupation=a.occupation.name if a.occupation else "",
            level=str(a.level) if a.level else "",
            work_unit=a.employer,
            scores=scores.get(a.pk, {}),
        )
        for a in applications
    ]
    return sorted(lines, key=lambda line: (line.ticket or "~", line.name))


# --- the archive register -----------------------------------------------------------------------


def readable_packs(user: AnyUser) -> QuerySet[ArchivePack]:
    """Packs the user may read: the association every city's, a regulator its own (403 otherwise)."""
    require(user, READS)
    packs = ArchivePack.objects.select_related("site", "room", "session", "city", "archived_by")
    return scope_by_city(packs, user)


def get_pack_for(user: AnyUser, pk: int) -> ArchivePack:
    return get_object_or_404(readable_packs(user), pk=pk)


@dataclass(frozen=True)
class PackFilter:
    box_number: str = ""
    storage_place: str = ""
    site: int | None = None
    room: int | None = None
    session: int | None = None
    city: int | None = None


def search_packs(user: AnyUser, campaign: Campaign, query: PackFilter) -> QuerySet[ArchivePack]:
    packs = readable_packs(user).filter(campaign=campaign)
    if query.box_number:
        packs = packs.filter(box_number__icontains=query.box_number)
    if query.storage_place:
        packs = packs.filter(storage_place__icontains=query.storage_place)
    for name in ("site", "room", "session", "city"):
        value = getattr(query, name)
        if value:
            packs = packs.filter(**{f"{name}_id": value})
    return packs.order_by("city__position", "site__position", "room__position", "room__number", "session__starts_at")


@dataclass(frozen=True)
class Retention:
    expired: list[ArchivePack]
    ending: list[ArchivePack]  # within `days` from today, not yet past
    days: int


def retention(user: AnyUser, today: date, days: int = 90) -> Retention:
    """Packs whose retention has ended (retain_until before today) and those ending within `days`."""
    packs = list(readable_packs(user).filter(retain_until__lte=today + timedelta(days=days)).order_by("retain_until"))
    return Retention(
        expired=[p for p in packs if p.retain_until < today],
        ending=[p for p in packs if p.retain_until >= today],
        days=days,
    )


# --- the materials zip ----------------------------------------------------------------------------

MATERIALS_BATCH = 50


def passed_ids(campaign: Campaign, city: City) -> list[int]:
    return list(passed_applications(campaign, city).order_by("pk").values_list("pk", flat=True))


def materials_members(application_ids: list[int]) -> Iterator[Member]:
    """Each passed candidate's folder, read in batches of MATERIALS_BATCH as the zip goes."""
    for start in range(0, len(application_ids), MATERIALS_BATCH):
        batch = application_ids[start : start + MATERIALS_BATCH]
        applications = (
            Application.objects.filter(pk__in=batch)
            .select_related("campaign", "city", "occupation", "level", "prior_occupation")
            .prefetch_related("documents")
            .order_by("pk")
        )
        tickets = dict(Ticket.objects.filter(application__in=batch).values_list("application_id", "number"))
        for application in applications:
            yield Member(folder_name(tickets.get(application.pk, ""), application.full_name), _files_of(application))
        del applications
        # Model instances hold reference cycles (a FieldFile and its instance, a prefetched row and its
        # parent), so a finished batch is garbage only the cycle collector frees; collecting the young
        # generations now keeps a long stream at one batch's memory instead of waiting for a full pass.
        gc.collect(1)


def _files_of(application: Application) -> Callable[[], Iterator[tuple[str, Chunks]]]:
    def files() -> Iterator[tuple[str, Chunks]]:
        yield "申报表.pdf", lambda: [_application_form(application)]
        for document in sorted(application.documents.all(), key=lambda d: list(DocumentSlot.values).index(d.slot)):
            label = str(DocumentSlot(document.slot).label).split("（")[0]
            extension = file_extension(document.file.name or "")
            yield f"{label}{extension}", _chunks_of(document)

    return files


def file_extension(name: str) -> str:
    """`.jpg` of a stored name (generated by us: `<uuid>.jpg`), or nothing."""
    tail = name.rsplit("/", 1)[-1]
    return tail[tail.rfind(".") :] if "." in tail else ""


def _application_form(application: Application) -> bytes:
    from applications.documents import render_application_form
    from applications.services import sheet_for

    return render_application_form(sheet_for(application))


def _chunks_of(document: ApplicationDocument) -> Chunks:
    def chunks() -> Iterator[bytes]:
        with document.file.open("rb") as handle:
            yield from handle.chunks(CHUNK)

    return chunks
