"""An application (申报) for one occupation and level of a campaign, and its documents."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from applications import vocabulary
from skillcert.fields import EncryptedTextField, LookupHashesMixin, LookupHashField
from skillcert.lib.identity import normalise_id_number, normalise_mobile
from skillcert.storage import private_files


class Status(models.TextChoices):
    """The lifecycle of DESIGN.md; only `applications.lifecycle` changes it."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交，待初审")
    RETURNED = "returned", _("退回修改")
    CITY_APPROVED = "city_approved", _("初审通过，待复审")
    APPROVED = "approved", _("审核通过")
    PAID = "paid", _("已缴费")
    SCHEDULED = "scheduled", _("已排考")
    EXAMINED = "examined", _("已考试")
    PASSED = "passed", _("合格")
    FAILED = "failed", _("不合格")
    CERTIFIED = "certified", _("已发证")
    DELIVERED = "delivered", _("已领证")
    WITHDRAWN = "withdrawn", _("已撤回")
    DISQUALIFIED = "disqualified", _("已取消资格")


def _choices(name: str, terms: tuple[vocabulary.Term, ...]) -> type[models.TextChoices]:
    """Model choices from the vocabulary's keys and labels (INITIAL = "initial", "初次申报")."""
    members = [(term.key.upper(), (term.key, _(term.label))) for term in terms]
    return models.TextChoices(name, members, module=__name__)  # type: ignore[return-value]


Category = _choices("Category", vocabulary.CATEGORY)
Education = _choices("Education", vocabulary.EDUCATION)
TitleField = _choices("TitleField", vocabulary.TITLE_FIELD)
TitleRank = _choices("TitleRank", vocabulary.TITLE_RANK)


class Application(LookupHashesMixin, models.Model):
    campaign = models.ForeignKey(
        "catalog.Campaign", models.PROTECT, related_name="applications", verbose_name=_("认定批次")
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="applications", verbose_name=_("申报人")
    )
    # The co-organizer that handles it: where the employer is; 自治区直属单位 go to 呼和浩特.
    city = models.ForeignKey(
        "catalog.City", models.PROTECT, null=True, blank=True, related_name="applications", verbose_name=_("盟市")
    )
    is_direct_unit = models.BooleanField(_("自治区直属单位"), default=False)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    # optimistic lock for concurrent edits
    version = models.PositiveIntegerField(default=0, editable=False, verbose_name=_("版本"))
    # While returned: which tier returned it (resubmission goes back there) and what to fix.
    returned_tier = models.CharField(max_length=20, blank=True, verbose_name=_("退回环节"))
    returned_items = models.JSONField(default=list, blank=True, verbose_name=_("退回项目"))
    # Last four digits, for staff searching a queue ("尾号"); the masks show them anyway.
    id_tail = models.CharField(max_length=4, blank=True, db_index=True, editable=False, verbose_name=_("身份证号尾号"))
    phone_tail = models.CharField(max_length=4, blank=True, db_index=True, editable=False, verbose_name=_("手机号尾号"))

    # Annex 2 — the person
    full_name = models.CharField(_("姓名"), max_length=50)
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True)
    id_number = EncryptedTextField(_("身份证号码"), normaliser=normalise_id_number)
    id_number_hash = LookupHashField(source="id_number", verbose_name=_("身份证号码查询摘要"))
    phone = EncryptedTextField(_("联系电话"), normaliser=normalise_mobile)
    phone_hash = LookupHashField(source="phone", verbose_name=_("联系电话查询摘要"))
    education = models.CharField(_("文化程度"), max_length=30, choices=Education.choices, blank=True)
    education_related = models.BooleanField(_("所学专业与申报职业相关"), default=False)
    preparatory_technician = models.BooleanField(_("持有预备技师证书（技师学院）"), default=False)
    work_started_on = models.DateField(_("参加工作时间"), null=True, blank=True)
    occupation_years = models.PositiveSmallIntegerField(_("本职业工龄（年）"), null=True, blank=True)
    employer = models.CharField(_("工作单位"), max_length=100, blank=True)

    # Annex 2 — what is applied for
    occupation = models.ForeignKey(
        "catalog.Occupation", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("申报职业")
    )
    level = models.ForeignKey(
        "catalog.Level", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("申报等级")
    )
    work_type = models.CharField(_("申报工种"), max_length=50, blank=True)
    category = models.CharField(_("申报类别"), max_length=20, choices=Category.choices, blank=True)
    apprenticeship_completed = models.BooleanField(_("已完成学徒期"), default=False)

    # Prior certificate (晋级、平转)
    prior_occupation = models.ForeignKey(
        "catalog.Occupation", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("上一级证书职业")
    )
    prior_occupation_name = models.CharField(_("上一级证书职业（目录外）"), max_length=50, blank=True)
    prior_certificate_number = models.CharField(_("上一级证书编号"), max_length=50, blank=True)
    prior_level = models.PositiveSmallIntegerField(_("所持证书等级"), null=True, blank=True)
    prior_issued_on = models.DateField(_("发证日期"), null=True, blank=True)
    prior_related = models.BooleanField(_("与申报职业相同或相关"), default=False)
    prior_via_transfer = models.BooleanField(_("该证书由平转取得"), default=False)
    prior_original_issued_on = models.DateField(_("平转前原证书发证日期"), null=True, blank=True)
    prior_via_veteran = models.BooleanField(_("该证书由退役军人申报取得"), default=False)
    prior_wage_granted_year = models.PositiveSmallIntegerField(_("兑现工资待遇年份"), null=True, blank=True)

    # Professional title (贯通)
    title_field = models.CharField(_("职称领域"), max_length=30, choices=TitleField.choices, blank=True)
    title_rank = models.CharField(_("职称等级"), max_length=20, choices=TitleRank.choices, blank=True)
    title_obtained_on = models.DateField(_("取得职称时间"), null=True, blank=True)

    # Veteran (退役军人)
    veteran_wage_level = models.PositiveSmallIntegerField(_("工资待遇等级"), null=True, blank=True)
    veteran_wage_since_year = models.PositiveSmallIntegerField(_("兑现待遇年份"), null=True, blank=True)

    # Annex 2 — free text
    work_history = models.TextField(_("工作简历"), blank=True)
    achievements = models.TextField(_("技术革新、技术攻关和技能竞赛成绩及传授技艺情况"), blank=True)
    specialties = models.TextField(_("技术特长与业绩"), blank=True)

    # Snapshot of the engine's decision when submitted
    eligibility_rule = models.CharField(max_length=80, blank=True, verbose_name=_("资格判定规则"))
    eligibility_reasons = models.JSONField(default=list, blank=True, verbose_name=_("资格判定理由"))

    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("更新时间"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    # The latest resubmission after a return; reviewers sort by it and see it marked.
    resubmitted_at = models.DateTimeField(_("重新提交时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("申报")
        verbose_name_plural = _("申报")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "id_number_hash"],
                condition=~models.Q(status="withdrawn"),
                name="one_application_per_person_per_campaign",
                violation_error_message=_("同一批次每人只能申报一次。"),
            ),
        ]
        indexes = [models.Index(fields=["campaign", "city", "status"], name="application_queue")]

    def __str__(self) -> str:
        from skillcert.lib.masking import mask_name

        what = f"{self.occupation.name} {self.level}" if self.occupation_id and self.level_id else ""
        return f"{mask_name(self.full_name)} {what}".strip()

    def save(self, *args, **kwargs):
        self.id_tail = (self.id_number or "")[-4:].upper()
        self.phone_tail = (self.phone or "")[-4:]
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "id_tail", "phone_tail"}
        super().save(*args, **kwargs)


