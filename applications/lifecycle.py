"""Every status change of an application, and nothing else changes `status`.

Each transition locks the row, checks the actor, the campaign's window and the
state, returns quietly when the work is already done (a double click), writes
one audit event, all in one transaction.

The lifecycle owns the state table, the guards and the audit, nothing else. What
other apps do when an application moves (review writes its rounds, payments cancels
an unpaid order) they register here with `on(Transition.X)` in their AppConfig.ready;
the receivers run inside the transition's transaction, after the status is saved, in
the order they were registered (INSTALLED_APPS order). A receiver writes only its own
app's rows, never calls the network (it queues that with transaction.on_commit) and
changes no application status except by calling another transition. Receivers do not
run when a transition returns quietly because the work was already done.

A batch transition (`schedule_many`: a city's publication) moves many rows in one locked
query and one UPDATE; it still runs every receiver of the transition for each application
it moved. A receiver that would rather see the whole batch at once registers with
`on_many(Transition.X)`: it runs once per call with every moved application (a single
transition calls it with one), after the per-application receivers.
"""

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from enum import StrEnum
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.permissions import AnyUser, same_city
from applications.eligibility import Decision
from applications.eligibility_service import eligibility_allows_submission
from applications.models import Application, Status
from audit.services import record, record_many
from catalog.models import Campaign
from skillcert.refusals import TransitionRefused

# --- The registry of after-transition receivers -------------------------------------------------


class Transition(StrEnum):
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    APPROVE = "approve"
    RETURN_FOR_CHANGES = "return_for_changes"
    RESUBMIT = "resubmit"
    MARK_PAID = "mark_paid"
    SCHEDULE = "schedule"
    EXAMINE = "examine"
    CONCLUDE = "conclude"
    WITHDRAW_AFTER_APPROVAL = "withdraw_after_approval"
    DISQUALIFY = "disqualify"
    CERTIFY = "certify"
    DELIVER = "deliver"
    REVOKE_CERTIFICATE = "revoke_certificate"
    REISSUE_CERTIFICATE = "reissue_certificate"


class Receiver(Protocol):
    def __call__(
        self, application: Application, *, actor: User | None, before: str, after: str, context: Mapping[str, Any]
    ) -> None: ...


class BatchReceiver(Protocol):
    def __call__(
        self,
        applications: Sequence[Application],
        *,
        actor: User | None,
        before: str,
        after: str,
        contexts: Sequence[Mapping[str, Any]],
    ) -> None: ...


_receivers: dict[Transition, list[Receiver]] = {transition: [] for transition in Transition}
_batch_receivers: dict[Transition, list[BatchReceiver]] = {transition: [] for transition in Transition}


def on(transition: Transition) -> Callable[[Receiver], Receiver]:
    """Register a receiver to run inside `transition`'s transaction (registering twice is a no-op)."""

    def register(receiver: Receiver) -> Receiver:
        if receiver not in _receivers[transition]:
            _receivers[transition].append(receiver)
        return receiver

    return register


def on_many(transition: Transition) -> Callable[[BatchReceiver], BatchReceiver]:
    """Register a receiver that sees all the applications one call of `transition` moved."""

    def register(receiver: BatchReceiver) -> BatchReceiver:
        if receiver not in _batch_receivers[transition]:
            _batch_receivers[transition].append(receiver)
        return receiver

    return register


def receivers(transition: Transition) -> tuple[Receiver, ...]:
    """The receivers of `transition`, in the order they run."""
    return tuple(_receivers[transition])


def batch_receivers(transition: Transition) -> tuple[BatchReceiver, ...]:
    """The batch receivers of `transition`, run after the per-application ones."""
    return tuple(_batch_receivers[transition])


def _after(transition: Transition, application: Application, actor: User | None, before: str, **context: Any) -> None:
    _after_many(transition, [application], actor, before, [context])


def _after_many(
    transition: Transition,
    applications: Sequence[Application],
    actor: User | None,
    before: str,
    contexts: Sequence[Mapping[str, Any]],
) -> None:
    """Every receiver for each application (none skipped), then the batch receivers once."""
    if not applications:
        return
    after = applications[0].status
    for receiver in _receivers[transition]:
        for application, context in zip(applications, contexts, strict=True):
            receiver(application, actor=actor, before=before, after=after, context=context)
    for batch_receiver in _batch_receivers[transition]:
        batch_receiver(applications, actor=actor, before=before, after=after, contexts=contexts)


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update().select_related("campaign").get(pk=application.pk)


