"""Browsers that have logged in to an account before ("known devices"), in a signed cookie.

A known device keeps its own failure count and is never asked for an unlock code by the
account-wide or address-wide limits, so an attacker elsewhere (or behind the same carrier
NAT) cannot keep the owner out of their usual phone. The entry is bound to the account's
session salt: a password change, reset or "log out everywhere" forgets every device.
"""

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from accounts.models import User

COOKIE = "skillcert_device"
SALT = "accounts.known-device"
KEEP = 5  # accounts remembered per browser (a shared family phone)


def _entry(user: User) -> str:
    return f"{user.pk}:{user.session_salt[:12]}"


def _entries(request: HttpRequest) -> list[str]:
    raw = request.COOKIES.get(COOKIE)
    if not raw:
        return []
    try:
        value = signing.loads(raw, salt=SALT, max_age=settings.KNOWN_DEVICE_DAYS * 86400)
    except signing.BadSignature:
        return []
    return [entry for entry in value if isinstance(entry, str)] if isinstance(value, list) else []


def is_known(request: HttpRequest, user: User | None) -> bool:
    return user is not None and _entry(user) in _entries(request)


def remember(request: HttpRequest, response: HttpResponse, user: User) -> None:
    prefix = f"{user.pk}:"
    entries = [entry for entry in _entries(request) if not entry.startswith(prefix)]
    entries = [*entries, _entry(user)][-KEEP:]
    response.set_cookie(
        COOKIE,
        signing.dumps(entries, salt=SALT),
        max_age=settings.KNOWN_DEVICE_DAYS * 86400,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
