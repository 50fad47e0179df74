"""Use cases of reviewing: decide (approve or return), bulk approve, paper-form receipt,
extending the review window. Status changes happen in applications.lifecycle."""

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Role, User
from applications import lifecycle
from applications.models import Application, Status
from audit.services import record
from notifications.services import notify
from review.models import Flag, PaperFormReceipt, item_label
from skillcert.refusals import TransitionRefused

if TYPE_CHECKING:
    from catalog.models import Campaign


def tier_of(user: User) -> str:
    if user.role == Role.CO_ORGANIZER:
        return lifecycle.CITY_TIER
    if user.is_association:
        return lifecycle.ASSOCIATION_TIER
    raise PermissionDenied("not a reviewer")


def _link(application: Application) -> str:
    return reverse("applications:detail", args=[application.pk])


@transaction.atomic
def approve(
    actor: User, application: Application, *, comment: str = "", verified_flags: Collection[int] = ()
) -> Application:
    """Approve at the actor's tier. An application with risk flags is approved only when
    the reviewer confirms having checked every one of them (`verified_flags`: their ids,
    as shown on the screen); a flag raised since then must be looked at first."""
    tier = tier_of(actor)
    flags = list(Flag.objects.filter(application=application).order_by("pk"))
    unchecked = [flag for flag in flags if flag.pk not in set(verified_flags)]
    if unchecked and application.status == lifecycle.TIER_STATE[tier]:
        raise TransitionRefused(
            _("这份申报有 %(n)d 条风险提示未核实：请逐条核对后勾选“已核实风险提示”再通过。") % {"n": len(unchecked)}
        )
    verified = [{"id": f.pk, "kind": f.kind, "detail": f.detail, "other": f.other_id} for f in flags]
    application = lifecycle.approve(actor, application, tier=tier, comment=comment, verified_flags=verified)
    kind = "application.approved" if application.status == Status.APPROVED else "application.city_approved"
    context = {"application": application, "url": _link(application), "note": comment.strip()}
    notify(application.applicant, kind, context=context, obj=application)
    return application


@transaction.atomic
def return_for_changes(
    actor: User, application: Application, *, items: list[tuple[str, str, str]], comment: str = ""
) -> Application:
    application = lifecycle.return_for_changes(actor, application, tier=tier_of(actor), items=items, comment=comment)
    notify(
        application.applicant,
        "application.returned",
        context={
            "application": application,
            "url": _link(application),
            "note": comment.strip(),
            "items": [{"label": item_label(item), "reason": reason} for item, _code, reason in items],
        },
        obj=application,
    )
    return application


@dataclass
class BulkResult:
    approved: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)


def bulk_approve(actor: User, application_ids: list[int]) -> BulkResult:
    """Approve each unflagged application on its own; one refusal stops nothing else."""
    result = BulkResult()
    flagged = set(Flag.objects.filter(application_id__in=application_ids).values_list("application_id", flat=True))
    for application in Application.objects.filter(pk__in=application_ids).order_by("pk"):
        if application.pk in flagged:
            result.skipped[application.pk] = _("有风险提示，须逐份审核")
            continue
        try:
            approve(actor, application)
        except (TransitionRefused, PermissionDenied) as refusal:
            result.skipped[application.pk] = str(refusal) or _("无权审核")
        else:
            result.approved.append(application.pk)
    return result


@transaction.atomic
def record_paper_form(actor: User, application: Application, *, received_on: date) -> PaperFormReceipt:
    """The co-organizer received the signed original 申报表 (after approval)."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not lifecycle.is_responsible_staff(actor, application):
        raise PermissionDenied("not this city's co-organizer")
    if application.status not in lifecycle.PAPER_FORM_RECEIVABLE:
        raise TransitionRefused(_("审核通过后才登记纸质申报表。"))
    receipt, created = PaperFormReceipt.objects.get_or_create(
        application=application, defaults={"received_on": received_on, "received_by": actor}
    )
    if created:
        record(
            "review.paper_form_received", actor=actor, obj=application, after={"received_on": received_on.isoformat()}
        )
    return receipt


@transaction.atomic
def extend_review(actor: User, campaign: "Campaign", *, until: date) -> "Campaign":
    """The association lets reviews and resubmissions go on until `until`."""
    from catalog.models import Campaign

    if not actor.is_association:
        raise PermissionDenied("only the association extends the review window")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if until < campaign.review_closes:
        raise TransitionRefused(_("延长日期不能早于原定审核截止日期。"))
    before = campaign.review_extended_until
    campaign.review_extended_until = until
    campaign.save(update_fields=["review_extended_until"])
    record(
        "catalog.campaign.review_extended",
        actor=actor,
        obj=campaign,
        before={"review_extended_until": before.isoformat() if before else None},
        after={"review_extended_until": until.isoformat()},
    )
    return campaign