# --- Who may act: predicates shared by the guards below and `applications.actions` ----------


def is_owner(user: AnyUser, application: Application) -> bool:
    return isinstance(user, User) and application.applicant_id == user.pk


def is_reviewer(user: AnyUser, application: Application, tier: str) -> bool:
    """初审 is the application's city's co-organizer, 复审 the association."""
    if not isinstance(user, User):  # the anonymous visitor
        return False
    if tier == CITY_TIER:
        return user.role == Role.CO_ORGANIZER and same_city(user, application.city_id)
    return user.is_association


def is_responsible_staff(user: AnyUser, application: Application) -> bool:
    """The association, or the co-organizer of the application's city: who records what
    happens after approval (考前退出, the paper form's receipt)."""
    return is_reviewer(user, application, CITY_TIER) or is_reviewer(user, application, ASSOCIATION_TIER)


def may_disqualify(user: AnyUser) -> bool:
    return isinstance(user, User) and user.is_association


def _require_owner(actor: User, application: Application) -> None:
    if not is_owner(actor, application):
        raise PermissionDenied("not the applicant")


def require_registration_open(campaign: Campaign, today: date | None = None) -> None:
    today = today or timezone.localdate()
    if today < campaign.registration_opens:
        raise TransitionRefused(
            _("报名尚未开始，将于 %(date)s 开始。") % {"date": f"{campaign.registration_opens:%Y年%-m月%-d日}"}
        )
    if today > campaign.registration_closes:
        raise TransitionRefused(
            _("报名已于 %(date)s 截止。") % {"date": f"{campaign.registration_closes:%Y年%-m月%-d日}"}
        )


def _require_eligible(application: Application, eligibility: Decision) -> None:
    """Refuse an ineligible application, unless the campaign's rules leave it to the reviewers."""
    if not eligibility_allows_submission(application.campaign, eligibility):
        raise TransitionRefused(_("按申报条件自测，暂不符合申报条件：") + "；".join(eligibility.reasons))


@transaction.atomic
def submit(actor: User, application: Application, *, eligibility: Decision, missing: tuple[str, ...]) -> Application:
    """draft → submitted, when eligible and complete (both computed by the caller's service)."""
    application = _locked(application)
    _require_owner(actor, application)
    if application.status == Status.SUBMITTED:
        return application  # already done: a second click changes nothing
    if application.status != Status.DRAFT:
        raise TransitionRefused(_("当前状态为“%(status)s”，不能提交。") % {"status": application.get_status_display()})
    require_registration_open(application.campaign)
    if missing:
        raise TransitionRefused(_("还有 %(n)d 项未完成，请补齐后再提交。") % {"n": len(missing)})
    _require_eligible(application, eligibility)
    application.status = Status.SUBMITTED
    application.submitted_at = timezone.now()
    application.eligibility_rule = eligibility.rule
    application.eligibility_reasons = list(eligibility.reasons)
    application.version += 1
    application.save()
    record(
        "applications.submitted",
        actor=actor,
        obj=application,
        before={"status": Status.DRAFT},
        after={"status": Status.SUBMITTED, "rule": eligibility.rule},
    )
    _after(Transition.SUBMIT, application, actor, Status.DRAFT)
    return application


# The state table: which states each action starts from.
EDITABLE = {Status.DRAFT, Status.RETURNED}
WITHDRAWABLE = {Status.DRAFT, Status.SUBMITTED, Status.RETURNED}
# The signed 申报表 original is handed in after approval and before the exam is arranged.
PAPER_FORM_RECEIVABLE = {Status.APPROVED, Status.PAID}


@transaction.atomic
def withdraw(actor: User, application: Application) -> Application:
    """The applicant withdraws before any review decision (draft, submitted, returned)."""
    application = _locked(application)
    _require_owner(actor, application)
    if application.status == Status.WITHDRAWN:
        return application
    if application.status not in WITHDRAWABLE:
        raise TransitionRefused(_("审核已有结论，不能在线撤回；如需退出请联系所在盟市协办单位。"))
    before = application.status
    application.status = Status.WITHDRAWN
    application.version += 1
    application.save()
    record(
        "applications.withdrawn",
        actor=actor,
        obj=application,
        before={"status": before},
        after={"status": Status.WITHDRAWN},
    )
    _after(Transition.WITHDRAW, application, actor, before)
    return application


