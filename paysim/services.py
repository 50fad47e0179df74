"""What the simulated WeChat Pay does: orders, payment by the scanning user, closing, refunds,
notifications with retries, certificates and the daily trade bill.

The HTTP views (`paysim.api`) and the pages (`paysim.views`) call these functions; tests and
the browser test may call them directly (`pay`, `deliver_notification`, `build_notification`).
"""

import gzip
import hashlib
import json
import logging
import re
import secrets
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from payments.bills import BillLine, render_trade_bill
from payments.providers.base import BillRow
from paysim import signing
from paysim.keys import get_keys
from paysim.models import SimNotification, SimRefund, SimTransaction
from skillcert.jobs import RetryPolicy, enqueue_on_commit

logger = logging.getLogger(__name__)

BEIJING = ZoneInfo("Asia/Shanghai")
# WeChat retries a notification that got no 2xx answer after 15s, 15s, 30s, 3m, 10m, 20m, 30m…
RETRY_DELAYS = (15, 15, 30, 180, 600, 1200, 1800)
RETRY = RetryPolicy(RETRY_DELAYS)
DELIVERY_TIMEOUT = 5  # seconds WeChat waits for the merchant's answer
FEE_RATE = Decimal("0.006")  # 0.6%, the common rate, shown in the bill
OUT_TRADE_NO = re.compile(r"^[0-9A-Za-z_\-|*]{6,32}$")
OUT_REFUND_NO = re.compile(r"^[0-9A-Za-z_\-|*@]{1,64}$")
CREATE_FIELDS = ("appid", "mchid", "description", "attach", "notify_url", "amount", "payer", "time_expire")
TRADE_STATE_DESC = {
    "NOTPAY": "订单未支付",
    "USERPAYING": "用户支付中",
    "SUCCESS": "支付成功",
    "REFUND": "转入退款",
    "CLOSED": "已关闭",
    "PAYERROR": "支付失败",
    "REVOKED": "已撤销",
}


