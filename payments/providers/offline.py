"""Offline payment: a bank transfer or cash, recorded by association staff with a receipt number."""

from datetime import date

from payments.providers.base import BillRow, PaymentProvider


class OfflineProvider(PaymentProvider):
    identifier = "offline"
    verbose_name = "线下缴费（银行转账/现金）"
    online = False
    channels = ("bank_transfer", "cash")

    def close(self, payment) -> None:
        """Nothing to close at a bank counter."""

    def trade_bill(self, day: date) -> list[BillRow]:
        """No bill comes from a bank counter: staff check receipts against the report."""
        return []
