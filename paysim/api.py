"""The WeChat Pay v3 endpoints, under /paysim/ with the real API's paths after the prefix.

Every request must carry the merchant's Authorization signature over the real path (without
/paysim) and query; every answer is signed with the platform key, as the real service does.
"""

import json
import logging
import time
from collections.abc import Callable
from datetime import date
from functools import wraps

from django.core import signing as django_signing
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from paysim import services, signing
from paysim.keys import get_keys
from paysim.services import SimError

logger = logging.getLogger(__name__)

MAX_CLOCK_SKEW = 300  # seconds; WeChat refuses older request signatures
BILL_TOKEN_AGE = 30  # seconds a download_url stays valid (the real one: 30 seconds)
BILL_SALT = "paysim.bill"


def signed_response(
    status: int, payload: dict | None = None, *, content: bytes | None = None, content_type: str = "application/json"
) -> HttpResponse:
    """An answer with the platform's Wechatpay-* signature headers over its body."""
    if content is None:
        content = b"" if payload is None else json.dumps(payload, ensure_ascii=False).encode()
        content_type = "application/json; charset=utf-8" if payload is not None else "application/json"
    response = HttpResponse(content, status=status, content_type=content_type)
    keys = get_keys()
    text = content.decode("utf-8", errors="replace")
    for name, value in signing.platform_headers(text, keys.platform_private_key, keys.platform_serial_no).items():
        response[name] = value
    response["Request-ID"] = signing.nonce(24)
    return response


def error(failure: SimError) -> HttpResponse:
    return signed_response(failure.status, failure.body())


def api_path(request: HttpRequest) -> str:
    """The path the merchant signed: the real API's, i.e. from /v3/ on, with the raw query string."""
    path = request.path[request.path.index("/v3/") :]
    query = request.META.get("QUERY_STRING", "")
    return f"{path}?{query}" if query else path


def authenticate(request: HttpRequest) -> str:
    """The merchant id of a correctly signed request, or SimError SIGN_ERROR (401)."""
    params = signing.parse_authorization(request.headers.get("Authorization", ""))
    if not params or not all(params.get(k) for k in ("mchid", "nonce_str", "signature", "timestamp", "serial_no")):
        raise SimError(401, "SIGN_ERROR", "Authorization 头缺失或格式不正确")
    keys = get_keys()
    if params["mchid"] != services.merchant_id():
        raise SimError(401, "SIGN_ERROR", "商户号与签名不匹配")  # real: the mchid has no such key
    if params["serial_no"].upper() != keys.merchant_serial_no:
        raise SimError(401, "SIGN_ERROR", "商户证书序列号不正确")
    try:
        skew = abs(time.time() - int(params["timestamp"]))
    except ValueError:
        raise SimError(401, "SIGN_ERROR", "签名时间戳格式不正确") from None
    if skew > MAX_CLOCK_SKEW:
        raise SimError(401, "SIGN_ERROR", "签名已过期，请检查系统时间")
    message = signing.request_message(
        request.method, api_path(request), params["timestamp"], params["nonce_str"], request.body.decode()
    )
    if not signing.rsa_verify(keys.merchant_public_key, message, params["signature"]):
        raise SimError(401, "SIGN_ERROR", "签名错误，请检查后再试")
    return params["mchid"]


def endpoint(method: str) -> Callable:
    """Method check, merchant authentication, SimError → WeChat's error JSON, signed answers."""

    def decorate(view: Callable) -> Callable:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            try:
                if request.method != method:
                    raise SimError(405, "METHOD_NOT_ALLOWED", f"请使用 {method} 方法")
                mchid = authenticate(request)
                return view(request, mchid, *args, **kwargs)
            except SimError as failure:
                logger.info("paysim %s %s → %s %s", request.method, request.path, failure.status, failure.code)
                return error(failure)

        return wrapper

    return decorate


def _json(request: HttpRequest) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        raise SimError(400, "PARAM_ERROR", "请求体不是合法的 JSON") from None
    if not isinstance(data, dict):
        raise SimError(400, "PARAM_ERROR", "请求体不是 JSON 对象")
    return data


