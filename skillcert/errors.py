"""Error pages: Chinese, in the site's layout, each saying what to do next.

They never show internals (the reason a CSRF check failed, a stack trace, a hint to
turn DEBUG on); the log has those. The 500 page is rendered without the request's
context processors, so it needs neither the database nor a working session.
"""

import logging

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from skillcert.redirects import safe_target
from skillcert.refusals import Refused

logger = logging.getLogger(__name__)

# The last resort when even the template cannot be rendered (a missing static manifest,
# a broken template): plain HTML with nothing that could fail again.
PLAIN_SERVER_ERROR = (
    '<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>系统出错了 · skillcert</title></head><body>"
    "<h1>系统出错了</h1><p>这不是您的操作问题，错误已经记录。请稍后刷新页面重试。</p>"
    '<p><a href="/">返回首页</a></p></body></html>'
)


def _back_url(request: HttpRequest) -> str:
    """The page the user came from, when it is one of ours (never an outside address)."""
    try:
        return safe_target(request, request.META.get("HTTP_REFERER", ""))
    except DisallowedHost:
        return ""


def _page(request: HttpRequest, template: str, status: int, **context: object) -> HttpResponse:
    context = {"back_url": _back_url(request), "login_next": request.get_full_path(), **context}
    return render(request, template, context, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, "errors/400.html", 400)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Only a `Refused` carries a message meant for the user; other reasons are internal names.
    reason = exception.message if isinstance(exception, Refused) else ""
    return _page(request, "errors/403.html", 403, reason=reason)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    # The reason (e.g. "CSRF cookie not set.") is for the log, not for the applicant.
    logger.warning("CSRF check failed for %s: %s", request.path, reason)
    return _page(request, "errors/csrf.html", 403, cookies_missing="cookie" in reason.lower())


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, "errors/404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    try:
        # No request: no context processors, so no query and no session are needed.
        body = loader.get_template("errors/500.html").render({})
    except Exception:
        logger.exception("The 500 page itself could not be rendered")
        body = PLAIN_SERVER_ERROR
    return HttpResponseServerError(body)
