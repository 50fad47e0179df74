"""Reading orders for staff, always through the city scope."""

from django.db.models import Count, Q, QuerySet

from accounts.permissions import AnyUser, scope_by_city
from catalog.models import Campaign
from payments.models import Order


def orders_for(user: AnyUser, campaign: Campaign) -> QuerySet[Order]:
    rows = Order.objects.filter(campaign=campaign).select_related(
        "application__occupation", "application__level", "city"
    )
    return scope_by_city(rows, user)


def filtered(rows: QuerySet[Order], *, state: str = "", flagged: bool = False, text: str = "") -> QuerySet[Order]:
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


def state_counts(rows: QuerySet[Order]) -> dict[str, int]:
    return dict(rows.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))


def order_for(user: AnyUser, code: str) -> Order | None:
    rows = Order.objects.select_related(
        "application__applicant", "application__occupation", "application__level", "city", "campaign"
    )
    return scope_by_city(rows, user).filter(code=code).first()
