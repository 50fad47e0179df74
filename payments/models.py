"""Orders, one payment record per attempt, refunds as their own records, invoices, and the
log of every notification a provider sent us (as pretix does it).

Money is yuan as Decimal with two places; providers that count in fen convert at their edge
(`payments.money`). The fee schedule lives in `catalog.FeeRule`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from skillcert.storage import private_files


class Order(models.Model):
    """What one approved application owes: one order per application, amount fixed at creation."""

    class State(models.TextChoices):
        PENDING = "pending", _("待缴费")
        PAID = "paid", _("已缴费")
        EXPIRED = "expired", _("逾期未缴费")
        CANCELED = "canceled", _("已取消")
        REFUNDED = "refunded", _("已退费")

    code = models.CharField(_("订单号"), max_length=24, unique=True)
    application = models.OneToOneField(
        "applications.Application", models.PROTECT, related_name="order", verbose_name=_("申报")
    )
    campaign = models.ForeignKey("catalog.Campaign", models.PROTECT, related_name="orders", verbose_name=_("认定批次"))
    city = models.ForeignKey("catalog.City", models.PROTECT, related_name="orders", verbose_name=_("盟市"))
    amount = models.DecimalField(_("应缴金额（元）"), max_digits=8, decimal_places=2)
    currency = models.CharField(_("币种"), max_length=3, default="CNY")
    description = models.CharField(_("收费项目"), max_length=120)
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.PENDING)
    expires_at = models.DateTimeField(_("缴费截止"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    paid_at = models.DateTimeField(_("缴费时间"), null=True, blank=True)
    # The last day's reminder to an applicant who has not paid yet (sent once).
    reminded_at = models.DateTimeField(_("缴费提醒时间"), null=True, blank=True)
    # A second successful payment, a provider amount mismatch…: someone must look at it.
    flagged = models.BooleanField(_("需核查"), default=False)
    flag_reason = models.CharField(_("核查原因"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("缴费订单")
        verbose_name_plural = _("缴费订单")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="order_amount_positive")]

    def __str__(self) -> str:
        return self.code

    # What templates ask instead of comparing state strings.
    @property
    def is_pending(self) -> bool:
        return self.state == self.State.PENDING

    @property
    def is_paid(self) -> bool:
        return self.state == self.State.PAID

    @property
    def is_expired(self) -> bool:
        return self.state == self.State.EXPIRED

    @property
    def is_canceled(self) -> bool:
        return self.state == self.State.CANCELED

    @property
    def is_refunded(self) -> bool:
        return self.state == self.State.REFUNDED


class Payment(models.Model):
    """One attempt to pay an order through one provider (WeChat Pay, offline)."""

    class State(models.TextChoices):
        CREATED = "created", _("已创建")
        PENDING = "pending", _("待支付")
        CONFIRMED = "confirmed", _("支付成功")
        FAILED = "failed", _("支付失败")
        CANCELED = "canceled", _("已关闭")
        REFUNDED = "refunded", _("已全额退款")

    order = models.ForeignKey(Order, models.PROTECT, related_name="payments", verbose_name=_("缴费订单"))
    provider = models.CharField(_("支付方式"), max_length=20)  # a key of payments.providers.PROVIDERS
    channel = models.CharField(_("渠道"), max_length=20)  # native / jsapi / bank_transfer / cash
    out_trade_no = models.CharField(_("商户订单号"), max_length=32, unique=True)
    amount = models.DecimalField(_("金额（元）"), max_digits=8, decimal_places=2)
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.CREATED)
    # The provider's id of the money movement: WeChat's transaction_id, or the offline receipt number.
    reference = models.CharField(_("交易单号/收据号"), max_length=64, blank=True)
    info = models.JSONField(_("渠道数据"), default=dict, blank=True)  # code_url, prepay_id, last query…
    # Paid while the order was already paid by another payment: refunded automatically.
    is_duplicate = models.BooleanField(_("重复缴费"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("创建人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("到账时间"), null=True, blank=True)
    last_checked_at = models.DateTimeField(_("最近查询"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("支付记录")
        verbose_name_plural = _("支付记录")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive"),
            models.UniqueConstraint(
                fields=["provider", "reference"], condition=~models.Q(reference=""), name="payment_reference_once"
            ),
        ]

    def __str__(self) -> str:
        return self.out_trade_no

    @property
    def channel_label(self) -> str:
        return str(CHANNEL_LABELS.get(self.channel, self.channel))


CHANNEL_LABELS = {
    "native": _("微信扫码支付"),
    "jsapi": _("微信内支付"),
    "bank_transfer": _("银行转账"),
    "cash": _("现金"),
}


class Refund(models.Model):
    """Money going back for one payment: full or partial, through the provider that took it."""

    class State(models.TextChoices):
        CREATED = "created", _("已创建")
        PENDING = "pending", _("退款处理中")
        DONE = "done", _("已退款")
        FAILED = "failed", _("退款失败")

    class Reason(models.TextChoices):
        WITHDRAWAL = "withdrawal", _("考前退出")
        DISQUALIFIED = "disqualified", _("取消资格")
        DUPLICATE = "duplicate", _("重复缴费")
        OTHER = "other", _("其他")

    payment = models.ForeignKey(Payment, models.PROTECT, related_name="refunds", verbose_name=_("支付记录"))
    out_refund_no = models.CharField(_("退款单号"), max_length=64, unique=True)
    amount = models.DecimalField(_("退款金额（元）"), max_digits=8, decimal_places=2)
    reason = models.CharField(_("退款原因"), max_length=20, choices=Reason.choices)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.CREATED)
    reference = models.CharField(_("渠道退款单号/凭证号"), max_length=64, blank=True)
    info = models.JSONField(_("渠道数据"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("经办人")
    )
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    done_at = models.DateTimeField(_("退款到账时间"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("退款")
        verbose_name_plural = _("退款")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_amount_positive")]

    def __str__(self) -> str:
        return self.out_refund_no


class ProviderNotification(models.Model):
    """Every notification a provider sent, with what we did and why: the evidence in a dispute."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("已处理")
        DUPLICATE = "duplicate", _("重复通知，已忽略")
        IGNORED = "ignored", _("已忽略")
        REJECTED = "rejected", _("验证失败，已拒绝")

    provider = models.CharField(_("支付方式"), max_length=20)
    notification_id = models.CharField(_("通知ID"), max_length=64, blank=True)
    event_type = models.CharField(_("事件类型"), max_length=64, blank=True)
    out_trade_no = models.CharField(_("商户订单号"), max_length=64, blank=True)
    outcome = models.CharField(_("结果"), max_length=20, choices=Outcome.choices)
    reason = models.CharField(_("原因"), max_length=300, blank=True)
    received_at = models.DateTimeField(_("接收时间"), auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("支付通知")
        verbose_name_plural = _("支付通知")
        indexes = [models.Index(fields=["out_trade_no"])]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_type} {self.outcome}"


