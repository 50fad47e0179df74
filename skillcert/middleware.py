"""Response headers that depend on who is asking."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class PrivatePagesNotCachedMiddleware:
    """Nothing answered to a signed-in user is stored by a browser or a proxy.

    Their pages and downloads carry names, ID and phone numbers and application data;
    `no-store` keeps them out of shared caches and out of the back button of a shared
    phone after logout. Public pages (home, catalog, directory) keep their caching, and so does
    an answer its view declared `public` (the JWK set: the same for everyone, no personal data),
    which is then left without reading the session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "public" in (d.strip() for d in response.get("Cache-Control", "").split(",")):
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "no-store" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
        return response
