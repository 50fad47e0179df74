from django.urls import path

from scoring import publicity_views as views

urlpatterns = [
    path("publicity/", views.public_list, name="publicity_list"),
    # Before the city pages: "objections" is not a campaign.
    path("publicity/objections/", views.objection_lookup, name="objection_lookup"),
    path("publicity/objections/<str:reference>/", views.objection_status, name="objection_status"),
    path("publicity/<slug:campaign>/<slug:city>/", views.public_page, name="publicity"),
    path("publicity/<slug:campaign>/<slug:city>/objection/", views.lodge, name="objection_new"),
    path("staff/scoring/publicity/", views.desk, name="publicity_desk"),
    path("staff/scoring/publicity/open/", views.open_view, name="publicity_open"),
    path("staff/scoring/publicity/<int:pk>/close/", views.close_view, name="publicity_close"),
    path("staff/scoring/objections/<int:pk>/answer/", views.answer, name="objection_answer"),
]
