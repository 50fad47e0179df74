"""综合评审 use cases (notice 四): the city regulator's expert pool, relations, panels and their
assignment; the experts' sheets; the chair's close, which writes the part's final scores. The
association sets the criteria and the review rules of a campaign.

Lock order: the campaign's row (criteria), else the panel's row, then its reviews; a review's
submit locks the review alone (the close locks the panel first, then reads every review of it
under the same lock, so a sheet submitted meanwhile waits for the close or is refused after it).
"""

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.permissions import require, same_city
from applications.models import Application, Status
from audit.services import record
from catalog.models import Campaign, Occupation
from scoring import review as rules
from scoring import states
from scoring.models import (
    Criterion,
    DeclaredRelation,
    Entry,
    Expert,
    Mark,
    Panel,
    Part,
    Publicity,
    Review,
    Score,
    ScoringRules,
)
from scoring.services import bulk
from skillcert.fields import lookup_hash
from skillcert.lib.identity import InvalidIdentity, parse_id_number
from skillcert.lib.masking import mask_id_number, mask_name
from skillcert.refusals import TransitionRefused

# 技师 (二级) and 高级技师 (一级) add the review; seated or examined candidates are reviewed.
REVIEWED_LEVELS = (1, 2)
REVIEWED_STATUSES = (Status.SCHEDULED, Status.EXAMINED)


def rules_of(campaign: Campaign | int) -> ScoringRules:
    """The campaign's rules, or the defaults (unsaved) while the association has set none."""
    campaign_id = campaign if isinstance(campaign, int) else campaign.pk
    found = ScoringRules.objects.filter(campaign_id=campaign_id).first()
    return found if found is not None else ScoringRules(campaign_id=campaign_id)


def require_city_regulator(actor: User, city_id: int | None) -> None:
    """The city's regulator (scoring.experts, same city); 403 otherwise."""
    require(actor, "scoring.experts")
    if not same_city(actor, city_id):
        raise PermissionDenied("another city's review")


def _submitted(**filters: object) -> bool:
    return Review.objects.filter(submitted_at__isnull=False, **filters).exists()


# --- the expert pool --------------------------------------------------------------------------


EXPERT_FIELDS = ["name", "work_unit", "title", "active", "user_id"]


@transaction.atomic
def save_expert(
    actor: User, expert: Expert, *, specialties: Iterable[Occupation], account: User | None = None
) -> Expert:
    """Add or change a member of the city's pool; `account` links a login of role EXPERT of the
    same city (None unlinks). Audited with what changed."""
    require_city_regulator(actor, expert.city_id)
    if expert.pk is not None:
        Expert.objects.select_for_update().filter(pk=expert.pk).first()
    if account is not None:
        if account.role != Role.EXPERT or account.city_id != expert.city_id:
            raise TransitionRefused(_("登录账号须为本盟市的评审专家账号。"))
        if Expert.objects.filter(user=account).exclude(pk=expert.pk).exists():
            raise TransitionRefused(_("该登录账号已关联其他评审专家。"))
    old: dict[str, object] = {}
    old_codes: list[str] = []
    if expert.pk is not None:
        old = dict(Expert.objects.filter(pk=expert.pk).values(*EXPERT_FIELDS).get())
        old_codes = sorted(Occupation.objects.filter(experts=expert).values_list("code", flat=True))
    expert.user = account
    expert.full_clean(exclude=["user", "specialties"])
    expert.save()
    chosen = list(specialties)
    expert.specialties.set(chosen)
    new = {field: getattr(expert, field) for field in EXPERT_FIELDS}
    before = {f: old.get(f) for f in EXPERT_FIELDS if old.get(f) != new[f]}
    after = {f: new[f] for f in before}
    codes = sorted(o.code for o in chosen)
    if codes != old_codes:
        before["specialties"], after["specialties"] = old_codes, codes
    if after or not old:
        record("scoring.expert.saved", actor=actor, obj=expert, before=before or None, after=after)
    return expert


