"""The append-only audit trail. Written only by `audit.services.record`."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit events cannot be changed")

    def delete(self):
        raise AppendOnlyError("audit events cannot be deleted")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    # Kept as text as well, so the trail still reads right if a user changes.
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)
    role = models.CharField(_("角色"), max_length=20, blank=True)
    city = models.ForeignKey(
        "catalog.City", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("盟市")
    )
    action = models.CharField(_("操作"), max_length=80, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=80, blank=True, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        indexes = [models.Index(fields=["object_type", "object_id", "at"], name="audit_object_time")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events cannot be deleted")

    @property
    def role_label(self) -> str:
        from accounts.models import Role

        return Role(self.role).label if self.role in Role.values else self.role
