"""The review queues: what each reviewer has to look at, filtered, searched, counted."""

from dataclasses import dataclass
from datetime import date

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from accounts.models import Role, User
from accounts.permissions import AnyUser, scope_by_city
from applications.lifecycle import PAPER_FORM_RECEIVABLE
from applications.models import Application, Status
from catalog.models import Campaign
from review.models import Flag

# "submitted" is the latest submission: a resubmission after a return counts from when it came back.
SORTS = {
    "submitted": "last_submitted_at",
    "-submitted": "-last_submitted_at",
    "name": "full_name",
    "occupation": "occupation__code",
}


@dataclass(frozen=True)
class QueueFilter:
    status: str = ""
    occupation_id: int | None = None
    level: int | None = None
    category: str = ""
    city_id: int | None = None
    submitted_from: date | None = None
    submitted_to: date | None = None
    flagged: bool | None = None
    paper_form_missing: bool = False
    text: str = ""
    sort: str = "submitted"


# Approved (or paid) and the signed original not handed in yet: what the queue counts, filters
# and tags, and exactly where `review.services.record_paper_form` accepts a receipt.
PAPER_FORM_MISSING = Q(status__in=PAPER_FORM_RECEIVABLE, paper_form__isnull=True)


def default_status(user: User) -> str:
    """What a reviewer works on by default: the city its submissions, the association the
    city-approved; a regulator, who supervises, sees every status."""
    by_role: dict[str, str] = {Role.CO_ORGANIZER: Status.SUBMITTED, Role.REGULATOR: ""}
    return by_role.get(user.role, Status.CITY_APPROVED)


def reviewable(user: AnyUser, campaign: Campaign | None = None) -> QuerySet[Application]:
    """Every non-draft application (of the campaign, if given) the user may see (city scope)."""
    applications = Application.objects.exclude(status=Status.DRAFT)
    if campaign is not None:
        applications = applications.filter(campaign=campaign)
    return scope_by_city(applications, user)


def queue(user: AnyUser, campaign: Campaign, f: QueueFilter) -> QuerySet[Application]:
    rows = reviewable(user, campaign).select_related("occupation", "level", "city", "paper_form")
    rows = rows.annotate(
        flag_count=Count("flags", distinct=True),
        last_submitted_at=Coalesce("resubmitted_at", "submitted_at"),
        paper_form_missing=ExpressionWrapper(PAPER_FORM_MISSING, output_field=BooleanField()),
    )
    if f.status:
        rows = rows.filter(status=f.status)
    if f.occupation_id:
        rows = rows.filter(occupation_id=f.occupation_id)
    if f.level:
        rows = rows.filter(level_id=f.level)
    if f.category:
        rows = rows.filter(category=f.category)
    if f.city_id:
        rows = rows.filter(city_id=f.city_id)
    if f.submitted_from:
        rows = rows.filter(last_submitted_at__date__gte=f.submitted_from)
    if f.submitted_to:
        rows = rows.filter(last_submitted_at__date__lte=f.submitted_to)
    if f.flagged is not None:
        has_flags = Exists(Flag.objects.filter(application=OuterRef("pk")))
        rows = rows.filter(has_flags) if f.flagged else rows.exclude(has_flags)
    if f.paper_form_missing:
        rows = rows.filter(PAPER_FORM_MISSING)
    text = f.text.strip()
    if text:
        tail = text.upper()[-4:]
        rows = rows.filter(
            Q(full_name__icontains=text) | Q(id_tail=tail) | Q(phone_tail=tail)
            if len(text) >= 4
            else Q(full_name__icontains=text)
        )
    return rows.order_by(SORTS.get(f.sort, "last_submitted_at"), "pk")


def campaign_choices() -> QuerySet:
    """The campaigns a reviewer can switch between, newest exam first (one light query)."""
    from catalog.models import Campaign

    return Campaign.objects.order_by("-exam_date").only("pk", "slug", "title")


def note_for_applicant(application: Application) -> str:
    """The reviewer's note ("给申报人的说明") of the decision that put the application where it
    is now: the latest return while it is returned, the latest approval while approved."""
    latest = application.review_rounds.order_by("-decided_at", "-pk").first()
    if latest is None:
        return ""
    current = {"returned": [Status.RETURNED], "approved": [Status.CITY_APPROVED, Status.APPROVED]}
    return latest.comment.strip() if application.status in current.get(latest.decision, []) else ""


def status_counts(user: AnyUser, campaign: Campaign) -> dict[str, int]:
    """How many of each status the user's scope holds (one query)."""
    rows = reviewable(user, campaign).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def paper_forms_missing(user: AnyUser, campaign: Campaign) -> int:
    return reviewable(user, campaign).filter(PAPER_FORM_MISSING).count()
