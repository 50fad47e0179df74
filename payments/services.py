"""Use cases of paying: open an order, start a payment, confirm it from a notification or a
query, record an offline payment, refund, and the periodic sweep.

Rules of money, kept here and nowhere else:
* an order's amount is fixed when the order is created (a later fee change never moves it);
* a payment is confirmed only when the provider's amount, currency and merchant match;
* confirming is idempotent: the order row is locked, a confirmed payment stays confirmed;
* an order is never paid twice: a second successful payment is refunded automatically and
  the order is flagged for staff;
* network calls to a provider never run while a row lock is held.
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import require, same_city
from applications import lifecycle
from applications.lifecycle import TransitionRefused
from applications.models import Application, Status
from audit.services import record
from catalog.fees import fee_for
from notifications.services import notify
from payments import tasks
from payments.models import Order, Payment, ProviderNotification, Refund
from payments.money import AmountError, to_fen, yuan
from payments.providers import get_provider
from payments.providers.base import (
    Instructions,
    NotificationRejected,
    ProviderError,
    ProviderRefund,
    ProviderTransaction,
)

logger = logging.getLogger(__name__)

OPEN_PAYMENT_STATES = (Payment.State.CREATED, Payment.State.PENDING)
# A Native code_url is valid for two hours; reuse an attempt younger than this.
REUSE_ATTEMPT_FOR = timedelta(minutes=90)
ATTEMPT_LIFETIME = timedelta(hours=2)
OFFLINE_CHANNELS = {"bank_transfer": _("银行转账"), "cash": _("现金")}


def _date(value: date) -> str:
    return f"{value:%Y年%-m月%-d日}"


# --- Orders ----------------------------------------------------------------------------------


def order_deadline(campaign) -> datetime:
    """The first instant after the payment window (windows are whole days in Asia/Shanghai)."""
    return timezone.make_aware(datetime.combine(campaign.payment_closes + timedelta(days=1), time.min))


def require_payment_open(campaign, today: date | None = None) -> None:
    today = today or timezone.localdate()
    if today < campaign.payment_opens:
        raise TransitionRefused(_("缴费尚未开始，将于 %(date)s 开始。") % {"date": _date(campaign.payment_opens)})
    if today > campaign.payment_closes:
        raise TransitionRefused(_("缴费已于 %(date)s 截止。") % {"date": _date(campaign.payment_closes)})


def fee_of(application: Application) -> Decimal | None:
    return fee_for(application.campaign, application.level_id, application.occupation_id)


def _new_order_code() -> str:
    # SC + date + 8 random characters: unguessable, and valid as a WeChat out_trade_no prefix.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return f"SC{timezone.localdate():%y%m%d}" + "".join(secrets.choice(alphabet) for _ in range(8))


def _description(application: Application) -> str:
    # WeChat shows this to the payer; it must fit in 127 bytes.
    text = f"职业技能等级认定费-{application.occupation.name}{application.level.name}"
    return text.encode()[:120].decode(errors="ignore")


@transaction.atomic
def ensure_order(application: Application, *, actor=None) -> Order:
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


def open_order(actor, application: Application) -> Order:
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


# --- Paying online ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Started:
    payment: Payment
    instructions: Instructions


def _lock_order(order_id: int) -> Order:
    return Order.objects.select_for_update(of=("self",)).select_related("campaign", "application").get(pk=order_id)


def _require_payable(order: Order) -> None:
    if order.state == Order.State.PAID:
        raise TransitionRefused(_("该订单已缴费，无需重复支付。"))
    if order.state != Order.State.PENDING:
        raise TransitionRefused(_("订单状态为“%(state)s”，不能支付。") % {"state": order.get_state_display()})
    if order.application.status != Status.APPROVED:
        raise TransitionRefused(
            _("申报状态为“%(status)s”，不能缴费。") % {"status": order.application.get_status_display()}
        )
    require_payment_open(order.campaign)
    if timezone.now() >= order.expires_at:
        raise TransitionRefused(_("缴费已截止。"))


def _instructions_of(payment: Payment) -> Instructions:
    return Instructions(
        channel=payment.channel,
        code_url=payment.info.get("code_url", ""),
        jsapi=payment.info.get("jsapi", {}),
    )


def start_payment(actor, order: Order, *, channel: str, client_ip: str = "", openid: str = "") -> Started:
    """Start (or resume) paying `order` with WeChat Pay: Native QR code or JSAPI inside WeChat."""
    provider = get_provider("wechat")
    if channel not in provider.channels:
        raise TransitionRefused(_("不支持的支付方式。"))
    if channel == "jsapi" and not openid:
        raise TransitionRefused(_("请在微信中打开本页面后再支付。"))
    with transaction.atomic():
        order = _lock_order(order.pk)
        if order.application.applicant_id != actor.pk:
            raise PermissionDenied("not the applicant")
        _require_payable(order)
        recent = (
            order.payments.filter(
                provider="wechat",
                channel=channel,
                state=Payment.State.PENDING,
                created_at__gte=timezone.now() - REUSE_ATTEMPT_FOR,
            )
            .order_by("-created_at")
            .first()
        )
        if recent and (channel == "native" or recent.info.get("openid") == openid):
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
        Payment.objects.filter(pk=payment.pk, state=Payment.State.CREATED).update(
            state=Payment.State.FAILED, info={"error": str(error)}
        )
        raise TransitionRefused(str(error)) from error
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.state == Payment.State.CREATED:
            payment.state = Payment.State.PENDING
        payment.info = {
            **payment.info,
            "code_url": instructions.code_url,
            "jsapi": instructions.jsapi,
            "openid": openid,
            "expires_at": expires_at.isoformat(),
        }
        payment.save(update_fields=["state", "info"])
        record(
            "payments.payment.started",
            actor=actor,
            obj=payment,
            after={"order": order.code, "channel": channel, "amount": str(payment.amount)},
            city=order.city,
        )
    return Started(payment, instructions)


# --- Confirming: from a notification, a query or staff ----------------------------------------


def _money_problems(payment: Payment, txn: ProviderTransaction, provider) -> list[str]:
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


def _flag(order: Order, reason: str) -> None:
    order.flagged = True
    order.flag_reason = reason[:300]
    order.save(update_fields=["flagged", "flag_reason"])


def _lock_pair(payment: Payment) -> tuple[Order, Payment]:
    # Always order first, then payment: the same lock order everywhere cannot deadlock.
    order = _lock_order(payment.order_id)
    return order, Payment.objects.select_for_update().get(pk=payment.pk)


@transaction.atomic
def apply_transaction(payment: Payment, txn: ProviderTransaction, *, source: str) -> str:
    """Bring our records in line with what the provider says; returns what happened.

    "applied": the order is now paid; "duplicate": already known; "not_paid": nothing to do;
    "closed": the provider closed it; "mismatch": money facts differ (flagged, not confirmed);
    "second_payment": the order was already paid (refunded automatically, flagged).
    """
    provider = get_provider(payment.provider)
    order, payment = _lock_pair(payment)
    payment.last_checked_at = timezone.now()
    payment.save(update_fields=["last_checked_at"])
    if not txn.succeeded:
        if txn.state in ("CLOSED", "REVOKED", "PAYERROR") and payment.state in OPEN_PAYMENT_STATES:
            before = payment.state
            payment.state = Payment.State.CANCELED if txn.state != "PAYERROR" else Payment.State.FAILED
            payment.save(update_fields=["state"])
            record(
                "payments.payment.closed",
                obj=payment,
                before={"state": before},
                after={"state": payment.state, "source": source},
                city=order.city,
            )
            return "closed"
        return "not_paid"
    if payment.state in (Payment.State.CONFIRMED, Payment.State.REFUNDED):
        return "duplicate"
    problems = _money_problems(payment, txn, provider)
    if problems:
        reason = "；".join(problems)
        _flag(order, f"{payment.out_trade_no} {reason}")
        record(
            "payments.payment.mismatch", obj=payment, after={"problems": problems, "source": source}, city=order.city
        )
        logger.error("payment %s not confirmed: %s", payment.out_trade_no, reason)
        return "mismatch"
    before = payment.state
    payment.state = Payment.State.CONFIRMED
    payment.reference = txn.transaction_id
    payment.confirmed_at = txn.success_time or timezone.now()
    payment.info = {**payment.info, "payer_total_fen": txn.payer_total_fen, "source": source}
    if order.state != Order.State.PENDING or order.application.status != Status.APPROVED:
        return _refund_second_payment(order, payment, before=before, source=source)
    payment.save()
    _mark_order_paid(order, payment, actor=None)
    record(
        "payments.payment.confirmed",
        obj=payment,
        before={"state": before},
        after={"state": payment.state, "reference": payment.reference, "source": source},
        city=order.city,
    )
    return "applied"


def _mark_order_paid(order: Order, payment: Payment, *, actor) -> None:
    order.state = Order.State.PAID
    order.paid_at = payment.confirmed_at
    order.save(update_fields=["state", "paid_at"])
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


def _refund_second_payment(order: Order, payment: Payment, *, before: str, source: str) -> str:
    """Money arrived for an order that is already paid (or no longer payable): give it back."""
    payment.is_duplicate = order.state == Order.State.PAID
    payment.save()
    why = (
        _("同一订单的第二笔支付 %(no)s，已自动退款")
        if payment.is_duplicate
        else _("订单已%(state)s后收到支付 %(no)s，已自动退款")
    ) % {"no": payment.out_trade_no, "state": order.get_state_display()}
    _flag(order, why)
    refund = Refund.objects.create(
        payment=payment,
        out_refund_no=f"{payment.out_trade_no}-R1",
        amount=payment.amount,
        reason=Refund.Reason.DUPLICATE if payment.is_duplicate else Refund.Reason.OTHER,
        note=why,
    )
    record(
        "payments.payment.second_payment",
        obj=payment,
        before={"state": before},
        after={
            "state": payment.state,
            "reference": payment.reference,
            "refund": refund.out_refund_no,
            "source": source,
        },
        city=order.city,
    )
    transaction.on_commit(partial(tasks.submit_refund.enqueue, refund.pk), robust=True)
    return "second_payment"


def sync_payment(payment: Payment) -> str:
    """Ask the provider about one open payment (the applicant's 刷新 button, the sweep)."""
    provider = get_provider(payment.provider)
    if not provider.online or payment.state not in OPEN_PAYMENT_STATES:
        return "skipped"
    txn = provider.query(payment)
    return apply_transaction(payment, txn, source="query")


def refresh_order(actor, order: Order) -> Order:
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


# --- Notifications -----------------------------------------------------------------------------


def _log_notification(provider_id: str, outcome: str, reason: str = "", *, notice=None, out_trade_no: str = "") -> None:
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


def handle_notification(provider_id: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str]]:
    """Verify, apply and log one provider notification; the HTTP answer the provider expects.

    Unknown or closed orders are acknowledged (so the provider stops retrying) and ignored
    with a logged reason; a notification that fails verification is refused.
    """
    provider = get_provider(provider_id)  # LookupError for an unknown provider: the view's 404
    try:
        notice = provider.parse_notification(headers, body)
    except NotificationRejected as refusal:
        logger.warning("%s notification rejected: %s", provider_id, refusal)
        _log_notification(provider_id, ProviderNotification.Outcome.REJECTED, str(refusal))
        return provider.notification_response(ok=False, message=_("验签或解密失败"))
    if notice.transaction is not None:
        outcome, reason, number = _apply_transaction_notice(provider_id, notice.transaction)
    elif notice.refund is not None:
        outcome, reason, number = _apply_refund_notice(provider_id, notice.refund)
    else:
        outcome, reason, number = ProviderNotification.Outcome.IGNORED, f"未处理的事件类型 {notice.event_type}", ""
    if outcome == ProviderNotification.Outcome.IGNORED:
        logger.warning("%s notification %s ignored: %s", provider_id, notice.notification_id, reason)
    _log_notification(provider_id, outcome, reason, notice=notice, out_trade_no=number)
    return provider.notification_response(ok=True)


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
    status = ProviderNotification.Outcome.DUPLICATE if outcome == "duplicate" else ProviderNotification.Outcome.APPLIED
    return status, "", result.out_trade_no


