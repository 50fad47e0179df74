"""Orders: one per approved application, with the fee of the moment it is created."""

import logging
import secrets
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from applications.models import Application, Status
from audit.services import record
from catalog.fees import fee_for
from catalog.models import Campaign
from payments.models import Order
from payments.services.common import chinese_date
from skillcert.refusals import TransitionRefused

logger = logging.getLogger(__name__)


# --- Orders ----------------------------------------------------------------------------------


def order_deadline(campaign: Campaign) -> datetime:
    """The first instant after the payment window (windows are whole days in Asia/Shanghai)."""
    return timezone.make_aware(datetime.combine(campaign.payment_closes + timedelta(days=1), time.min))


def require_payment_open(campaign: Campaign, today: date | None = None) -> None:
    today = today or timezone.localdate()
    if today < campaign.payment_opens:
        opens = chinese_date(campaign.payment_opens)
        raise TransitionRefused(_("缴费尚未开始，将于 %(date)s 开始。") % {"date": opens})
    if today > campaign.payment_closes:
        raise TransitionRefused(_("缴费已于 %(date)s 截止。") % {"date": chinese_date(campaign.payment_closes)})


def fee_of(application: Application) -> Decimal | None:
    return fee_for(application.campaign, application.level_id, application.occupation_id)


def _new_order_code() -> str:
    # SC + date + 8 random characters: unguessable, and valid as a WeChat out_trade_no prefix.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return f"SC{timezone.localdate():%y%m%d}" + "".join(secrets.choice(alphabet) for _ in range(8))


def _description(application: Application) -> str:
    # WeChat shows this to the payer; it must fit in 127 bytes.
    assert application.occupation is not None and application.level is not None  # approved: both chosen
    text = f"职业技能等级认定费-{application.occupation.name}{application.level.name}"
    return text.encode()[:120].decode(errors="ignore")


@transaction.atomic
def ensure_order(application: Application, *, actor: User | None = None) -> Order:
    """The order of an approved application, created inside the payment window with today's fee."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("campaign", "occupation", "level")
        .get(pk=application.pk)
    )
    existing = Order.objects.filter(application=application).first()
    if existing:
        return existing
    if application.status != Status.APPROVED:
        raise TransitionRefused(
            _("资格审核通过后才能缴费，当前状态：%(status)s。") % {"status": application.get_status_display()}
        )
    require_payment_open(application.campaign)
    amount = fee_of(application)
    if amount is None:
        raise TransitionRefused(_("该等级的收费标准尚未公布，请稍后再试或联系就促会。"))
    assert application.city is not None  # an approved application names its city
    order = Order.objects.create(
        code=_new_order_code(),
        application=application,
        campaign=application.campaign,
        city=application.city,
        amount=amount,
        description=_description(application),
        expires_at=order_deadline(application.campaign),
    )
    record(
        "payments.order.created", actor=actor, obj=order, after={"amount": str(amount), "application": application.pk}
    )
    return order


def open_order(actor: User, application: Application) -> Order:
    """The applicant opens (or finds) the order of their own approved application."""
    if application.applicant_id != actor.pk:
        raise PermissionDenied("not the applicant")
    return ensure_order(application, actor=actor)


def create_due_orders(today: date | None = None) -> int:
    """Orders for every approved application of campaigns whose payment window is open,
    so staff see every unpaid applicant (the sweep calls this)."""
    today = today or timezone.localdate()
    due = Application.objects.filter(
        status=Status.APPROVED,
        order__isnull=True,
        campaign__payment_opens__lte=today,
        campaign__payment_closes__gte=today,
    )
    created = 0
    for application in due.iterator():
        try:
            ensure_order(application)
        except TransitionRefused as refusal:  # no fee yet for this level: the page says so
            logger.info("no order for application %s: %s", application.pk, refusal)
            continue
        created += 1
    return created
