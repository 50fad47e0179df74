"""Refunds: full or partial, through the provider that took the money."""

import logging
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import require
from applications.models import Status
from audit.services import record
from notifications.services import notify
from payments import states
from payments.models import Order, Payment, Refund
from payments.money import AmountError, to_fen, yuan
from payments.providers import get_provider
from payments.providers.base import (
    ProviderError,
    ProviderRefund,
)
from payments.services.paying import flag, lock_pair
from skillcert.refusals import TransitionRefused

logger = logging.getLogger(__name__)


# --- Refunds ---------------------------------------------------------------------------------


REASON_NEEDS_STATUS: dict[str, Status] = {
    Refund.Reason.WITHDRAWAL: Status.WITHDRAWN,
    Refund.Reason.DISQUALIFIED: Status.DISQUALIFIED,
}


def refundable(payment: Payment) -> Decimal:
    """What can still be refunded: the payment less every refund that did not fail."""
    taken = payment.refunds.exclude(state=Refund.State.FAILED).aggregate(total=Sum("amount"))["total"]
    return payment.amount - (taken or Decimal("0"))


def request_refund(
    actor: User, payment: Payment, *, amount: str, reason: str, note: str = "", reference: str = ""
) -> Refund:
    """A full or partial refund of one confirmed payment, through the provider that took it.

    Offline refunds are paid out by the association and recorded with their voucher number.
    """
    require(actor, "payments.manage")
    if reason not in Refund.Reason.values or reason == Refund.Reason.DUPLICATE:
        raise TransitionRefused(_("请选择退款原因。"))
    if reason == Refund.Reason.OTHER and not note.strip():
        raise TransitionRefused(_("退款原因为“其他”时请填写说明。"))
    try:
        value = yuan(amount)
    except AmountError as error:
        raise TransitionRefused(str(error)) from None
    provider = get_provider(payment.provider)
    if not provider.online and not reference.strip():
        raise TransitionRefused(_("线下退款请填写退款凭证号。"))
    with transaction.atomic():
        order, payment = lock_pair(payment)
        if payment.state != Payment.State.CONFIRMED:
            raise TransitionRefused(_("只有支付成功且未全额退款的记录可以退款。"))
        needed = REASON_NEEDS_STATUS.get(reason)
        if needed and order.application.status != needed:
            raise TransitionRefused(
                _("申报状态为“%(status)s”；请先登记“%(needed)s”再退款。")
                % {"status": order.application.get_status_display(), "needed": Status(needed).label}
            )
        left = refundable(payment)
        if value > left:
            raise TransitionRefused(_("退款金额超过可退金额 %(left)s 元。") % {"left": left})
        refund = Refund.objects.create(
            payment=payment,
            out_refund_no=f"{payment.out_trade_no}-R{payment.refunds.count() + 1}",
            amount=value,
            reason=reason,
            note=note.strip(),
            created_by=actor,
        )
        record(
            "payments.refund.requested",
            actor=actor,
            obj=refund,
            after={"payment": payment.out_trade_no, "amount": str(value), "reason": reason},
            city=order.city,
        )
        if not provider.online:
            done = ProviderRefund(out_refund_no=refund.out_refund_no, state="SUCCESS", refund_id=reference.strip())
            apply_refund_result(refund, done, source="staff", actor=actor)
    if provider.online:
        submit_refund(refund.pk)
    refund.refresh_from_db()
    return refund


def submit_refund(refund_id: int) -> str:
    """Send a created refund to its provider; a failure leaves it created for the sweep to retry."""
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    if refund.state != Refund.State.CREATED:
        return "skipped"
    provider = get_provider(refund.payment.provider)
    try:
        result = provider.refund(refund, total=refund.payment.amount)
    except ProviderError as error:
        logger.warning("refund %s not submitted: %s", refund.out_refund_no, error)
        Refund.objects.filter(pk=refund.pk).update(info={**refund.info, "error": str(error)})
        return "error"
    return apply_refund_result(refund, result, source="submit")


REFUND_STATES = {
    "SUCCESS": Refund.State.DONE,
    "PROCESSING": Refund.State.PENDING,
    "CLOSED": Refund.State.FAILED,
    "ABNORMAL": Refund.State.FAILED,
}


@transaction.atomic
def apply_refund_result(refund: Refund, result: ProviderRefund, *, source: str, actor: User | None = None) -> str:
    order, payment = lock_pair(refund.payment)
    refund = Refund.objects.select_for_update().get(pk=refund.pk)
    new_state = REFUND_STATES.get(result.state, Refund.State.PENDING)
    if states.refund_settled(refund, new_state):
        return "duplicate"
    if result.amount_fen is not None and result.amount_fen != to_fen(refund.amount):
        expected = to_fen(refund.amount)
        reason = f"退款 {refund.out_refund_no} 金额不符：应为 {expected} 分，渠道报告 {result.amount_fen} 分"
        flag(order, reason)
        record("payments.refund.mismatch", obj=refund, after={"problem": reason, "source": source}, city=order.city)
        logger.error(reason)
        return "mismatch"
    states.move_refund(
        refund,
        new_state,
        reference=result.refund_id,
        info={"status": result.state, "source": source},
        done_at=result.success_time or timezone.now(),
        source=source,
        actor=actor,
        city=order.city,
    )
    if new_state == Refund.State.DONE:
        _after_refund_done(order, payment, refund)
    return new_state


def _after_refund_done(order: Order, payment: Payment, refund: Refund) -> None:
    done = payment.refunds.filter(state=Refund.State.DONE).aggregate(total=Sum("amount"))["total"] or Decimal("0")
    if done >= payment.amount:
        states.refund_payment(payment)
        if not payment.is_duplicate:
            states.refund_order(order)
    notify(
        order.application.applicant,
        "payment.refunded",
        context={
            "order": order,
            "refund": refund,
            "application": order.application,
            "url": f"/applications/{order.application_id}/pay/",
        },
        obj=order,
    )


def sync_refund(refund: Refund) -> str:
    provider = get_provider(refund.payment.provider)
    if not provider.online or refund.state != Refund.State.PENDING:
        return "skipped"
    return apply_refund_result(refund, provider.query_refund(refund), source="query")