# --- Review: 初审 by the city's co-organizer, 复审 by the association -------------------

CITY_TIER, ASSOCIATION_TIER = "city", "association"
# What each tier reviews, and where a resubmission returns to.
TIER_STATE = {CITY_TIER: Status.SUBMITTED, ASSOCIATION_TIER: Status.CITY_APPROVED}
APPROVED_STATE = {CITY_TIER: Status.CITY_APPROVED, ASSOCIATION_TIER: Status.APPROVED}


def _require_reviewer(actor: User, application: Application, tier: str) -> None:
    if not is_reviewer(actor, application, tier):
        raise PermissionDenied(f"not a {tier} reviewer of this application")


def require_review_open(campaign: Campaign, today: date | None = None) -> None:
    today = today or timezone.localdate()
    if today < campaign.review_opens:
        raise TransitionRefused(_("审核尚未开始。"))
    if today > campaign.review_ends:
        raise TransitionRefused(
            _("审核已于 %(date)s 截止；如需继续，请就促会延长审核期。")
            % {"date": f"{campaign.review_ends:%Y年%-m月%-d日}"}
        )


def _already_decided(application: Application, tier: str) -> TransitionRefused:
    """A refusal that says why: someone decided first, or it is not at this tier yet."""
    status = {"status": application.get_status_display()}
    if application.status in (APPROVED_STATE[tier], Status.RETURNED, Status.APPROVED, Status.WITHDRAWN):
        return TransitionRefused(_("这份申报已由他人处理，当前状态为“%(status)s”。页面已刷新为最新内容。") % status)
    return TransitionRefused(_("当前状态为“%(status)s”，不在本环节审核。") % status)


def _decided_by(application: Application, actor: User, tier: str, decision: str) -> bool:
    """The actor's own decision is the latest one: a double click, not a conflict."""
    latest = application.review_rounds.order_by("-decided_at", "-pk").first()
    return latest is not None and latest.reviewer_id == actor.pk and latest.tier == tier and latest.decision == decision


@transaction.atomic
def approve(
    actor: User, application: Application, *, tier: str, comment: str = "", verified_flags: list[dict] | None = None
) -> Application:
    """submitted → city_approved (city) or city_approved → approved (association).

    `verified_flags` are the risk flags the reviewer confirmed having checked; they are
    recorded with the decision. Review's receiver writes the round."""
    application = _locked(application)
    _require_reviewer(actor, application, tier)
    if application.status != TIER_STATE[tier]:
        if application.status == APPROVED_STATE[tier] and _decided_by(application, actor, tier, "approved"):
            return application
        raise _already_decided(application, tier)
    require_review_open(application.campaign)
    before = application.status
    application.status = APPROVED_STATE[tier]
    application.version += 1
    application.save()
    after: dict[str, object] = {"status": application.status}
    if verified_flags:
        after["verified_flags"] = verified_flags
    record(f"review.{tier}.approved", actor=actor, obj=application, before={"status": before}, after=after)
    _after(Transition.APPROVE, application, actor, before, tier=tier, comment=comment)
    return application


@transaction.atomic
def return_for_changes(
    actor: User, application: Application, *, tier: str, items: list[tuple[str, str, str]], comment: str = ""
) -> Application:
    """Back to the applicant with what to fix: items are (item, reason_code, reason).

    Review's receiver writes the round and its items."""
    application = _locked(application)
    _require_reviewer(actor, application, tier)
    if not items:
        raise TransitionRefused(_("退回时请至少选择一项需要修改的内容并说明原因。"))
    if application.status != TIER_STATE[tier]:
        if application.status == Status.RETURNED and _decided_by(application, actor, tier, "returned"):
            return application
        raise _already_decided(application, tier)
    require_review_open(application.campaign)
    before = application.status
    application.status = Status.RETURNED
    application.returned_tier = tier
    application.returned_items = sorted({item for item, _code, _reason in items})
    application.version += 1
    application.save()
    record(
        f"review.{tier}.returned",
        actor=actor,
        obj=application,
        before={"status": before},
        after={"status": Status.RETURNED, "items": application.returned_items},
    )
    _after(Transition.RETURN_FOR_CHANGES, application, actor, before, tier=tier, comment=comment, items=tuple(items))
    return application


