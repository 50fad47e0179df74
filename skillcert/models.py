"""Project-level tables: the schedule of periodic jobs (`skillcert.periodic`) and the misses of
throttled lookups (`skillcert.throttle`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodicRun(models.Model):
    """When a registered periodic job is next due; claimed by a conditional update on `due_at`."""

    name = models.CharField(_("任务"), max_length=100, unique=True)
    due_at = models.DateTimeField(_("下次运行时间"))
    last_run_at = models.DateTimeField(_("上次运行时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("定时任务")
        verbose_name_plural = _("定时任务")

    def __str__(self) -> str:
        return self.name


class ThrottleMiss(models.Model):
    """One miss of a throttled lookup (e.g. a certificate verification that found nothing) from one
    address; `skillcert.throttle` counts them in its window and prunes the older ones. A table, not
    memory, so every worker counts the same misses."""

    scope = models.CharField(_("范围"), max_length=50)
    address = models.CharField(_("来源地址"), max_length=64)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("查询未命中记录")
        verbose_name_plural = _("查询未命中记录")
        indexes = [
            models.Index(fields=["scope", "address", "at"], name="throttle_scope_address_at"),
            models.Index(fields=["scope", "at"], name="throttle_scope_at"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.address} {self.at:%Y-%m-%d %H:%M:%S}"