# --- Offline payments ----------------------------------------------------------------------------


def record_offline_payment(
    actor, order: Order, *, channel: str, receipt_number: str, amount: str, paid_on: date, note: str = ""
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
            order = _lock_order(order.pk)
            if order.state == Order.State.PAID:
                raise TransitionRefused(_("该订单已缴费，不能重复登记。"))
            if order.state not in (Order.State.PENDING, Order.State.EXPIRED):
                raise TransitionRefused(
                    _("订单状态为“%(state)s”，不能登记缴费。") % {"state": order.get_state_display()}
                )
            if value != order.amount:
                raise TransitionRefused(_("金额与应缴金额 %(amount)s 元不一致。") % {"amount": order.amount})
            if paid_on > order.campaign.payment_closes:
                raise TransitionRefused(
                    _("缴费日期晚于缴费截止日 %(date)s。") % {"date": _date(order.campaign.payment_closes)}
                )
            attempt = order.payments.count() + 1
            payment = Payment.objects.create(
                order=order,
                provider="offline",
                channel=channel,
                out_trade_no=f"{order.code}-{attempt}",
                amount=value,
                state=Payment.State.CONFIRMED,
                reference=receipt_number,
                info={"paid_on": paid_on.isoformat(), "note": note.strip()},
                created_by=actor,
                confirmed_at=timezone.now(),
            )
            if order.state == Order.State.EXPIRED:
                order.state = Order.State.PENDING  # paid in time at the bank, recorded late
            _mark_order_paid(order, payment, actor=actor)
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


# --- Refunds ---------------------------------------------------------------------------------


REASON_NEEDS_STATUS = {Refund.Reason.WITHDRAWAL: Status.WITHDRAWN, Refund.Reason.DISQUALIFIED: Status.DISQUALIFIED}


def refundable(payment: Payment) -> Decimal:
    """What can still be refunded: the payment less every refund that did not fail."""
    taken = payment.refunds.exclude(state=Refund.State.FAILED).aggregate(total=Sum("amount"))["total"]
    return payment.amount - (taken or Decimal("0"))


def request_refund(actor, payment: Payment, *, amount: str, reason: str, note: str = "", reference: str = "") -> Refund:
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
        order, payment = _lock_pair(payment)
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
def apply_refund_result(refund: Refund, result: ProviderRefund, *, source: str, actor=None) -> str:
    order, payment = _lock_pair(refund.payment)
    refund = Refund.objects.select_for_update().get(pk=refund.pk)
    new_state = REFUND_STATES.get(result.state, Refund.State.PENDING)
    if refund.state in (Refund.State.DONE, Refund.State.FAILED) or refund.state == new_state:
        return "duplicate"
    before = refund.state
    refund.state = new_state
    refund.reference = result.refund_id or refund.reference
    refund.info = {**refund.info, "status": result.state, "source": source}
    if new_state == Refund.State.DONE:
        refund.done_at = result.success_time or timezone.now()
    refund.save()
    record(
        "payments.refund." + new_state,
        actor=actor,
        obj=refund,
        before={"state": before},
        after={"state": new_state, "reference": refund.reference, "source": source},
        city=order.city,
    )
    if new_state == Refund.State.DONE:
        _after_refund_done(order, payment, refund)
    return new_state


def _after_refund_done(order: Order, payment: Payment, refund: Refund) -> None:
    done = payment.refunds.filter(state=Refund.State.DONE).aggregate(total=Sum("amount"))["total"] or Decimal("0")
    if done >= payment.amount:
        payment.state = Payment.State.REFUNDED
        payment.save(update_fields=["state"])
        if not payment.is_duplicate and order.state == Order.State.PAID:
            order.state = Order.State.REFUNDED
            order.save(update_fields=["state"])
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


# --- Leaving after approval (the reasons for a refund) -------------------------------------------


def withdraw_after_approval(actor, application: Application, *, reason: str) -> Application:
    """Staff record 考前退出; an unpaid order is canceled and its open payments closed."""
    application = lifecycle.withdraw_after_approval(actor, application, reason=reason)
    _cancel_unpaid_order(application, actor)
    return application


def disqualify(actor, application: Application, *, reason: str) -> Application:
    """The association disqualifies (取消资格); an unpaid order is canceled."""
    application = lifecycle.disqualify(actor, application, reason=reason)
    _cancel_unpaid_order(application, actor)
    return application


def _cancel_unpaid_order(application: Application, actor) -> None:
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(application=application).first()
        if order is None or order.state != Order.State.PENDING:
            return
        order.state = Order.State.CANCELED
        order.save(update_fields=["state"])
        record(
            "payments.order.canceled", actor=actor, obj=order, before={"state": "pending"}, after={"state": "canceled"}
        )
    for payment in order.payments.filter(state__in=OPEN_PAYMENT_STATES):
        close_payment(payment)


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
        order, payment = _lock_pair(payment)
        if payment.state not in OPEN_PAYMENT_STATES:
            return "duplicate"
        before = payment.state
        payment.state = Payment.State.CANCELED
        payment.save(update_fields=["state"])
        record(
            "payments.payment.closed",
            obj=payment,
            before={"state": before},
            after={"state": payment.state},
            city=order.city,
        )
    return "closed"


def staff_can_see(user, order: Order) -> bool:
    return same_city(user, order.city_id)


# --- The periodic sweep ------------------------------------------------------------------------


def sweep(now: datetime | None = None) -> dict[str, int]:
    """What the scheduler runs every minute: recover missed notifications, close and expire."""
    now = now or timezone.now()
    counts = {"orders_created": create_due_orders(timezone.localdate(now))}
    quiet_since = now - timedelta(seconds=settings.PAYMENTS_QUERY_AFTER)
    stale = Payment.objects.filter(
        state__in=OPEN_PAYMENT_STATES, provider__in=_online_providers(), created_at__lt=quiet_since
    ).exclude(last_checked_at__gte=quiet_since)
    counts["queried"] = counts["confirmed"] = counts["closed"] = counts["errors"] = 0
    for payment in stale.select_related("order"):
        try:
            outcome = sync_payment(payment)
            counts["queried"] += 1
            if outcome in ("applied", "second_payment"):
                counts["confirmed"] += 1
            elif outcome == "not_paid" and (
                payment.created_at < now - ATTEMPT_LIFETIME or payment.order.expires_at <= now
            ):
                counts["closed"] += close_payment(payment) == "closed"
        except ProviderError as error:
            logger.warning("query of %s failed: %s", payment.out_trade_no, error)
            counts["errors"] += 1
    counts["expired"] = _expire_orders(now)
    counts["refunds"] = _retry_refunds(quiet_since)
    return counts


def _online_providers() -> list[str]:
    return [name for name in settings.PAYMENT_PROVIDERS if get_provider(name).online]


def _expire_orders(now: datetime) -> int:
    expired = 0
    for order in Order.objects.filter(state=Order.State.PENDING, expires_at__lte=now):
        if order.payments.filter(state__in=OPEN_PAYMENT_STATES).exists():
            continue  # closed first (above), expired on a later sweep
        with transaction.atomic():
            order = Order.objects.select_for_update().get(pk=order.pk)
            if order.state != Order.State.PENDING:
                continue
            order.state = Order.State.EXPIRED
            order.save(update_fields=["state"])
            record("payments.order.expired", obj=order, before={"state": "pending"}, after={"state": "expired"})
            expired += 1
    return expired


def _retry_refunds(quiet_since: datetime) -> int:
    handled = 0
    for refund in Refund.objects.filter(state=Refund.State.CREATED, payment__provider__in=_online_providers()):
        handled += submit_refund(refund.pk) not in ("error", "skipped")
    for refund in Refund.objects.filter(state=Refund.State.PENDING, created_at__lt=quiet_since):
        try:
            handled += sync_refund(refund) not in ("skipped", "duplicate")
        except ProviderError as error:
            logger.warning("refund query %s failed: %s", refund.out_refund_no, error)
    return handled