@transaction.atomic
def resubmit(actor: User, application: Application, *, eligibility: Decision, missing: tuple[str, ...]) -> Application:
    """returned → back to the tier that returned it, within the review window."""
    application = _locked(application)
    _require_owner(actor, application)
    if application.status != Status.RETURNED:
        if application.status in TIER_STATE.values():
            return application  # already resubmitted
        raise TransitionRefused(
            _("当前状态为“%(status)s”，不能重新提交。") % {"status": application.get_status_display()}
        )
    require_review_open(application.campaign)
    if missing:
        raise TransitionRefused(_("还有 %(n)d 项未完成，请补齐后再提交。") % {"n": len(missing)})
    _require_eligible(application, eligibility)
    tier = application.returned_tier or CITY_TIER
    application.status = TIER_STATE[tier]
    application.returned_tier = ""
    fixed = application.returned_items
    application.returned_items = []
    application.resubmitted_at = timezone.now()
    application.eligibility_rule = eligibility.rule
    application.eligibility_reasons = list(eligibility.reasons)
    application.version += 1
    application.save()
    record(
        "applications.resubmitted",
        actor=actor,
        obj=application,
        before={"status": Status.RETURNED, "items": fixed},
        after={"status": application.status},
    )
    _after(Transition.RESUBMIT, application, actor, Status.RETURNED, tier=tier)
    return application


# --- Payment, and leaving after approval ------------------------------------------------------


@transaction.atomic
def mark_paid(application: Application, *, order_code: str, actor: User | None = None) -> Application:
    """approved → paid, when `payments.services` has confirmed the order's money.

    The actor is the staff member who recorded an offline payment, or None for a
    provider's confirmation. Paying twice changes nothing here.
    """
    application = _locked(application)
    if application.status == Status.PAID:
        return application
    if application.status != Status.APPROVED:
        raise TransitionRefused(
            _("当前状态为“%(status)s”，不能登记缴费。") % {"status": application.get_status_display()}
        )
    application.status = Status.PAID
    application.version += 1
    application.save()
    record(
        "applications.paid",
        actor=actor,
        obj=application,
        before={"status": Status.APPROVED},
        after={"status": Status.PAID, "order": order_code},
    )
    _after(Transition.MARK_PAID, application, actor, Status.APPROVED, order_code=order_code)
    return application


def _needs_scheduling(actor: User, application: Application) -> bool:
    """True when the locked row is paid and `actor` may schedule it; False when it is scheduled
    already (nothing to do); refused otherwise."""
    if not is_responsible_staff(actor, application):
        raise PermissionDenied("not staff responsible for this application")
    if application.status == Status.SCHEDULED:
        return False
    if application.status != Status.PAID:
        raise TransitionRefused(
            _("当前状态为“%(status)s”，不能安排考试。") % {"status": application.get_status_display()}
        )
    return True


@transaction.atomic
def schedule(actor: User, application: Application, *, ticket_number: str) -> Application:
    """paid → scheduled, when the city's seating is published and the candidate holds a ticket.

    The actor is the co-organizer who publishes (or the association). Scheduling twice
    changes nothing here; exams' services give the seat and the ticket."""
    application = _locked(application)
    if not _needs_scheduling(actor, application):
        return application
    application.status = Status.SCHEDULED
    application.version += 1
    application.save()
    record(
        "applications.scheduled",
        actor=actor,
        obj=application,
        before={"status": Status.PAID},
        after={"status": Status.SCHEDULED, "ticket": ticket_number},
    )
    _after(Transition.SCHEDULE, application, actor, Status.PAID, ticket_number=ticket_number)
    return application


# Rows locked and updated per query in a batch transition (well under any backend's parameter limit).
BATCH_SIZE = 2000


