"""The one way to write to the audit trail."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import models

from accounts.models import User
from audit import kinds
from audit.context import current
from audit.models import AuditEvent
from catalog.models import City

# One audited change of a batch: (obj, before, after).
Entry = tuple[models.Model, dict[str, Any] | None, dict[str, Any] | None]


def _event(
    action: str,
    *,
    actor: User | None,
    obj: models.Model | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    city: City | None,
) -> AuditEvent:
    """The unsaved row `record` and `record_many` both write: one place decides every field."""
    if city is None:
        city = getattr(obj, "city", None) if obj is not None else None
    if city is None and actor is not None:
        city = actor.city
    return AuditEvent(
        actor=actor,
        actor_label=str(actor) if actor is not None else "system",
        role=actor.role if actor is not None else "",
        city=city,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        before=before,
        after=after,
        ip=current.get().ip,
    )


def _checked(action: str, actor: User | AnonymousUser | None) -> User | None:
    if getattr(settings, "AUDIT_REFUSES_UNDECLARED_KINDS", False) and kinds.kind_of(action) is None:
        raise kinds.UndeclaredActionKind(action)
    if isinstance(actor, AnonymousUser):
        return None  # a signed-out visitor is recorded as the system
    return actor


def record(
    action: str,
    *,
    actor: User | AnonymousUser | None = None,
    obj: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    city: City | None = None,
) -> AuditEvent:
    """Append one audit event; call it inside the transaction of the change.

    `action` is a dotted name ("catalog.campaign.windows_moved") declared in the recording
    app's `kinds.py`; an undeclared one is refused where `AUDIT_REFUSES_UNDECLARED_KINDS`
    is on (the test suite), so no kind reaches a page without its label. The role and
    city are the actor's, unless the change concerns another city's object,
    in which case pass `city` (or an `obj` with a `city`).
    """
    actor = _checked(action, actor)
    event = _event(action, actor=actor, obj=obj, before=before, after=after, city=city)
    event.save(force_insert=True)
    return event


def record_many(
    action: str,
    entries: Iterable[Entry],
    *,
    actor: User | AnonymousUser | None = None,
    city: City | None = None,
) -> list[AuditEvent]:
    """Append one event per (obj, before, after), each the row `record` would write, in one
    bulk insert. For batch transitions; the objs' `city` should be loaded (select_related)."""
    actor = _checked(action, actor)
    events = [_event(action, actor=actor, obj=obj, before=b, after=a, city=city) for obj, b, a in entries]
    return AuditEvent.objects.bulk_create(events, batch_size=1000)
