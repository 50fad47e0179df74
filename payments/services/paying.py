"""Paying online, and confirming a payment from a notification, a query or a close."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypedDict

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from applications import lifecycle
from applications.models import Application, Status
from audit.services import record
from notifications.services import notify
from payments import actions, states, tasks
from payments.models import Order, Payment, Refund
from payments.money import to_fen
from payments.providers import get_provider
from payments.providers.base import (
    Instructions,
    PaymentProvider,
    ProviderError,
    ProviderTransaction,
)
from payments.services.common import ATTEMPT_LIFETIME, OPEN_PAYMENT_STATES, REUSE_ATTEMPT_FOR
from payments.services.orders import require_payment_open
from skillcert.jobs import enqueue_on_commit
from skillcert.refusals import TransitionRefused

logger = logging.getLogger(__name__)
# How long an attempt may sit in "created" while its request waits for WeChat's answer.
IN_FLIGHT_FOR = timedelta(seconds=settings.WECHATPAY_TIMEOUT + 5)


# --- Paying online ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Started:
    payment: Payment
    instructions: Instructions


def lock_order(order_id: int) -> Order:
    """Lock an order, and its application first.

    The lock order everywhere is application, then order, then payment: a lifecycle transition
    locks the application and its receivers lock the order inside it (考前退出 cancels an unpaid
    order), so a payment confirmation, which ends by marking the application paid, takes the
    application's lock before the order's rather than after it.
    """
    list(Application.objects.select_for_update().filter(order__pk=order_id).values_list("pk", flat=True))
    return Order.objects.select_for_update(of=("self",)).select_related("campaign", "application").get(pk=order_id)


def _require_payable(order: Order) -> None:
    if refusal := actions.payment_refusal(order):
        raise TransitionRefused(refusal)
    require_payment_open(order.campaign)
    if timezone.now() >= order.expires_at:
        raise TransitionRefused(_("缴费已截止。"))


def _instructions_of(payment: Payment) -> Instructions:
    return Instructions(
        channel=payment.channel,
        code_url=payment.info.get("code_url", ""),
        jsapi=payment.info.get("jsapi", {}),
    )


def start_payment(actor: User, order: Order, *, channel: str, client_ip: str = "", openid: str = "") -> Started:
    """Start (or resume) paying `order` with WeChat Pay: Native QR code or JSAPI inside WeChat."""
    provider = get_provider("wechat")
    if channel not in provider.channels:
        raise TransitionRefused(_("不支持的支付方式。"))
    if channel == "jsapi" and not openid:
        raise TransitionRefused(_("请在微信中打开本页面后再支付。"))
    with transaction.atomic():
        order = lock_order(order.pk)
        if order.application.applicant_id != actor.pk:
            raise PermissionDenied("not the applicant")
        _require_payable(order)
        # One query, so a parallel request that moves its attempt from created to pending
        # between two reads cannot slip through both.
        recent = (
            order.payments.filter(
                provider="wechat",
                channel=channel,
                state__in=OPEN_PAYMENT_STATES,
                created_at__gte=timezone.now() - REUSE_ATTEMPT_FOR,
            )
            .order_by("-created_at")
            .first()
        )
        if recent and recent.state == Payment.State.CREATED and recent.created_at >= timezone.now() - IN_FLIGHT_FOR:
            # A double tap: another request is asking WeChat for this attempt's code (outside
            # the lock). Wait for that one rather than open a second attempt.
            raise TransitionRefused(_("正在生成支付信息，请稍候刷新本页。"))
        if (
            recent
            and recent.state == Payment.State.PENDING
            and (channel == "native" or recent.info.get("openid") == openid)
        ):
            return Started(recent, _instructions_of(recent))
        attempt = order.payments.count() + 1
        payment = Payment.objects.create(
            order=order,
            provider="wechat",
            channel=channel,
            out_trade_no=f"{order.code}-{attempt}",
            amount=order.amount,
            created_by=actor,
        )
    expires_at = min(order.expires_at, timezone.now() + ATTEMPT_LIFETIME)
    try:
        instructions = provider.start(
            payment,
            channel=channel,
            description=order.description,
            expires_at=expires_at,
            client_ip=client_ip,
            openid=openid,
        )
    except ProviderError as error:
        states.fail_payment_start(payment, str(error))
        raise TransitionRefused(str(error)) from error
    info = {
        "code_url": instructions.code_url,
        "jsapi": instructions.jsapi,
        "openid": openid,
        "expires_at": expires_at.isoformat(),
    }
    payment = states.show_payment(payment, order=order, actor=actor, info=info)
    return Started(payment, instructions)


# --- Confirming: from a notification, a query or staff ----------------------------------------


def _money_problems(payment: Payment, txn: ProviderTransaction, provider: PaymentProvider) -> list[str]:
    problems = []
    if txn.amount_fen != to_fen(payment.amount):
        problems.append(f"金额不符：应为 {to_fen(payment.amount)} 分，渠道报告 {txn.amount_fen} 分")
    if txn.currency != "CNY":
        problems.append(f"币种不符：{txn.currency or '空'}")
    if txn.mchid != provider.merchant_id:
        problems.append(f"商户号不符：{txn.mchid or '空'}")
    if txn.appid and provider.app_id and txn.appid != provider.app_id:
        problems.append(f"应用ID不符：{txn.appid}")
    return problems


def flag(order: Order, reason: str) -> None:
    order.flagged = True
    order.flag_reason = reason[:300]
    order.save(update_fields=["flagged", "flag_reason"])


class Confirmation(TypedDict):
    """What `states.confirm_payment` records of a transaction the provider reports as paid."""

    reference: str
    confirmed_at: datetime
    info: dict[str, Any]
    source: str


def lock_pair(payment: Payment) -> tuple[Order, Payment]:
    # Always application, order, then payment: the same lock order everywhere cannot deadlock.
    order = lock_order(payment.order_id)
    return order, Payment.objects.select_for_update().get(pk=payment.pk)


@transaction.atomic
def apply_transaction(payment: Payment, txn: ProviderTransaction, *, source: str) -> str:
    """Bring our records in line with what the provider says; returns what happened.

    "applied": the order is now paid; "duplicate": already known; "not_paid": nothing to do;
    "closed": the provider closed it; "mismatch": money facts differ (flagged, not confirmed);
    "second_payment": the order was already paid (refunded automatically, flagged).
    """
    provider = get_provider(payment.provider)
    order, payment = lock_pair(payment)
    payment.last_checked_at = timezone.now()
    payment.save(update_fields=["last_checked_at"])
    if not txn.succeeded:
        if txn.state in ("CLOSED", "REVOKED", "PAYERROR") and states.close_payment_attempt(
            payment, order=order, failed=txn.state == "PAYERROR", source=source
        ):
            return "closed"
        return "not_paid"
    if payment.state in (Payment.State.CONFIRMED, Payment.State.REFUNDED):
        return "duplicate"
    problems = _money_problems(payment, txn, provider)
    if problems:
        reason = "；".join(problems)
        flag(order, f"{payment.out_trade_no} {reason}")
        record(
            "payments.payment.mismatch", obj=payment, after={"problems": problems, "source": source}, city=order.city
        )
        logger.error("payment %s not confirmed: %s", payment.out_trade_no, reason)
        return "mismatch"
    facts: Confirmation = {
        "reference": txn.transaction_id,
        "confirmed_at": txn.success_time or timezone.now(),
        "info": {"payer_total_fen": txn.payer_total_fen, "source": source},
        "source": source,
    }
    if order.state != Order.State.PENDING or order.application.status != Status.APPROVED:
        return _refund_second_payment(order, payment, facts)
    states.confirm_payment(payment, order=order, **facts)
    mark_order_paid(order, payment, actor=None)
    return "applied"


def mark_order_paid(order: Order, payment: Payment, *, actor: User | None) -> None:
    """The order of a confirmed payment is paid, and so is its application; the applicant is told."""
    assert payment.confirmed_at is not None  # a confirmed payment has its time
    states.pay_order(order, paid_at=payment.confirmed_at)
    application = lifecycle.mark_paid(order.application, order_code=order.code, actor=actor)
    notify(
        application.applicant,
        "payment.confirmed",
        context={
            "order": order,
            "payment": payment,
            "application": application,
            "url": f"/applications/{application.pk}/pay/",
        },
        obj=order,
    )


def _refund_second_payment(order: Order, payment: Payment, facts: Confirmation) -> str:
    """Money arrived for an order that is already paid (or no longer payable): give it back."""
    payment.is_duplicate = order.state == Order.State.PAID
    why = (
        _("同一订单的第二笔支付 %(no)s，已自动退款")
        if payment.is_duplicate
        else _("订单已%(state)s后收到支付 %(no)s，已自动退款")
    ) % {"no": payment.out_trade_no, "state": order.get_state_display()}
    flag(order, why)
    refund = Refund.objects.create(
        payment=payment,
        out_refund_no=f"{payment.out_trade_no}-R1",
        amount=payment.amount,
        reason=Refund.Reason.DUPLICATE if payment.is_duplicate else Refund.Reason.OTHER,
        note=why,
    )
    states.confirm_payment(payment, order=order, duplicate_refund=refund, **facts)
    enqueue_on_commit(tasks.submit_refund, refund.pk)
    return "second_payment"


def sync_payment(payment: Payment) -> str:
    """Ask the provider about one open payment (the applicant's 刷新 button, the sweep)."""
    provider = get_provider(payment.provider)
    if not provider.online or payment.state not in OPEN_PAYMENT_STATES:
        return "skipped"
    txn = provider.query(payment)
    return apply_transaction(payment, txn, source="query")


def refresh_order(actor: User, order: Order) -> Order:
    """The applicant says "I paid": query every open attempt now instead of waiting."""
    if order.application.applicant_id != actor.pk:
        raise PermissionDenied("not the applicant")
    for payment in order.payments.filter(state__in=OPEN_PAYMENT_STATES, provider="wechat"):
        try:
            sync_payment(payment)
        except ProviderError as error:
            raise TransitionRefused(str(error)) from error
    order.refresh_from_db()
    return order


def close_payment(payment: Payment) -> str:
    """Close an open attempt at the provider; if it turns out paid, confirm it instead."""
    provider = get_provider(payment.provider)
    try:
        txn = provider.query(payment) if provider.online else None
        if txn is not None and txn.succeeded:
            return apply_transaction(payment, txn, source="query")
        provider.close(payment)
    except ProviderError as error:
        logger.warning("could not close %s: %s", payment.out_trade_no, error)
        return "error"
    with transaction.atomic():
        order, payment = lock_pair(payment)
        if not states.close_payment_attempt(payment, order=order):
            return "duplicate"
    return "closed"
