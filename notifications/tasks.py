"""Sending a delivery in the background, with retries (Django's tasks API).

`schedule` enqueues `send_delivery` by id; each run makes one attempt. A failure is
recorded on the delivery and, while attempts remain, the task is enqueued again with
`send_delivery.using(run_after=now + delay)` (NOTIFICATIONS_RETRY_DELAYS). Backends that
cannot defer (the immediate backend of the tests) run the retry at once.
"""

import logging
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from notifications import channels
from notifications.conf import setting
from notifications.models import Delivery, DeliveryState

logger = logging.getLogger(__name__)


def schedule(delivery_id: int, *, delay: int = 0) -> None:
    send = send_delivery
    if delay and send.get_backend().supports_defer:
        send = send.using(run_after=timezone.now() + timedelta(seconds=delay))
    send.enqueue(delivery_id)


@task
def send_delivery(delivery_id: int) -> str:
    """One attempt; returns the delivery's state. Never raises for a failing channel."""
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
        delays = setting("NOTIFICATIONS_RETRY_DELAYS")
        try:
            to = channels.address(delivery.channel, delivery.message.recipient)
            if not to:
                raise channels.PermanentError("the recipient has no address for this channel any more")
            provider_id = channels.backend(delivery.channel).send(delivery, to)
        except Exception as error:
            delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
            retry = not isinstance(error, channels.PermanentError) and delivery.attempts <= len(delays)
            if retry:
                delay = int(delays[delivery.attempts - 1])
                delivery.next_attempt_at = timezone.now() + timedelta(seconds=delay)
                transaction.on_commit(partial(schedule, delivery.pk, delay=delay), robust=True)
            else:
                delivery.state = DeliveryState.FAILED
                delivery.next_attempt_at = None
            logger.warning(
                "notification delivery %s (%s) attempt %s failed%s: %s",
                delivery.pk,
                delivery.channel,
                delivery.attempts,
                ", will retry" if retry else "",
                delivery.last_error,
            )
        else:
            delivery.state = DeliveryState.SENT
            delivery.sent_at = timezone.now()
            delivery.next_attempt_at = None
            delivery.provider_message_id = (provider_id or "")[:100]
        delivery.save()
        return delivery.state
