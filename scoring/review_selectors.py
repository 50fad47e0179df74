"""Reads of 综合评审 for pages, always scoped: the regulator its city's pool and panels, an expert
the candidates assigned to them (never an ID or phone number), a chair their own panel."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.permissions import AnyUser, require, scope_by_city
from applications.models import Application, ApplicationDocument, DocumentSlot
from applications.selectors import get_application_for
from catalog.models import Campaign, City
from scoring import review as rules
from scoring.models import Criterion, DeclaredRelation, Expert, Panel, Review, ScoringRules
from scoring.services.reviewing import panel_inputs, rules_of
from skillcert.lib.masking import mask_id_number

MATERIAL_SLOTS = (DocumentSlot.TECHNICAL_SUMMARY, DocumentSlot.PAPER)

# --- the regulator's pool and panels ----------------------------------------------------------------


def regulator_city(user: AnyUser) -> City:
    """The city whose pool and panels `user` manages (403 without scoring.experts)."""
    require(user, "scoring.experts")
    assert isinstance(user, User) and user.city is not None
    return user.city


def experts_of(city: City) -> QuerySet[Expert]:
    return (
        Expert.objects.filter(city=city)
        .select_related("user")
        .prefetch_related("specialties")
        .annotate(relation_count=Count("relations"))
    )


def get_expert_for(user: AnyUser, pk: int) -> Expert:
    require(user, "scoring.experts")
    experts = Expert.objects.select_related("city", "user").prefetch_related("specialties")
    return get_object_or_404(scope_by_city(experts, user), pk=pk)


@dataclass(frozen=True)
class RelationRow:
    full_name: str
    id_number: str  # masked
    relation: str


def relations_of(expert: Expert) -> list[RelationRow]:
    return [
        RelationRow(r.full_name, mask_id_number(r.id_number), r.relation)
        for r in DeclaredRelation.objects.filter(expert=expert).order_by("pk")
    ]


def panels_of(campaign: Campaign, city: City) -> QuerySet[Panel]:
    """The city's panels of the campaign with their progress (sheets assigned and submitted)."""
    return (
        Panel.objects.filter(campaign=campaign, city=city)
        .select_related("chair")
        .prefetch_related("members", "occupations")
        .annotate(
            review_count=Count("reviews"),
            submitted_count=Count("reviews", filter=Q(reviews__submitted_at__isnull=False)),
            candidate_count=Count("reviews__application", distinct=True),
        )
        .order_by("name", "pk")
    )


def get_panel_for(user: AnyUser, pk: int, *, need: str = "manage") -> Panel:
    """ "manage": the city's regulator (403 without scoring.experts); "chair": the expert who chairs
    it (403 without scoring.review). Anything else of the city, or another city's: 404."""
    panels = Panel.objects.select_related("campaign", "city", "chair")
    if need == "manage":
        require(user, "scoring.experts")
        return get_object_or_404(scope_by_city(panels, user), pk=pk)
    if need == "chair":
        require(user, "scoring.review")
        assert isinstance(user, User)
        return get_object_or_404(scope_by_city(panels, user).filter(chair__user=user), pk=pk)
    raise ValueError(f"unknown need {need!r}")


@dataclass
class AssignedRow:
    application: Application
    experts: list[str] = field(default_factory=list)
    submitted: int = 0


@dataclass(frozen=True)
class Assignment:
    rows: list[AssignedRow]
    unassignable: list[tuple[Application, str]]
    load: dict[str, int]  # expert name → candidates

    @property
    def reviews(self) -> int:
        return sum(len(row.experts) for row in self.rows)


def assignment_of(panel: Panel) -> Assignment:
    """Who reviews whom on the panel, and the panel's candidates without experts, with why."""
    by_candidate: dict[int, AssignedRow] = {}
    load: dict[str, int] = defaultdict(int)
    reviews = (
        Review.objects.filter(panel=panel)
        .select_related("expert", "application__occupation", "application__level")
        .order_by("application_id", "expert__name", "pk")
    )
    for review in reviews:
        row = by_candidate.setdefault(review.application_id, AssignedRow(review.application))
        row.experts.append(review.expert.name)
        row.submitted += review.submitted_at is not None
        load[review.expert.name] += 1
    inputs = panel_inputs(panel)
    size = rules_of(panel.campaign_id).panel_size
    missing = [c for c in inputs.candidates if c.id not in by_candidate]
    reasons: dict[int, str] = {}
    for candidate in missing:
        fit, excluded = rules.eligible(candidate, inputs.experts)
        reasons[candidate.id] = (
            rules.shortage_reason(len(fit), size, excluded) if len(fit) < size else "尚未分配（请运行分配）"
        )
    applications = Application.objects.filter(pk__in=reasons).select_related("occupation", "level").order_by("pk")
    return Assignment(list(by_candidate.values()), [(a, reasons[a.pk]) for a in applications], dict(load))


