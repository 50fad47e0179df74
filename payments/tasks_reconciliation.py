"""Daily reconciliation in the background (Django's tasks API).

The periodic job "payments.reconcile" (registered in PaymentsConfig.ready) enqueues
`reconcile_day` once a day for yesterday (Beijing time), after WeChat Pay publishes the bill
(from 10:00 the next day). Running it again for the same day replaces that day's reports.
"""

from datetime import date, datetime, timedelta

from django.tasks import task
from django.utils import timezone


def the_day_before(due_at: datetime) -> tuple[str]:
    """The arguments of the run due at `due_at`: the day before, in Beijing time."""
    return ((timezone.localtime(due_at).date() - timedelta(days=1)).isoformat(),)


@task
def reconcile_day(day_iso: str) -> dict[str, dict[str, object]]:
    """Build and keep the report of `day_iso` ("YYYY-MM-DD") for every configured provider."""
    from payments.reconciliation.report import generate_daily_reports

    kept = generate_daily_reports(date.fromisoformat(day_iso))
    return {
        row.provider: {"differences": row.difference_count, "bill_error": row.bill_error, "note": row.note}
        for row in kept
    }
