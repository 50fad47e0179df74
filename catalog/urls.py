from django.urls import path

from catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.home, name="home"),
    path("campaigns/<slug:key>/", views.campaign_detail, name="campaign"),
    path("campaigns/<slug:key>/catalog/", views.catalog_browser, name="catalog"),
    path("directory/", views.directory, name="directory"),
]
