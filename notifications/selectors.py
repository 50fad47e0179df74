"""Reads of the inbox: a person sees their own messages, nobody else's."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.permissions import AnyUser
from notifications.models import Message


def inbox(user: AnyUser) -> QuerySet[Message]:
    if not user.is_authenticated:
        return Message.objects.none()
    return Message.objects.filter(recipient=user)


def unread_count(user: AnyUser) -> int:
    return inbox(user).filter(read_at__isnull=True).count()


def message_for(user: AnyUser, pk: int) -> Message:
    """The user's own message, or 404 (another person's message does not exist for them)."""
    return get_object_or_404(inbox(user), pk=pk)
