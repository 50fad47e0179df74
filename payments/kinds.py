"""The audit action kinds of fees: orders, payments, refunds, invoices, reconciliation."""

from django.utils.translation import gettext_lazy as _

from audit.kinds import ActionKind, declare

KINDS = [
    ActionKind("payments.order.created", _("生成缴费订单")),
    ActionKind("payments.order.expired", _("订单过期")),
    ActionKind("payments.order.canceled", _("订单取消")),
    ActionKind("payments.payment.started", _("发起支付")),
    ActionKind("payments.payment.confirmed", _("支付成功")),
    ActionKind("payments.payment.second_payment", _("重复支付")),
    ActionKind("payments.payment.mismatch", _("支付金额不符")),
    ActionKind("payments.payment.closed", _("关闭支付")),
    ActionKind("payments.offline.recorded", _("登记线下缴费")),
    ActionKind("payments.refund.requested", _("申请退款")),
    ActionKind("payments.refund.created", _("退款已创建")),
    ActionKind("payments.refund.pending", _("退款处理中")),
    ActionKind("payments.refund.done", _("退款成功")),
    ActionKind("payments.refund.failed", _("退款失败")),
    ActionKind("payments.refund.mismatch", _("退款金额不符")),
    ActionKind("payments.invoice.requested", _("申请发票")),
    ActionKind("payments.invoice.changed", _("修改发票信息")),
    ActionKind("payments.invoice.issued", _("开具发票")),
    ActionKind("payments.reconciliation.generated", _("生成对账报告")),
    ActionKind("payments.reconciliation.regenerated", _("重新生成对账报告")),
]
declare(*KINDS)