class SimError(Exception):
    """A refusal in WeChat Pay's terms: HTTP status, code and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def body(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


def merchant_id() -> str:
    return settings.WECHATPAY_MCHID


def app_id() -> str:
    return settings.WECHATPAY_APPID


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(BEIJING).isoformat(timespec="seconds")


def _digits(count: int) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(count))


def _new_transaction_id() -> str:
    return "4200" + _digits(6) + timezone.now().astimezone(BEIJING).strftime("%Y%m%d") + _digits(10)  # 28 digits


def _new_refund_id() -> str:
    return "5030" + timezone.now().astimezone(BEIJING).strftime("%Y%m%d") + _digits(17)  # 29 digits


def _new_openid() -> str:
    return "o" + signing.nonce(27)


# --- orders ---------------------------------------------------------------------------------


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise SimError(400, "PARAM_ERROR", message)


def _check_create(trade_type: str, data: dict) -> None:
    _require(isinstance(data, dict), "请求体不是 JSON 对象")
    for name in ("appid", "mchid", "description", "out_trade_no", "notify_url", "amount"):
        _require(bool(data.get(name)), f"输入源“/body/{name}”映射到字段“{name}”必填性规则校验失败，此字段为必填项")
    if data["mchid"] != merchant_id():
        raise SimError(400, "MCH_NOT_EXISTS", "商户号不存在")
    if data["appid"] != app_id():
        raise SimError(400, "APPID_MCHID_NOT_MATCH", "appid和mch_id不匹配")
    _require(
        OUT_TRADE_NO.match(str(data["out_trade_no"])) is not None, "out_trade_no 格式不正确（6-32 位字母数字_-|*）"
    )
    _require(len(str(data["description"])) <= 127, "description 超过 127 个字符")
    amount = data["amount"]
    _require(isinstance(amount, dict), "amount 必须是对象")
    total = amount.get("total")
    _require(
        isinstance(total, int) and not isinstance(total, bool) and total > 0, "amount.total 必须是大于 0 的整数（分）"
    )
    _require(amount.get("currency", "CNY") == "CNY", "amount.currency 仅支持 CNY")
    _require(str(data["notify_url"]).startswith(("http://", "https://")), "notify_url 格式不正确")
    if data.get("time_expire"):
        try:
            expire = datetime.fromisoformat(data["time_expire"])
        except (TypeError, ValueError):
            raise SimError(400, "PARAM_ERROR", "time_expire 不是 RFC3339 格式") from None
        _require(expire.tzinfo is not None, "time_expire 缺少时区")
    if trade_type == "JSAPI":
        payer = data.get("payer") or {}
        _require(isinstance(payer, dict) and bool(payer.get("openid")), "JSAPI 下单必须提供 payer.openid")


def create_transaction(trade_type: str, data: dict) -> SimTransaction:
    """/v3/pay/transactions/native|jsapi: a new order, or the same one again for identical parameters."""
    _check_create(trade_type, data)
    with transaction.atomic():
        existing = (
            SimTransaction.objects.select_for_update()
            .filter(mchid=data["mchid"], out_trade_no=data["out_trade_no"])
            .first()
        )
        if existing is not None:
            if existing.state in (SimTransaction.State.SUCCESS, SimTransaction.State.REFUND):
                raise SimError(400, "ORDERPAID", "该订单已支付")
            if existing.state == SimTransaction.State.CLOSED:
                raise SimError(400, "ORDER_CLOSED", "该订单已关闭")
            same = existing.trade_type == trade_type and all(
                existing.request.get(name) == data.get(name) for name in CREATE_FIELDS
            )
            if not same:
                raise SimError(400, "INVALID_REQUEST", "201 商户订单号重复，请核实商户订单号是否重复提交")
            return existing
        payer = data.get("payer") or {}
        scene = data.get("scene_info") or {}
        return SimTransaction.objects.create(
            mchid=data["mchid"],
            appid=data["appid"],
            out_trade_no=data["out_trade_no"],
            trade_type=trade_type,
            description=data["description"],
            attach=data.get("attach", ""),
            total=data["amount"]["total"],
            currency=data["amount"].get("currency", "CNY"),
            notify_url=data["notify_url"],
            time_expire=datetime.fromisoformat(data["time_expire"]) if data.get("time_expire") else None,
            payer_client_ip=scene.get("payer_client_ip", ""),
            payer_openid=payer.get("openid", ""),
            code_url=f"weixin://wxpay/bizpayurl?pr={signing.nonce(12)}" if trade_type == "NATIVE" else "",
            prepay_id=(
                "wx" + timezone.now().astimezone(BEIJING).strftime("%d%H%M%S") + secrets.token_hex(13)
                if trade_type == "JSAPI"
                else ""
            ),
            request={name: data.get(name) for name in CREATE_FIELDS},
        )


def get_transaction(mchid: str, *, out_trade_no: str = "", transaction_id: str = "") -> SimTransaction:
    if mchid != merchant_id():
        raise SimError(400, "MCH_NOT_EXISTS", "商户号不存在")
    found = SimTransaction.objects.filter(mchid=mchid)
    found = found.filter(transaction_id=transaction_id) if transaction_id else found.filter(out_trade_no=out_trade_no)
    txn = found.first() if (out_trade_no or transaction_id) else None
    if txn is None:
        raise SimError(404, "ORDER_NOT_EXIST", "订单不存在")
    return txn


def transaction_resource(txn: SimTransaction) -> dict:
    """The transaction as the query API (and the TRANSACTION.SUCCESS notification) shows it."""
    paid = txn.state in (SimTransaction.State.SUCCESS, SimTransaction.State.REFUND)
    resource: dict = {
        "appid": txn.appid,
        "mchid": txn.mchid,
        "out_trade_no": txn.out_trade_no,
        "trade_state": txn.state,
        "trade_state_desc": TRADE_STATE_DESC[txn.state],
        "amount": {"total": txn.total, "currency": txn.currency, "payer_currency": txn.currency},
        "attach": txn.attach,
        "promotion_detail": [],
    }
    if paid:
        assert txn.success_time is not None  # set when the payment succeeded
        resource.update(
            transaction_id=txn.transaction_id,
            trade_type=txn.trade_type,
            bank_type=txn.bank_type,
            success_time=rfc3339(txn.success_time),
            payer={"openid": txn.payer_openid},
        )
        resource["amount"]["payer_total"] = txn.total
    return resource


def close(mchid: str, out_trade_no: str) -> SimTransaction:
    """/close: an unpaid order can no longer be paid. Closing a closed order again is fine (204)."""
    with transaction.atomic():
        txn = get_transaction(mchid, out_trade_no=out_trade_no)
        txn = SimTransaction.objects.select_for_update().get(pk=txn.pk)
        if txn.state in (SimTransaction.State.SUCCESS, SimTransaction.State.REFUND):
            raise SimError(400, "ORDERPAID", "订单已支付，不能关闭")
        if txn.state != SimTransaction.State.CLOSED:
            txn.state = SimTransaction.State.CLOSED
            txn.save(update_fields=["state"])
        return txn


def find_by_code_url(code_url: str) -> SimTransaction | None:
    return SimTransaction.objects.filter(code_url=code_url).first() if code_url else None


def find_by_prepay_id(prepay_id: str) -> SimTransaction | None:
    return SimTransaction.objects.filter(prepay_id=prepay_id).first() if prepay_id else None


def payable_problem(txn: SimTransaction) -> str:
    """Why this order cannot be paid now (Chinese, for the scanning page), or ""."""
    if txn.state in (SimTransaction.State.SUCCESS, SimTransaction.State.REFUND):
        return "该订单已支付，请勿重复支付。"
    if txn.state == SimTransaction.State.CLOSED:
        return "该订单已关闭，请返回商户页面重新下单。"
    if txn.state != SimTransaction.State.NOTPAY:
        return "该订单当前不能支付。"
    if txn.time_expire and txn.time_expire <= timezone.now():
        return "二维码已过期，请返回商户页面重新下单。"
    return ""


def pay(out_trade_no: str, *, openid: str = "", mchid: str = "") -> SimTransaction:
    """The user confirmed the payment: SUCCESS now, TRANSACTION.SUCCESS notification after commit."""
    with transaction.atomic():
        txn = (
            SimTransaction.objects.select_for_update()
            .filter(mchid=mchid or merchant_id(), out_trade_no=out_trade_no)
            .first()
        )
        if txn is None:
            raise SimError(404, "ORDER_NOT_EXIST", "订单不存在")
        problem = payable_problem(txn)
        if problem:
            raise SimError(400, "INVALID_REQUEST", problem)
        txn.state = SimTransaction.State.SUCCESS
        txn.transaction_id = _new_transaction_id()
        txn.success_time = timezone.now().replace(microsecond=0)
        txn.payer_openid = txn.payer_openid or openid or _new_openid()
        txn.bank_type = "OTHERS"  # 零钱
        txn.save()
        notify(txn, "TRANSACTION.SUCCESS")
        return txn


# --- refunds --------------------------------------------------------------------------------


def _check_refund(data: dict) -> None:
    _require(isinstance(data, dict), "请求体不是 JSON 对象")
    _require(bool(data.get("out_trade_no") or data.get("transaction_id")), "transaction_id 和 out_trade_no 必须二选一")
    _require(OUT_REFUND_NO.match(str(data.get("out_refund_no", ""))) is not None, "out_refund_no 格式不正确")
    amount = data.get("amount")
    if not isinstance(amount, dict):
        raise SimError(400, "PARAM_ERROR", "amount 必填")
    for name in ("refund", "total"):
        value = amount.get(name)
        _require(
            isinstance(value, int) and not isinstance(value, bool) and value > 0,
            f"amount.{name} 必须是大于 0 的整数（分）",
        )
    _require(amount.get("currency", "CNY") == "CNY", "amount.currency 仅支持 CNY")
    _require(len(str(data.get("reason", ""))) <= 80, "reason 超过 80 个字符")


def create_refund(mchid: str, data: dict) -> SimRefund:
    """/v3/refund/domestic/refunds: SUCCESS at once (the simulator has no bank), REFUND.SUCCESS after commit."""
    _check_refund(data)
    with transaction.atomic():
        found = SimTransaction.objects.select_for_update().filter(mchid=mchid)
        if data.get("transaction_id"):
            found = found.filter(transaction_id=data["transaction_id"])
        else:
            found = found.filter(out_trade_no=data["out_trade_no"])
        txn = found.first()
        if txn is None:
            raise SimError(404, "RESOURCE_NOT_EXISTS", "订单不存在")
        existing = SimRefund.objects.filter(transaction__mchid=mchid, out_refund_no=data["out_refund_no"]).first()
        if existing is not None:
            if existing.transaction_id != txn.pk or existing.refund != data["amount"]["refund"]:
                raise SimError(400, "INVALID_REQUEST", "退款单号已存在，但请求参数与原退款不一致")
            return existing  # the same request again: the same refund
        if txn.state not in (SimTransaction.State.SUCCESS, SimTransaction.State.REFUND):
            raise SimError(400, "INVALID_REQUEST", "订单未支付，不能退款")
        if data["amount"]["total"] != txn.total:
            raise SimError(400, "INVALID_REQUEST", "订单金额与原订单金额不一致")
        refunded = sum(r.refund for r in txn.refunds.exclude(status=SimRefund.Status.CLOSED))
        if data["amount"]["refund"] > txn.total - refunded:
            raise SimError(403, "NOT_ENOUGH", "订单可退金额不足")
        refund = SimRefund.objects.create(
            transaction=txn,
            refund_id=_new_refund_id(),
            out_refund_no=data["out_refund_no"],
            refund=data["amount"]["refund"],
            reason=data.get("reason", ""),
            notify_url=data.get("notify_url", ""),
            status=SimRefund.Status.SUCCESS,
            success_time=timezone.now().replace(microsecond=0),
            request=data,
        )
        txn.state = SimTransaction.State.REFUND
        txn.save(update_fields=["state"])
        if refund.notify_url:
            notify(txn, "REFUND.SUCCESS", refund=refund)
        return refund


def get_refund(mchid: str, out_refund_no: str) -> SimRefund:
    refund = (
        SimRefund.objects.select_related("transaction")
        .filter(transaction__mchid=mchid, out_refund_no=out_refund_no)
        .first()
    )
    if refund is None:
        raise SimError(404, "RESOURCE_NOT_EXISTS", "退款单不存在")
    return refund


def refund_resource(refund: SimRefund) -> dict:
    txn = refund.transaction
    resource = {
        "refund_id": refund.refund_id,
        "out_refund_no": refund.out_refund_no,
        "transaction_id": txn.transaction_id,
        "out_trade_no": txn.out_trade_no,
        "channel": "ORIGINAL",
        "user_received_account": "支付用户零钱",
        "create_time": rfc3339(refund.created_at),
        "status": refund.status,
        "funds_account": "AVAILABLE",
        "amount": {
            "total": txn.total,
            "refund": refund.refund,
            "payer_total": txn.total,
            "payer_refund": refund.refund,
            "settlement_total": txn.total,
            "settlement_refund": refund.refund,
            "discount_refund": 0,
            "currency": txn.currency,
        },
        "promotion_detail": [],
    }
    if refund.success_time:
        resource["success_time"] = rfc3339(refund.success_time)
    return resource


def _refund_notice_resource(refund: SimRefund) -> dict:
    """REFUND.* notifications name the status `refund_status` and carry fewer fields."""
    txn = refund.transaction
    resource = {
        "mchid": txn.mchid,
        "out_trade_no": txn.out_trade_no,
        "transaction_id": txn.transaction_id,
        "out_refund_no": refund.out_refund_no,
        "refund_id": refund.refund_id,
        "refund_status": refund.status,
        "user_received_account": "支付用户零钱",
        "amount": {
            "total": txn.total,
            "refund": refund.refund,
            "payer_total": txn.total,
            "payer_refund": refund.refund,
        },
    }
    if refund.success_time:
        resource["success_time"] = rfc3339(refund.success_time)
    return resource


# --- notifications --------------------------------------------------------------------------

SUMMARIES = {
    "TRANSACTION.SUCCESS": "支付成功",
    "REFUND.SUCCESS": "退款成功",
    "REFUND.ABNORMAL": "退款异常",
    "REFUND.CLOSED": "退款关闭",
}


def build_notification(
    txn: SimTransaction,
    event_type: str = "TRANSACTION.SUCCESS",
    *,
    refund: SimRefund | None = None,
    notification_id: str = "",
    apiv3_key: str = "",
) -> str:
    """The JSON body WeChat posts: the resource encrypted with the APIv3 key (another key: a forgery)."""
    if event_type.startswith("REFUND."):
        if refund is None:
            raise ValueError("a REFUND.* notification needs the refund")
        original_type, resource = "refund", _refund_notice_resource(refund)
    else:
        original_type, resource = "transaction", transaction_resource(txn)
    plaintext = json.dumps(resource, ensure_ascii=False, separators=(",", ":"))
    encrypted = signing.encrypt_resource(apiv3_key or get_keys().apiv3_key, plaintext, original_type)
    body = {
        "id": notification_id or str(uuid.uuid4()),
        "create_time": rfc3339(timezone.now()),
        "resource_type": "encrypt-resource",
        "event_type": event_type,
        "summary": SUMMARIES.get(event_type, event_type),
        "resource": {"original_type": original_type, **encrypted},
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def notification_headers(body: str, *, timestamp: int | None = None) -> dict[str, str]:
    """Signed by the platform key, with a fresh timestamp (each retry is signed again)."""
    keys = get_keys()
    headers = signing.platform_headers(body, keys.platform_private_key, keys.platform_serial_no, timestamp=timestamp)
    return {**headers, "Content-Type": "application/json"}


def notify(txn: SimTransaction, event_type: str, *, refund: SimRefund | None = None) -> SimNotification:
    """Record a notification and deliver it once the current transaction has committed."""
    url = refund.notify_url if refund is not None else txn.notify_url
    notice_id = str(uuid.uuid4())
    notice = SimNotification.objects.create(
        notification_id=notice_id,
        transaction=txn,
        refund=refund,
        event_type=event_type,
        url=url,
        body=build_notification(txn, event_type, refund=refund, notification_id=notice_id),
    )
    from paysim.tasks import deliver  # tasks imports this module

    enqueue_on_commit(deliver, notice.pk)
    return notice


def deliver_notification(notification_pk: int) -> str:
    """One delivery attempt; returns the notification's state. The HTTP call holds no transaction."""
    notice = SimNotification.objects.filter(pk=notification_pk).first()
    if notice is None or notice.state != SimNotification.State.PENDING:
        return notice.state if notice else "missing"
    status, error = None, ""
    try:
        response = requests.post(
            notice.url,
            data=notice.body.encode(),
            headers={**notification_headers(notice.body), "User-Agent": "Mozilla/4.0"},
            timeout=DELIVERY_TIMEOUT,
        )
        status = response.status_code
        if not 200 <= status < 300:
            error = response.text[:500]
    except requests.RequestException as failure:
        error = f"{type(failure).__name__}: {failure}"[:500]
    with transaction.atomic():
        notice = SimNotification.objects.select_for_update().get(pk=notification_pk)
        if notice.state != SimNotification.State.PENDING:
            return notice.state
        notice.attempts += 1
        now = timezone.now()
        notice.log = [*notice.log, {"at": now.isoformat(), "status": status, "error": error}]
        if status is not None and 200 <= status < 300:
            notice.state = SimNotification.State.DELIVERED
            notice.delivered_at = now
            notice.next_attempt_at = None
        else:
            from paysim.tasks import deliver

            notice.next_attempt_at = RETRY.retry_on_commit(deliver, notice.pk, attempts=notice.attempts)
            if notice.next_attempt_at is None:
                notice.state = SimNotification.State.FAILED
        notice.save()
    if notice.state != SimNotification.State.DELIVERED:
        logger.warning(
            "paysim: notification %s to %s attempt %s failed: %s %s",
            notice.notification_id,
            notice.url,
            notice.attempts,
            status,
            error,
        )
    return notice.state


