"""Project-level tables: the schedule of periodic jobs (`skillcert.periodic`)."""

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
