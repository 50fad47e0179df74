"""Reading orders for staff, always through the city scope."""

from django.db.models import Count, Q, QuerySet

from accounts.permissions import scope_by_city
from payments.models import Order


def orders_for(user, campaign) -> QuerySet:
    rows = Order.objects.filter(campaign=campaign).select_related(
        "application__occupation", "application__level", "city"
    )
    return scope_by_city(rows, user)


def filtered(rows: QuerySet, *, state: str = "", flagged: bool = False, text: str = "") -> QuerySet:
    if state:
        rows = rows.filter(state=state)
    if flagged:
        rows = rows.filter(flagged=True)
    text = text.strip()
    if text:
        match = Q(code__iexact=text) | Q(application__full_name__contains=text)
        if text.isdigit() or (len(text) == 4 and text[:3].isdigit()):
            match |= Q(application__id_tail=text.upper()) | Q(application__phone_tail=text)
        rows = rows.filter(match)
    return rows.order_by("-flagged", "state", "-created_at")


def state_counts(rows: QuerySet) -> dict[str, int]:
    return dict(rows.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))


def order_for(user, code: str) -> Order | None:
    rows = Order.objects.select_related(
        "application__applicant", "application__occupation", "application__level", "city", "campaign"
    )
    return scope_by_city(rows, user).filter(code=code).first()
