"""WeChat Pay (微信支付) API v3 through the `wechatpayv3` SDK: Native QR codes, JSAPI inside WeChat,
queries, closing, refunds, notifications and the daily trade bill.

The SDK is built on first use, never at import or startup: its constructor downloads the
platform certificates. With WECHATPAY_SIMULATOR the gateway is the local simulator (`paysim`)
and the keys are the simulator's own unless configured.
"""

import gzip
import hashlib
import json
import logging
import secrets
import threading
import time
import zlib
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

import requests
from django.conf import settings
from wechatpayv3 import WeChatPay, WeChatPayType
from wechatpayv3.core import Core
from wechatpayv3.utils import aes_decrypt, rsa_verify

from payments import bills
from payments.money import to_fen
from payments.providers.base import (
    BillRow,
    Instructions,
    NotificationRejected,
    PaymentProvider,
    ProviderError,
    ProviderNotice,
    ProviderRefund,
    ProviderTransaction,
)

logger = logging.getLogger(__name__)

BEIJING = ZoneInfo("Asia/Shanghai")
SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048"
UNREACHABLE = "微信支付暂时无法连接，请稍后再试。"
NOT_CONFIGURED = "微信支付尚未配置完成，请联系管理员。"
CERTIFICATE_REFRESH_INTERVAL = 60  # seconds; unknown serials must not make us hammer /v3/certificates
# WeChat's error codes → what to show; other codes show WeChat's own (Chinese) message.
MESSAGES = {
    "ORDERPAID": "该订单已支付，请勿重复支付。",
    "ORDER_CLOSED": "该支付单已关闭，请重新发起支付。",
    "ORDER_NOT_EXIST": "微信支付查无此订单。",
    "RESOURCE_NOT_EXISTS": "微信支付查无此单据。",
    "NOT_ENOUGH": "可退金额不足，退款未受理。",
    "SIGN_ERROR": "微信支付拒绝了本站的签名，请联系管理员检查商户证书配置。",
    "MCH_NOT_EXISTS": "微信支付商户号配置有误，请联系管理员。",
    "APPID_MCHID_NOT_MATCH": "微信支付 AppID 与商户号不匹配，请联系管理员。",
    "FREQUENCY_LIMITED": "操作过于频繁，请稍后再试。",
    "SYSTEM_ERROR": "微信支付系统繁忙，请稍后再试。",
    "NO_STATEMENT_EXIST": "该日没有微信支付账单。",
}


class WeChatPayError(ProviderError):
    """A refusal by WeChat Pay: `code` is WeChat's error code ("" when unreachable), `status` the HTTP status."""

    def __init__(self, message: str, *, code: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.code, self.status = code, status


class _GatewayCore(Core):
    """The SDK's Core, pointed at our gateway before its constructor downloads certificates.

    wechatpayv3 hard-codes `_gate_way = 'https://api.mch.weixin.qq.com'` in Core.__init__ and
    then (without a public key) immediately fetches /v3/certificates: setting `_gate_way`
    afterwards would be too late for that first request, so it is set in `_init_certificates`.
    """

    def __init__(self, *, gateway: str, **kwargs: Any) -> None:
        self._configured_gateway = gateway
        super().__init__(**kwargs)
        self._gate_way = gateway  # public-key mode never calls _init_certificates

    def _init_certificates(self) -> None:
        self._gate_way = self._configured_gateway
        super()._init_certificates()


class _Client(WeChatPay):
    """WeChatPay with `_GatewayCore`; the attributes are those WeChatPay.__init__ (2.0.4) sets."""

    def __init__(self, *, gateway: str, mchid: str, appid: str, notify_url: str, **core_kwargs: Any) -> None:
        self._type = WeChatPayType.NATIVE
        self._mchid = mchid
        self._appid = appid
        self._notify_url = notify_url
        self._partner_mode = False
        self._core = _GatewayCore(gateway=gateway, mchid=mchid, **core_kwargs)


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(BEIJING).isoformat(timespec="seconds")


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=BEIJING)


def _transaction(data: dict[str, Any]) -> ProviderTransaction:
    amount = data.get("amount") or {}
    return ProviderTransaction(
        out_trade_no=data.get("out_trade_no", ""),
        state=data.get("trade_state", ""),
        transaction_id=data.get("transaction_id", ""),
        amount_fen=amount.get("total"),
        payer_total_fen=amount.get("payer_total"),
        currency=amount.get("currency", ""),
        mchid=data.get("mchid", ""),
        appid=data.get("appid", ""),
        success_time=_parse_time(data.get("success_time")),
        raw=data,
    )


