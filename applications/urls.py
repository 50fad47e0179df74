from django.urls import path

from applications import views

app_name = "applications"
urlpatterns = [
    path("apply/", views.start, name="start"),
    path("self-check/", views.self_check, name="self_check"),
    path("campaigns/<slug:key>/self-check/", views.self_check, name="self_check_in"),
    path("campaigns/<slug:key>/apply/", views.start, name="start_in"),
    path("applications/<int:pk>/", views.detail, name="detail"),
    path("applications/<int:pk>/step/<slug:name>/", views.step, name="step"),
    path("applications/<int:pk>/documents/", views.documents, name="documents"),
    path("applications/<int:pk>/documents/<slug:slot>/", views.document_file, name="document_file"),
    path("applications/<int:pk>/review/", views.review, name="review"),
    path("applications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("applications/<int:pk>/print/<slug:document>.pdf", views.printable, name="printable"),
]
