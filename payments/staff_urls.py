"""Staff pages: orders, offline payments, refunds, fees, invoices, reconciliation."""

from django.urls import path

from payments.views import fees, invoices, reconciliation, staff

app_name = "payments_staff"

urlpatterns = [
    path("", staff.orders, name="orders"),
    path("export/", staff.export, name="export"),
    path("orders/<str:code>/", staff.order, name="order"),
    path("orders/<str:code>/offline/", staff.record_offline, name="record_offline"),
    path("orders/<str:code>/refund/", staff.refund, name="refund"),
    path("fees/", fees.fee_schedule, name="fees"),
    path("invoices/", invoices.invoice_list, name="invoices"),
    path("invoices/<int:pk>/issue/", invoices.issue, name="invoice_issue"),
    path("reconciliation/", reconciliation.overview, name="reconciliation"),
    path("reconciliation/<slug:provider>/<str:day>.xlsx", reconciliation.download, name="reconciliation_xlsx"),
]
