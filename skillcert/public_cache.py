"""Public reads served from a cache that every web worker shares.

Anonymous visitors of the public pages (home, a campaign, the catalog browser, the
directory, the self-check form) and of the public API read data only the association
edits: the catalog, the campaigns and their rules, the holiday calendar. Such a read is
rendered once per *version* of that data and then served from the `public` cache
without touching the database or the session.

The version is a token in the same cache. Every write to a catalog model bumps it (the
receivers in `catalog.apps`; writes that send no signals call `public_data_changed`
themselves), once at once and once more on commit: a reader that rendered the old rows
while the writer's transaction was open stores them under a version the commit has
already replaced. The cache is a file cache (settings: `PUBLIC_CACHE_DIR`), so every
gunicorn worker on the host sees one version; hosts behind one proxy share the folder
the way they share MEDIA_ROOT.

Pages carry a per-request CSRF token and CSP nonce: they are rendered with placeholders
(`placeholders`, a context processor) and the request's own values are put in when the
page is served, fresh or cached. API answers carry an ETag and answer a matching
If-None-Match with 304.
"""

import hashlib
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_cache_control

CACHE_ALIAS = "public"
VERSION_KEY = "public-data-version"
CSRF_PLACEHOLDER = "\x00csrf-token\x00"
NONCE_PLACEHOLDER = "\x00csp-nonce\x00"

View = Callable[..., HttpResponseBase]


def _cache() -> BaseCache:
    return caches[CACHE_ALIAS]


def data_version() -> str:
    """The current version of the public data, shared by every worker."""
    cache = _cache()
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def _bump() -> None:
    _cache().set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def public_data_changed(**_: Any) -> None:
    """Every cached public read is stale: now, and again when the writer's transaction commits."""
    _bump()
    transaction.on_commit(_bump)


def placeholders(request: HttpRequest) -> dict[str, str]:
    """Context processor: while a public page is rendered for the cache, the per-request values are placeholders."""
    if getattr(request, "_public_read", False):
        return {"csrf_token": CSRF_PLACEHOLDER, "csp_nonce": NONCE_PLACEHOLDER}
    return {}


def _cacheable(request: HttpRequest) -> bool:
    # Without a session cookie the visitor is anonymous and has no messages or self-check facts.
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _key(request: HttpRequest) -> str:
    parts = "\n".join(
        [
            request.path,
            "&".join(sorted(request.GET.urlencode().split("&"))),
            request.headers.get("HX-Request", ""),
            request.headers.get("HX-Target", ""),
            getattr(request, "LANGUAGE_CODE", ""),
            timezone.localdate().isoformat(),  # windows open and close by the day
        ]
    )
    return hashlib.blake2b(parts.encode(), digest_size=16).hexdigest()


def _serve_page(request: HttpRequest, stored: tuple[str, str]) -> HttpResponse:
    content, content_type = stored
    if CSRF_PLACEHOLDER in content:
        content = content.replace(CSRF_PLACEHOLDER, get_token(request))  # sets the CSRF cookie, as rendering does
    if NONCE_PLACEHOLDER in content:
        content = content.replace(NONCE_PLACEHOLDER, str(get_nonce(request) or ""))
    return HttpResponse(content, content_type=content_type)


def public_page(view: View) -> View:
    """A public page, served to anonymous visitors from the cache of the current data version."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        cache = _cache()
        key = f"page:{data_version()}:{_key(request)}"
        stored = cache.get(key)
        if stored is None:
            request._public_read = True  # type: ignore[attr-defined]
            try:
                response = view(request, *args, **kwargs)
            finally:
                request._public_read = False  # type: ignore[attr-defined]
            if response.status_code != 200 or response.streaming or response.has_header("Set-Cookie"):
                return response if response.streaming else _fill_in(request, response)
            assert isinstance(response, HttpResponse)  # not streaming: the whole body is at hand
            stored = (response.content.decode(response.charset), response["Content-Type"])
            cache.set(key, stored)
        return _serve_page(request, stored)

    return wrapper


def _fill_in(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """An answer not kept (an error page): its placeholders still get the request's values."""
    content = response.content.decode(response.charset)  # type: ignore[attr-defined]
    if CSRF_PLACEHOLDER in content or NONCE_PLACEHOLDER in content:
        filled = _serve_page(request, (content, response["Content-Type"]))
        response.content = filled.content  # type: ignore[attr-defined]
    return response


def public_api(view: View) -> View:
    """A public API read: cached per data version, with an ETag; If-None-Match answers 304.

    Wraps a django-ninja operation with `ninja.decorators.decorate_view`.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        cache = _cache()
        key = f"api:{data_version()}:{_key(request)}"
        stored = cache.get(key)
        if stored is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming:
                return response
            body = response.content  # type: ignore[attr-defined]
            stored = (body, response["Content-Type"], '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"')
            cache.set(key, stored)
        body, content_type, etag = stored
        if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
            answer: HttpResponseBase = HttpResponseNotModified()
        else:
            answer = HttpResponse(body, content_type=content_type)
        answer["ETag"] = etag
        patch_cache_control(answer, no_cache=True)  # reuse only after asking: edits show at once
        return answer

    return wrapper
