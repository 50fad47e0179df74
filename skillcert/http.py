"""Request types for typed views, and answers several apps give alike."""

import math

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import User


class SignedInRequest(HttpRequest):
    """The request of a view behind `login_required`: its user is an account, never anonymous."""

    user: User  # type: ignore[assignment]  # narrowed from User | AnonymousUser by login_required


def too_often(
    request: HttpRequest, wait: int, *, message: str, back_url: str, back_label: str, hint: str = ""
) -> HttpResponse:
    """The 429 page of an address `skillcert.throttle` holds back, with Retry-After (seconds)."""
    context = {
        "minutes": math.ceil(wait / 60),
        "message": message,
        "hint": hint,
        "back_url": back_url,
        "back_label": back_label,
    }
    response = render(request, "too_often.html", context, status=429)
    response["Retry-After"] = str(wait)
    return response
