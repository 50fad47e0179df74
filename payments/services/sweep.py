"""The periodic sweep: recover missed notifications, close, expire, retry refunds."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.services import notify
from payments import states
from payments.models import Order, Payment, Refund
from payments.providers import get_provider
from payments.providers.base import (
    ProviderError,
)
from payments.services.common import ATTEMPT_LIFETIME, OPEN_PAYMENT_STATES
from payments.services.orders import create_due_orders
from payments.services.paying import close_payment, sync_payment
from payments.services.refunds import submit_refund, sync_refund

logger = logging.getLogger(__name__)


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
    counts["reminded"] = _remind_on_the_last_day(now)
    counts["refunds"] = _retry_refunds(quiet_since)
    return counts


def _online_providers() -> list[str]:
    return [name for name in settings.PAYMENT_PROVIDERS if get_provider(name).online]


def _expire_orders(now: datetime) -> int:
    expired = 0
    for order in Order.objects.filter(state=Order.State.PENDING, expires_at__lte=now):
        if order.payments.filter(state__in=OPEN_PAYMENT_STATES).exists():
            continue  # closed first (above), expired on a later sweep
        expired += states.expire_order(order)
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


def _remind_on_the_last_day(now: datetime) -> int:
    """On the payment window's last day, tell each applicant who has not paid, once."""
    today = timezone.localdate(now)
    due = Order.objects.filter(
        state=Order.State.PENDING, reminded_at__isnull=True, campaign__payment_closes=today
    ).select_related("application__applicant", "application__campaign", "application__occupation", "application__level")
    reminded = 0
    for order in due:
        with transaction.atomic():
            if not Order.objects.filter(pk=order.pk, reminded_at__isnull=True).update(reminded_at=now):
                continue  # another sweep got there first
            application = order.application
            context = {"order": order, "application": application, "url": f"/applications/{application.pk}/pay/"}
            notify(application.applicant, "payment.reminder", context=context, obj=order)
        reminded += 1
    return reminded