@transaction.atomic
def declare_relation(actor: User, expert: Expert, *, full_name: str, id_number: str, relation: str) -> DeclaredRelation:
    """Record a person the expert must never review (relative, mentor, colleague). The number is
    stored encrypted with its lookup hash; the audit keeps it masked. Declaring twice is quiet."""
    require_city_regulator(actor, expert.city_id)
    Expert.objects.select_for_update().filter(pk=expert.pk).first()
    try:
        number = parse_id_number(id_number).number
    except InvalidIdentity as error:
        raise TransitionRefused(str(error)) from None
    if not full_name.strip() or not relation.strip():
        raise TransitionRefused(_("请填写姓名和关系。"))
    digest = lookup_hash(DeclaredRelation, "id_number", number)
    existing = DeclaredRelation.objects.filter(expert=expert, id_number_hash=digest).first()
    if existing is not None:
        return existing
    declared = DeclaredRelation.objects.create(
        expert=expert, full_name=full_name.strip(), id_number=number, relation=relation.strip()
    )
    after = {"full_name": mask_name(declared.full_name), "id_number": mask_id_number(number), "relation": relation}
    record("scoring.expert.relation_declared", actor=actor, obj=expert, after=after)
    return declared


# --- what the association sets -------------------------------------------------------------------


@transaction.atomic
def save_criteria(actor: User, campaign: Campaign, rows: Sequence[tuple[str, int]]) -> list[Criterion]:
    """Replace the campaign's 综合评审 sheet: (name, weight) in order, weights summing to 100.
    Refused once an expert has submitted a sheet of the campaign (their points name the lines).
    Saving the same lines again is quiet."""
    require(actor, "scoring.rules")
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    cleaned = [(name.strip(), int(weight)) for name, weight in rows]
    names = [name for name, _weight in cleaned]
    if any(not name for name in names):
        raise TransitionRefused(_("请填写每个评审项目的名称。"))
    if len(set(names)) != len(names):
        raise TransitionRefused(_("评审项目名称不能重复。"))
    if any(not 1 <= weight <= 100 for _name, weight in cleaned):
        raise TransitionRefused(_("每个评审项目的分值应在 1 到 100 分之间。"))
    problem = rules.weights_problem([weight for _name, weight in cleaned])
    if problem:
        raise TransitionRefused(problem)
    current = list(Criterion.objects.filter(campaign=campaign))
    old = [(c.name, c.weight) for c in current]
    if old == cleaned:
        return current
    if _submitted(panel__campaign=campaign):
        raise TransitionRefused(_("已有专家提交了本批次的综合评审评分，评审项目不能再修改。"))
    Criterion.objects.filter(campaign=campaign).delete()
    saved = Criterion.objects.bulk_create(
        [Criterion(campaign=campaign, name=name, weight=weight, position=i) for i, (name, weight) in enumerate(cleaned)]
    )
    before = {"criteria": [list(line) for line in old]} if old else None
    record("scoring.criteria.saved", actor=actor, obj=campaign, before=before, after={"criteria": cleaned})
    return saved


REVIEW_RULE_FIELDS = ["decimals", "publicity_working_days", "panel_size", "spread_threshold", "review_deadline"]


@transaction.atomic
def save_review_rules(actor: User, scoring_rules: ScoringRules) -> ScoringRules:
    """The campaign's scoring rules: the precision of scores (fixed once entry began), the
    publicity's working days (fixed once a city published), panel size ≥ 3, spread threshold and
    review deadline. Audited with what changed."""
    require(actor, "scoring.rules")
    old: dict[str, object] = {}
    if scoring_rules.pk is not None:
        ScoringRules.objects.select_for_update().filter(pk=scoring_rules.pk).first()
        old = dict(ScoringRules.objects.filter(pk=scoring_rules.pk).values(*REVIEW_RULE_FIELDS).get())
    if scoring_rules.panel_size < 3:
        raise TransitionRefused(_("每位考生至少由 3 位专家评审。"))
    campaign_id = scoring_rules.campaign_id
    if (
        old
        and old.get("decimals") != scoring_rules.decimals
        and Entry.objects.filter(sheet__campaign_id=campaign_id).exists()
    ):
        raise TransitionRefused(_("成绩录入已经开始，不能再修改成绩的小数位数。"))
    if (
        old
        and old.get("publicity_working_days") != scoring_rules.publicity_working_days
        and Publicity.objects.filter(campaign_id=campaign_id).exists()
    ):
        raise TransitionRefused(_("已有盟市发布成绩公示，不能再修改公示期。"))
    scoring_rules.full_clean(exclude=["campaign"])
    if scoring_rules.pk is None:
        scoring_rules.save()
    else:
        scoring_rules.save(update_fields=REVIEW_RULE_FIELDS)
    new = {field: getattr(scoring_rules, field) for field in REVIEW_RULE_FIELDS}
    changed = [f for f in REVIEW_RULE_FIELDS if old.get(f) != new[f]]
    if changed:
        before = {f: _plain(old.get(f)) for f in changed} if old else None
        record(
            "scoring.rules.saved",
            actor=actor,
            obj=scoring_rules.campaign,
            before=before,
            after={f: _plain(new[f]) for f in changed},
        )
    return scoring_rules


