"""Telling people: store the inbox message, send it outside after the caller's commit."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone

from accounts.models import User
from notifications import channels, kinds, tasks
from notifications.models import Channel, Delivery, Message
from skillcert.jobs import enqueue_on_commit

# Deliveries sent by one background task of `notify_many` (a city's publication is thousands).
DELIVERIES_PER_TASK = 100


@dataclass(frozen=True)
class Notice:
    """One message of a batch: who, what feeds the kind's template, what it is about."""

    recipient: User
    context: dict[str, Any]
    obj: models.Model | None = None


def notify(recipient: User, kind: str, *, context: dict[str, Any], obj: models.Model | None = None) -> Message:
    """Store a message of `kind` for `recipient` and one delivery per channel they can receive.

    Call it inside the transaction of the change it reports: the message commits or rolls
    back with it, and deliveries are enqueued only after the commit. A failing channel
    never raises here. `context` feeds the kind's template; its "url" (a path) is the link.
    Unknown kinds raise ValueError.
    """
    message = _message(recipient, kind, context, obj)
    message.save(force_insert=True)
    for delivery in _deliveries(message):
        delivery.save(force_insert=True)
        enqueue_on_commit(tasks.send_delivery, delivery.pk)
    return message


def notify_many(kind: str, notices: Sequence[Notice]) -> list[Message]:
    """`notify` for many recipients at once: the same messages and deliveries, written with
    two bulk inserts, and the deliveries sent after the commit by one task per
    DELIVERIES_PER_TASK (`tasks.send_deliveries`) instead of one task each."""
    messages = [_message(n.recipient, kind, n.context, n.obj) for n in notices]
    Message.objects.bulk_create(messages, batch_size=1000)
    deliveries = [delivery for message in messages for delivery in _deliveries(message)]
    Delivery.objects.bulk_create(deliveries, batch_size=1000)
    ids = [delivery.pk for delivery in deliveries]
    for start in range(0, len(ids), DELIVERIES_PER_TASK):
        enqueue_on_commit(tasks.send_deliveries, ids[start : start + DELIVERIES_PER_TASK])
    return messages


def _message(recipient: User, kind: str, context: dict[str, Any], obj: models.Model | None) -> Message:
    """The unsaved message, rendered once; ValueError for an unknown kind or a link off the site."""
    url = context.get("url", "") or ""
    if url and (not url.startswith("/") or url.startswith("//")):
        raise ValueError(f"notification url must be a path on this site, got {url!r}")
    title, body = kinds.render(kind, context)
    return Message(
        recipient=recipient,
        kind=kind,
        title=title[:200],
        body=body,
        url=url,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
    )


def _deliveries(message: Message) -> list[Delivery]:
    """One unsaved delivery per channel that is on and that the (active) recipient can receive."""
    recipient = message.recipient
    if not recipient.is_active:
        return []
    return [
        Delivery(message=message, channel=channel)
        for channel in Channel
        if channels.enabled(channel) and channels.address(channel, recipient)
    ]


def mark_read(user: User, message: Message) -> Message:
    """The recipient opened the message. Reading is not audited: it changes nothing but the badge."""
    if message.recipient_id != user.pk:
        raise PermissionDenied("not the recipient")
    if message.read_at is None:
        message.read_at = timezone.now()
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=message.read_at)
    return message


def mark_all_read(user: User) -> int:
    return Message.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