class DocumentSlot(models.TextChoices):
    ID_FRONT = "id_front", _("身份证正面")
    ID_BACK = "id_back", _("身份证反面")
    DIPLOMA = "diploma", _("学历证书")
    PLEDGE = "pledge", _("诚信承诺书（签字）")
    PHOTO = "photo", _("白底证件照")
    PRIOR_CERTIFICATE = "prior_certificate", _("上一级证书")
    PRIOR_CERTIFICATE_QUERY = "prior_certificate_query", _("证书网上查询截图")
    TECHNICAL_SUMMARY = "technical_summary", _("专业技术总结（PDF）")
    PAPER = "paper", _("专利成果/项目报告/技术论文（PDF）")


def _document_path(instance, filename: str) -> str:  # services name files themselves
    return f"applications/{instance.application_id}/{uuid.uuid4().hex}{filename[filename.rfind('.') :]}"


class ApplicationDocument(models.Model):
    application = models.ForeignKey(Application, models.CASCADE, related_name="documents", verbose_name=_("申报"))
    slot = models.CharField(_("材料"), max_length=30, choices=DocumentSlot.choices)
    file = models.FileField(storage=private_files, upload_to=_document_path, max_length=200, verbose_name=_("文件"))
    content_type = models.CharField(max_length=50, verbose_name=_("文件类型"))
    size = models.PositiveIntegerField(verbose_name=_("大小（字节）"))
    sha256 = models.CharField(max_length=64, db_index=True, verbose_name=_("SHA-256 摘要"))
    pages = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("页数"))
    text_characters = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("字数"))
    flags = models.JSONField(default=list, blank=True, verbose_name=_("检查提示"))
    # The text layer of summaries and papers, for the similarity check of reviewers.
    text = models.TextField(blank=True, editable=False, verbose_name=_("文字内容"))
    # MinHash signature of `text` (review.similarity.Signature.to_bytes()), for the similarity check.
    minhash = models.BinaryField(null=True, blank=True, editable=False, verbose_name=_("相似度签名"))
    uploaded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("上传时间"))
    # Not stored: what the upload service did to the file ("照片已从 … 压缩为 …"), to tell the applicant.
    notes: tuple[str, ...] = ()

    class Meta:
        verbose_name = _("申报材料")
        verbose_name_plural = _("申报材料")
        constraints = [models.UniqueConstraint(fields=["application", "slot"], name="one_document_per_slot")]

    def __str__(self) -> str:
        return self.get_slot_display()
