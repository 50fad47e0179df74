from django.urls import path

from catalog import staff_views

app_name = "catalog_staff"
urlpatterns = [
    path("campaigns/<slug:key>/rules/", staff_views.campaign_rules, name="rules"),
    path("calendar/", staff_views.calendar, name="calendar"),
    path("calendar/<int:year>/", staff_views.calendar_year, name="calendar_year"),
    path("calendar/<int:year>/entries/<int:pk>/", staff_views.calendar_entry, name="calendar_entry"),
]