@transaction.atomic
def schedule_many(actor: User, tickets: Mapping[int, str]) -> list[Application]:
    """paid → scheduled for many applications ({application id: ticket number}) in one transaction:
    each row checked exactly as `schedule` checks it, then one UPDATE, the audit events in one
    insert, and the receivers (each application, then the batch receivers).

    Rows already scheduled are skipped quietly, as `schedule` returns them; a row the actor
    may not schedule (PermissionDenied) or in another state (TransitionRefused) refuses the whole
    batch, and nothing of it is written. Returns the applications moved now, in the given order."""
    locked = _locked_many(list(tickets))
    needs = [_needs_scheduling(actor, application) for application in locked]  # every row checked first
    moving = [application for application, needed in zip(locked, needs, strict=True) if needed]
    _move_many(moving, Status.SCHEDULED)
    record_many(
        "applications.scheduled",
        [(a, {"status": Status.PAID}, {"status": Status.SCHEDULED, "ticket": tickets[a.pk]}) for a in moving],
        actor=actor,
    )
    contexts = [{"ticket_number": tickets[a.pk]} for a in moving]
    _after_many(Transition.SCHEDULE, moving, actor, Status.PAID, contexts)
    return moving


def _locked_many(ids: list[int]) -> list[Application]:
    """The rows locked in id order (one query per BATCH_SIZE; two batches never deadlock), returned in
    the order given; with what the audit's object label and city read, so they cost no query each
    (prefetched: one shared instance per campaign, city, occupation and level, not one per row)."""
    related = ("campaign", "city", "occupation", "level")
    rows = Application.objects.select_for_update(of=("self",)).prefetch_related(*related)
    # Not decrypted for thousands of rows the batch never reads (a receiver that does loads them).
    rows = rows.defer("id_number", "phone")
    by_pk: dict[int, Application] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), BATCH_SIZE):
        by_pk.update(rows.filter(pk__in=ordered[start : start + BATCH_SIZE]).order_by("pk").in_bulk())
    missing = [pk for pk in ids if pk not in by_pk]
    if missing:
        raise Application.DoesNotExist(f"no application {missing[0]}")
    return [by_pk[pk] for pk in ids]


def _move_many(applications: list[Application], status: str) -> None:
    """One UPDATE per BATCH_SIZE rows: the status, version + 1 and updated_at, as `save` would write
    them; the instances are brought up to date."""
    now = timezone.now()
    ids = [application.pk for application in applications]
    for start in range(0, len(ids), BATCH_SIZE):
        Application.objects.filter(pk__in=ids[start : start + BATCH_SIZE]).update(
            status=status, version=F("version") + 1, updated_at=now
        )
    for application in applications:
        application.status = status
        application.version += 1
        application.updated_at = now


# --- Results: publicity opens (scheduled → examined) and closes (examined → passed / failed) -----


def is_city_regulator(user: AnyUser, application: Application) -> bool:
    """The regulator of the application's city, who runs marking and publicity (六.二), or the association."""
    if not isinstance(user, User):
        return False
    return user.is_association or (user.role == Role.REGULATOR and same_city(user, application.city_id))


def _require_results_officer(actor: User, applications: Sequence[Application]) -> None:
    for application in applications:
        if not is_city_regulator(actor, application):
            raise PermissionDenied("not the regulator of this application's city")


def _refuse_state(application: Application, doing: str) -> TransitionRefused:
    return TransitionRefused(
        _("%(name)s 当前状态为“%(status)s”，不能%(doing)s。")
        % {"name": application.full_name, "status": application.get_status_display(), "doing": doing}
    )


@transaction.atomic
def examine_many(actor: User, ids: Sequence[int]) -> list[Application]:
    """scheduled → examined for every candidate of a city's publicity (their scores are final).

    Rows already examined are skipped; a row the actor may not move, or in another state,
    refuses the whole batch. Returns the applications moved now."""
    locked = _locked_many(list(ids))
    _require_results_officer(actor, locked)
    for application in locked:
        if application.status not in (Status.SCHEDULED, Status.EXAMINED):
            raise _refuse_state(application, _("公示成绩"))
    moving = [application for application in locked if application.status == Status.SCHEDULED]
    _move_many(moving, Status.EXAMINED)
    record_many(
        "applications.examined",
        [(a, {"status": Status.SCHEDULED}, {"status": Status.EXAMINED}) for a in moving],
        actor=actor,
    )
    _after_many(Transition.EXAMINE, moving, actor, Status.SCHEDULED, [{} for _a in moving])
    return moving


