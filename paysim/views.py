"""The human side of the simulator: the payer's phone (scan / JSAPI pages), WeChat's OAuth for an
openid, and a page listing transactions and the notification delivery log."""

from decimal import Decimal

from django.conf import settings
from django.core import signing as django_signing
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils.csp import CSP
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_http_methods

from paysim import services, signing
from paysim.keys import get_keys
from paysim.models import SimNotification, SimTransaction
from paysim.services import SimError
from skillcert.redirects import safe_target

OAUTH_SALT = "paysim.oauth"
OPENID_COOKIE = "paysim_openid"
JSAPI_FIELDS = ("appId", "timeStamp", "nonceStr", "package", "signType", "paySign")


def _return_url(request: HttpRequest, value: str) -> str:
    # Only links back into this site: the page must not become an open redirect.
    return safe_target(request, value)


def _amount(txn: SimTransaction) -> Decimal:
    return (Decimal(txn.total) / 100).quantize(Decimal("0.01"))


def _confirm_page(
    request: HttpRequest,
    txn: SimTransaction | None,
    *,
    problem: str,
    hidden: dict[str, str],
    return_url: str,
    status: int = 200,
) -> HttpResponse:
    sheet = (request.POST if request.method == "POST" else request.GET).get("sheet") == "1"
    context = {
        "base_template": "paysim/_sheet_base.html" if sheet else "base.html",
        "sheet": sheet,
        "txn": txn,
        "amount": _amount(txn) if txn else None,
        "problem": problem,
        "hidden": hidden,
        "return_url": return_url,
        "result": "",
    }
    if request.method == "POST" and txn is not None and not problem:
        if request.POST.get("action") == "confirm":
            try:
                txn = services.pay(txn.out_trade_no, mchid=txn.mchid)
            except SimError as failure:
                context["problem"] = failure.message
            else:
                context.update(txn=txn, result="paid")
        elif request.POST.get("action") == "cancel":
            context["result"] = "canceled"  # the order stays NOTPAY, as when the payer backs out
        # Any other POST (the merchant page's form opening the sheet) just shows it.
    return render(request, "paysim/confirm.html", context, status=status)


@require_http_methods(["GET", "POST"])
def scan(request: HttpRequest) -> HttpResponse:
    """What the payer sees after scanning the Native QR code."""
    data = request.POST if request.method == "POST" else request.GET
    code_url = data.get("code_url", "")
    txn = services.find_by_code_url(code_url)
    problem = "二维码无效：找不到对应的订单。" if txn is None else services.payable_problem(txn)
    return _confirm_page(
        request,
        txn,
        problem=problem,
        hidden={"code_url": code_url, "return_url": data.get("return_url", "")},
        return_url=_return_url(request, data.get("return_url", "")),
        status=404 if txn is None else 200,
    )


def _framed_by_this_site(view):
    """The JSAPI page is also WeChat's payment sheet: bridge.js shows it in a frame over the
    merchant's page, which X-Frame-Options DENY (and a CSP's frame-ancestors) would forbid."""
    view = xframe_options_sameorigin(view)
    return csp_override({**settings.SECURE_CSP, "frame-ancestors": [CSP.SELF]})(view)


@_framed_by_this_site
@require_http_methods(["GET", "POST"])
def jsapi(request: HttpRequest) -> HttpResponse:
    """WeixinJSBridge's getBrandWCPayRequest: the paySign is checked with the merchant's public key."""
    data = request.POST if request.method == "POST" else request.GET
    params = {name: data.get(name, "") for name in JSAPI_FIELDS}
    txn, problem = None, ""
    if not all(params.values()):
        problem = "调起支付的参数不完整。"
    elif params["signType"] != "RSA":
        problem = "signType 必须为 RSA。"
    elif not signing.rsa_verify(
        get_keys().merchant_public_key,
        f"{params['appId']}\n{params['timeStamp']}\n{params['nonceStr']}\n{params['package']}\n",
        params["paySign"],
    ):
        problem = "支付验证签名失败（paySign 不正确）。"
    else:
        txn = services.find_by_prepay_id(params["package"].removeprefix("prepay_id="))
        if txn is None or txn.appid != params["appId"]:
            txn, problem = None, "prepay_id 无效：找不到对应的订单。"
        else:
            problem = services.payable_problem(txn)
    return _confirm_page(
        request,
        txn,
        problem=problem,
        hidden={**params, "return_url": data.get("return_url", ""), "sheet": data.get("sheet", "")},
        return_url=_return_url(request, data.get("return_url", "")),
        status=400 if txn is None else 200,
    )


@require_GET
def oauth_authorize(request: HttpRequest) -> HttpResponse:
    """open.weixin.qq.com/connect/oauth2/authorize (snsapi_base): straight back with a code."""
    redirect_uri = request.GET.get("redirect_uri", "")
    if request.GET.get("appid") != services.app_id():
        return HttpResponseBadRequest("appid 不正确（模拟器）".encode())
    if not _return_url(request, redirect_uri):
        return HttpResponseBadRequest("redirect_uri 必须指向本站（模拟器）".encode())
    # snsapi_base: the same person gets the same openid; a cookie stands for "this phone".
    openid = request.COOKIES.get(OPENID_COOKIE) or services._new_openid()
    code = django_signing.dumps({"openid": openid}, salt=OAUTH_SALT, compress=True)
    separator = "&" if "?" in redirect_uri else "?"
    state = request.GET.get("state", "")
    response = redirect(f"{redirect_uri}{separator}code={code}&state={state}")
    response.set_cookie(OPENID_COOKIE, openid, max_age=365 * 86400, samesite="Lax", httponly=True)
    return response


@require_GET
def oauth_access_token(request: HttpRequest) -> JsonResponse:
    """api.weixin.qq.com/sns/oauth2/access_token: the code (valid 5 minutes) for the openid."""
    if request.GET.get("appid") != services.app_id():
        return JsonResponse({"errcode": 40013, "errmsg": "invalid appid"})
    if request.GET.get("grant_type") != "authorization_code":
        return JsonResponse({"errcode": 40002, "errmsg": "invalid grant_type"})
    try:
        claim = django_signing.loads(request.GET.get("code", ""), salt=OAUTH_SALT, max_age=300)
    except django_signing.BadSignature:
        return JsonResponse({"errcode": 40029, "errmsg": "invalid code"})
    return JsonResponse(
        {
            "access_token": signing.nonce(64),
            "expires_in": 7200,
            "refresh_token": signing.nonce(64),
            "openid": claim["openid"],
            "scope": "snsapi_base",
        }
    )


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Recent transactions and the notification delivery log (everything here is fake money)."""
    return render(
        request,
        "paysim/index.html",
        {
            "transactions": SimTransaction.objects.prefetch_related("refunds")[:50],
            "notifications": SimNotification.objects.select_related("transaction")[:50],
        },
    )
