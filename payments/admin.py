"""Payments in the admin: a read-only record for the association (changes go through the staff pages)."""

from django.contrib import admin

from notifications.admin import ReadOnlyAdmin
from payments.models import Order, Payment, ProviderNotification, ReconciliationReport, Refund


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    fields = ["out_trade_no", "provider", "channel", "amount", "state", "reference", "confirmed_at", "is_duplicate"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ["code", "campaign", "city", "amount", "state", "paid_at", "flagged"]
    list_filter = ["state", "flagged", "campaign", "city"]
    search_fields = ["code"]
    inlines = [PaymentInline]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["out_trade_no", "provider", "channel", "amount", "state", "reference", "confirmed_at"]
    list_filter = ["provider", "state", "is_duplicate"]
    search_fields = ["out_trade_no", "reference"]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ["out_refund_no", "amount", "reason", "state", "reference", "created_at", "done_at"]
    list_filter = ["state", "reason"]
    search_fields = ["out_refund_no", "reference"]


@admin.register(ProviderNotification)
class ProviderNotificationAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "provider", "event_type", "out_trade_no", "outcome", "reason"]
    list_filter = ["provider", "outcome", "event_type"]
    search_fields = ["out_trade_no", "notification_id"]


@admin.register(ReconciliationReport)
class ReconciliationReportAdmin(ReadOnlyAdmin):
    list_display = ["day", "provider", "generated_at", "difference_count", "bill_error"]
    list_filter = ["provider"]