@transaction.atomic
def conclude_many(actor: User, results: Mapping[int, bool]) -> list[Application]:
    """examined → passed or failed ({application id: passed}) when the city's publicity closes:
    the results become final. Rows already concluded the same way are skipped; any other state
    refuses the whole batch. Receivers run once per outcome group."""
    locked = _locked_many(list(results))
    _require_results_officer(actor, locked)
    moved: list[Application] = []
    for passed, status in ((True, Status.PASSED), (False, Status.FAILED)):
        group = [a for a in locked if results[a.pk] is passed]
        for application in group:
            if application.status not in (Status.EXAMINED, status):
                raise _refuse_state(application, _("确定认定结果"))
        moving = [a for a in group if a.status == Status.EXAMINED]
        _move_many(moving, status)
        record_many(
            "applications.concluded",
            [(a, {"status": Status.EXAMINED}, {"status": status}) for a in moving],
            actor=actor,
        )
        _after_many(Transition.CONCLUDE, moving, actor, Status.EXAMINED, [{"passed": passed} for _a in moving])
        moved.extend(moving)
    return moved


# States from which staff may record that an approved applicant leaves before the exam.
LEAVABLE = {Status.APPROVED, Status.PAID, Status.SCHEDULED}
# Everything before a certificate exists may be disqualified (取消资格).
DISQUALIFIABLE = set(Status) - {Status.CERTIFIED, Status.DELIVERED, Status.WITHDRAWN, Status.DISQUALIFIED}


def _require_leave_officer(actor: User, application: Application) -> None:
    if not is_responsible_staff(actor, application):
        raise PermissionDenied("not staff responsible for this application")


@transaction.atomic
def withdraw_after_approval(actor: User, application: Application, *, reason: str) -> Application:
    """approved/paid/scheduled → withdrawn, recorded by staff before the exam day (考前退出)."""
    application = _locked(application)
    _require_leave_officer(actor, application)
    if application.status == Status.WITHDRAWN:
        return application
    if application.status not in LEAVABLE:
        raise TransitionRefused(
            _("当前状态为“%(status)s”，不能登记考前退出。") % {"status": application.get_status_display()}
        )
    if timezone.localdate() >= application.campaign.exam_date:
        raise TransitionRefused(_("考试已开始，不能再登记考前退出。"))
    if not reason.strip():
        raise TransitionRefused(_("请填写退出原因。"))
    return _leave(actor, application, Transition.WITHDRAW_AFTER_APPROVAL, reason)


@transaction.atomic
def disqualify(actor: User, application: Application, *, reason: str) -> Application:
    """Any state before certified → disqualified (取消资格), by the association only."""
    application = _locked(application)
    if not actor.is_association:
        raise PermissionDenied("only the association disqualifies")  # before the state: 403, not a message
    if application.status == Status.DISQUALIFIED:
        return application
    if application.status not in DISQUALIFIABLE:
        raise TransitionRefused(
            _("当前状态为“%(status)s”，不能取消资格。") % {"status": application.get_status_display()}
        )
    if not reason.strip():
        raise TransitionRefused(_("请填写取消资格的原因。"))
    return _leave(actor, application, Transition.DISQUALIFY, reason)


# Where each way of leaving ends, and the audit action that records it.
LEAVINGS = {
    Transition.WITHDRAW_AFTER_APPROVAL: (Status.WITHDRAWN, "applications.withdrawn_after_approval"),
    Transition.DISQUALIFY: (Status.DISQUALIFIED, "applications.disqualified"),
}


def _leave(actor: User, application: Application, transition: Transition, reason: str) -> Application:
    """The end of a checked 考前退出 or 取消资格: the new state, its audited reason, the receivers
    (payments cancels an unpaid order)."""
    status, action = LEAVINGS[transition]
    before = application.status
    application.status = status
    application.version += 1
    application.save()
    record(
        action,
        actor=actor,
        obj=application,
        before={"status": before},
        after={"status": status, "reason": reason.strip()},
    )
    _after(transition, application, actor, before, reason=reason.strip())
    return application


# --- Certificates: issued (passed → certified), handed out (→ delivered), revoked, re-issued ------

HOLDS_CERTIFICATE = {Status.CERTIFIED, Status.DELIVERED}


def _require_association(actor: User, doing: str) -> None:
    if not actor.is_association:
        raise PermissionDenied(f"only the association {doing}")  # before the state: 403, not a message


