"""The site's URLs plus one view that fails, to see the 500 page."""

from django.urls import path

from skillcert.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def explode(request):
    raise RuntimeError("a developer's mistake that must not reach the user")


urlpatterns = [*urlpatterns, path("explode/", explode)]