def _plain(value: object) -> object:
    return None if value is None else value if isinstance(value, int) else str(value)


# --- panels and their assignment -----------------------------------------------------------------


def _lock_panel(panel: Panel) -> Panel:
    return Panel.objects.select_for_update().select_related("campaign", "city", "chair").get(pk=panel.pk)


@transaction.atomic
def save_panel(actor: User, panel: Panel, *, members: Sequence[Expert], occupations: Sequence[Occupation]) -> Panel:
    """Add or change a panel: at least the campaign's panel size of active experts of the city,
    the chair among them, one or more occupations, a deadline no later than the campaign's.

    Before any sheet is submitted a change of members or occupations drops the panel's
    assignment (run it again); after, they are fixed. A closed panel cannot change."""
    require_city_regulator(actor, panel.city_id)
    old_members: set[int] = set()
    old_occupations: set[int] = set()
    old: dict[str, object] = {}
    if panel.pk is not None:
        locked = _lock_panel(panel)
        if locked.state == Panel.State.CLOSED:
            raise TransitionRefused(_("评审组已结束评审，不能再修改。"))
        old = {"name": locked.name, "deadline": str(locked.deadline), "chair": locked.chair.name}
        old_members = set(locked.members.values_list("pk", flat=True))
        old_occupations = set(locked.occupations.values_list("pk", flat=True))
    scoring_rules = rules_of(panel.campaign_id)
    if any(e.city_id != panel.city_id or not e.active for e in members):
        raise TransitionRefused(_("评审专家须为本盟市专家库中在库的专家。"))
    if len({e.pk for e in members}) < scoring_rules.panel_size:
        raise TransitionRefused(_("评审组至少需要 %(n)d 位专家。") % {"n": scoring_rules.panel_size})
    if panel.chair_id not in {e.pk for e in members}:
        raise TransitionRefused(_("评审组组长须为本组的评审专家。"))
    if not occupations:
        raise TransitionRefused(_("请选择评审组评审的职业。"))
    if scoring_rules.review_deadline and panel.deadline > scoring_rules.review_deadline:
        raise TransitionRefused(
            _("评审截止日期不能晚于本批次的综合评审截止日期（%(day)s）。") % {"day": scoring_rules.review_deadline}
        )
    new_members = {e.pk for e in members}
    new_occupations = {o.pk for o in occupations}
    reshaped = panel.pk is not None and (new_members != old_members or new_occupations != old_occupations)
    if reshaped and _submitted(panel=panel):
        raise TransitionRefused(_("已有专家提交评分，评审组的专家和职业不能再修改。"))
    try:
        panel.full_clean(exclude=["members", "occupations", "state", "version", "closed_by", "closed_at"])
    except ValidationError as error:
        if "__all__" in error.message_dict:  # the unique name per campaign and city
            raise TransitionRefused(_("本批次已有同名的评审组。")) from None
        raise
    panel.version += 1
    panel.save()
    panel.members.set(members)
    panel.occupations.set(occupations)
    dropped = Review.objects.filter(panel=panel).delete()[0] if reshaped else 0
    after: dict[str, object] = {
        "name": panel.name,
        "deadline": str(panel.deadline),
        "chair": panel.chair.name,
        "members": sorted(e.name for e in members),
        "occupations": sorted(o.code for o in occupations),
    }
    if dropped:
        after["assignment_dropped"] = dropped
    record("scoring.panel.saved", actor=actor, obj=panel, before=old or None, after=after)
    return panel


@dataclass(frozen=True)
class PanelInputs:
    candidates: tuple[rules.CandidateFacts, ...]
    experts: tuple[rules.ExpertFacts, ...]


