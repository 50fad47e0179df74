"""Offline payments (bank transfer, cash) recorded by the association."""

import logging
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import require
from audit.services import record
from payments import actions, states
from payments.models import Order, Payment
from payments.money import AmountError, yuan
from payments.services.common import OFFLINE_CHANNELS, chinese_date
from payments.services.paying import lock_order, mark_order_paid
from skillcert.refusals import TransitionRefused

logger = logging.getLogger(__name__)


# --- Offline payments ----------------------------------------------------------------------------


def record_offline_payment(
    actor: User, order: Order, *, channel: str, receipt_number: str, amount: str, paid_on: date, note: str = ""
) -> Payment:
    """Association staff record a bank transfer or cash payment with its receipt number."""
    require(actor, "payments.manage")
    if channel not in OFFLINE_CHANNELS:
        raise TransitionRefused(_("请选择缴费方式（银行转账或现金）。"))
    receipt_number = receipt_number.strip()
    if not receipt_number:
        raise TransitionRefused(_("请填写收据号或银行流水号。"))
    try:
        value = yuan(amount)
    except AmountError as error:
        raise TransitionRefused(str(error)) from None
    if paid_on > timezone.localdate():
        raise TransitionRefused(_("缴费日期不能晚于今天。"))
    try:
        with transaction.atomic():
            order = lock_order(order.pk)
            if refusal := actions.offline_refusal(order):
                raise TransitionRefused(refusal)
            if value != order.amount:
                raise TransitionRefused(_("金额与应缴金额 %(amount)s 元不一致。") % {"amount": order.amount})
            if paid_on > order.campaign.payment_closes:
                raise TransitionRefused(
                    _("缴费日期晚于缴费截止日 %(date)s。") % {"date": chinese_date(order.campaign.payment_closes)}
                )
            attempt = order.payments.count() + 1
            payment = Payment.objects.create(
                order=order,
                provider="offline",
                channel=channel,
                out_trade_no=f"{order.code}-{attempt}",
                amount=value,
                info={"paid_on": paid_on.isoformat(), "note": note.strip()},
                created_by=actor,
            )
            states.confirm_payment(
                payment,
                order=order,
                reference=receipt_number,
                confirmed_at=timezone.now(),
                info={},
                source="staff",
                audited=False,  # recorded below as the offline payment
            )
            mark_order_paid(order, payment, actor=actor)
            record(
                "payments.offline.recorded",
                actor=actor,
                obj=payment,
                after={"order": order.code, "channel": channel, "receipt": receipt_number, "amount": str(value)},
                city=order.city,
            )
    except IntegrityError:
        raise TransitionRefused(_("收据号 %(no)s 已登记过，请核对。") % {"no": receipt_number}) from None
    return payment