def _refund(data: dict[str, Any]) -> ProviderRefund:
    amount = data.get("amount") or {}
    return ProviderRefund(
        out_refund_no=data.get("out_refund_no", ""),
        state=data.get("status") or data.get("refund_status", ""),  # the API says status, notifications refund_status
        refund_id=data.get("refund_id", ""),
        out_trade_no=data.get("out_trade_no", ""),
        amount_fen=amount.get("refund"),
        success_time=_parse_time(data.get("success_time")),
        raw=data,
    )


def _header(headers: Any, name: str) -> str:
    """A header from a plain dict (any case), Django's request.headers or request.META."""
    wanted = name.lower()
    for key, value in headers.items():
        key = str(key).lower().replace("_", "-")
        if key in (wanted, f"http-{wanted}"):
            return str(value)
    return ""


class WeChatPayProvider(PaymentProvider):
    identifier = "wechat"
    verbose_name = "微信支付"
    online = True
    channels = ("native", "jsapi")

    def __init__(self) -> None:
        self.merchant_id = settings.WECHATPAY_MCHID
        self.app_id = settings.WECHATPAY_APPID
        self._pay: _Client | None = None
        self._lock = threading.RLock()  # re-entered: a certificate refresh builds the client first
        self._certificates_refreshed_at = 0.0

    # --- the SDK, built lazily ----------------------------------------------------------------

    def _credentials(self) -> tuple[str, str, str]:
        """(APIv3 key, merchant private key PEM, certificate serial number)."""
        apiv3_key = settings.WECHATPAY_APIV3_KEY
        serial_no = settings.WECHATPAY_CERT_SERIAL_NO
        key_file = settings.WECHATPAY_PRIVATE_KEY_FILE
        private_key = Path(key_file).read_text(encoding="utf-8") if key_file else ""
        if settings.WECHATPAY_SIMULATOR and not (apiv3_key and private_key and serial_no):
            from paysim.keys import get_keys  # the simulator's generated keys; never in production

            keys = get_keys()
            apiv3_key = apiv3_key or keys.apiv3_key
            private_key = private_key or keys.merchant_private_key_pem
            serial_no = serial_no or keys.merchant_serial_no
        if not (apiv3_key and private_key and serial_no and self.merchant_id and self.app_id):
            raise ProviderError(NOT_CONFIGURED)
        return apiv3_key, private_key, serial_no

    def _client(self) -> _Client:
        if self._pay is not None:
            return self._pay
        with self._lock:
            if self._pay is None:
                try:
                    apiv3_key, private_key, serial_no = self._credentials()
                    public_key = public_key_id = None
                    if settings.WECHATPAY_PUBLIC_KEY_FILE and settings.WECHATPAY_PUBLIC_KEY_ID:
                        public_key = Path(settings.WECHATPAY_PUBLIC_KEY_FILE).read_text(encoding="utf-8")
                        public_key_id = settings.WECHATPAY_PUBLIC_KEY_ID
                    self._pay = _Client(
                        gateway=settings.WECHATPAY_GATEWAY.rstrip("/"),
                        mchid=self.merchant_id,
                        appid=self.app_id,
                        notify_url=settings.WECHATPAY_NOTIFY_URL,
                        cert_serial_no=serial_no,
                        private_key=private_key,
                        apiv3_key=apiv3_key,
                        cert_dir=None if public_key else settings.WECHATPAY_PLATFORM_CERT_DIR,
                        logger=logger,
                        timeout=settings.WECHATPAY_TIMEOUT,
                        public_key=public_key,
                        public_key_id=public_key_id,
                    )
                except ProviderError:
                    raise
                except Exception as error:  # OSError, requests errors, the SDK's bare Exception…
                    logger.exception("WeChat Pay: could not initialise the SDK (certificates): %s", error)
                    raise WeChatPayError(UNREACHABLE) from error
        return self._pay

    def _call(self, what: str, method: str, *args: Any, **kwargs: Any) -> tuple[int, Any]:
        """One SDK call; connection problems and bad answer signatures become WeChatPayError."""
        client = self._client()
        try:
            code, body = getattr(client, method)(*args, **kwargs)
        except Exception as error:
            logger.exception("WeChat Pay %s failed: %s", what, error)
            raise WeChatPayError(UNREACHABLE) from error
        return code, body

    def _ok(self, what: str, code: int, body: Any) -> dict[str, Any]:
        """The JSON of a 2xx answer, or WeChatPayError with WeChat's code and a message to show."""
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else (body or "")
        try:
            data = json.loads(text) if text else {}
        except ValueError:
            data = {}
        if 200 <= code < 300:
            if not isinstance(data, dict):
                raise WeChatPayError(UNREACHABLE, status=code)
            return data
        error_code = data.get("code", "") if isinstance(data, dict) else ""
        message = data.get("message", "") if isinstance(data, dict) else ""
        logger.warning("WeChat Pay %s refused: HTTP %s %s %s", what, code, error_code, message or text[:300])
        shown = MESSAGES.get(error_code) or (
            MESSAGES["SYSTEM_ERROR"] if code >= 500 or not message else f"微信支付返回错误：{message}"
        )
        raise WeChatPayError(shown, code=error_code, status=code)

    # --- payments -----------------------------------------------------------------------------

    def start(
        self,
        payment,
        *,
        channel: str,
        description: str,
        expires_at: datetime,
        client_ip: str = "",
        openid: str = "",
    ) -> Instructions:
        if channel not in self.channels:
            raise ProviderError(f"不支持的支付渠道：{channel}")
        if channel == "jsapi" and not openid:
            raise ProviderError("请在微信中打开缴费页面后再支付。")
        kwargs: dict[str, Any] = {
            "description": description[:127],
            "out_trade_no": payment.out_trade_no,
            "amount": {"total": to_fen(payment.amount), "currency": "CNY"},
            "time_expire": _rfc3339(expires_at),
            "notify_url": settings.WECHATPAY_NOTIFY_URL,
            "pay_type": WeChatPayType.JSAPI if channel == "jsapi" else WeChatPayType.NATIVE,
        }
        if client_ip:
            kwargs["scene_info"] = {"payer_client_ip": client_ip}
        if channel == "jsapi":
            kwargs["payer"] = {"openid": openid}
        data = self._ok("create order", *self._call("create order", "pay", **kwargs))
        if channel == "native":
            if not data.get("code_url"):
                raise WeChatPayError(UNREACHABLE)
            return Instructions(channel="native", code_url=data["code_url"])
        if not data.get("prepay_id"):
            raise WeChatPayError(UNREACHABLE)
        return Instructions(channel="jsapi", jsapi=self.jsapi_parameters(data["prepay_id"]))

    def jsapi_parameters(self, prepay_id: str) -> dict[str, str]:
        """WeixinJSBridge getBrandWCPayRequest's parameters, signed with the merchant key."""
        timestamp = str(int(time.time()))
        nonce = secrets.token_hex(16)
        package = f"prepay_id={prepay_id}"
        pay_sign = self._client().sign([self.app_id, timestamp, nonce, package])
        return {
            "appId": self.app_id,
            "timeStamp": timestamp,
            "nonceStr": nonce,
            "package": package,
            "signType": "RSA",
            "paySign": pay_sign,
        }

    def query(self, payment) -> ProviderTransaction:
        code, body = self._call("query", "query", out_trade_no=payment.out_trade_no)
        return _transaction(self._ok("query", code, body))

    def close(self, payment) -> None:
        self._ok("close", *self._call("close", "close", out_trade_no=payment.out_trade_no))

    # --- refunds ------------------------------------------------------------------------------

    def refund(self, refund, *, total: Decimal) -> ProviderRefund:
        reason = str(refund.get_reason_display())
        if refund.note:
            reason = f"{reason}：{refund.note}"
        code, body = self._call(
            "refund",
            "refund",
            out_refund_no=refund.out_refund_no,
            amount={"refund": to_fen(refund.amount), "total": to_fen(total), "currency": "CNY"},
            out_trade_no=refund.payment.out_trade_no,
            reason=reason[:80],
            notify_url=settings.WECHATPAY_NOTIFY_URL,
        )
        return _refund(self._ok("refund", code, body))

    def query_refund(self, refund) -> ProviderRefund:
        code, body = self._call("query refund", "query_refund", out_refund_no=refund.out_refund_no)
        return _refund(self._ok("query refund", code, body))

    # --- notifications ------------------------------------------------------------------------

    def _platform_key(self, serial: str):
        core = self._client()._core
        if core._public_key_id and serial == core._public_key_id:
            return core._public_key
        try:
            number = int(serial, 16)
        except ValueError:
            return None
        for certificate in core._certificates:
            if certificate.serial_number == number:
                return certificate.public_key()
        if core._public_key_id or time.monotonic() - self._certificates_refreshed_at < CERTIFICATE_REFRESH_INTERVAL:
            return None
        # Maybe WeChat rotated its certificate: fetch the list again (at most once a minute).
        # Under the lock: the SDK empties the list before downloading, other threads read it.
        with self._lock:
            self._certificates_refreshed_at = time.monotonic()
            known = list(core._certificates)
            try:
                core._update_certificates()
            except Exception as error:
                logger.warning("WeChat Pay: refreshing platform certificates failed: %s", error)
            if not core._certificates:
                core._certificates.extend(known)
            current = list(core._certificates)
        for certificate in current:
            if certificate.serial_number == number:
                return certificate.public_key()
        return None

    def parse_notification(self, headers: dict[str, str], body: bytes) -> ProviderNotice:
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
        names = ("Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Signature", "Wechatpay-Serial")
        timestamp, nonce, signature, serial = (_header(headers, name) for name in names)
        missing = [name for name, value in zip(names, (timestamp, nonce, signature, serial), strict=True) if not value]
        if missing:
            raise NotificationRejected(f"缺少签名头 (missing headers): {', '.join(missing)}")
        signature_type = _header(headers, "Wechatpay-Signature-Type") or SIGNATURE_TYPE
        if signature_type != SIGNATURE_TYPE:
            raise NotificationRejected(f"不支持的签名类型 (unsupported signature type): {signature_type[:64]!r}")
        try:
            age = abs(time.time() - int(timestamp))
        except ValueError:
            raise NotificationRejected(f"时间戳格式错误 (bad timestamp): {timestamp[:32]!r}") from None
        if age > settings.WECHATPAY_NOTIFY_MAX_AGE:
            raise NotificationRejected(
                f"通知时间戳超出 ±{settings.WECHATPAY_NOTIFY_MAX_AGE} 秒，疑似重放 (replay: {int(age)}s)"
            )
        public_key = self._platform_key(serial)
        if public_key is None:
            raise NotificationRejected(f"未知的平台证书序列号 (unknown certificate serial): {serial[:64]!r}")
        if not rsa_verify(timestamp, nonce, text, signature, public_key):
            raise NotificationRejected("签名验证失败 (bad signature)")
        try:
            data = json.loads(text)
            resource = data["resource"]
            if data.get("resource_type") != "encrypt-resource" or resource.get("algorithm") != "AEAD_AES_256_GCM":
                raise NotificationRejected("不支持的资源类型或加密算法 (unsupported resource)", status=400)
            plaintext = aes_decrypt(
                nonce=resource["nonce"],
                ciphertext=resource["ciphertext"],
                associated_data=resource.get("associated_data") or "",
                apiv3_key=self._client()._core._apiv3_key,
            )
        except NotificationRejected:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise NotificationRejected(f"通知格式错误 (malformed notification): {error}", status=400) from None
        if plaintext is None:
            raise NotificationRejected("资源解密失败，密文可能被篡改 (AES-GCM decryption failed)", status=400)
        try:
            content = json.loads(plaintext)
            if not isinstance(content, dict):
                raise ValueError("resource is not an object")
        except ValueError as error:
            raise NotificationRejected(f"资源内容格式错误 (malformed resource): {error}", status=400) from None
        event_type = str(data.get("event_type", ""))
        return ProviderNotice(
            notification_id=str(data.get("id", "")),
            event_type=event_type,
            created=_parse_time(data.get("create_time")),
            transaction=_transaction(content) if event_type.startswith("TRANSACTION.") else None,
            refund=_refund(content) if event_type.startswith("REFUND.") else None,
        )

    def notification_response(self, *, ok: bool, message: str = "", status: int = 400) -> tuple[int, dict[str, str]]:
        # WeChat: 200/204 without a body when received; 4XX/5XX with {"code": "FAIL", "message": …}
        # (message at most 64 characters) when not, and WeChat retries. Never 5XX for a refusal:
        # that is a server error, and a forged notification must not page anyone.
        if ok:
            return 204, {}
        return status, {"code": "FAIL", "message": (message or "失败")[:64]}

    # --- the trade bill -----------------------------------------------------------------------

    def trade_bill(self, day: date) -> list[BillRow]:
        code, body = self._call("trade bill", "trade_bill", bill_date=day.isoformat(), bill_type="ALL", tar_type="GZIP")
        try:
            data = self._ok("trade bill", code, body)
        except WeChatPayError as error:
            if error.code == "NO_STATEMENT_EXIST":
                return []  # nothing was paid or refunded that day
            raise
        url, hash_type, hash_value = data.get("download_url"), data.get("hash_type"), data.get("hash_value", "")
        if not url or hash_type != "SHA1":
            logger.error("WeChat Pay trade bill: unexpected answer %s", data)
            raise WeChatPayError("微信支付账单信息不完整，请稍后再试。")
        code, content = self._call("bill download", "download_bill", url)
        if not 200 <= code < 300 or not isinstance(content, bytes):
            self._ok("bill download", code, content)  # raises with WeChat's error
            raise WeChatPayError(UNREACHABLE)
        try:
            raw = gzip.decompress(content)
        except (OSError, EOFError, zlib.error) as error:
            logger.error("WeChat Pay trade bill for %s is not gzip: %s", day, error)
            raise WeChatPayError("微信支付账单文件已损坏，请稍后再试。") from error
        # The hash is of the bill itself (after gunzip), as WeChat documents it.
        if hashlib.sha1(raw).hexdigest().lower() != hash_value.lower():  # noqa: S324 (WeChat's choice)
            logger.error("WeChat Pay trade bill for %s: SHA1 mismatch", day)
            raise WeChatPayError("微信支付账单文件校验失败，请稍后再试。")
        try:
            return bills.parse_trade_bill(raw.decode("utf-8"))
        except (UnicodeDecodeError, bills.BillFormatError) as error:
            logger.error("WeChat Pay trade bill for %s unreadable: %s", day, error)
            raise WeChatPayError("微信支付账单格式无法识别，请联系管理员。") from error

    # --- the payer's openid (JSAPI, snsapi_base) ----------------------------------------------

    def _oauth_hosts(self) -> tuple[str, str]:
        if settings.WECHATPAY_SIMULATOR:  # the simulator serves both, under its gateway
            gateway = settings.WECHATPAY_GATEWAY.rstrip("/")
            return f"{gateway}/connect/oauth2/authorize", f"{gateway}/sns/oauth2/access_token"
        return (
            "https://open.weixin.qq.com/connect/oauth2/authorize",
            "https://api.weixin.qq.com/sns/oauth2/access_token",
        )

    def oauth_authorize_url(self, redirect_uri: str, state: str) -> str:
        """Where to send the payer so WeChat tells us their openid (no consent screen)."""
        authorize, _ = self._oauth_hosts()
        query = (
            f"appid={quote(self.app_id)}&redirect_uri={quote(redirect_uri, safe='')}"
            f"&response_type=code&scope=snsapi_base&state={quote(state, safe='')}"
        )
        return f"{authorize}?{query}#wechat_redirect"

    def openid_for_code(self, code: str) -> str:
        _, access_token = self._oauth_hosts()
        secret = "paysim" if settings.WECHATPAY_SIMULATOR else settings.WECHATPAY_APP_SECRET
        query = urlencode({"appid": self.app_id, "secret": secret, "code": code, "grant_type": "authorization_code"})
        try:
            response = requests.get(f"{access_token}?{query}", timeout=settings.WECHATPAY_TIMEOUT)
            data = response.json()
        except (requests.RequestException, ValueError) as error:
            logger.warning("WeChat OAuth failed: %s", error)
            raise WeChatPayError("微信授权暂时无法完成，请稍后再试。") from error
        if not isinstance(data, dict) or not data.get("openid"):
            logger.warning("WeChat OAuth refused: %s", data)
            errcode = str(data.get("errcode", "")) if isinstance(data, dict) else ""
            raise WeChatPayError("微信授权失败，请重新打开缴费页面。", code=errcode)
        return str(data["openid"])