@transaction.atomic
def certify_many(actor: User, ids: Sequence[int], *, issued_on: date, batch: Any = None) -> list[Application]:
    """passed → certified for a batch the association issues (七: 就促会统一制发). Rows already
    certified are skipped; any other state refuses the whole batch. The certificates' receiver
    numbers and signs one certificate per moved application (context: issued_on, batch)."""
    _require_association(actor, "issues certificates")
    locked = _locked_many(list(ids))
    for application in locked:
        if application.status not in (Status.PASSED, *HOLDS_CERTIFICATE):
            raise _refuse_state(application, _("发证"))
    moving = [application for application in locked if application.status == Status.PASSED]
    _move_many(moving, Status.CERTIFIED)
    record_many(
        "applications.certified",
        [(a, {"status": Status.PASSED}, {"status": Status.CERTIFIED}) for a in moving],
        actor=actor,
    )
    contexts = [{"issued_on": issued_on, "batch": batch} for _a in moving]
    _after_many(Transition.CERTIFY, moving, actor, Status.PASSED, contexts)
    return moving


def may_hand_out(user: AnyUser, application: Application) -> bool:
    """七: the co-organizer of the holder's city tells the holder or the unit and hands it out; the
    association may record it too."""
    return is_responsible_staff(user, application)


@transaction.atomic
def deliver(actor: User, application: Application, **handout: Any) -> Application:
    """certified → delivered when the certificate is collected (by the holder, ID checked, or by the
    unit). The certificates' receiver records the hand-out from `handout`."""
    application = _locked(application)
    if not may_hand_out(actor, application):
        raise PermissionDenied("not staff responsible for this application")
    if application.status != Status.CERTIFIED:
        raise _refuse_state(application, _("登记领证"))
    application.status = Status.DELIVERED
    application.version += 1
    application.save()
    record(
        "applications.delivered",
        actor=actor,
        obj=application,
        before={"status": Status.CERTIFIED},
        after={"status": Status.DELIVERED, "way": str(handout.get("way", ""))},
    )
    _after(Transition.DELIVER, application, actor, Status.CERTIFIED, **handout)
    return application


def _require_reason(reason: str, message: str) -> str:
    if not reason.strip():
        raise TransitionRefused(message)
    return reason.strip()[:500]


@transaction.atomic
def revoke_certificate(actor: User, application: Application, *, reason: str) -> Application:
    """certified/delivered → disqualified (九.二: 取消证书 for fraud), by the association with a reason.
    The certificates' receiver marks the valid certificate revoked, with the day and the reason."""
    application = _locked(application)
    _require_association(actor, "revokes certificates")
    if application.status == Status.DISQUALIFIED:
        return application
    if application.status not in HOLDS_CERTIFICATE:
        raise _refuse_state(application, _("撤销证书"))
    reason = _require_reason(reason, _("请填写撤销证书的原因。"))
    return _move_held(actor, application, Transition.REVOKE_CERTIFICATE, reason=reason)


@transaction.atomic
def reissue_certificate(actor: User, application: Application, *, reason: str, issued_on: date) -> Application:
    """certified/delivered → certified: a new certificate with a new number for a lost or corrected
    one (the old one is marked replaced by the certificates' receiver); it is handed out again."""
    application = _locked(application)
    _require_association(actor, "re-issues certificates")
    if application.status not in HOLDS_CERTIFICATE:
        raise _refuse_state(application, _("补发证书"))
    reason = _require_reason(reason, _("请填写补发或更正的原因。"))
    return _move_held(actor, application, Transition.REISSUE_CERTIFICATE, reason=reason, issued_on=issued_on)


# Where a checked change of a held certificate ends, and the audit action that records it.
HELD_MOVES = {
    Transition.REVOKE_CERTIFICATE: (Status.DISQUALIFIED, "applications.certificate_revoked"),
    Transition.REISSUE_CERTIFICATE: (Status.CERTIFIED, "applications.certificate_reissued"),
}


def _move_held(actor: User, application: Application, transition: Transition, **context: Any) -> Application:
    """The end of a checked revocation or re-issue: the new state, its audited reason, the receivers."""
    status, action = HELD_MOVES[transition]
    before = application.status
    application.status = status
    application.version += 1
    application.save()
    after = {"status": status, "reason": context["reason"]}
    record(action, actor=actor, obj=application, before={"status": before}, after=after)
    _after(transition, application, actor, before, **context)
    return application
