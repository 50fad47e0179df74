"""Every status change of an application, and nothing else changes `status`.

Each transition locks the row, checks the actor, the campaign's window and the
state, returns quietly when the work is already done (a double click), writes
one audit event, all in one transaction.
"""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from applications.eligibility import Decision
from applications.eligibility_service import eligibility_allows_submission
from applications.models import Application, Status
from audit.services import record
from catalog.models import Campaign


class TransitionRefused(Exception):
    """str() is the message to show; nothing was changed."""


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update().select_related("campaign").get(pk=application.pk)


def _require_owner(actor: User, application: Application) -> None:
    if application.applicant_id != actor.pk:
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
    return application


WITHDRAWABLE = {Status.DRAFT, Status.SUBMITTED, Status.RETURNED}


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
    return application


# --- Review: 初审 by the city's co-organizer, 复审 by the association -------------------

CITY_TIER, ASSOCIATION_TIER = "city", "association"
# What each tier reviews, and where a resubmission returns to.
TIER_STATE = {CITY_TIER: Status.SUBMITTED, ASSOCIATION_TIER: Status.CITY_APPROVED}
APPROVED_STATE = {CITY_TIER: Status.CITY_APPROVED, ASSOCIATION_TIER: Status.APPROVED}


def _require_reviewer(actor: User, application: Application, tier: str) -> None:
    from accounts.models import Role
    from accounts.permissions import same_city

    if tier == CITY_TIER:
        allowed = actor.role == Role.CO_ORGANIZER and same_city(actor, application.city_id)
    else:
        allowed = actor.is_association
    if not allowed:
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
    recorded with the decision."""
    from review.models import ReviewRound

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
    ReviewRound.objects.create(application=application, tier=tier, decision="approved", reviewer=actor, comment=comment)
    after: dict[str, object] = {"status": application.status}
    if verified_flags:
        after["verified_flags"] = verified_flags
    record(f"review.{tier}.approved", actor=actor, obj=application, before={"status": before}, after=after)
    return application


@transaction.atomic
def return_for_changes(
    actor: User, application: Application, *, tier: str, items: list[tuple[str, str, str]], comment: str = ""
) -> Application:
    """Back to the applicant with what to fix: items are (item, reason_code, reason)."""
    from review.models import ReturnItem, ReviewRound

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
    review_round = ReviewRound.objects.create(
        application=application, tier=tier, decision="returned", reviewer=actor, comment=comment
    )
    ReturnItem.objects.bulk_create(
        ReturnItem(round=review_round, item=item, reason_code=code, reason=reason) for item, code, reason in items
    )
    record(
        f"review.{tier}.returned",
        actor=actor,
        obj=application,
        before={"status": before},
        after={"status": Status.RETURNED, "items": application.returned_items},
    )
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
    return application


# States from which staff may record that an approved applicant leaves before the exam.
LEAVABLE = {Status.APPROVED, Status.PAID, Status.SCHEDULED}
# Everything before a certificate exists may be disqualified (取消资格).
DISQUALIFIABLE = set(Status) - {Status.CERTIFIED, Status.DELIVERED, Status.WITHDRAWN, Status.DISQUALIFIED}


def _require_leave_officer(actor: User, application: Application) -> None:
    from accounts.models import Role
    from accounts.permissions import same_city

    city_staff = actor.role == Role.CO_ORGANIZER and same_city(actor, application.city_id)
    if not (actor.is_association or city_staff):
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
    return _leave(actor, application, Status.WITHDRAWN, "applications.withdrawn_after_approval", reason)


@transaction.atomic
def disqualify(actor: User, application: Application, *, reason: str) -> Application:
    """Any state before certified → disqualified (取消资格), by the association only."""
    application = _locked(application)
    if not actor.is_association:
        raise PermissionDenied("only the association disqualifies")
    if application.status == Status.DISQUALIFIED:
        return application
    if application.status not in DISQUALIFIABLE:
        raise TransitionRefused(
            _("当前状态为“%(status)s”，不能取消资格。") % {"status": application.get_status_display()}
        )
    if not reason.strip():
        raise TransitionRefused(_("请填写取消资格的原因。"))
    return _leave(actor, application, Status.DISQUALIFIED, "applications.disqualified", reason)


def _leave(actor: User, application: Application, status: str, action: str, reason: str) -> Application:
    """The end of a checked 考前退出 or 取消资格: the new state and its audited reason."""
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
    return application
