"""Staff forms of payments: filter orders, record an offline payment, refund, leave."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from payments.models import Order, Refund

OFFLINE_CHANNEL_CHOICES = [("bank_transfer", _("银行转账")), ("cash", _("现金"))]
STAFF_REFUND_REASONS = [(value, label) for value, label in Refund.Reason.choices if value != Refund.Reason.DUPLICATE]


class OrderFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *Order.State.choices])
    flagged = forms.BooleanField(label=_("只看需核查"), required=False)
    text = forms.CharField(label=_("搜索"), required=False, max_length=40, help_text=_("订单号、姓名或证件号后4位"))


class OfflinePaymentForm(forms.Form):
    channel = forms.ChoiceField(label=_("缴费方式"), choices=OFFLINE_CHANNEL_CHOICES)
    receipt_number = forms.CharField(label=_("收据号/银行流水号"), max_length=64)
    amount = forms.CharField(label=_("金额（元）"), max_length=12)
    paid_on = forms.DateField(label=_("缴费日期"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("备注"), required=False, max_length=200)

    def __init__(self, *args, order: Order | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if order is not None and not self.is_bound:
            self.initial = {"amount": order.amount, "paid_on": timezone.localdate()}


class RefundForm(forms.Form):
    amount = forms.CharField(label=_("退款金额（元）"), max_length=12)
    reason = forms.ChoiceField(label=_("退款原因"), choices=STAFF_REFUND_REASONS)
    note = forms.CharField(label=_("说明"), required=False, max_length=300)
    reference = forms.CharField(
        label=_("退款凭证号"), required=False, max_length=64, help_text=_("线下退款必填：银行回单号或现金退款收据号")
    )


class LeaveForm(forms.Form):
    kind = forms.ChoiceField(label=_("登记"), choices=[("withdraw", _("考前退出")), ("disqualify", _("取消资格"))])
    reason = forms.CharField(label=_("原因"), max_length=300)
