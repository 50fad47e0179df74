"""The interface every payment provider implements, and the facts it reports back.

A provider talks to the outside world and reports what it was told; it decides nothing
about orders. `payments.services` compares those facts with the order and changes state.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: this module stays free of Django at run time
    from payments.models import Payment, Refund


class ProviderError(Exception):
    """The provider could not be reached or refused the call; str() is shown to staff/applicants."""


class NotificationRejected(Exception):
    """A notification that must not be trusted (signature, decryption, replay); str() is logged.

    `status` is the HTTP answer: 401 when it cannot be shown to come from the provider
    (headers, signature, certificate, replay window), 400 when it is signed but unreadable.
    """

    def __init__(self, reason: str, *, status: int = 401) -> None:
        super().__init__(reason)
        self.status = status


@dataclass(frozen=True)
class ProviderTransaction:
    """What the provider says about one payment (WeChat's transaction resource)."""

    out_trade_no: str
    state: str  # WeChat trade_state: SUCCESS, NOTPAY, CLOSED, REFUND, USERPAYING, PAYERROR, REVOKED
    transaction_id: str = ""
    amount_fen: int | None = None  # amount.total
    payer_total_fen: int | None = None  # amount.payer_total
    currency: str = ""
    mchid: str = ""
    appid: str = ""
    success_time: datetime | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def succeeded(self) -> bool:
        return self.state in ("SUCCESS", "REFUND")  # REFUND: paid, then (partly) refunded


@dataclass(frozen=True)
class ProviderRefund:
    """What the provider says about one refund."""

    out_refund_no: str
    state: str  # WeChat status: SUCCESS, PROCESSING, CLOSED, ABNORMAL
    refund_id: str = ""
    out_trade_no: str = ""
    amount_fen: int | None = None  # amount.refund
    success_time: datetime | None = None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ProviderNotice:
    """A verified, decrypted notification."""

    notification_id: str
    event_type: str  # TRANSACTION.SUCCESS, REFUND.SUCCESS, REFUND.ABNORMAL, REFUND.CLOSED
    created: datetime | None
    transaction: ProviderTransaction | None = None
    refund: ProviderRefund | None = None


@dataclass(frozen=True)
class BillRow:
    """One line of a provider's daily trade bill (WeChat 交易账单, bill_type=ALL)."""

    traded_at: datetime
    out_trade_no: str
    transaction_id: str
    trade_state: str  # SUCCESS or REFUND (WeChat's 交易状态)
    amount: Decimal  # 应结订单金额 (yuan), 0 on refund rows
    refund_amount: Decimal = Decimal("0")  # 退款金额 (yuan)
    out_refund_no: str = ""
    refund_id: str = ""
    refund_state: str = ""
    fee: Decimal = Decimal("0")  # 手续费


@dataclass(frozen=True)
class Instructions:
    """What the applicant needs to pay: a QR code to scan, or the JSAPI call's parameters."""

    channel: str
    code_url: str = ""  # Native: encode as a QR code
    jsapi: dict[str, str] = field(default_factory=dict)  # JSAPI: WeixinJSBridge getBrandWCPayRequest


class PaymentProvider:
    """What every provider offers. An operation a provider does not support (an offline
    provider takes no money online) is refused with ProviderError, never half-done."""

    identifier: str = ""
    verbose_name: str = ""
    online: bool = True
    channels: tuple[str, ...] = ()

    # Identity the provider's answers must match (WeChat: mchid, appid).
    merchant_id: str = ""
    app_id: str = ""

    def _unsupported(self, what: str) -> ProviderError:
        return ProviderError(f"{self.verbose_name or self.identifier}不支持{what}。")

    def start(
        self,
        payment: "Payment",
        *,
        channel: str,
        description: str,
        expires_at: datetime,
        client_ip: str = "",
        openid: str = "",
    ) -> Instructions:
        raise self._unsupported("在线支付")

    def query(self, payment: "Payment") -> ProviderTransaction:
        raise self._unsupported("查询支付状态")

    def close(self, payment: "Payment") -> None:
        raise self._unsupported("关闭支付")

    def refund(self, refund: "Refund", *, total: Decimal) -> ProviderRefund:
        raise self._unsupported("在线退款")

    def query_refund(self, refund: "Refund") -> ProviderRefund:
        raise self._unsupported("查询退款")

    def parse_notification(self, headers: dict[str, str], body: bytes) -> ProviderNotice:
        """Verify and decrypt; raise NotificationRejected with the reason when it can't be trusted."""
        raise NotificationRejected(f"{self.identifier} does not send notifications")

    def notification_response(self, *, ok: bool, message: str = "", status: int = 400) -> tuple[int, dict[str, str]]:
        """HTTP status and JSON body the provider expects as the answer to a notification."""
        return (204, {}) if ok else (status, {"code": "FAIL", "message": message})

    def trade_bill(self, day: date) -> list[BillRow]:
        """The provider's own record of the day, for reconciliation."""
        raise self._unsupported("交易账单")
