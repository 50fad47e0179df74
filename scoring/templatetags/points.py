"""`points`: a score, total or spread as people write it (85, 80.5), never the stored 85.00."""

from decimal import Decimal

from django import template

from scoring.rules import shown_points

register = template.Library()


@register.filter
def points(value: Decimal | int | str | None) -> str:
    """'' for no value (a sheet not yet submitted), else `shown_points`."""
    return "" if value is None or value == "" else shown_points(value)


@register.filter
def points_list(values: list[Decimal]) -> str:
    """The experts' totals of a candidate, as the chair reads them: 81 / 85 / 88."""
    return " / ".join(shown_points(value) for value in values)
