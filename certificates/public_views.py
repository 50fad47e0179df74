"""The public verification pages: the form (by number or ID number, with the name), the QR link
(the signed record in the path, no typing) and the W3C status lists. Never cached: each answer is
read from the register when asked, so a revocation shows at once; answers are `no-store`."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from audit.middleware import client_ip
from certificates import credentials, verification
from certificates.verify_forms import form_for
from skillcert import signing, throttle
from skillcert.http import too_often

FORM = "certificates/verify/form.html"
SCAN = "certificates/verify/scan.html"
STATUS_LIST_MAX_AGE = 300  # seconds a verifier may keep a status list
# The record's members as the page names them (where a scanned QR differs from the register).
LABELS = {
    "number": _("证书编号"),
    "name": _("姓名"),
    "id_number_masked": _("证件号码"),
    "occupation_code": _("职业编码"),
    "occupation": _("职业"),
    "work_type": _("工种/职业方向"),
    "level": _("等级"),
    "level_name": _("等级"),
    "issued_on": _("发证日期"),
    "issuer": _("评价机构"),
}


def _offline(request: HttpRequest) -> dict[str, str]:
    """The addresses an offline verifier needs, absolute."""
    return {
        "jwks_url": request.build_absolute_uri(reverse("jwks")),
        "revocations_url": request.build_absolute_uri(reverse("api:certificate_revocations")),
        "status_list_url": request.build_absolute_uri(reverse("verify:status_list", args=[0])),
    }


def _throttled(request: HttpRequest, wait: int) -> HttpResponse:
    return too_often(
        request,
        wait,
        message=str(_("从您的网络地址查询证书时，未查到结果的次数过多。为保护持证人的信息，暂停查询。")),
        hint=str(_("请核对证书编号（或身份证号）和姓名，逐字与证书一致。")),
        back_url=reverse("verify:form"),
        back_label=str(_("返回证书查询")),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The form; posted, the register's answer (or the miss beside the form, or 429)."""
    way = request.POST.get("by") or request.GET.get("by") or "number"
    way = way if way in ("number", "id") else "number"
    form = form_for(way, request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"way": way, "form": form, "answers": [], **_offline(request)}
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            address = client_ip(request)
            wait = throttle.retry_after(verification.SCOPE, address)
            if wait is not None:
                return _throttled(request, wait)
            context["answers"] = form.lookup()
            status = 200
            if not context["answers"]:
                throttle.record_miss(verification.SCOPE, address)
                form.add_error(None, verification.MISS)
                status = 404
    return render(request, FORM, context, status=status)


@never_cache
@require_safe
def scan(request: HttpRequest, token: str) -> HttpResponse:
    """The QR's link: the signature checked with the published keys, then the register's answer.
    Not throttled: only a record this site signed gets as far as a lookup."""
    context: dict[str, Any] = _offline(request)
    try:
        scanned = verification.by_token(token)
    except signing.SignatureRefused as refused:
        return render(request, SCAN, {**context, "refused": str(refused)}, status=400)
    differences = list(dict.fromkeys(str(LABELS.get(key, key)) for key in scanned.differences))
    context |= {"scanned": scanned, "answers": [scanned.answer], "differences": differences}
    return render(request, SCAN, context, status=200 if scanned.answer is not None else 404)


@require_safe
def status_list(request: HttpRequest, list_number: int) -> HttpResponse:
    """A W3C `BitstringStatusListCredential` (vc+jwt): bit i set, the certificate of index i is revoked."""
    if not credentials.list_exists(list_number):
        raise Http404("没有这个状态列表")
    response = HttpResponse(credentials.status_list_credential(list_number), credentials.STATUS_LIST_CONTENT_TYPE)
    response["Cache-Control"] = f"public, max-age={STATUS_LIST_MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"  # verifiers in other sites' pages (wallets) may read it
    return response
