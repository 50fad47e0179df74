"""Every status change of an application, and nothing else changes `status`.

Each transition locks the row, checks the actor, the campaign's window and the
state, returns quietly when the work is already done (a double click), writes
one audit event, all in one transaction.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, Status
from audit.services import record


class TransitionRefused(Exception):
    """str() is the message to show; nothing was changed."""


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update().select_related("campaign").get(pk=application.pk)


def _require_owner(actor, application: Application) -> None:
    if application.applicant_id != actor.pk:
        raise PermissionDenied("not the applicant")


def require_registration_open(campaign, today=None) -> None:
    today = today or timezone.localdate()
    if today < campaign.registration_opens:
        raise TransitionRefused(
            _("报名尚未开始，将于 %(date)s 开始。") % {"date": f"{campaign.registration_opens:%Y年%-m月%-d日}"}
        )
    if today > campaign.registration_closes:
        raise TransitionRefused(
            _("报名已于 %(date)s 截止。") % {"date": f"{campaign.registration_closes:%Y年%-m月%-d日}"}
        )


@transaction.atomic
def submit(actor, application: Application, *, eligibility, missing: tuple[str, ...]) -> Application:
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
    if not eligibility.eligible:
        raise TransitionRefused(_("按申报条件自测，暂不符合申报条件：") + "；".join(eligibility.reasons))
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
def withdraw(actor, application: Application) -> Application:
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
