"""The verification API's hit path, answered before sessions, locale, CSRF, authentication and
messages: its answer depends only on the query, the client's address and the register, and a hit
must cost little more than a bare Django view (bench/test_bench_verify_api.py).

Placed right after WhiteNoise in settings.MIDDLEWARE (the security headers are still added by
SecurityMiddleware; the API's own policy is set on the answer). Everything else goes down the
stack unchanged; the ninja operation gives the same answer when this middleware is absent.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse

from certificates.api import verify_answer


class VerifyApiMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self._path = ""

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not self._path:
            self._path = reverse("api:verify_certificate")
        if request.method == "GET" and request.path == self._path:
            return verify_answer(request)
        return self.get_response(request)
