"""Where a request may send the browser next: the one check for every `next=`, `return_url`
or other redirect target taken from input."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_target(request: HttpRequest, target: str | None) -> str:
    """`target` if it stays on this site (and on https when the request is), else ""."""
    if not target:
        return ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""


def next_or(request: HttpRequest, target: str | None, fallback: str) -> str:
    """The safe `target`, else `fallback` (a URL or a URL pattern name, as `redirect` takes)."""
    return safe_target(request, target) or fallback
