from django.urls import path, register_converter

from certificates import views

app_name = "certificates"


class ExportFormat:
    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ExportFormat, "export_format")

urlpatterns = [
    path("staff/certificates/", views.home, name="home"),
    path("staff/certificates/issue/", views.issue, name="issue"),
    path("staff/certificates/register/", views.register, name="register"),
    path("staff/certificates/handouts/", views.handouts, name="handouts"),
    path("staff/certificates/handouts/tell/", views.tell_arrival, name="tell_arrival"),
    path("staff/certificates/handouts/unit/", views.unit_handout, name="unit_handout"),
    path("staff/certificates/calibration/", views.calibration, name="calibration"),
    path("staff/certificates/calibration.pdf", views.calibration_sheet, name="calibration_sheet"),
    path("staff/certificates/batches/<int:pk>/certificates.pdf", views.batch_pdf, name="batch_pdf"),
    path("staff/certificates/batches/<int:pk>/export.<export_format:fmt>", views.batch_export, name="batch_export"),
    path("staff/certificates/<str:number>/", views.detail, name="detail"),
    path("staff/certificates/<str:number>/revoke/", views.revoke, name="revoke"),
    path("staff/certificates/<str:number>/reissue/", views.reissue, name="reissue"),
    path("staff/certificates/<str:number>/handout/", views.hand_out, name="hand_out"),
    path("certificates/<str:number>/certificate.pdf", views.certificate_pdf_view, name="pdf"),
    path("certificates/<str:number>/credential.jwt", views.credential_view, name="credential"),
]
