from datetime import datetime, time, timedelta

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


def _sweep_interval() -> timedelta:
    return timedelta(seconds=settings.PAYMENTS_SWEEP_INTERVAL)


def _reconcile_at() -> time:
    return datetime.strptime(settings.PAYMENTS_RECONCILE_AT, "%H:%M").time()


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("缴费")

    def ready(self) -> None:
        from payments import receivers  # noqa: F401  registers on the lifecycle's transitions
        from payments.tasks import sweep_payments
        from payments.tasks_reconciliation import reconcile_day, the_day_before
        from skillcert import periodic

        periodic.register("payments.sweep", task=sweep_payments, every=_sweep_interval)
        # WeChat Pay publishes yesterday's bill from 10:00 (Beijing time).
        periodic.register("payments.reconcile", task=reconcile_day, daily_at=_reconcile_at, arguments=the_day_before)
