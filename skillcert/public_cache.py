"""Public reads served from what is already rendered, for anonymous visitors.

Anonymous visitors of the public pages (home, a campaign, the catalog browser, the
directory, the self-check form) and of the public API read data only the association
edits: the catalog, the campaigns and their rules, the holiday calendar. Such a read is
rendered once per *version* of that data and then served without touching the database
or the session, at two levels:

* **This process** (`PublicReadMiddleware`, placed right after the security, CSP and
  static-file middleware): a read this worker has served before for the current version
  is answered from memory, before sessions, locale, CSRF and authentication run. It keeps
  the headers the rest of the stack added the first time and gets this request's CSP nonce
  and, for a page with a form, its CSRF token and cookie from Django's own middleware.
* **Every worker** (`public_page`, `public_api`): a read another worker rendered comes from
  the `public` cache, a file cache all workers on the host share.

The version is a small file (settings: `PUBLIC_VERSION_FILE`, beside the cache). A reader
checks it with one `stat` and reads it only when it changed. Every write to a catalog model
bumps it (the receivers in `catalog.apps`; writes that send no signals call
`public_data_changed` themselves), once at once and once more on commit: a reader that
rendered the old rows while the writer's transaction was open stores them under a version
the commit has already replaced. Hosts behind one proxy share the folder the way they
share MEDIA_ROOT.

Pages are rendered with placeholders for the per-request CSRF token and CSP nonce
(`placeholders`, a context processor); the request's own values are put in when the page
is served. API answers carry an ETag and answer a matching If-None-Match with 304.
"""

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.middleware.csp import get_nonce
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.utils import timezone, translation
from django.utils.csp import CSP, build_policy

from skillcert.lib.stamps import renew, stamp_of

CACHE_ALIAS = "public"
CSRF_PLACEHOLDER = "\x00csrf-token\x00"
NONCE_PLACEHOLDER = "\x00csp-nonce\x00"
HELD_ENTRIES = 512  # per process: the pages and API answers most asked for
HELD_MAX_BYTES = 512 * 1024  # a bigger answer is read from the shared cache instead

View = Callable[..., HttpResponseBase]


def _cache() -> BaseCache:
    return caches[CACHE_ALIAS]


# --- The version of the public data ------------------------------------------------------------

_version_lock = threading.Lock()
_version_seen: tuple[tuple[int, int, int] | None, str] = (None, "")


def _version_path() -> Path:
    return Path(settings.PUBLIC_VERSION_FILE)


_stamp = stamp_of
_write_version = renew  # readers see the old version or the new one, never half a file


def data_version() -> str:
    """The current version of the public data, shared by every worker (one stat when unchanged)."""
    global _version_seen
    stamp = _stamp(settings.PUBLIC_VERSION_FILE)
    seen_stamp, seen = _version_seen
    if stamp is not None and stamp == seen_stamp:
        return seen
    path = _version_path()
    with _version_lock:
        if stamp is None:
            _write_version(path)
            stamp = _stamp(path)
        version = path.read_text().strip()
        _version_seen = (stamp, version)
    return version


def public_data_changed(**_: Any) -> None:
    """Every public read is stale: now, and again when the writer's transaction commits."""
    _write_version(_version_path())
    transaction.on_commit(lambda: _write_version(_version_path()))


def forget_everything() -> None:
    """Tests: nothing rendered before is served again (rolled-back rows must not show)."""
    _cache().clear()
    _held.clear()
    _write_version(_version_path())


# --- What a request is, for the cache ------------------------------------------------------------


def placeholders(request: HttpRequest) -> dict[str, str]:
    """Context processor: while a public page is rendered for the cache, the per-request values are placeholders."""
    if getattr(request, "_public_read", False):
        return {"csrf_token": CSRF_PLACEHOLDER, "csp_nonce": NONCE_PLACEHOLDER}
    return {}


def _anonymous_read(request: HttpRequest) -> bool:
    # Without a session cookie the visitor is anonymous and has no messages or self-check facts.
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _language(request: HttpRequest) -> str:
    if len(settings.LANGUAGES) == 1:
        return settings.LANGUAGE_CODE
    return getattr(request, "LANGUAGE_CODE", "") or translation.get_language_from_request(request)


