"""How long a pack of answer sheets is kept (六.三): pure."""

from datetime import date


def retain_until(archived_on: date, years: int) -> date:
    """The same day `years` later; a pack archived on 29 February is kept to 28 February."""
    if years < 1:
        raise ValueError("retention is a year or more")
    try:
        return archived_on.replace(year=archived_on.year + years)
    except ValueError:  # 29 February of a leap year, `years` later in a common one
        return archived_on.replace(year=archived_on.year + years, day=28)


def retention_state(until: date, today: date, days: int) -> str:
    """ "expired" (kept until before today), "ending" (within `days`), or "kept"."""
    if until < today:
        return "expired"
    if (until - today).days <= days:
        return "ending"
    return "kept"
