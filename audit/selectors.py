from datetime import date, datetime, time

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.permissions import AnyUser, scope_by_city
from audit.models import AuditEvent


def search_events(
    user: AnyUser,
    *,
    text: str = "",
    action: str = "",
    city_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEvent]:
    """Audit events the user may read (association: all; regulator: own city), filtered."""
    events = scope_by_city(AuditEvent.objects.select_related("city"), user)
    if action:
        events = events.filter(action__startswith=action)
    if text:
        matches = Q(actor_label__icontains=text) | Q(object_repr__icontains=text) | Q(object_id=text)
        if _is_ip(text):
            matches |= Q(ip=text)
        events = events.filter(matches)
    if city_id:
        events = events.filter(city_id=city_id)
    if since:
        events = events.filter(at__gte=timezone.make_aware(datetime.combine(since, time.min)))
    if until:
        events = events.filter(at__lte=timezone.make_aware(datetime.combine(until, time.max)))
    return events.order_by("-at", "-id")


def _is_ip(text: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def known_actions() -> list[str]:
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())
