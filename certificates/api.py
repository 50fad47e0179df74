"""Public certificate endpoints of /api/v1/: verification (by number or ID number, with the name) and
the signed revocation list for offline verifiers. No login; answers with personal data are never
stored by a shared or browser cache (each worker keeps the hits it answered, for the current
data version, in memory); misses are throttled per address (`certificates.verification.SCOPE`)."""

import json
import math
import threading
from collections import OrderedDict
from datetime import date
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from audit.middleware import client_ip
from certificates import verification
from certificates.models import Certificate
from skillcert import public_cache, signing, throttle
from skillcert.lib.identity import InvalidIdentity, parse_id_number

router = Router(tags=["certificates"])

JWT_CONTENT_TYPE = "application/jwt"
# A JSON answer loads nothing and is framed by nobody (also spares building the site's page policy).
API_POLICY = "default-src 'none'; frame-ancestors 'none'"
REVOCATIONS_MAX_AGE = 300  # seconds a verifier or proxy may keep the list


class CertificateOut(Schema):
    number: str = Field(description="证书编号", examples=["S000015150001233000001"])
    name: str = Field(description="姓名")
    id_number_masked: str = Field(description="证件号码（脱敏）", examples=["1501**********0015"])
    occupation_code: str = Field(description="职业编码", examples=["6-31-01-03"])
    occupation: str = Field(description="职业名称")
    work_type: str = Field(description='工种/职业方向，没有时为 "--"')
    level: int = Field(description="等级 5 五级 … 1 一级")
    level_name: str = Field(description="等级名称", examples=["三级/高级工"])
    issued_on: date = Field(description="发证日期")
    issuer: str = Field(description="评价机构")


class VerificationOut(Schema):
    status: Literal["valid", "revoked"] = Field(description="revoked also for one re-issued under a new number")
    certificate: CertificateOut
    revoked_on: date | None = Field(description="撤销日期（补发的证书：新证的发证日期）；有效时为 null")
    revocation_reason: str | None = Field(description="撤销原因；有效时为 null")
    credential: str = Field(description="证书二维码中的签名凭证（compact JWS, typ certificate+jwt）")


class MessageOut(Schema):
    detail: str


def _json(status: int, body: dict[str, Any], **headers: str) -> HttpResponse:
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return _json_bytes(status, content, **headers)


def _json_bytes(status: int, content: bytes, **headers: str) -> HttpResponse:
    response = HttpResponse(content, "application/json; charset=utf-8", status=status)
    response["Content-Length"] = str(len(response.content))  # one write, not chunks (CommonMiddleware is not run)
    response["Cache-Control"] = "no-store"  # the answers carry a name and a masked ID number
    response["Content-Security-Policy"] = API_POLICY
    response["X-Frame-Options"] = "DENY"
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _refusal(number: str, id_number: str, name: str) -> str | None:
    """What is wrong with the query itself (400), before anything is looked up."""
    if not name.strip():
        return "请提供姓名（name）。"
    if bool(number.strip()) == bool(id_number.strip()):
        return "请提供证书编号（number）或身份证号（id_number）其中之一，并提供姓名（name）。"
    if number.strip() and not verification.is_number(number):
        return "证书编号格式不正确：应为 1 位字母加 21 位数字，如 S000015150001233000001。"
    if id_number.strip():
        try:
            parse_id_number(id_number)
        except InvalidIdentity as invalid:
            return str(invalid)
    return None


# Hits already answered by this process, by query string, for the current version of the public data
# (skillcert.public_cache.data_version: one stat). Every change of a certificate's state renews that
# version (certificates/states.py), so a revocation is answered at once by every worker. Misses are
# never held: each one is looked up and counted. CERTIFICATE_VERIFY_HELD_ANSWERS bounds them.
_held: OrderedDict[str, bytes] = OrderedDict()
_held_version = ""
_held_lock = threading.Lock()


def _held_answer(version: str, query: str) -> bytes | None:
    global _held_version
    with _held_lock:
        if version != _held_version:
            _held.clear()
            _held_version = version
            return None
        body = _held.get(query)
        if body is not None:
            _held.move_to_end(query)
        return body


def _hold(version: str, query: str, body: bytes) -> None:
    with _held_lock:
        if version == _held_version:
            _held[query] = body
            while len(_held) > settings.CERTIFICATE_VERIFY_HELD_ANSWERS:
                _held.popitem(last=False)