# --- the expert's pages ----------------------------------------------------------------------------


def my_reviews(user: AnyUser) -> QuerySet[Review]:
    """The expert's sheets (403 without scoring.review), open panels first."""
    require(user, "scoring.review")
    assert isinstance(user, User)
    return (
        Review.objects.filter(expert__user=user, panel__city=user.city_id)
        .select_related("panel", "application__occupation", "application__level")
        .order_by("-panel__state", "panel__deadline", "application__full_name", "pk")
    )


def chaired_panels(user: AnyUser) -> QuerySet[Panel]:
    require(user, "scoring.review")
    assert isinstance(user, User)
    return scope_by_city(Panel.objects.filter(chair__user=user), user).order_by("deadline", "pk")


def get_review_for(user: AnyUser, application_pk: int) -> Review:
    """The expert's own sheet of an assigned candidate (403 without scoring.review; 404 for a
    candidate not assigned to them, or of another city)."""
    require(user, "scoring.review")
    assert isinstance(user, User)
    application = get_application_for(user, application_pk)
    review = (
        Review.objects.filter(application=application, expert__user=user)
        .select_related("panel__campaign", "panel__city", "expert")
        .first()
    )
    if review is None:
        raise Http404
    review.application = application
    return review


def material_of(review: Review, slot: str) -> ApplicationDocument:
    """The candidate's technical summary or paper (404 for any other slot, or none uploaded)."""
    if slot not in MATERIAL_SLOTS:
        raise Http404
    document = ApplicationDocument.objects.filter(application_id=review.application_id, slot=slot).first()
    if document is None:
        raise Http404
    return document


def materials_of(review: Review) -> list[ApplicationDocument]:
    return list(
        ApplicationDocument.objects.filter(application_id=review.application_id, slot__in=MATERIAL_SLOTS).order_by(
            "slot"
        )
    )


def criteria_for(campaign: Campaign | int) -> list[Criterion]:
    campaign_id = campaign if isinstance(campaign, int) else campaign.pk
    return list(Criterion.objects.filter(campaign_id=campaign_id))


@dataclass(frozen=True)
class Others:
    """What the expert sees of the other sheets once theirs is submitted."""

    totals: list[tuple[str, Decimal]]  # (expert name, total) of every submitted sheet, theirs too
    pending: int
    spread: Decimal
    flagged: bool
    threshold: Decimal


def others_of(review: Review) -> Others | None:
    """None until the expert has submitted: before that, nobody else's points are read."""
    if review.submitted_at is None:
        return None
    reviews = Review.objects.filter(panel_id=review.panel_id, application_id=review.application_id).select_related(
        "expert"
    )
    submitted = [(r.expert.name, r.total) for r in reviews if r.submitted_at is not None and r.total is not None]
    pending = sum(1 for r in reviews if r.submitted_at is None)
    threshold = rules_of(review.panel.campaign_id).spread_threshold
    values = [total for _name, total in submitted]
    return Others(submitted, pending, rules.spread(values), rules.flagged(values, threshold), threshold)


# --- the chair's page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChairRow:
    application: Application
    totals: list[Decimal]
    pending: int
    score: Decimal | None  # the aggregate, once every sheet of the candidate is in
    spread: Decimal
    flagged: bool


@dataclass(frozen=True)
class ChairSheet:
    rows: list[ChairRow]
    threshold: Decimal
    pending: int

    @property
    def flagged(self) -> list[ChairRow]:
        return [row for row in self.rows if row.flagged]


def chair_sheet(panel: Panel) -> ChairSheet:
    scoring_rules: ScoringRules = rules_of(panel.campaign_id)
    totals: dict[int, list[Decimal]] = defaultdict(list)
    pending: dict[int, int] = defaultdict(int)
    for application_id, total, submitted in Review.objects.filter(panel=panel).values_list(
        "application_id", "total", "submitted_at"
    ):
        if submitted is None or total is None:
            pending[application_id] += 1
        else:
            totals[application_id].append(total)
    ids = set(totals) | set(pending)
    applications = (
        Application.objects.filter(pk__in=ids).select_related("occupation", "level").order_by("full_name", "pk")
    )
    rows = []
    for application in applications:
        values = sorted(totals.get(application.pk, []))
        done = bool(values) and not pending.get(application.pk)
        rows.append(
            ChairRow(
                application,
                values,
                pending.get(application.pk, 0),
                rules.aggregate(values, scoring_rules.decimals) if done else None,
                rules.spread(values),
                rules.flagged(values, scoring_rules.spread_threshold),
            )
        )
    return ChairSheet(rows, scoring_rules.spread_threshold, sum(pending.values()))
