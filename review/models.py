"""Review rounds (初审 by the city, 复审 by the association), returned items, fraud flags,
and the receipt of the signed paper form."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Tier(models.TextChoices):
    CITY = "city", _("初审（协办单位）")
    ASSOCIATION = "association", _("复审（就促会）")


class Decision(models.TextChoices):
    APPROVED = "approved", _("通过")
    RETURNED = "returned", _("退回修改")


class ReviewRound(models.Model):
    """One decision of one tier on one application. Rounds are kept: the history."""

    application = models.ForeignKey(
        "applications.Application", models.CASCADE, related_name="review_rounds", verbose_name=_("申报")
    )
    tier = models.CharField(_("审核环节"), max_length=20, choices=Tier.choices)
    decision = models.CharField(_("结论"), max_length=20, choices=Decision.choices)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("审核人"))
    decided_at = models.DateTimeField(_("时间"), auto_now_add=True)
    comment = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["decided_at", "pk"]
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")

    def __str__(self) -> str:
        return f"{self.get_tier_display()} {self.get_decision_display()}"


class ReturnItem(models.Model):
    """One thing to fix: a field of the form or a document slot, with the reason."""

    round = models.ForeignKey(ReviewRound, models.CASCADE, related_name="items", verbose_name=_("审核记录"))
    item = models.CharField(_("项目"), max_length=40)  # an Application field name or a DocumentSlot value
    reason_code = models.CharField(_("常用原因"), max_length=40, blank=True)
    reason = models.CharField(_("原因"), max_length=300)

    class Meta:
        verbose_name = _("退回项目")
        verbose_name_plural = _("退回项目")

    def __str__(self) -> str:
        return f"{self.item}: {self.reason}"

    @property
    def label(self) -> str:
        return item_label(self.item)


def item_label(item: str) -> str:
    """The name a person reads for a returned item: a form field or a document slot."""
    from applications.models import Application, DocumentSlot

    if item in DocumentSlot.values:
        return str(DocumentSlot(item).label)
    return str(Application._meta.get_field(item).verbose_name)


class FlagKind(models.TextChoices):
    DUPLICATE_ID = "duplicate_id", _("同一身份证号重复申报")
    SAME_FILE = "same_file", _("与他人上传了相同文件")
    SIMILAR_TEXT = "similar_text", _("技术总结或论文与他人高度相似")
    SCAN_LENGTH = "scan_length", _("扫描件无文字层，字数需人工核对")


class Flag(models.Model):
    """A signal for reviewers; it never blocks anything by itself."""

    application = models.ForeignKey(
        "applications.Application", models.CASCADE, related_name="flags", verbose_name=_("申报")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=FlagKind.choices)
    detail = models.CharField(_("说明"), max_length=300, blank=True)
    other = models.ForeignKey(
        "applications.Application", models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("相关申报")
    )
    score = models.FloatField(_("相似度"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))

    class Meta:
        verbose_name = _("风险提示")
        verbose_name_plural = _("风险提示")
        constraints = [
            models.UniqueConstraint(fields=["application", "kind", "other", "detail"], name="flag_once"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class PaperFormReceipt(models.Model):
    """The signed original 申报表 reached the co-organizer (报名流程 四(一))."""

    application = models.OneToOneField(
        "applications.Application", models.CASCADE, related_name="paper_form", verbose_name=_("申报")
    )
    received_on = models.DateField(_("收到日期"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("经办人")
    )
    recorded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("登记时间"))

    class Meta:
        verbose_name = _("纸质申报表签收")
        verbose_name_plural = _("纸质申报表签收")

    def __str__(self) -> str:
        return f"{self.received_on}"
