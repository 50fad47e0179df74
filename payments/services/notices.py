"""Providers' notifications: verify, apply, log, answer."""

import logging
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from payments.models import Payment, ProviderNotification, Refund
from payments.providers import get_provider
from payments.providers.base import (
    NotificationRejected,
    ProviderNotice,
    ProviderRefund,
    ProviderTransaction,
)
from payments.services.paying import apply_transaction
from payments.services.refunds import apply_refund_result

logger = logging.getLogger(__name__)


# --- Notifications -----------------------------------------------------------------------------


def _log_notification(
    provider_id: str, outcome: str, reason: str = "", *, notice: ProviderNotice | None = None, out_trade_no: str = ""
) -> None:
    ProviderNotification.objects.create(
        provider=provider_id,
        notification_id=getattr(notice, "notification_id", "")[:64],
        event_type=getattr(notice, "event_type", "")[:64],
        out_trade_no=out_trade_no[:64],
        outcome=outcome,
        reason=reason[:300],
    )


NOTICE_OUTCOMES = {
    "applied": ProviderNotification.Outcome.APPLIED,
    "second_payment": ProviderNotification.Outcome.APPLIED,
    "closed": ProviderNotification.Outcome.APPLIED,
    "duplicate": ProviderNotification.Outcome.DUPLICATE,
    "not_paid": ProviderNotification.Outcome.IGNORED,
    "mismatch": ProviderNotification.Outcome.IGNORED,
}


@dataclass(frozen=True)
class NotificationAnswer:
    """The HTTP answer the provider expects; `rejection` is why it was refused (for the log)."""

    status: int
    body: dict[str, str] = field(default_factory=dict)
    rejection: str = ""


def handle_notification(provider_id: str, headers: dict[str, str], body: bytes) -> NotificationAnswer:
    """Verify, apply and log one provider notification; the HTTP answer the provider expects.

    Unknown or closed orders are acknowledged (so the provider stops retrying) and ignored
    with a logged reason; a notification that fails verification is refused with a 4xx and
    logged here once at WARNING with its reason (anyone can post a forgery: it is not a
    server error, and the view keeps django.request from logging it again).
    """
    provider = get_provider(provider_id)  # LookupError for an unknown provider: the view's 404
    try:
        notice = provider.parse_notification(headers, body)
    except NotificationRejected as refusal:
        logger.warning("%s notification rejected: %s", provider_id, refusal)
        _log_notification(provider_id, ProviderNotification.Outcome.REJECTED, str(refusal))
        status, answer = provider.notification_response(ok=False, message=_("验签或解密失败"), status=refusal.status)
        return NotificationAnswer(status, answer, rejection=str(refusal))
    if notice.transaction is not None:
        outcome, reason, number = _apply_transaction_notice(provider_id, notice.transaction)
    elif notice.refund is not None:
        outcome, reason, number = _apply_refund_notice(provider_id, notice.refund)
    else:
        outcome, reason, number = ProviderNotification.Outcome.IGNORED, f"未处理的事件类型 {notice.event_type}", ""
    if outcome == ProviderNotification.Outcome.IGNORED:
        logger.warning("%s notification %s ignored: %s", provider_id, notice.notification_id, reason)
    _log_notification(provider_id, outcome, reason, notice=notice, out_trade_no=number)
    return NotificationAnswer(*provider.notification_response(ok=True))


def _apply_transaction_notice(provider_id: str, txn: ProviderTransaction) -> tuple[str, str, str]:
    payment = Payment.objects.filter(provider=provider_id, out_trade_no=txn.out_trade_no).first()
    if payment is None:
        return ProviderNotification.Outcome.IGNORED, "未知的商户订单号", txn.out_trade_no
    if payment.state in (Payment.State.CANCELED, Payment.State.FAILED):
        return ProviderNotification.Outcome.IGNORED, f"支付记录已{payment.get_state_display()}", txn.out_trade_no
    outcome = apply_transaction(payment, txn, source="notify")
    reason = {"mismatch": "金额、币种或商户号与订单不符，已标记核查", "second_payment": "重复支付，已自动退款"}.get(
        outcome, ""
    )
    return NOTICE_OUTCOMES[outcome], reason, txn.out_trade_no


def _apply_refund_notice(provider_id: str, result: ProviderRefund) -> tuple[str, str, str]:
    refund = Refund.objects.filter(payment__provider=provider_id, out_refund_no=result.out_refund_no).first()
    if refund is None:
        return ProviderNotification.Outcome.IGNORED, "未知的退款单号", result.out_trade_no
    outcome = apply_refund_result(refund, result, source="notify")
    if outcome == "mismatch":
        return ProviderNotification.Outcome.IGNORED, "退款金额与退款单不符，已标记核查", result.out_trade_no
    status = ProviderNotification.Outcome.DUPLICATE if outcome == "duplicate" else ProviderNotification.Outcome.APPLIED
    return status, "", result.out_trade_no