@endpoint("POST")
def native(request: HttpRequest, mchid: str) -> HttpResponse:
    txn = services.create_transaction("NATIVE", _json(request))
    return signed_response(200, {"code_url": txn.code_url})


@endpoint("POST")
def jsapi(request: HttpRequest, mchid: str) -> HttpResponse:
    txn = services.create_transaction("JSAPI", _json(request))
    return signed_response(200, {"prepay_id": txn.prepay_id})


def _query_mchid(request: HttpRequest, signer: str) -> str:
    mchid = request.GET.get("mchid", "")
    if not mchid:
        raise SimError(400, "PARAM_ERROR", "mchid 必填")
    if mchid != signer:
        raise SimError(400, "MCH_NOT_EXISTS", "商户号不存在")
    return mchid


@endpoint("GET")
def query_by_out_trade_no(request: HttpRequest, mchid: str, out_trade_no: str) -> HttpResponse:
    txn = services.get_transaction(_query_mchid(request, mchid), out_trade_no=out_trade_no)
    return signed_response(200, services.transaction_resource(txn))


@endpoint("GET")
def query_by_id(request: HttpRequest, mchid: str, transaction_id: str) -> HttpResponse:
    txn = services.get_transaction(_query_mchid(request, mchid), transaction_id=transaction_id)
    return signed_response(200, services.transaction_resource(txn))


@endpoint("POST")
def close(request: HttpRequest, mchid: str, out_trade_no: str) -> HttpResponse:
    body_mchid = _json(request).get("mchid", "")
    if body_mchid != mchid:
        raise (
            SimError(400, "MCH_NOT_EXISTS", "商户号不存在")
            if body_mchid
            else SimError(400, "PARAM_ERROR", "mchid 必填")
        )
    services.close(mchid, out_trade_no)
    return signed_response(204)


@endpoint("POST")
def refunds(request: HttpRequest, mchid: str) -> HttpResponse:
    refund = services.create_refund(mchid, _json(request))
    return signed_response(200, services.refund_resource(refund))


@endpoint("GET")
def refund_detail(request: HttpRequest, mchid: str, out_refund_no: str) -> HttpResponse:
    return signed_response(200, services.refund_resource(services.get_refund(mchid, out_refund_no)))


@endpoint("GET")
def certificates(request: HttpRequest, mchid: str) -> HttpResponse:
    return signed_response(200, services.certificates_payload())


@endpoint("GET")
def trade_bill(request: HttpRequest, mchid: str) -> HttpResponse:
    try:
        day = date.fromisoformat(request.GET.get("bill_date", ""))
    except ValueError:
        raise SimError(400, "PARAM_ERROR", "bill_date 格式应为 yyyy-MM-DD") from None
    if request.GET.get("bill_type", "ALL") != "ALL":
        raise SimError(400, "PARAM_ERROR", "模拟器只提供 bill_type=ALL 的交易账单")
    if request.GET.get("tar_type", "GZIP") != "GZIP":
        raise SimError(400, "PARAM_ERROR", "模拟器只提供 tar_type=GZIP")
    _, sha1 = services.trade_bill_file(mchid, day)
    token = django_signing.dumps({"mchid": mchid, "day": day.isoformat()}, salt=BILL_SALT)
    # The real download_url is absolute on api.mch.weixin.qq.com; ours on this simulator.
    prefix = request.path[: request.path.index("/v3/")]
    url = request.build_absolute_uri(f"{prefix}/v3/billdownload/file?token={token}")
    return signed_response(200, {"download_url": url, "hash_type": "SHA1", "hash_value": sha1})


@endpoint("GET")
def bill_download(request: HttpRequest, mchid: str) -> HttpResponse:
    try:
        claim = django_signing.loads(request.GET.get("token", ""), salt=BILL_SALT, max_age=BILL_TOKEN_AGE)
    except django_signing.BadSignature:
        raise SimError(400, "INVALID_REQUEST", "下载链接无效或已过期") from None
    if claim["mchid"] != mchid:
        raise SimError(403, "NO_AUTH", "无权下载该账单")
    content, _ = services.trade_bill_file(mchid, date.fromisoformat(claim["day"]))
    return signed_response(200, content=content, content_type="application/octet-stream")
