from django.urls import path

from scoring import entry_views as views

urlpatterns = [
    path("staff/scoring/", views.home, name="home"),
    path("staff/scoring/rooms/<int:room>/sessions/<int:session>/", views.sheet, name="sheet"),
    path("staff/scoring/sheets/<int:pk>/template.xlsx", views.template_xlsx, name="sheet_template"),
    path("staff/scoring/sheets/<int:pk>/import/", views.upload, name="sheet_import"),
    path("staff/scoring/sheets/<int:pk>/resolve/", views.resolve, name="sheet_resolve"),
    path("staff/scoring/sheets/<int:pk>/confirm/", views.confirm, name="sheet_confirm"),
    path("staff/scoring/imports/<int:pk>/", views.import_preview, name="import_preview"),
    path("staff/scoring/scores/<int:pk>/amend/", views.amend, name="amend"),
    path("staff/scoring/amendments/", views.amendments, name="amendments"),
    path("staff/scoring/amendments/<int:pk>/decide/", views.decide, name="amendment_decide"),
]