def panel_inputs(panel: Panel) -> PanelInputs:
    """The panel's candidates (the city's 二级/一级 of its occupations, seated or examined, not on
    another panel of the campaign) and its active members with specialties and relations."""
    others = Review.objects.filter(panel__campaign_id=panel.campaign_id).exclude(panel=panel).values("application")
    rows = (
        Application.objects.filter(
            campaign_id=panel.campaign_id,
            city_id=panel.city_id,
            level__in=REVIEWED_LEVELS,
            occupation__in=panel.occupations.values("pk"),
            status__in=REVIEWED_STATUSES,
        )
        .exclude(pk__in=others)
        .order_by("pk")
        .values_list("pk", "occupation_id", "employer", "id_number_hash")
    )
    candidates = tuple(
        rules.CandidateFacts(pk, occupation, employer, digest or "") for pk, occupation, employer, digest in rows
    )
    members = list(panel.members.filter(active=True).order_by("pk").values_list("pk", "name", "work_unit"))
    specialties: dict[int, set[int]] = defaultdict(set)
    for expert_id, occupation_id in Expert.specialties.through.objects.filter(
        expert__in=[m[0] for m in members]
    ).values_list("expert_id", "occupation_id"):
        specialties[expert_id].add(occupation_id)
    relations: dict[int, dict[str, str]] = defaultdict(dict)
    for expert_id, digest, relation in DeclaredRelation.objects.filter(expert__in=[m[0] for m in members]).values_list(
        "expert_id", "id_number_hash", "relation"
    ):
        relations[expert_id][digest] = relation
    experts = tuple(
        rules.ExpertFacts(pk, unit, frozenset(specialties[pk]), relations[pk], name=name) for pk, name, unit in members
    )
    return PanelInputs(candidates, experts)


# An unsubmitted review as `assign_panel` writes it, a plain row each.
REVIEW_COLUMNS = ("panel_id", "application_id", "expert_id", "points", "total", "comment", "submitted_at")


@transaction.atomic
def assign_panel(actor: User, panel: Panel) -> rules.Plan:
    """Give each of the panel's candidates the campaign's panel size of experts (`review.assign`:
    their occupation, no conflict, the least loaded first) as unsubmitted Review rows, replacing
    the panel's previous assignment. Re-runnable until the first sheet is submitted; a re-run that
    changes nothing writes nothing. The plan lists the candidates that could not be assigned."""
    require_city_regulator(actor, panel.city_id)
    panel = _lock_panel(panel)
    if panel.state == Panel.State.CLOSED:
        raise TransitionRefused(_("评审组已结束评审。"))
    if _submitted(panel=panel):
        raise TransitionRefused(_("已有专家提交评分，不能重新分配。"))
    inputs = panel_inputs(panel)
    plan = rules.assign(inputs.candidates, inputs.experts, rules_of(panel.campaign_id).panel_size)
    pairs = plan.pairs
    current = set(Review.objects.filter(panel=panel).values_list("application_id", "expert_id"))
    if current == set(pairs) and current:
        return plan
    Review.objects.filter(panel=panel).delete()
    points, comment = bulk.db_value(Review, "points", {}), ""
    bulk.insert_rows(Review, REVIEW_COLUMNS, ((panel.pk, c, e, points, None, comment, None) for c, e in pairs))
    after = {
        "candidates": len(plan.assignments),
        "reviews": len(pairs),
        "unassignable": len(plan.unassignable),
        "unassignable_ids": [u.candidate for u in plan.unassignable[:50]],
    }
    record("scoring.panel.assigned", actor=actor, obj=panel, before={"reviews": len(current)}, after=after)
    return plan


# --- the expert's sheet ----------------------------------------------------------------------------


class SheetRefused(TransitionRefused):
    """The sheet has errors: `errors` {criterion id: message}; nothing was saved."""

    def __init__(self, errors: Mapping[int, str]) -> None:
        super().__init__(_("评分表有误，请按提示修改。"))
        self.errors = dict(errors)


def criteria_of(campaign_id: int) -> list[rules.CriterionFacts]:
    return [rules.CriterionFacts(c.pk, c.name, c.weight) for c in Criterion.objects.filter(campaign_id=campaign_id)]


@transaction.atomic
def submit_review(actor: User, review: Review, *, points: Mapping[int, object], comment: str = "") -> Review:
    """The expert submits their own sheet of a candidate: the panel open, on or before its
    deadline, no conflict declared since the assignment, every criterion within its weight; the
    total is computed here. A submitted sheet is final (a second submit is refused)."""
    require(actor, "scoring.review")
    review = Review.objects.select_for_update().get(pk=review.pk)
    expert = Expert.objects.get(pk=review.expert_id)
    if expert.user_id != actor.pk:
        raise PermissionDenied("not this expert's review")
    if review.submitted_at is not None:
        raise TransitionRefused(_("您已提交该考生的评分，不能再修改。"))
    panel = Panel.objects.select_related("city").get(pk=review.panel_id)
    if panel.state == Panel.State.CLOSED:
        raise TransitionRefused(_("评审组已结束评审。"))
    if timezone.localdate() > panel.deadline:
        raise TransitionRefused(_("综合评审已于 %(day)s 截止。") % {"day": panel.deadline})
    application = Application.objects.only("employer", "id_number_hash").get(pk=review.application_id)
    relations = dict(expert.relations.values_list("id_number_hash", "relation"))
    facts = rules.ExpertFacts(expert.pk, expert.work_unit, relations=relations, name=expert.name)
    reason = rules.conflict(
        facts, rules.CandidateFacts(application.pk, None, application.employer, application.id_number_hash or "")
    )
    if reason:
        raise TransitionRefused(_("您须回避该考生：%(reason)s。请联系人社监管部门重新分配。") % {"reason": reason})
    criteria = criteria_of(panel.campaign_id)
    if not criteria:
        raise TransitionRefused(_("就促会尚未设置综合评审项目。"))
    sheet = rules.sheet_total(points, criteria)
    if not sheet.ok or sheet.total is None:
        raise SheetRefused(sheet.errors)
    review.points = {str(pk): str(value) for pk, value in sheet.points.items()}
    review.total = sheet.total
    review.comment = comment.strip()[:500]
    review.submitted_at = timezone.now()
    review.save(update_fields=["points", "total", "comment", "submitted_at"])
    after = {"application": review.application_id, "total": str(review.total)}
    record("scoring.review.submitted", actor=actor, obj=review, after=after, city=panel.city)
    return review


