"""A scripted stand-in for WeChat Pay, for the rules of `payments.services` (not the wire format:
that is tested against the simulator). It answers what a test told it to answer."""

from datetime import date
from decimal import Decimal

from payments.money import to_fen
from payments.providers.base import (
    Instructions,
    PaymentProvider,
    ProviderError,
    ProviderRefund,
    ProviderTransaction,
)


class ScriptedWeChat(PaymentProvider):
    identifier = "wechat"
    verbose_name = "微信支付（测试替身）"
    online = True
    channels = ("native", "jsapi")
    merchant_id = "1900000109"
    app_id = "wxd678efh567hg6787"

    def __init__(self):
        self.paid: dict[str, ProviderTransaction] = {}
        self.closed: list[str] = []
        self.refunds: list[tuple[str, int]] = []
        self.refund_state = "SUCCESS"
        self.down = False
        self.started: list[str] = []

    def _check(self) -> None:
        if self.down:
            raise ProviderError("微信支付暂时无法连接，请稍后再试。")

    def success(self, payment, **changes) -> ProviderTransaction:
        """What WeChat reports once the payer has paid `payment` (changes: tampered facts)."""
        facts = {
            "out_trade_no": payment.out_trade_no,
            "state": "SUCCESS",
            "transaction_id": f"42000{payment.pk:012d}",
            "amount_fen": to_fen(payment.amount),
            "payer_total_fen": to_fen(payment.amount),
            "currency": "CNY",
            "mchid": self.merchant_id,
            "appid": self.app_id,
            **changes,
        }
        txn = ProviderTransaction(**facts)
        self.paid[payment.out_trade_no] = txn
        return txn

    def start(self, payment, *, channel, description, expires_at, client_ip="", openid=""):
        self._check()
        self.started.append(payment.out_trade_no)
        return Instructions(channel=channel, code_url=f"weixin://wxpay/bizpayurl?pr={payment.out_trade_no}")

    def query(self, payment):
        self._check()
        if payment.out_trade_no in self.closed:
            return ProviderTransaction(out_trade_no=payment.out_trade_no, state="CLOSED")
        return self.paid.get(payment.out_trade_no) or ProviderTransaction(
            out_trade_no=payment.out_trade_no, state="NOTPAY"
        )

    def close(self, payment):
        self._check()
        self.closed.append(payment.out_trade_no)

    def refund(self, refund, *, total: Decimal):
        self._check()
        self.refunds.append((refund.out_refund_no, to_fen(refund.amount)))
        return ProviderRefund(
            out_refund_no=refund.out_refund_no, state=self.refund_state, refund_id=f"50000{refund.pk:012d}"
        )

    def query_refund(self, refund):
        self._check()
        return ProviderRefund(out_refund_no=refund.out_refund_no, state="SUCCESS", refund_id=f"50000{refund.pk:012d}")

    def trade_bill(self, day: date):
        return []
