"""What a user may do with an order now: one answer for the services' guards, the views and
the templates (which get booleans, never state strings).

The `*_refusal` functions are the state guards, returning the message to show or None; the
services raise them as TransitionRefused, and `allowed_actions` adds who is asking. Time
windows (the payment window, the order's deadline) are checked when a form is posted, so the
page can say in place why it is too early or too late.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.permissions import AnyUser, has_capability
from applications.actions import allowed_actions as application_actions
from applications.models import Status
from payments.models import InvoiceRequest, Order, Payment
from payments.states import PAYABLE_ORDER_STATES

# An invoice may be asked for (or its details changed) while the order is unpaid or paid.
REQUESTABLE_STATES = (Order.State.PENDING, Order.State.PAID)


@dataclass(frozen=True)
class OrderActions:
    pay: bool  # the applicant starts or resumes paying online
    sync: bool  # staff ask the provider about the open attempts
    record_offline: bool  # staff record a bank transfer or cash payment
    refund: bool  # staff refund a confirmed payment
    withdraw_after_approval: bool  # staff record 考前退出
    disqualify: bool  # the association records 取消资格
    request_invoice: bool  # the applicant asks for (or changes) the invoice
    issue_invoice: bool  # the association records the issued invoice

    @property
    def leave(self) -> bool:
        return self.withdraw_after_approval or self.disqualify


def payment_refusal(order: Order) -> str | None:
    """Why `order` cannot be paid online now, by its state and its application's."""
    if order.state == Order.State.PAID:
        return _("该订单已缴费，无需重复支付。")
    if order.state != Order.State.PENDING:
        return _("订单状态为“%(state)s”，不能支付。") % {"state": order.get_state_display()}
    if order.application.status != Status.APPROVED:
        return _("申报状态为“%(status)s”，不能缴费。") % {"status": order.application.get_status_display()}
    return None


def offline_refusal(order: Order) -> str | None:
    """Why staff cannot record an offline payment for `order` (an expired order still can:
    the money reached the bank in time)."""
    if order.state == Order.State.PAID:
        return _("该订单已缴费，不能重复登记。")
    if order.state not in PAYABLE_ORDER_STATES:
        return _("订单状态为“%(state)s”，不能登记缴费。") % {"state": order.get_state_display()}
    return None


def invoice_request_refusal(order: Order, invoice: InvoiceRequest | None) -> str | None:
    if order.state not in REQUESTABLE_STATES:
        return _("订单状态为“%(state)s”，不能申请发票。") % {"state": order.get_state_display()}
    if invoice is not None and invoice.is_issued:
        return _("发票已开具，不能再修改开票信息。如有错误请联系就促会。")
    return None


def allowed_actions(user: AnyUser, order: Order, *, invoice: InvoiceRequest | None = None) -> OrderActions:
    """What `user` may do with `order` now (pass `invoice` when it is at hand: one query less)."""
    is_applicant = order.application.applicant_id == getattr(user, "pk", None)
    manages = has_capability(user, "payments.manage")
    if invoice is None:
        invoice = InvoiceRequest.objects.filter(order=order).first()
    payments = order.payments.all()
    leaving = application_actions(user, order.application)  # 考前退出 / 取消资格: the lifecycle's answer
    return OrderActions(
        pay=is_applicant and payment_refusal(order) is None,
        sync=manages and any(p.state in (Payment.State.CREATED, Payment.State.PENDING) for p in payments),
        record_offline=manages and offline_refusal(order) is None,
        refund=manages and any(p.state == Payment.State.CONFIRMED for p in payments),
        withdraw_after_approval=leaving.withdraw_after_approval,
        disqualify=leaving.disqualify,
        request_invoice=is_applicant and invoice_request_refusal(order, invoice) is None,
        issue_invoice=manages and order.is_paid and invoice is not None and not invoice.is_issued,
    )
