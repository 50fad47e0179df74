"""Use cases of paying: open an order (orders), start a payment and confirm it from a
notification or a query (paying, notices), record an offline payment (offline), refund
(refunds) and the periodic sweep (sweep). One module per area; the use cases are re-exported
here. 考前退出 / 取消资格 are the lifecycle's transitions; `payments.receivers` cancels the
unpaid order inside them. Every state change of an order, payment or refund is in
`payments.states`.

Rules of money, kept here and nowhere else:
* an order's amount is fixed when the order is created (a later fee change never moves it);
* a payment is confirmed only when the provider's amount, currency and merchant match;
* confirming is idempotent: the order row is locked, a confirmed payment stays confirmed;
* an order is never paid twice: a second successful payment is refunded automatically and
  the order is flagged for staff;
* network calls to a provider never run while a row lock is held.
"""

from payments.services.common import OPEN_PAYMENT_STATES
from payments.services.notices import handle_notification
from payments.services.offline import record_offline_payment
from payments.services.orders import create_due_orders, ensure_order, fee_of, open_order, order_deadline
from payments.services.paying import (
    Started,
    apply_transaction,
    close_payment,
    refresh_order,
    start_payment,
    sync_payment,
)
from payments.services.refunds import apply_refund_result, refundable, request_refund, submit_refund, sync_refund
from payments.services.sweep import sweep
from skillcert.refusals import TransitionRefused

__all__ = [
    "OPEN_PAYMENT_STATES",
    "Started",
    "TransitionRefused",
    "apply_refund_result",
    "apply_transaction",
    "close_payment",
    "create_due_orders",
    "ensure_order",
    "fee_of",
    "handle_notification",
    "open_order",
    "order_deadline",
    "record_offline_payment",
    "refresh_order",
    "refundable",
    "request_refund",
    "start_payment",
    "submit_refund",
    "sweep",
    "sync_payment",
    "sync_refund",
]
