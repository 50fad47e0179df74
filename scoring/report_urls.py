"""The reports' and the archive register's URLs, included into the scoring namespace."""

from django.urls import path, register_converter

from scoring import report_views


class FormatConverter:
    regex = "pdf|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "report_format")

urlpatterns = [
    path("staff/scoring/summary/", report_views.summary, name="summary"),
    path("staff/scoring/summary.<report_format:fmt>", report_views.summary_file, name="summary_file"),
    path("staff/scoring/summary/scans/", report_views.scan_upload, name="summary_scan_upload"),
    path("staff/scoring/summary/scans/<int:pk>/", report_views.scan_file, name="summary_scan"),
    path("staff/scoring/roster.<report_format:fmt>", report_views.roster_file, name="roster"),
    path("staff/scoring/materials.zip", report_views.materials, name="materials"),
    path("staff/scoring/archive/", report_views.archive_list, name="archive"),
    path("staff/scoring/archive/new/", report_views.archive_new, name="archive_new"),
    path("staff/scoring/archive/<int:pk>/", report_views.archive_edit, name="archive_edit"),
    path("staff/scoring/archive/<int:pk>/delete/", report_views.archive_delete, name="archive_delete"),
    path("staff/scoring/archive/retention/", report_views.archive_retention, name="archive_retention"),
]
