"""Request types for typed views."""

from django.http import HttpRequest

from accounts.models import User


class SignedInRequest(HttpRequest):
    """The request of a view behind `login_required`: its user is an account, never anonymous."""

    user: User  # type: ignore[assignment]  # narrowed from User | AnonymousUser by login_required
