"""Telling people: store the inbox message, send it outside after the caller's commit."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone

from accounts.models import User
from notifications import channels, kinds, tasks
from notifications.models import Channel, Delivery, Message
from skillcert.jobs import enqueue_on_commit


def notify(recipient: User, kind: str, *, context: dict[str, Any], obj: models.Model | None = None) -> Message:
    """Store a message of `kind` for `recipient` and one delivery per channel they can receive.

    Call it inside the transaction of the change it reports: the message commits or rolls
    back with it, and deliveries are enqueued only after the commit. A failing channel
    never raises here. `context` feeds the kind's template; its "url" (a path) is the link.
    Unknown kinds raise ValueError.
    """
    url = context.get("url", "") or ""
    if url and (not url.startswith("/") or url.startswith("//")):
        raise ValueError(f"notification url must be a path on this site, got {url!r}")
    title, body = kinds.render(kind, context)
    message = Message.objects.create(
        recipient=recipient,
        kind=kind,
        title=title[:200],
        body=body,
        url=url,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
    )
    if recipient.is_active:
        for channel in Channel:
            if channels.enabled(channel) and channels.address(channel, recipient):
                delivery = Delivery.objects.create(message=message, channel=channel)
                enqueue_on_commit(tasks.send_delivery, delivery.pk)
    return message


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