def verify_answer(request: HttpRequest) -> HttpResponse:
    """The whole answer to GET /api/v1/certificates/verify: 400 for a query that cannot match, 429
    for a throttled address, 404 for every miss (counted), 200 with the register's answer.
    `certificates.middleware.VerifyApiMiddleware` calls it before the rest of the stack; the
    operation below (the contract in the OpenAPI) calls it too."""
    version, raw = public_cache.data_version(), request.META.get("QUERY_STRING", "")
    address = client_ip(request)
    held = _held_answer(version, raw)
    if held is not None:
        wait = throttle.retry_after(verification.SCOPE, address)
        return _throttled(wait) if wait is not None else _json_bytes(200, held)
    query = request.GET
    number, id_number, name = query.get("number", ""), query.get("id_number", ""), query.get("name", "")
    refused = _refusal(number, id_number, name)
    if refused:
        return _json(400, {"detail": refused})
    wait = throttle.retry_after(verification.SCOPE, address)
    if wait is not None:
        return _throttled(wait)
    if number.strip():
        answer = verification.by_number(number, name)
    else:
        answer = next(iter(verification.by_id_number(id_number, name)), None)
    if answer is None:
        throttle.record_miss(verification.SCOPE, address)
        return _json(404, {"detail": verification.MISS})
    response = _json(200, answer.as_json())
    _hold(version, raw, response.content)
    return response


def _throttled(wait: int) -> HttpResponse:
    return _json(429, {"detail": f"查询未命中次数过多，请 {math.ceil(wait / 60)} 分钟后再试。"}, Retry_After=str(wait))


@router.get(
    "/certificates/verify",
    response={200: VerificationOut, 400: MessageOut, 404: MessageOut, 429: MessageOut},
    summary="Verify a certificate by its number or the holder's ID number, with the holder's name",
)
def verify_certificate(request: HttpRequest, number: str = "", id_number: str = "", name: str = "") -> HttpResponse:
    """The register's answer: `valid` or `revoked` (with the day and the reason; a re-issued
    certificate answers `revoked` with 「已补发新证，本证作废」 and the new one's issue day).

    Give `number` + `name`, or `id_number` + `name` (the holder's certificate in force, else the
    newest). The name is compared without spaces and middle dots. Every miss (unknown number, wrong
    name, unknown ID number) is the same 404; after `CERTIFICATE_VERIFY_MISSES` misses within
    `CERTIFICATE_VERIFY_WINDOW` seconds an address is answered 429 with `Retry-After` (seconds).
    Answers are `Cache-Control: no-store`."""
    return verify_answer(request)


def revocation_list() -> str:
    """The signed list of every certificate out of force (revoked or replaced): numbers and days only."""
    rows = (
        Certificate.objects.exclude(state=Certificate.State.VALID)
        .order_by("number")
        .values_list("number", "state", "revoked_on", "replaced_by__issued_on")
    )
    revoked = []
    for number, state, day, successor_day in rows:
        on = successor_day if state == Certificate.State.REPLACED else day
        if on is not None:
            revoked.append({"number": number, "revoked_on": on.isoformat()})
    return signing.sign({"revoked": revoked}, typ=signing.REVOCATION_LIST)


_JWT_RESPONSE = {
    "description": "compact JWS (EdDSA, typ revocation-list+jwt) over "
    '{"iss", "iat", "revoked": [{"number", "revoked_on"}]}; verify it with /.well-known/jwks.json',
    "content": {JWT_CONTENT_TYPE: {"schema": {"type": "string", "examples": ["eyJhbGciOiJFZERTQSIs…"]}}},
}


@router.get(
    "/certificates/revocations",
    summary="The signed list of revoked certificates, for offline verifiers",
    openapi_extra={"responses": {200: _JWT_RESPONSE}},
)
def certificate_revocations(request: HttpRequest) -> HttpResponse:
    """Every revoked or re-issued certificate's number and day, signed with the certificates' keys.
    No names, no reasons. Cacheable for a few minutes."""
    response = HttpResponse(revocation_list(), JWT_CONTENT_TYPE)
    response["Cache-Control"] = f"public, max-age={REVOCATIONS_MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"  # verifiers in other sites' pages may read it
    return response