_today_seen: tuple[int, str] = (0, "")


def _today() -> str:
    """Today in the site's time zone (windows open and close by the day), worked out once a second."""
    global _today_seen
    second = int(time.time())
    if _today_seen[0] != second:
        _today_seen = (second, timezone.localdate().isoformat())
    return _today_seen[1]


def _key(request: HttpRequest) -> str:
    """Raises DisallowedHost for a host not served: such a request takes the normal way to its 400."""
    meta = request.META
    query = meta.get("QUERY_STRING", "")
    parts = "\n".join(
        [
            request.get_host(),
            request.path,
            "&".join(sorted(query.split("&"))) if query else "",
            meta.get("HTTP_HX_REQUEST", ""),
            meta.get("HTTP_HX_TARGET", ""),
            _language(request),
            _today(),
        ]
    )
    return hashlib.blake2b(parts.encode(), digest_size=16).hexdigest()


# --- Level 1: what this process holds -------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    """A public read as rendered: a page with placeholders, or an API body with its ETag."""

    content: bytes
    content_type: str
    etag: str = ""  # API answers

    @property
    def is_api(self) -> bool:
        return bool(self.etag)


@dataclass(frozen=True)
class Held:
    rendered: Rendered
    headers: tuple[tuple[str, str], ...]  # what the middleware below added the first time


class _HeldReads:
    """The reads this process served last for the current version (least recently used go first)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._version = ""
        self._items: OrderedDict[str, Held] = OrderedDict()

    def get(self, version: str, key: str) -> Held | None:
        with self._lock:
            if version != self._version:
                return None
            held = self._items.get(key)
            if held is not None:
                self._items.move_to_end(key)
            return held

    def put(self, version: str, key: str, held: Held) -> None:
        with self._lock:
            if version != self._version:
                self._items.clear()
                self._version = version
            self._items[key] = held
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._version = ""


_held = _HeldReads(HELD_ENTRIES)
_NOT_KEPT = {"content-length", "content-type", "set-cookie", "etag"}


class PublicReadMiddleware:
    """Answers an anonymous read this process already rendered for the current data version.

    Everything else, and a first read, goes down the stack as usual; on its way back a
    public read leaves what it rendered here (its views mark it), with the headers the
    middleware below added. Cookies other than the CSRF one keep a read out.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)  # its cookie handling, for pages with a form

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not _anonymous_read(request):
            return self.get_response(request)
        try:
            key = _key(request)
        except DisallowedHost:
            return self.get_response(request)
        version = data_version()
        held = _held.get(version, key)
        if held is not None:
            return self._serve(request, held)
        request._public_key = key  # type: ignore[attr-defined]  # the views' shared-cache key
        response = self.get_response(request)
        rendered = getattr(response, "public_read", None)
        if rendered is not None and len(rendered.content) <= HELD_MAX_BYTES and _only_csrf_cookie(response):
            headers = tuple((name, value) for name, value in response.items() if name.lower() not in _NOT_KEPT)
            _held.put(version, key, Held(rendered, headers))
        return response

    def _serve(self, request: HttpRequest, held: Held) -> HttpResponseBase:
        rendered = held.rendered
        if rendered.is_api:
            response = _api_answer(request, rendered)
        else:
            uses_csrf = CSRF_PLACEHOLDER.encode() in rendered.content
            if uses_csrf:
                self.csrf.process_request(request)  # the visitor's CSRF cookie, as the middleware reads it
            response = _page_answer(request, rendered)
            if uses_csrf:
                self.csrf.process_response(request, response)  # sets or renews the cookie
        for name, value in held.headers:
            response.headers[name] = value
        _content_security_policy(response, request, NONCE_PLACEHOLDER.encode() in rendered.content)
        return response


_policies: dict[tuple[int, bool], tuple[str, str]] = {}