# --- certificates and bills -----------------------------------------------------------------


def certificates_payload() -> dict:
    """/v3/certificates: the platform certificate, encrypted with the APIv3 key like the real one."""
    keys = get_keys()
    certificate = keys.platform_certificate
    return {
        "data": [
            {
                "serial_no": keys.platform_serial_no,
                "effective_time": rfc3339(certificate.not_valid_before_utc),
                "expire_time": rfc3339(certificate.not_valid_after_utc),
                "encrypt_certificate": signing.encrypt_resource(
                    keys.apiv3_key, keys.platform_certificate_pem, "certificate"
                ),
            }
        ]
    }


def _fee(fen: int) -> Decimal:
    return (Decimal(fen) / 100 * FEE_RATE).quantize(Decimal("0.00001"))


def bill_lines(mchid: str, day: date) -> list[BillLine]:
    """The day's payments and refunds (Beijing time), in time order."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=BEIJING)
    end = start + timedelta(days=1)
    lines: list[tuple[datetime, BillLine]] = []
    paid = SimTransaction.objects.filter(mchid=mchid, success_time__gte=start, success_time__lt=end)
    for txn in paid:
        assert txn.success_time is not None  # filtered on it
        at = txn.success_time.astimezone(BEIJING)
        row = BillRow(
            traded_at=at.replace(tzinfo=None),
            out_trade_no=txn.out_trade_no,
            transaction_id=txn.transaction_id,
            trade_state="SUCCESS",
            amount=Decimal(txn.total) / 100,
            fee=_fee(txn.total),
        )
        lines.append((at, _line(txn, row)))
    refunds = SimRefund.objects.select_related("transaction").filter(
        transaction__mchid=mchid, status=SimRefund.Status.SUCCESS, success_time__gte=start, success_time__lt=end
    )
    for refund in refunds:
        assert refund.success_time is not None  # filtered on it
        at = refund.success_time.astimezone(BEIJING)
        row = BillRow(
            traded_at=at.replace(tzinfo=None),
            out_trade_no=refund.transaction.out_trade_no,
            transaction_id=refund.transaction.transaction_id,
            trade_state="REFUND",
            amount=Decimal("0"),
            refund_amount=Decimal(refund.refund) / 100,
            out_refund_no=refund.out_refund_no,
            refund_id=refund.refund_id,
            refund_state="SUCCESS",
            fee=-_fee(refund.refund),
        )
        lines.append((at, _line(refund.transaction, row)))
    return [line for _, line in sorted(lines, key=lambda pair: pair[0])]


def _line(txn: SimTransaction, row: BillRow) -> BillLine:
    return BillLine(
        row=row,
        appid=txn.appid,
        mchid=txn.mchid,
        openid=txn.payer_openid,
        trade_type=txn.trade_type,
        description=txn.description,
        attach=txn.attach,
        order_amount=Decimal(txn.total) / 100,
    )


def trade_bill_file(mchid: str, day: date) -> tuple[bytes, str]:
    """The gzip file and the SHA1 of the bill inside it, or SimError NO_STATEMENT_EXIST."""
    if day > timezone.localdate(timezone=BEIJING):
        raise SimError(400, "PARAM_ERROR", "账单日期不能晚于今天")
    lines = bill_lines(mchid, day)
    if not lines:
        raise SimError(400, "NO_STATEMENT_EXIST", "要下载的账单不存在")
    text = render_trade_bill(lines).encode("utf-8")
    return gzip.compress(text, mtime=0), hashlib.sha1(text).hexdigest()  # noqa: S324 (WeChat's choice)
