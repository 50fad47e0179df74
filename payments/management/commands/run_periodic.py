"""The scheduler of `make run`: enqueues the payment sweep every PAYMENTS_SWEEP_INTERVAL
seconds and yesterday's reconciliation once a day after PAYMENTS_RECONCILE_AT.

Run exactly one loop per deployment, or use cron with `--once` (every minute) and
`--reconcile` (daily) instead.
"""

import time as clock
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from payments.tasks import sweep_payments


class Command(BaseCommand):
    help = "Enqueue periodic payment work: the sweep, and the daily reconciliation."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="enqueue one sweep and exit (cron, every minute)")
        parser.add_argument("--reconcile", action="store_true", help="enqueue yesterday's reconciliation and exit")

    def handle(self, *args, once: bool = False, reconcile: bool = False, **options):
        if reconcile:
            self._reconcile(timezone.localdate() - timedelta(days=1))
            return
        reconciled_on: date | None = None
        while True:
            sweep_payments.enqueue()
            if once:
                return
            reconciled_on = self._reconcile_if_due(reconciled_on)
            clock.sleep(settings.PAYMENTS_SWEEP_INTERVAL)

    def _reconcile_if_due(self, reconciled_on: date | None) -> date | None:
        now = timezone.localtime()
        due_at = datetime.strptime(settings.PAYMENTS_RECONCILE_AT, "%H:%M").time()
        if reconciled_on == now.date() or now.time() < due_at:
            return reconciled_on
        self._reconcile(now.date() - timedelta(days=1))
        return now.date()

    def _reconcile(self, day: date) -> None:
        from payments.tasks_reconciliation import reconcile_day

        reconcile_day.enqueue(day.isoformat())
        self.stdout.write(f"对账任务已入队：{day}")
