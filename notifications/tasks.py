"""Sending a delivery in the background, with retries (Django's tasks API).

`notify` enqueues `send_delivery` by id after its commit; each run makes one attempt.
`notify_many` enqueues `send_deliveries` with a chunk of ids: one attempt at each, as
`send_delivery` would make it (a retry is then a `send_delivery` of that one). A
failure is recorded on the delivery and, while attempts remain, the next one is enqueued by
`skillcert.jobs.RetryPolicy` after NOTIFICATIONS_RETRY_DELAYS.
"""

import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from notifications import channels
from notifications.conf import setting
from notifications.models import Delivery, DeliveryState
from skillcert.jobs import RetryPolicy

logger = logging.getLogger(__name__)


@task
def send_delivery(delivery_id: int) -> str:
    """One attempt; returns the delivery's state. Never raises for a failing channel."""
    return attempt(delivery_id)


@task
def send_deliveries(delivery_ids: list[int]) -> dict[str, int]:
    """One attempt at each delivery, each in its own transaction; how many ended in each state.
    An unexpected error on one (the database) is logged and leaves it pending; the rest still go."""
    states: dict[str, int] = {}
    for delivery_id in delivery_ids:
        try:
            state = attempt(delivery_id)
        except Exception:
            logger.exception("notification delivery %s could not be attempted", delivery_id)
            state = "error"
        states[state] = states.get(state, 0) + 1
    return states


def attempt(delivery_id: int) -> str:
    """One attempt at one delivery (the body of both tasks)."""
    with transaction.atomic():
        # The lock keeps a duplicate run of the same delivery from sending it twice.
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("message__recipient")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.state != DeliveryState.PENDING:
            return delivery.state if delivery else "missing"
        delivery.attempts += 1
        try:
            to = channels.address(delivery.channel, delivery.message.recipient)
            if not to:
                raise channels.PermanentError("the recipient has no address for this channel any more")
            provider_id = channels.backend(delivery.channel).send(delivery, to)
        except Exception as error:
            delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
            next_attempt_at = None
            if not isinstance(error, channels.PermanentError):
                next_attempt_at = RetryPolicy(setting("NOTIFICATIONS_RETRY_DELAYS")).retry_on_commit(
                    send_delivery, delivery.pk, attempts=delivery.attempts
                )
            delivery.next_attempt_at = next_attempt_at
            if next_attempt_at is None:
                delivery.state = DeliveryState.FAILED
            logger.warning(
                "notification delivery %s (%s) attempt %s failed%s: %s",
                delivery.pk,
                delivery.channel,
                delivery.attempts,
                ", will retry" if next_attempt_at else "",
                delivery.last_error,
            )
        else:
            delivery.state = DeliveryState.SENT
            delivery.sent_at = timezone.now()
            delivery.next_attempt_at = None
            delivery.provider_message_id = (provider_id or "")[:100]
        delivery.save()
        return delivery.state
