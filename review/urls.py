from django.urls import path

from review import views

app_name = "review"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("bulk-approve/", views.bulk_approve, name="bulk_approve"),
    path("export/", views.export, name="export"),
    path("extend/", views.extend, name="extend"),
    path("<int:pk>/", views.screen, name="screen"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/paper-form/", views.paper_form, name="paper_form"),
]
