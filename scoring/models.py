"""Scores, comprehensive review by experts, publicity with objections, the summary's signed scan
and the archive of answer sheets: the rows of the `scoring` app.

Only `scoring.services` writes them (each use case in one transaction, audited); `status` of an
application still moves only through `applications.lifecycle` (EXAMINE at publicity, CONCLUDE
at its close)."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from skillcert.fields import EncryptedTextField, LookupHashesMixin, LookupHashField
from skillcert.lib.identity import normalise_id_number, normalise_mobile
from skillcert.storage import private_files


class Part(models.TextChoices):
    """The parts of an evaluation (notice 四): two written papers, and 综合评审 for 二级/一级."""

    THEORY = "theory", _("理论知识考试")
    SKILL = "skill", _("技能考核")
    REVIEW = "review", _("综合评审")


class Mark(models.TextChoices):
    """What a part's cell holds: a score, 缺考 (never a score), or 违纪 (the part void)."""

    SCORE = "score", _("成绩")
    ABSENT = "absent", _("缺考")
    VOID = "void", _("违纪")


class ScoringRules(models.Model):
    """What the association sets per campaign for marking, review and publicity."""

    campaign = models.OneToOneField(
        "catalog.Campaign", models.CASCADE, related_name="scoring_rules", verbose_name=_("认定批次")
    )
    decimals = models.PositiveSmallIntegerField(_("成绩保留小数位数"), default=0)
    panel_size = models.PositiveSmallIntegerField(_("每位考生的评审专家人数"), default=3)
    spread_threshold = models.DecimalField(_("专家评分差异提示阈值（分）"), max_digits=5, decimal_places=2, default=20)
    publicity_working_days = models.PositiveSmallIntegerField(_("公示期（工作日）"), default=5)
    review_deadline = models.DateField(_("综合评审截止日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("成绩评定规则")
        verbose_name_plural = _("成绩评定规则")
        constraints = [
            models.CheckConstraint(condition=Q(decimals__lte=2), name="scoring_decimals_at_most_two"),
            models.CheckConstraint(condition=Q(panel_size__gte=3), name="scoring_panel_of_three_or_more"),
            models.CheckConstraint(condition=Q(publicity_working_days__gte=1), name="scoring_publicity_a_day_or_more"),
        ]

    def __str__(self) -> str:
        return str(self.campaign)


class Criterion(models.Model):
    """One line of the 综合评审 sheet; a campaign's weights sum to 100 (checked by the service)."""

    campaign = models.ForeignKey(
        "catalog.Campaign", models.CASCADE, related_name="review_criteria", verbose_name=_("认定批次")
    )
    name = models.CharField(_("评审项目"), max_length=100)
    weight = models.PositiveSmallIntegerField(_("分值"))
    position = models.PositiveSmallIntegerField(_("序号"), default=0)

    class Meta:
        ordering = ["campaign", "position", "pk"]
        verbose_name = _("综合评审项目")
        verbose_name_plural = _("综合评审项目")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="one_criterion_per_name"),
            models.CheckConstraint(condition=Q(weight__gte=1, weight__lte=100), name="criterion_weight_1_to_100"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.weight}分）"


# --- Score entry: sheets (room × session), the two independent entries, the final score -------


class Sheet(models.Model):
    """成绩登记: the answer sheets of one room in one session, entered in ticket order."""

    class State(models.TextChoices):
        OPEN = "open", _("录入中")
        CONFIRMED = "confirmed", _("已确认")

    campaign = models.ForeignKey("catalog.Campaign", models.CASCADE, related_name="+", verbose_name=_("认定批次"))
    city = models.ForeignKey("catalog.City", models.PROTECT, related_name="+", verbose_name=_("盟市"))
    room = models.ForeignKey("exams.Room", models.PROTECT, related_name="score_sheets", verbose_name=_("考场"))
    session = models.ForeignKey(
        "catalog.ExamSession", models.PROTECT, related_name="score_sheets", verbose_name=_("场次")
    )
    part = models.CharField(_("科目"), max_length=10, choices=Part.choices)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    version = models.PositiveIntegerField(_("版本"), default=0)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("确认人")
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("成绩登记表")
        verbose_name_plural = _("成绩登记表")
        constraints = [models.UniqueConstraint(fields=["room", "session"], name="one_score_sheet_per_room_session")]

    def __str__(self) -> str:
        return f"{self.room} {self.get_part_display()}"

    @property
    def is_confirmed(self) -> bool:
        """The scores are final (确认)."""
        return self.state == self.State.CONFIRMED


class Round(models.IntegerChoices):
    """录入 and 复核 are two independent entries by two different staff; 裁定 resolves a mismatch."""

    FIRST = 1, _("录入")
    SECOND = 2, _("复核")
    DECISION = 3, _("裁定")


SCORE_RANGE = Q(value__isnull=True) | Q(value__gte=0, value__lte=100)
VALUE_IFF_SCORE = Q(mark=Mark.SCORE, value__isnull=False) | (~Q(mark=Mark.SCORE) & Q(value__isnull=True))


class Entry(models.Model):
    """One staff member's entry of one candidate's part on a sheet, in one round."""

    sheet = models.ForeignKey(Sheet, models.CASCADE, related_name="entries", verbose_name=_("成绩登记表"))
    application = models.ForeignKey(
        "applications.Application", models.CASCADE, related_name="score_entries", verbose_name=_("申报")
    )
    round = models.PositiveSmallIntegerField(_("轮次"), choices=Round.choices)
    mark = models.CharField(_("标记"), max_length=10, choices=Mark.choices)
    value = models.DecimalField(_("成绩"), max_digits=5, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("录入人"))
    entered_at = models.DateTimeField(_("录入时间"))

    class Meta:
        verbose_name = _("成绩录入")
        verbose_name_plural = _("成绩录入")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "application", "round"], name="one_entry_per_round"),
            models.CheckConstraint(condition=SCORE_RANGE, name="entry_value_0_to_100"),
            models.CheckConstraint(condition=VALUE_IFF_SCORE, name="entry_value_iff_score"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.get_round_display()}"


