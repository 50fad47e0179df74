"""The public verification pages and the W3C status lists, at the site's root (skillcert/urls.py)."""

from django.urls import path

from certificates import public_views as views

app_name = "verify"
urlpatterns = [
    path("verify/", views.verify, name="form"),
    path("verify/c/<str:token>", views.scan, name="scan"),  # SCAN_PATH of certificates.services.issuing
    path("credentials/status/<int:list_number>", views.status_list, name="status_list"),
]
