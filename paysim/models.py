"""The simulator's own state: what "WeChat Pay" knows about transactions, refunds and its notifications."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SimTransaction(models.Model):
    class State(models.TextChoices):
        NOTPAY = "NOTPAY", "未支付"
        USERPAYING = "USERPAYING", "用户支付中"
        SUCCESS = "SUCCESS", "支付成功"
        REFUND = "REFUND", "转入退款"
        CLOSED = "CLOSED", "已关闭"
        PAYERROR = "PAYERROR", "支付失败"
        REVOKED = "REVOKED", "已撤销"

    mchid = models.CharField(max_length=32, verbose_name=_("商户号"))
    appid = models.CharField(max_length=32, verbose_name=_("应用 ID"))
    out_trade_no = models.CharField(max_length=32, verbose_name=_("商户订单号"))
    transaction_id = models.CharField(max_length=32, blank=True, verbose_name=_("微信支付订单号"))  # assigned when paid
    trade_type = models.CharField(max_length=16, verbose_name=_("交易类型"))  # NATIVE, JSAPI
    description = models.CharField(max_length=127, verbose_name=_("商品描述"))
    attach = models.CharField(max_length=128, blank=True, verbose_name=_("附加数据"))
    total = models.PositiveIntegerField(verbose_name=_("金额（分）"))  # fen
    currency = models.CharField(max_length=8, default="CNY", verbose_name=_("币种"))
    notify_url = models.CharField(max_length=256, verbose_name=_("通知地址"))
    time_expire = models.DateTimeField(null=True, blank=True, verbose_name=_("失效时间"))
    payer_client_ip = models.CharField(max_length=64, blank=True, verbose_name=_("付款人 IP"))
    payer_openid = models.CharField(max_length=128, blank=True, verbose_name=_("付款人 openid"))
    code_url = models.CharField(max_length=128, blank=True, verbose_name=_("二维码链接"))
    prepay_id = models.CharField(max_length=64, blank=True, verbose_name=_("预支付交易会话标识"))
    state = models.CharField(max_length=16, choices=State.choices, default=State.NOTPAY, verbose_name=_("交易状态"))
    bank_type = models.CharField(max_length=32, blank=True, verbose_name=_("付款银行"))
    success_time = models.DateTimeField(null=True, blank=True, verbose_name=_("支付完成时间"))
    # the order as created: a second create must match it
    request = models.JSONField(default=dict, verbose_name=_("下单请求"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "模拟交易"
        verbose_name_plural = "模拟交易"
        constraints = [
            models.UniqueConstraint(fields=["mchid", "out_trade_no"], name="paysim_out_trade_no_once"),
            models.UniqueConstraint(
                fields=["transaction_id"], condition=~models.Q(transaction_id=""), name="paysim_transaction_id_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.out_trade_no} {self.state}"


class SimRefund(models.Model):
    class Status(models.TextChoices):
        PROCESSING = "PROCESSING", "退款处理中"
        SUCCESS = "SUCCESS", "退款成功"
        CLOSED = "CLOSED", "退款关闭"
        ABNORMAL = "ABNORMAL", "退款异常"

    transaction = models.ForeignKey(SimTransaction, models.CASCADE, related_name="refunds", verbose_name=_("模拟交易"))
    refund_id = models.CharField(max_length=32, unique=True, verbose_name=_("微信支付退款单号"))
    out_refund_no = models.CharField(max_length=64, verbose_name=_("商户退款单号"))
    refund = models.PositiveIntegerField(verbose_name=_("退款金额（分）"))  # fen
    reason = models.CharField(max_length=80, blank=True, verbose_name=_("退款原因"))
    notify_url = models.CharField(max_length=256, blank=True, verbose_name=_("通知地址"))
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PROCESSING, verbose_name=_("退款状态")
    )
    success_time = models.DateTimeField(null=True, blank=True, verbose_name=_("退款完成时间"))
    request = models.JSONField(default=dict, verbose_name=_("退款请求"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "模拟退款"
        verbose_name_plural = "模拟退款"

    def __str__(self) -> str:
        return f"{self.out_refund_no} {self.status}"


class SimNotification(models.Model):
    """One notification and the log of its delivery attempts."""

    class State(models.TextChoices):
        PENDING = "pending", "待投递"
        DELIVERED = "delivered", "已送达"
        FAILED = "failed", "投递失败"

    notification_id = models.CharField(max_length=64, unique=True, verbose_name=_("通知 ID"))
    transaction = models.ForeignKey(
        SimTransaction, models.CASCADE, related_name="notifications", verbose_name=_("模拟交易")
    )
    refund = models.ForeignKey(
        SimRefund, models.CASCADE, null=True, blank=True, related_name="notifications", verbose_name=_("模拟退款")
    )
    event_type = models.CharField(max_length=32, verbose_name=_("通知类型"))
    url = models.CharField(max_length=256, verbose_name=_("通知地址"))
    body = models.TextField(verbose_name=_("通知内容"))  # signed afresh at each attempt, like WeChat's retries
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING, verbose_name=_("投递状态"))
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("投递次数"))
    log = models.JSONField(default=list, verbose_name=_("投递记录"))  # [{"at", "status", "error"}] per attempt
    next_attempt_at = models.DateTimeField(null=True, blank=True, verbose_name=_("下次投递时间"))
    delivered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("送达时间"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "模拟通知"
        verbose_name_plural = "模拟通知"

    def __str__(self) -> str:
        return f"{self.event_type} → {self.url} ({self.state})"