class Score(models.Model):
    """The final score of one part of one application. Changes only by an approved amendment."""

    application = models.ForeignKey(
        "applications.Application", models.CASCADE, related_name="scores", verbose_name=_("申报")
    )
    part = models.CharField(_("科目"), max_length=10, choices=Part.choices)
    mark = models.CharField(_("标记"), max_length=10, choices=Mark.choices)
    value = models.DecimalField(_("成绩"), max_digits=5, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    sheet = models.ForeignKey(
        Sheet, models.SET_NULL, null=True, blank=True, related_name="scores", verbose_name=_("成绩登记表")
    )
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("确认人")
    )
    finalized_at = models.DateTimeField(_("确认时间"))
    revision = models.PositiveSmallIntegerField(_("更正次数"), default=0)
    # 九.二: a disqualification voids every result of the application, with its reason.
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    void_reason = models.CharField(_("作废原因"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("成绩")
        verbose_name_plural = _("成绩")
        constraints = [
            models.UniqueConstraint(fields=["application", "part"], name="one_score_per_part"),
            models.CheckConstraint(condition=SCORE_RANGE, name="score_value_0_to_100"),
            models.CheckConstraint(condition=VALUE_IFF_SCORE, name="score_value_iff_score"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.get_part_display()}"


class Amendment(models.Model):
    """A change to a final score: asked by the city's regulator with a reason, decided by the association."""

    class State(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")

    score = models.ForeignKey(Score, models.CASCADE, related_name="amendments", verbose_name=_("成绩"))
    old_mark = models.CharField(_("原标记"), max_length=10, choices=Mark.choices)
    old_value = models.DecimalField(_("原成绩"), max_digits=5, decimal_places=2, null=True, blank=True)
    new_mark = models.CharField(_("新标记"), max_length=10, choices=Mark.choices)
    new_value = models.DecimalField(_("新成绩"), max_digits=5, decimal_places=2, null=True, blank=True)
    new_note = models.CharField(_("新说明"), max_length=500, blank=True)
    reason = models.CharField(_("更正原因"), max_length=500)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("申请人")
    )
    requested_at = models.DateTimeField(_("申请时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("审批人")
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("成绩更正")
        verbose_name_plural = _("成绩更正")
        constraints = [
            models.UniqueConstraint(
                fields=["score"], condition=Q(state="pending"), name="one_pending_amendment_per_score"
            ),
            models.CheckConstraint(
                condition=Q(new_value__isnull=True) | Q(new_value__gte=0, new_value__lte=100),
                name="amendment_value_0_to_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score_id} {self.get_state_display()}"

    @property
    def is_pending(self) -> bool:
        """Waiting for the association's decision."""
        return self.state == self.State.PENDING


class ScoreImport(models.Model):
    """An uploaded xlsx of one sheet and round: checked, previewed with its differences, then applied."""

    class State(models.TextChoices):
        PREVIEW = "preview", _("待确认")
        APPLIED = "applied", _("已导入")
        DISCARDED = "discarded", _("已放弃")

    sheet = models.ForeignKey(Sheet, models.CASCADE, related_name="imports", verbose_name=_("成绩登记表"))
    round = models.PositiveSmallIntegerField(_("轮次"), choices=Round.choices)
    file_name = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(_("SHA-256 摘要"), max_length=64)
    # {application id: [mark, value or None, note]}: every row of the file, checked.
    rows = models.JSONField(_("导入内容"), default=dict)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PREVIEW)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("上传人")
    )
    uploaded_at = models.DateTimeField(_("上传时间"))
    applied_at = models.DateTimeField(_("导入时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("成绩导入")
        verbose_name_plural = _("成绩导入")

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_preview(self) -> bool:
        """Checked, not yet applied or discarded."""
        return self.state == self.State.PREVIEW


# --- 综合评审: the city's expert pool, panels, assignments and score sheets -----------------------


class Expert(models.Model):
    """A member of a city's pool of 技能人才评审委员 (kept across campaigns)."""

    city = models.ForeignKey("catalog.City", models.PROTECT, related_name="experts", verbose_name=_("盟市"))
    name = models.CharField(_("姓名"), max_length=50)
    work_unit = models.CharField(_("工作单位"), max_length=100)
    title = models.CharField(_("职称/职务"), max_length=50, blank=True)
    specialties = models.ManyToManyField(
        "catalog.Occupation", blank=True, related_name="experts", verbose_name=_("评审专业（职业）")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="expert_profile",
        verbose_name=_("登录账号"),
    )
    active = models.BooleanField(_("在库"), default=True)

    class Meta:
        ordering = ["city", "name", "pk"]
        verbose_name = _("评审专家")
        verbose_name_plural = _("评审专家")

    def __str__(self) -> str:
        return self.name


class DeclaredRelation(LookupHashesMixin, models.Model):
    """A person an expert declared a relation with (relative, mentor, colleague): never reviewed by them."""

    expert = models.ForeignKey(Expert, models.CASCADE, related_name="relations", verbose_name=_("评审专家"))
    full_name = models.CharField(_("姓名"), max_length=50)
    id_number = EncryptedTextField(_("身份证号码"), normaliser=normalise_id_number)
    id_number_hash = LookupHashField(source="id_number", verbose_name=_("身份证号码查询摘要"))
    relation = models.CharField(_("关系"), max_length=50)

    class Meta:
        verbose_name = _("专家申报的回避关系")
        verbose_name_plural = _("专家申报的回避关系")
        constraints = [
            models.UniqueConstraint(fields=["expert", "id_number_hash"], name="one_relation_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.expert_id} {self.relation}"


class Panel(models.Model):
    """A 综合评审 panel of one city for one occupation group; its chair closes it."""

    class State(models.TextChoices):
        OPEN = "open", _("评审中")
        CLOSED = "closed", _("已结束")

    campaign = models.ForeignKey("catalog.Campaign", models.CASCADE, related_name="panels", verbose_name=_("认定批次"))
    city = models.ForeignKey("catalog.City", models.PROTECT, related_name="+", verbose_name=_("盟市"))
    name = models.CharField(_("评审组名称"), max_length=100)
    occupations = models.ManyToManyField("catalog.Occupation", related_name="+", verbose_name=_("评审职业"))
    members = models.ManyToManyField(Expert, related_name="panels", verbose_name=_("评审专家"))
    chair = models.ForeignKey(Expert, models.PROTECT, related_name="chaired_panels", verbose_name=_("评审组组长"))
    deadline = models.DateField(_("评审截止日期"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    version = models.PositiveIntegerField(_("版本"), default=0)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("结束人")
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("综合评审组")
        verbose_name_plural = _("综合评审组")
        constraints = [models.UniqueConstraint(fields=["campaign", "city", "name"], name="one_panel_per_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        """Still reviewing: the chair has not closed it."""
        return self.state == self.State.OPEN


class Review(models.Model):
    """One expert's review of one candidate on a panel: the weighted sheet, hidden until submitted."""

    panel = models.ForeignKey(Panel, models.CASCADE, related_name="reviews", verbose_name=_("评审组"))
    application = models.ForeignKey(
        "applications.Application", models.CASCADE, related_name="expert_reviews", verbose_name=_("申报")
    )
    expert = models.ForeignKey(Expert, models.PROTECT, related_name="reviews", verbose_name=_("评审专家"))
    # {criterion id (str): points given}; each within its criterion's weight.
    points = models.JSONField(_("各项评分"), default=dict, blank=True)
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=2, null=True, blank=True)
    comment = models.CharField(_("评语"), max_length=500, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("专家评审")
        verbose_name_plural = _("专家评审")
        constraints = [
            models.UniqueConstraint(fields=["application", "expert"], name="one_review_per_expert_and_candidate"),
            models.CheckConstraint(
                condition=Q(total__isnull=True) | Q(total__gte=0, total__lte=100), name="review_total_0_to_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expert_id} → {self.application_id}"


# --- Publicity (公示) and objections (异议) ----------------------------------------------------------


class Publicity(models.Model):
    """A city's results on the public page for N working days; closing makes them final."""

    class State(models.TextChoices):
        OPEN = "open", _("公示中")
        CLOSED = "closed", _("公示结束")

    campaign = models.ForeignKey(
        "catalog.Campaign", models.CASCADE, related_name="publicities", verbose_name=_("认定批次")
    )
    city = models.ForeignKey("catalog.City", models.PROTECT, related_name="+", verbose_name=_("盟市"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    opens_on = models.DateField(_("公示开始"))
    closes_on = models.DateField(_("公示结束（含）"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("发布人"))
    opened_at = models.DateTimeField(_("发布时间"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("结束人")
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("成绩公示")
        verbose_name_plural = _("成绩公示")
        constraints = [models.UniqueConstraint(fields=["campaign", "city"], name="one_publicity_per_city")]

    def __str__(self) -> str:
        return f"{self.campaign} {self.city}"

    @property
    def is_open(self) -> bool:
        """On the public page and taking objections (until its last day)."""
        return self.state == self.State.OPEN


def objection_reference() -> str:
    return secrets.token_hex(6).upper()


class Objection(LookupHashesMixin, models.Model):
    """异议: lodged by anyone against a line of a publicity; answered by the regulator."""

    class State(models.TextChoices):
        OPEN = "open", _("调查中")
        ANSWERED = "answered", _("已答复")

    publicity = models.ForeignKey(Publicity, models.CASCADE, related_name="objections", verbose_name=_("成绩公示"))
    application = models.ForeignKey(
        "applications.Application",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="objections",
        verbose_name=_("被异议考生"),
    )
    reference = models.CharField(_("受理编号"), max_length=12, unique=True, default=objection_reference)
    subject = models.CharField(_("异议对象"), max_length=100)
    text = models.TextField(_("异议内容"))
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_phone = EncryptedTextField(_("联系电话"), normaliser=normalise_mobile)
    contact_phone_hash = LookupHashField(source="contact_phone", verbose_name=_("联系电话查询摘要"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    lodged_at = models.DateTimeField(_("提出时间"))
    outcome = models.TextField(_("调查结果"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("答复人")
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        ordering = ["-lodged_at", "-pk"]
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")

    def __str__(self) -> str:
        return self.reference

    @property
    def is_answered(self) -> bool:
        """The regulator recorded the outcome (the objector is told)."""
        return self.state == self.State.ANSWERED


# --- 汇总表 scans and the archive of answer sheets ------------------------------------------------


class SummaryScan(models.Model):
    """The signed and stamped 汇总表 a city sends the association (the latest counts)."""

    campaign = models.ForeignKey("catalog.Campaign", models.CASCADE, related_name="+", verbose_name=_("认定批次"))
    city = models.ForeignKey("catalog.City", models.PROTECT, related_name="+", verbose_name=_("盟市"))
    # private_files returns the lazy private storage, which the stubs do not know as a Storage.
    file = models.FileField(
        _("扫描件"),
        storage=private_files,  # type: ignore[arg-type]
        upload_to="summaries/%Y/",
        max_length=200,
    )
    content_type = models.CharField(_("文件类型"), max_length=50)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256 摘要"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("上传人")
    )
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("汇总表签章扫描件")
        verbose_name_plural = _("汇总表签章扫描件")

    def __str__(self) -> str:
        return f"{self.city_id} {self.uploaded_at:%Y-%m-%d}"


class ArchivePack(models.Model):
    """A pack of answer sheets of one room and session, boxed and stored (六.三)."""

    campaign = models.ForeignKey("catalog.Campaign", models.CASCADE, related_name="+", verbose_name=_("认定批次"))
    city = models.ForeignKey("catalog.City", models.PROTECT, related_name="+", verbose_name=_("盟市"))
    site = models.ForeignKey("exams.Site", models.PROTECT, related_name="+", verbose_name=_("考点"))
    room = models.ForeignKey("exams.Room", models.PROTECT, related_name="+", verbose_name=_("考场"))
    session = models.ForeignKey("catalog.ExamSession", models.PROTECT, related_name="+", verbose_name=_("场次"))
    sheet_count = models.PositiveIntegerField(_("试卷份数"))
    box_number = models.CharField(_("档案盒号"), max_length=50)
    storage_place = models.CharField(_("存放地点"), max_length=200)
    retention_years = models.PositiveSmallIntegerField(_("保管期限（年）"))
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("归档人")
    )
    archived_at = models.DateTimeField(_("归档时间"))
    retain_until = models.DateField(_("保管至"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["retain_until", "pk"]
        verbose_name = _("试卷归档")
        verbose_name_plural = _("试卷归档")
        constraints = [
            models.UniqueConstraint(fields=["room", "session"], name="one_archive_pack_per_room_session"),
            models.CheckConstraint(condition=Q(retention_years__gte=1), name="archive_retention_a_year_or_more"),
        ]

    def __str__(self) -> str:
        return self.box_number