class InvoiceRequest(models.Model):
    """The applicant's request for an e-invoice (发票/单位 or 发票/个人), issued by the association."""

    class Kind(models.TextChoices):
        UNIT = "unit", _("单位")
        PERSONAL = "personal", _("个人")

    class State(models.TextChoices):
        REQUESTED = "requested", _("待开具")
        ISSUED = "issued", _("已开具")

    order = models.OneToOneField(Order, models.PROTECT, related_name="invoice", verbose_name=_("缴费订单"))
    kind = models.CharField(_("发票类型"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("发票抬头"), max_length=100)
    tax_number = models.CharField(_("纳税人识别号"), max_length=20, blank=True)
    email = models.EmailField(_("接收邮箱"))
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.REQUESTED)
    invoice_number = models.CharField(_("发票号码"), max_length=40, blank=True)
    pdf = models.FileField(_("电子发票"), storage=private_files, upload_to="invoices/%Y/", blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("开票人")
    )
    issued_at = models.DateTimeField(_("开具时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("发票申请")
        verbose_name_plural = _("发票申请")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title}"

    @property
    def is_issued(self) -> bool:
        return self.state == self.State.ISSUED


def _reconciliation_path(report: "ReconciliationReport", filename: str) -> str:
    return f"reconciliation/{report.day:%Y}/{filename}"


class ReconciliationReport(models.Model):
    """One provider's day compared with its trade bill (对账): the totals, the differences and
    the workbook. Regenerating a day replaces its row and file (`payments.reconciliation`)."""

    provider = models.CharField(_("支付方式"), max_length=20)
    day = models.DateField(_("对账日期"))
    generated_at = models.DateTimeField(_("生成时间"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("生成人")
    )
    our_payment_count = models.PositiveIntegerField(_("我方支付笔数"), default=0)
    our_payment_amount = models.DecimalField(_("我方支付金额"), max_digits=12, decimal_places=2, default=0)
    our_refund_count = models.PositiveIntegerField(_("我方退款笔数"), default=0)
    our_refund_amount = models.DecimalField(_("我方退款金额"), max_digits=12, decimal_places=2, default=0)
    # Empty when there is no bill: an offline provider, or the bill could not be fetched.
    bill_payment_count = models.PositiveIntegerField(_("渠道支付笔数"), null=True, blank=True)
    bill_payment_amount = models.DecimalField(_("渠道支付金额"), max_digits=12, decimal_places=2, null=True, blank=True)
    bill_refund_count = models.PositiveIntegerField(_("渠道退款笔数"), null=True, blank=True)
    bill_refund_amount = models.DecimalField(_("渠道退款金额"), max_digits=12, decimal_places=2, null=True, blank=True)
    bill_fee = models.DecimalField(_("手续费"), max_digits=12, decimal_places=2, null=True, blank=True)
    difference_count = models.PositiveIntegerField(_("差异笔数"), default=0)
    # [{"kind", "label", "out_trade_no", "out_refund_no", "explanation"}]: shown on the overview.
    differences = models.JSONField(_("差异"), default=list, blank=True)
    bill_error = models.CharField(_("账单获取失败原因"), max_length=300, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    file = models.FileField(_("对账表"), storage=private_files, upload_to=_reconciliation_path, blank=True)

    class Meta:
        ordering = ["-day", "provider"]
        verbose_name = _("对账报告")
        verbose_name_plural = _("对账报告")
        constraints = [models.UniqueConstraint(fields=["provider", "day"], name="reconciliation_report_once")]

    def __str__(self) -> str:
        return f"{self.provider} {self.day:%Y-%m-%d}"

    @property
    def our_net(self):
        return self.our_payment_amount - self.our_refund_amount

    @property
    def bill_net(self):
        if self.bill_payment_amount is None or self.bill_refund_amount is None:
            return None
        return self.bill_payment_amount - self.bill_refund_amount