# --- the chair closes the panel --------------------------------------------------------------------


def totals_by_candidate(panel: Panel) -> dict[int, list[Decimal]]:
    """{application: the submitted totals} of the panel (unsubmitted sheets left out)."""
    totals: dict[int, list[Decimal]] = defaultdict(list)
    for application_id, total in (
        Review.objects.filter(panel=panel, submitted_at__isnull=False)
        .order_by("pk")
        .values_list("application_id", "total")
    ):
        if total is not None:
            totals[application_id].append(total)
    return dict(totals)


def flagged_candidates(panel: Panel, threshold: Decimal) -> list[int]:
    return sorted(pk for pk, totals in totals_by_candidate(panel).items() if rules.flagged(totals, threshold))


@transaction.atomic
def close_panel(actor: User, panel: Panel, *, acknowledged: Collection[int] = ()) -> int:
    """The chair ends the review: every sheet submitted, every candidate whose totals spread over
    the campaign's threshold seen (`acknowledged`, listed on the close page); then each candidate
    gets its 综合评审 Score (the aggregate, finalized by the chair) in one insert. Returns the
    number of scores written; closing a closed panel is quiet (0)."""
    require(actor, "scoring.review")
    panel = _lock_panel(panel)
    if panel.chair.user_id != actor.pk:
        raise PermissionDenied("only the panel's chair closes it")
    if panel.state == Panel.State.CLOSED:
        return 0
    reviews = list(Review.objects.filter(panel=panel).values_list("application_id", "submitted_at"))
    if not reviews:
        raise TransitionRefused(_("评审组还没有分配考生。"))
    pending = sum(1 for _pk, submitted in reviews if submitted is None)
    if pending:
        raise TransitionRefused(_("还有 %(n)d 份评分未提交，不能结束评审。") % {"n": pending})
    scoring_rules = rules_of(panel.campaign_id)
    totals = totals_by_candidate(panel)
    unseen = [pk for pk, values in totals.items() if rules.flagged(values, scoring_rules.spread_threshold)]
    unseen = [pk for pk in unseen if pk not in set(acknowledged)]
    if unseen:
        raise TransitionRefused(
            _("有 %(n)d 位考生的专家评分差异超过 %(t)s 分，请逐一核看后勾选确认，再结束评审。")
            % {"n": len(unseen), "t": scoring_rules.spread_threshold}
        )
    live = set(
        Application.objects.filter(pk__in=list(totals))
        .exclude(status__in=(Status.WITHDRAWN, Status.DISQUALIFIED))
        .values_list("pk", flat=True)
    )
    if Score.objects.filter(application__in=live, part=Part.REVIEW).exists():
        raise TransitionRefused(_("部分考生已有综合评审成绩，请联系就促会核实。"))
    now = timezone.now()
    Score.objects.bulk_create(
        [
            Score(
                application_id=pk,
                part=Part.REVIEW,
                mark=Mark.SCORE,
                value=rules.aggregate(totals[pk], scoring_rules.decimals),
                finalized_by=actor,
                finalized_at=now,
            )
            for pk in sorted(live)
        ],
        batch_size=2000,
    )
    states.close_panel(panel, actor=actor, now=now)
    after = {"state": panel.state, "scores": len(live), "flagged": sorted(set(acknowledged) & set(totals))}
    record("scoring.panel.closed", actor=actor, obj=panel, before={"state": Panel.State.OPEN}, after=after)
    return len(live)
