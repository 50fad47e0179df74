"""Applicant pages (pay, invoice) and the providers' notification endpoints."""

from django.urls import path

from payments.views import applicant, invoices

app_name = "payments"

urlpatterns = [
    path("applications/<int:pk>/pay/", applicant.pay, name="pay"),
    path("applications/<int:pk>/pay/start/", applicant.start, name="start"),
    path("applications/<int:pk>/pay/status/", applicant.status, name="status"),
    path("applications/<int:pk>/invoice/", invoices.request_invoice, name="invoice_request"),
    path("applications/<int:pk>/invoice/pdf/", invoices.invoice_pdf, name="invoice_pdf"),
    path("payments/notify/<slug:provider>/", applicant.notify, name="notify"),
]
