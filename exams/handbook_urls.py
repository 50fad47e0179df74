"""The 考务手册's URLs, included into the exams namespace."""

from django.urls import path, register_converter

from exams import handbook_views


class FormatConverter:
    regex = "pdf|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "handbook_format")

urlpatterns = [
    path("staff/exams/handbooks/", handbook_views.handbooks, name="handbooks"),
    path("staff/exams/sites/<int:pk>/handbook.<handbook_format:fmt>", handbook_views.current, name="handbook"),
    path("staff/exams/sites/<int:pk>/handbook/status/", handbook_views.files_status, name="handbook_status"),
    path("staff/exams/sites/<int:pk>/handbook/render/", handbook_views.rerender, name="handbook_render"),
    path("staff/exams/sites/<int:pk>/handbook/submit/", handbook_views.submit, name="handbook_submit"),
    path(
        "staff/exams/handbooks/submissions/<int:pk>.<handbook_format:fmt>",
        handbook_views.submitted_file,
        name="handbook_submission",
    ),
]
