"""Background work of payments (Django's tasks API): the sweep and refund submission."""

from django.tasks import task


@task
def sweep_payments() -> dict[str, int]:
    """Recover missed notifications, close stale attempts, expire unpaid orders, retry refunds."""
    from payments.services import sweep

    return sweep()


@task
def submit_refund(refund_id: int) -> str:
    """Send one refund to its provider (a failure leaves it for the sweep to retry)."""
    from payments.services import submit_refund as submit

    return submit(refund_id)


@task
def close_payment(payment_id: int) -> str:
    """Close one open attempt at its provider (if it turns out paid, it is confirmed and refunded)."""
    from payments.models import Payment
    from payments.services import close_payment as close

    return close(Payment.objects.get(pk=payment_id))
