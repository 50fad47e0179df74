"""Every state change of an order, a payment attempt and a refund; nothing else assigns `state`.

Three small state machines, each written like the application lifecycle: lock the row,
return quietly when the work is already done, check the state, write, audit. The use cases
in `payments.services` decide *whether* to move (provider facts, windows, roles); these
functions are the only way to move.

    Order:   pending → paid → refunded;  pending → expired (→ paid, recorded late offline);
             pending → canceled (考前退出 / 取消资格 before paying)
    Payment: created → pending → confirmed → refunded;  created → failed;
             created/pending → canceled | failed (closed at the provider)
    Refund:  created → pending → done | failed;  created → done | failed

Callers hold the order lock first when they lock two rows (`paying.lock_pair`); locking a
row again here in the same transaction is free and keeps every transition safe on its own.
"""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from applications.lifecycle import TransitionRefused
from audit.services import record
from catalog.models import City
from payments.models import Order, Payment, Refund

OPEN_PAYMENT_STATES = (Payment.State.CREATED, Payment.State.PENDING)
# An expired order can still be paid: money that reached the bank in time, recorded late.
PAYABLE_ORDER_STATES = (Order.State.PENDING, Order.State.EXPIRED)
FINAL_REFUND_STATES = (Refund.State.DONE, Refund.State.FAILED)


def _lock[M: (Order, Payment, Refund)](row: M) -> M:
    """Lock `row` and bring its state up to date (the caller's copy may be older)."""
    row.state = type(row).objects.select_for_update().values_list("state", flat=True).get(pk=row.pk)
    return row


def _move[M: (Order, Payment)](row: M, source: str, target: str) -> bool:
    """Lock `row` and move it from `source` to `target`; False when it was not in `source`."""
    row = _lock(row)
    if row.state != source:
        return False
    row.state = target
    row.save(update_fields=["state"])
    return True


# --- Orders --------------------------------------------------------------------------------------


@transaction.atomic
def pay_order(order: Order, *, paid_at: datetime) -> None:
    """pending/expired → paid. Audited by the payment that paid it and by `applications.paid`."""
    order = _lock(order)
    if order.state == Order.State.PAID:
        return
    if order.state not in PAYABLE_ORDER_STATES:
        raise TransitionRefused(_("订单状态为“%(state)s”，不能登记缴费。") % {"state": order.get_state_display()})
    order.state = Order.State.PAID
    order.paid_at = paid_at
    order.save(update_fields=["state", "paid_at"])


@transaction.atomic
def expire_order(order: Order) -> bool:
    """pending → expired once the payment window has passed; False when it was not pending."""
    if not _move(order, Order.State.PENDING, Order.State.EXPIRED):
        return False
    record("payments.order.expired", obj=order, before={"state": "pending"}, after={"state": "expired"})
    return True


@transaction.atomic
def cancel_unpaid_order(order: Order, *, actor: User | None) -> bool:
    """pending → canceled when its applicant leaves; False when there was nothing unpaid to cancel
    (a paid order stays paid: staff refund it)."""
    if not _move(order, Order.State.PENDING, Order.State.CANCELED):
        return False
    record("payments.order.canceled", actor=actor, obj=order, before={"state": "pending"}, after={"state": "canceled"})
    return True


@transaction.atomic
def refund_order(order: Order) -> None:
    """paid → refunded when its payment is refunded in full. Audited by the refund."""
    _move(order, Order.State.PAID, Order.State.REFUNDED)


# --- Payments (one attempt each) -----------------------------------------------------------------


def fail_payment_start(payment: Payment, error: str) -> bool:
    """created → failed when the provider refused to start it (claimed with a conditional update:
    a parallel request may have moved it on already)."""
    return bool(
        Payment.objects.filter(pk=payment.pk, state=Payment.State.CREATED).update(
            state=Payment.State.FAILED, info={"error": error}
        )
    )


