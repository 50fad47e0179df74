from django.urls import include, path

app_name = "scoring"
urlpatterns = [
    path("", include("scoring.entry_urls")),
    path("", include("scoring.review_urls")),
    path("", include("scoring.report_urls")),
    path("", include("scoring.publicity_urls")),
]
