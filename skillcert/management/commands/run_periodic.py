"""The scheduler of `make run`: enqueues each registered periodic job when it is due.

The jobs are registered by their apps (`skillcert.periodic`): the payment sweep every
PAYMENTS_SWEEP_INTERVAL seconds, yesterday's reconciliation daily after PAYMENTS_RECONCILE_AT.
Each run is claimed in the database, so a second scheduler (or cron next to the loop) never
runs a job twice; one loop per deployment is still the plan. Without a loop, cron runs
`--once` every minute.
"""

import time as clock

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from skillcert import periodic

RECONCILE = "payments.reconcile"


class Command(BaseCommand):
    help = "Enqueue the periodic jobs that are due (the payment sweep, the daily reconciliation, …)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="enqueue the jobs due now and exit (cron, every minute)"
        )
        parser.add_argument("--run", metavar="NAME", help="enqueue one job now, due or not, and exit")
        parser.add_argument("--reconcile", action="store_true", help=f"the same as --run {RECONCILE}")
        parser.add_argument("--list", action="store_true", help="list the registered jobs and when each is next due")
        parser.add_argument("--tick", type=float, default=5.0, help="seconds between two looks (default 5)")

    def handle(self, *args, once=False, run=None, reconcile=False, list=False, tick=5.0, **options):
        if list:
            for name, due_at in periodic.due_times().items():
                self.stdout.write(f"{name}\t{timezone.localtime(due_at):%Y-%m-%d %H:%M:%S}" if due_at else f"{name}\t—")
            return
        if reconcile or run:
            self._run_now(RECONCILE if reconcile else run)
            return
        while True:
            for name in periodic.run_due():
                self.stdout.write(f"已入队：{name}")
            if once:
                return
            clock.sleep(tick)

    def _run_now(self, name: str) -> None:
        try:
            job = periodic.get(name)
        except KeyError:
            known = "、".join(job.name for job in periodic.jobs())
            raise CommandError(f"没有名为 {name} 的定时任务（已登记：{known}）") from None
        periodic.enqueue(job, timezone.now())
        self.stdout.write(f"已入队：{name}")