@transaction.atomic
def show_payment(payment: Payment, *, order: Order, actor: User, info: dict[str, Any]) -> Payment:
    """created → pending with the provider's instructions (QR code, JSAPI parameters). Resuming an
    attempt that is already pending stores the new instructions."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.state == Payment.State.CREATED:
        payment.state = Payment.State.PENDING
    payment.info = {**payment.info, **info}
    payment.save(update_fields=["state", "info"])
    record(
        "payments.payment.started",
        actor=actor,
        obj=payment,
        after={"order": order.code, "channel": payment.channel, "amount": str(payment.amount)},
        city=order.city,
    )
    return payment


@transaction.atomic
def close_payment_attempt(payment: Payment, *, order: Order, failed: bool = False, source: str = "") -> bool:
    """created/pending → canceled (or failed), closed at the provider; False when it was not open."""
    payment = _lock(payment)
    if payment.state not in OPEN_PAYMENT_STATES:
        return False
    before = payment.state
    payment.state = Payment.State.FAILED if failed else Payment.State.CANCELED
    payment.save(update_fields=["state"])
    after = {"state": payment.state, "source": source} if source else {"state": payment.state}
    record("payments.payment.closed", obj=payment, before={"state": before}, after=after, city=order.city)
    return True


@transaction.atomic
def confirm_payment(
    payment: Payment,
    *,
    order: Order,
    reference: str,
    confirmed_at: datetime,
    info: dict[str, Any],
    source: str,
    duplicate_refund: Refund | None = None,
    audited: bool = True,
) -> bool:
    """created/pending → confirmed: the provider (or staff) says the money arrived.

    With `duplicate_refund`, the money came for an order already paid (or no longer payable)
    and that refund gives it back; recorded as a second payment. An offline payment is
    `audited` by its caller as recorded by staff. False when already confirmed.
    """
    payment = _lock(payment)
    if payment.state in (Payment.State.CONFIRMED, Payment.State.REFUNDED):
        return False
    before = payment.state
    payment.state = Payment.State.CONFIRMED
    payment.reference = reference
    payment.confirmed_at = confirmed_at
    payment.info = {**payment.info, **info}
    payment.save()
    after = {"state": payment.state, "reference": payment.reference, "source": source}
    if not audited:
        pass
    elif duplicate_refund is None:
        record("payments.payment.confirmed", obj=payment, before={"state": before}, after=after, city=order.city)
    else:
        after["refund"] = duplicate_refund.out_refund_no
        record("payments.payment.second_payment", obj=payment, before={"state": before}, after=after, city=order.city)
    return True


@transaction.atomic
def refund_payment(payment: Payment) -> None:
    """confirmed → refunded when its refunds add up to the whole amount. Audited by the refund."""
    _move(payment, Payment.State.CONFIRMED, Payment.State.REFUNDED)


# --- Refunds -------------------------------------------------------------------------------------


def refund_settled(refund: Refund, new_state: str) -> bool:
    """Nothing to do: the refund is final already, or already in `new_state` (a replayed answer)."""
    return refund.state in FINAL_REFUND_STATES or refund.state == new_state


@transaction.atomic
def move_refund(
    refund: Refund,
    new_state: str,
    *,
    reference: str,
    info: dict[str, Any],
    done_at: datetime | None,
    source: str,
    actor: User | None = None,
    city: City | None = None,
) -> bool:
    """created → pending → done | failed, as the provider (or staff, offline) reports it."""
    refund = _lock(refund)
    if refund_settled(refund, new_state):
        return False
    before = refund.state
    refund.state = new_state
    refund.reference = reference or refund.reference
    refund.info = {**refund.info, **info}
    if new_state == Refund.State.DONE:
        refund.done_at = done_at
    refund.save()
    record(
        "payments.refund." + new_state,
        actor=actor,
        obj=refund,
        before={"state": before},
        after={"state": new_state, "reference": refund.reference, "source": source},
        city=city,
    )
    return True