def _content_security_policy(response: HttpResponseBase, request: HttpRequest, uses_nonce: bool) -> None:
    """The policy headers, built once per process by Django's own builder and given this request's nonce.

    The CSP middleware leaves a header that is already set alone; building it costs more
    than everything else a held read does.
    """
    config, report_only = settings.SECURE_CSP, settings.SECURE_CSP_REPORT_ONLY
    memo_key = (id(config) ^ id(report_only), uses_nonce)
    if memo_key not in _policies:
        placeholder = NONCE_PLACEHOLDER if uses_nonce else None
        _policies[memo_key] = (
            build_policy(config, placeholder) if config else "",
            build_policy(report_only, placeholder) if report_only else "",
        )
    enforced, reported = _policies[memo_key]
    nonce = str(get_nonce(request) or "") if uses_nonce else ""
    for header, policy in ((CSP.HEADER_ENFORCE, enforced), (CSP.HEADER_REPORT_ONLY, reported)):
        if policy:
            response.headers[str(header)] = policy.replace(NONCE_PLACEHOLDER, nonce) if uses_nonce else policy


def _only_csrf_cookie(response: HttpResponseBase) -> bool:
    return set(response.cookies) <= {settings.CSRF_COOKIE_NAME}


# --- Level 2: what every worker shares, and the views' decorators --------------------------------


def _page_answer(request: HttpRequest, rendered: Rendered) -> HttpResponse:
    content = rendered.content
    if CSRF_PLACEHOLDER.encode() in content:
        content = content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    if NONCE_PLACEHOLDER.encode() in content:
        content = content.replace(NONCE_PLACEHOLDER.encode(), str(get_nonce(request) or "").encode())
    return HttpResponse(content, content_type=rendered.content_type)


def _api_answer(request: HttpRequest, rendered: Rendered) -> HttpResponseBase:
    offered = request.META.get("HTTP_IF_NONE_MATCH", "")
    if offered and rendered.etag in [tag.strip() for tag in offered.split(",")]:
        answer: HttpResponseBase = HttpResponseNotModified()
    else:
        answer = HttpResponse(rendered.content, content_type=rendered.content_type)
    answer["ETag"] = rendered.etag
    answer["Cache-Control"] = "no-cache"  # reuse only after asking: edits show at once
    return answer


def _shared_key(request: HttpRequest, kind: str) -> str:
    key = getattr(request, "_public_key", None) or _key(request)
    return f"{kind}:{data_version()}:{key}"


def _marked(response: HttpResponseBase, rendered: Rendered) -> HttpResponseBase:
    response.public_read = rendered  # type: ignore[attr-defined]  # PublicReadMiddleware keeps it
    return response


def public_page(view: View) -> View:
    """A public page, served to anonymous visitors from what is rendered for the current data version."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not _anonymous_read(request):
            return view(request, *args, **kwargs)
        key = _shared_key(request, "page")
        rendered = _cache().get(key)
        if rendered is None:
            request._public_read = True  # type: ignore[attr-defined]
            try:
                response = view(request, *args, **kwargs)
            finally:
                request._public_read = False  # type: ignore[attr-defined]
            if response.status_code != 200 or response.streaming or response.cookies:
                return response if response.streaming else _fill_in(request, response)
            assert isinstance(response, HttpResponse)  # not streaming: the whole body is at hand
            rendered = Rendered(response.content, response["Content-Type"])
            _cache().set(key, rendered)
        return _marked(_page_answer(request, rendered), rendered)

    return wrapper


def _fill_in(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """An answer not kept (an error page): its placeholders still get the request's values."""
    content = response.content  # type: ignore[attr-defined]
    if CSRF_PLACEHOLDER.encode() in content or NONCE_PLACEHOLDER.encode() in content:
        response.content = _page_answer(request, Rendered(content, response["Content-Type"])).content  # type: ignore[attr-defined]
    return response


def public_api(view: View) -> View:
    """A public API read: kept per data version, with an ETag; If-None-Match answers 304.

    Wraps a django-ninja operation with `ninja.decorators.decorate_view`.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        key = _shared_key(request, "api")
        rendered = _cache().get(key)
        if rendered is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming:
                return response
            body = response.content  # type: ignore[attr-defined]
            etag = '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
            rendered = Rendered(body, response["Content-Type"], etag)
            _cache().set(key, rendered)
        answer = _api_answer(request, rendered)
        # Visitors with a session get the same body; only anonymous reads are kept in the process.
        return _marked(answer, rendered) if _anonymous_read(request) else answer

    return wrapper
