"""The simulator's own state: what "WeChat Pay" knows about transactions, refunds and its notifications."""

from django.db import models


class SimTransaction(models.Model):
    class State(models.TextChoices):
        NOTPAY = "NOTPAY", "未支付"
        USERPAYING = "USERPAYING", "用户支付中"
        SUCCESS = "SUCCESS", "支付成功"
        REFUND = "REFUND", "转入退款"
        CLOSED = "CLOSED", "已关闭"
        PAYERROR = "PAYERROR", "支付失败"
        REVOKED = "REVOKED", "已撤销"

    mchid = models.CharField(max_length=32)
    appid = models.CharField(max_length=32)
    out_trade_no = models.CharField(max_length=32)
    transaction_id = models.CharField(max_length=32, blank=True)  # assigned when paid
    trade_type = models.CharField(max_length=16)  # NATIVE, JSAPI
    description = models.CharField(max_length=127)
    attach = models.CharField(max_length=128, blank=True)
    total = models.PositiveIntegerField()  # fen
    currency = models.CharField(max_length=8, default="CNY")
    notify_url = models.CharField(max_length=256)
    time_expire = models.DateTimeField(null=True, blank=True)
    payer_client_ip = models.CharField(max_length=64, blank=True)
    payer_openid = models.CharField(max_length=128, blank=True)
    code_url = models.CharField(max_length=128, blank=True)
    prepay_id = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.NOTPAY)
    bank_type = models.CharField(max_length=32, blank=True)
    success_time = models.DateTimeField(null=True, blank=True)
    request = models.JSONField(default=dict)  # the order as created: a second create must match it
    created_at = models.DateTimeField(auto_now_add=True)

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

    transaction = models.ForeignKey(SimTransaction, models.CASCADE, related_name="refunds")
    refund_id = models.CharField(max_length=32, unique=True)
    out_refund_no = models.CharField(max_length=64)
    refund = models.PositiveIntegerField()  # fen
    reason = models.CharField(max_length=80, blank=True)
    notify_url = models.CharField(max_length=256, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROCESSING)
    success_time = models.DateTimeField(null=True, blank=True)
    request = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

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

    notification_id = models.CharField(max_length=64, unique=True)
    transaction = models.ForeignKey(SimTransaction, models.CASCADE, related_name="notifications")
    refund = models.ForeignKey(SimRefund, models.CASCADE, null=True, blank=True, related_name="notifications")
    event_type = models.CharField(max_length=32)
    url = models.CharField(max_length=256)
    body = models.TextField()  # signed afresh at each attempt, like WeChat's retries
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    log = models.JSONField(default=list)  # [{"at", "status", "error"}] per attempt
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "模拟通知"
        verbose_name_plural = "模拟通知"

    def __str__(self) -> str:
        return f"{self.event_type} → {self.url} ({self.state})"
