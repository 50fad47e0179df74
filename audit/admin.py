from django.contrib import admin
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from audit.models import AuditEvent
from audit.services import record


def _summary(obj) -> dict:
    return {k: str(v) for k, v in model_to_dict(obj).items()}


class AuditedAdmin(admin.ModelAdmin):
    """Admin for the association only; every change written to the audit trail."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    has_view_permission = has_add_permission = has_change_permission = has_delete_permission = (
        lambda self, request, obj=None: self.has_module_permission(request)
    )

    def save_model(self, request, obj, form, change):
        before = _summary(obj.__class__.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        action = "changed" if change else "added"
        record(
            f"admin.{obj._meta.label_lower}.{action}", actor=request.user, obj=obj, before=before, after=_summary(obj)
        )

    def delete_model(self, request, obj):
        record(f"admin.{obj._meta.label_lower}.deleted", actor=request.user, obj=obj, before=_summary(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class RoleFilter(admin.SimpleListFilter):
    """The role stored with each event is a plain code: filter and show it by its Chinese name."""

    title = _("角色")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        return queryset.filter(role=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "role_name", "city", "action", "object_repr", "ip"]
    list_filter = [RoleFilter, "city"]
    search_fields = ["action", "actor_label", "object_repr", "object_id"]

    @admin.display(description=_("角色"), ordering="role")
    def role_name(self, obj):
        return obj.role_label

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
