"""The catalog of the notice: levels, occupations, cities, organisations, campaigns."""

from datetime import date

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from skillcert.lib import workdays

OCCUPATION_CODE_RE = r"^\d-\d{2}-\d{2}-\d{2}$"


class Level(models.Model):
    """五级/初级工 (5) … 一级/高级技师 (1). Fixed by the national system."""

    number = models.PositiveSmallIntegerField(_("等级"), primary_key=True)
    name = models.CharField(_("等级名称"), max_length=10)  # 五级
    title = models.CharField(_("对应称谓"), max_length=10)  # 初级工

    class Meta:
        ordering = ["-number"]
        verbose_name = _("技能等级")
        verbose_name_plural = _("技能等级")

    def __str__(self) -> str:
        return f"{self.name}/{self.title}"


class Occupation(models.Model):
    code = models.CharField(
        _("职业编码"),
        max_length=10,
        unique=True,
        validators=[RegexValidator(OCCUPATION_CODE_RE, _("职业编码格式应为 4-12-01-01。"))],
    )
    name = models.CharField(_("职业名称"), max_length=50)

    class Meta:
        ordering = ["code"]
        verbose_name = _("职业")
        verbose_name_plural = _("职业")

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class City(models.Model):
    """A 盟市 of the annexes. 满洲里 is listed on its own, as the notice does."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("盟市"), max_length=20, unique=True)
    position = models.PositiveSmallIntegerField(_("序号"), default=0)
    # 自治区直属单位 apply through this city's co-organizer (呼和浩特).
    hosts_direct_units = models.BooleanField(_("受理自治区直属单位"), default=False)
    # GB/T 2260 行政区划代码 (six digits): part of every 准考证号 (docs/architecture.md).
    gbt2260 = models.CharField(
        _("行政区划代码"),
        max_length=6,
        blank=True,
        validators=[RegexValidator(r"^\d{6}$", _("行政区划代码为 6 位数字。"))],
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("盟市")
        verbose_name_plural = _("盟市")

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    class Kind(models.TextChoices):
        CO_ORGANIZER = "co_organizer", _("协办单位")
        REGULATOR = "regulator", _("人社监管部门")
        ASSOCIATION = "association", _("就促会")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    city = models.ForeignKey(
        City, models.PROTECT, null=True, blank=True, related_name="organisations", verbose_name=_("盟市")
    )
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    office_phone = models.CharField(_("办公电话"), max_length=30, blank=True)

    class Meta:
        ordering = ["city__position", "kind"]
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "city"],
                name="one_organisation_per_kind_and_city",
                condition=~models.Q(kind="association"),
                violation_error_message=_("每个盟市只能有一个协办单位和一个人社监管部门。"),
            ),
            models.CheckConstraint(
                condition=models.Q(kind="association", city__isnull=True)
                | (~models.Q(kind="association") & models.Q(city__isnull=False)),
                name="city_organisations_have_a_city",
                violation_error_message=_("协办单位和人社监管部门须属于一个盟市；就促会不属于任何盟市。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name


FEE_BASIS_2023 = (
    "参照《内蒙古自治区发展改革委 财政厅 人力资源和社会保障厅关于规范内蒙古自治区职业技能培训和鉴定收费标准"
    "等有关问题的通知》（内发改费字[2015]1552号）标准执行。"
)


EXAM_RULES_DEFAULT = """1. 考生须携带准考证、身份证原件，以及 2B 铅笔、黑色签字笔、橡皮，按时参加考试。
2. 考生须提前 30 分钟到达考点，开考 15 分钟后不得入场，考试开始 30 分钟内不得交卷离场。
3. 考生凭准考证和身份证原件入场，对号入座，将准考证和身份证放在桌面左上角以备查验。
4. 除规定的文具外，不得携带书籍、资料、手机及其他电子设备进入考场；已带入的须关机后放在指定位置。
5. 考试期间保持安静，不得交头接耳、左顾右盼、打手势，不得抄袭或协助他人抄袭。
6. 考试结束信号发出后立即停止答题，待监考员收齐试卷后方可离开考场。
7. 违反考场纪律者，按有关规定严肃处理。"""


def _holiday_data() -> workdays.HolidayData:
    from catalog.holidays import holiday_data  # it reads the models below

    return holiday_data()


class CampaignQuerySet(models.QuerySet):
    def open_for_registration(self, today: date) -> "CampaignQuerySet":
        return self.filter(registration_opens__lte=today, registration_closes__gte=today)


class Campaign(models.Model):
    """认定批次: one year's campaign with its windows and exam sessions.

    Windows are inclusive date ranges in Asia/Shanghai.
    """

    slug = models.SlugField(_("标识"), max_length=30, unique=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("标题"), max_length=200)
    is_demo = models.BooleanField(_("演示批次"), default=False)
    registration_opens = models.DateField(_("报名开始"))
    registration_closes = models.DateField(_("报名截止"))
    review_opens = models.DateField(_("审核开始"))
    review_closes = models.DateField(_("审核截止"))
    # The association may let reviews (and resubmissions) go on past review_closes.
    review_extended_until = models.DateField(_("审核延长至"), null=True, blank=True)
    payment_opens = models.DateField(_("缴费开始"))
    payment_closes = models.DateField(_("缴费截止"))
    arrangement_due = models.DateField(_("考场编排完成日期"))
    exam_date = models.DateField(_("考试日期"))
    handbook_working_days = models.PositiveSmallIntegerField(_("考务手册提前工作日"), default=5)
    results_working_days = models.PositiveSmallIntegerField(_("成绩公示工作日"), default=10)
    occupations = models.ManyToManyField(Occupation, through="CampaignOccupation", related_name="campaigns")
    # 收费标准: the legal basis shown to applicants beside the fee (the notice's 缴费 section).
    fee_basis = models.TextField(_("收费依据"), blank=True, default=FEE_BASIS_2023)
    # From this day applicants may download their 准考证 (blank: as soon as it is published).
    tickets_open = models.DateField(_("准考证下载开始"), null=True, blank=True)
    # 考场规则 and what to bring, edited by the association, printed on every ticket.
    exam_rules = models.TextField(_("考场规则与应考须知"), blank=True, default=EXAM_RULES_DEFAULT)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-exam_date"]
        verbose_name = _("认定批次")
        verbose_name_plural = _("认定批次")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(registration_opens__lte=models.F("registration_closes"))
                & models.Q(review_opens__lte=models.F("review_closes"))
                & models.Q(payment_opens__lte=models.F("payment_closes"))
                & models.Q(registration_opens__lte=models.F("review_opens"))
                & models.Q(review_closes__lte=models.F("payment_closes"))
                & models.Q(payment_closes__lte=models.F("exam_date"))
                & models.Q(arrangement_due__lte=models.F("exam_date")),
                name="campaign_windows_in_order",
                violation_error_message=_(
                    "时间安排顺序不对：报名开始不晚于审核开始，各窗口开始不晚于结束，"
                    "审核结束不晚于缴费结束，缴费结束和考场编排不晚于考试日期。"
                ),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def handbook_due(self) -> date:
        """《考务手册》 is due this many working days before the exam (raises CalendarNotCovered)."""
        return self.compute_handbook_due(_holiday_data())

    @property
    def results_due(self) -> date:
        """Scores published (公示) and entered within N working days after the exam (raises CalendarNotCovered)."""
        return self.compute_results_due(_holiday_data())

    def compute_handbook_due(self, data: workdays.HolidayData) -> date:
        return workdays.working_days_before(self.exam_date, self.handbook_working_days, data)

    def compute_results_due(self, data: workdays.HolidayData) -> date:
        return workdays.working_days_after(self.exam_date, self.results_working_days, data)

    def registration_is_open(self, today: date) -> bool:
        return self.registration_opens <= today <= self.registration_closes

    @property
    def review_ends(self) -> date:
        return max(self.review_closes, self.review_extended_until or self.review_closes)

    def review_is_open(self, today: date) -> bool:
        return self.review_opens <= today <= self.review_ends


class ExamSession(models.Model):
    class Kind(models.TextChoices):
        THEORY = "theory", _("理论知识考试")
        SKILL = "skill", _("技能考核")

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="sessions", verbose_name=_("认定批次"))
    kind = models.CharField(_("科目"), max_length=10, choices=Kind.choices)
    date = models.DateField(_("日期"))
    starts_at = models.TimeField(_("开始时间"))
    ends_at = models.TimeField(_("结束时间"))
    # Who sits this session: blank means every occupation / every level of the campaign.
    occupations = models.ManyToManyField(
        Occupation, blank=True, related_name="exam_sessions", verbose_name=_("参加的职业（留空为全部）")
    )
    levels = models.ManyToManyField(
        Level, blank=True, related_name="exam_sessions", verbose_name=_("参加的等级（留空为全部）")
    )

    class Meta:
        ordering = ["date", "starts_at"]
        verbose_name = _("考试场次")
        verbose_name_plural = _("考试场次")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "kind"], name="one_session_per_kind"),
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at")),
                name="session_starts_before_end",
                violation_error_message=_("考试开始时间须早于结束时间。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date} {self.starts_at:%H:%M}-{self.ends_at:%H:%M}"


class CampaignOccupation(models.Model):
    """An occupation a campaign offers (a row of annex 1) and the levels offered."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="offerings", verbose_name=_("认定批次"))
    occupation = models.ForeignKey(Occupation, models.PROTECT, related_name="offerings", verbose_name=_("职业"))
    position = models.PositiveSmallIntegerField(_("序号"))
    levels = models.ManyToManyField(Level, related_name="offerings", verbose_name=_("等级"))

    class Meta:
        ordering = ["campaign", "position"]
        verbose_name = _("批次职业")
        verbose_name_plural = _("批次职业")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "occupation"], name="occupation_once_per_campaign"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.slug} {self.position} {self.occupation}"

    def level_numbers(self) -> list[int]:
        """Levels in the notice's order (5、4、3、2、1). Uses prefetched levels."""
        return sorted((level.number for level in self.levels.all()), reverse=True)


class FeeRule(models.Model):
    """收费标准: the fee of a level in a campaign, or of one occupation at that level.

    An occupation's own rule wins over its level's rule (`catalog.fees.fee_for`).
    """

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="fee_rules", verbose_name=_("认定批次"))
    level = models.ForeignKey(Level, models.PROTECT, related_name="+", verbose_name=_("等级"))
    occupation = models.ForeignKey(
        Occupation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("职业（留空为该等级全部职业）"),
    )
    amount = models.DecimalField(_("金额（元）"), max_digits=8, decimal_places=2)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["campaign", "-level", "occupation"]
        verbose_name = _("收费标准")
        verbose_name_plural = _("收费标准")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="fee_amount_positive"),
            models.UniqueConstraint(
                fields=["campaign", "level"], condition=models.Q(occupation__isnull=True), name="fee_once_per_level"
            ),
            models.UniqueConstraint(
                fields=["campaign", "level", "occupation"],
                condition=models.Q(occupation__isnull=False),
                name="fee_once_per_occupation_level",
            ),
        ]

    def __str__(self) -> str:
        target = self.occupation.name if self.occupation_id else _("全部职业")
        return f"{self.campaign.slug} {self.level} {target} {self.amount}元"


class CampaignRules(models.Model):
    """The association's readings of the notice for one campaign (申报条件的解释口径).

    Each field is a legal decision the notice's words leave open; the defaults are the
    readings the platform was built on. `catalog.readings` explains each one and quotes
    the sentence it interprets; `applications.eligibility_service` hands them to the
    eligibility engine, which stays pure.
    """

    class YearsCountedTo(models.TextChoices):
        EXAM_DATE = "exam_date", _("考试日期")
        REGISTRATION_CLOSES = "registration_closes", _("报名截止日期")

    class PromotionWait(models.TextChoices):
        CALENDAR_YEAR = "calendar_year", _("取得证书的下一个自然年起（1 月 1 日起）")
        TWELVE_MONTHS = "twelve_months", _("取得证书满一年起")

    campaign = models.OneToOneField(Campaign, models.CASCADE, related_name="rules", verbose_name=_("认定批次"))
    years_counted_to = models.CharField(
        _("工作年限和取证年限计算至"),
        max_length=30,
        choices=YearsCountedTo.choices,
        default=YearsCountedTo.EXAM_DATE,
    )
    submit_when_ineligible = models.BooleanField(_("不符合申报条件的也可以提交，由审核人员决定"), default=False)
    transfer_requires_certificate = models.BooleanField(_("平转申报须填写所持证书"), default=True)
    transfer_allows_same_occupation = models.BooleanField(_("平转可以申报与所持证书相同的职业"), default=False)
    transfer_requires_related_certificate = models.BooleanField(_("平转须申报与所持证书职业相关的职业"), default=True)
    transfer_years_from_original = models.BooleanField(_("平转取得的证书，年限从平转前原证书起算"), default=True)
    veteran_years_from_wage_year = models.BooleanField(
        _("退役军人申报取得的证书，年限从兑现工资待遇当年起算"), default=True
    )
    promotion_wait = models.CharField(
        _("平转、退役军人申报合格后可晋级的时间"),
        max_length=20,
        choices=PromotionWait.choices,
        default=PromotionWait.CALENDAR_YEAR,
    )
    years_capped_by_occupation_years = models.BooleanField(
        _("取得证书后的年限不超过从事本职业或相关职业的年限"), default=True
    )
    through_junior_title_counts = models.BooleanField(_("员级职称可以贯通申报三级/高级工"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("申报条件解释口径")
        verbose_name_plural = _("申报条件解释口径")

    def __str__(self) -> str:
        return f"{self.campaign} 申报条件解释口径"


class HolidayYear(models.Model):
    """One year of China's holiday schedule (放假安排) as entered by the association.

    Its entries override the holiday package; a year marked complete is answered from its
    entries and ordinary weekends, even where the package has no data for it.
    """

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    complete = models.BooleanField(_("本年度放假和调休安排已录入完整"), default=False)
    source = models.CharField(_("依据"), max_length=200, blank=True, help_text=_("例如国务院办公厅通知的文号。"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("节假日安排年度")
        verbose_name_plural = _("节假日安排年度")

    def __str__(self) -> str:
        return f"{self.year}"


class HolidayEntry(models.Model):
    """A dated exception to the week: a holiday (放假) or a make-up working day (调休上班)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        WORKDAY = "workday", _("调休上班")

    year = models.ForeignKey(HolidayYear, models.CASCADE, related_name="entries", verbose_name=_("年度"))
    day = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=30, help_text=_("例如：元旦、春节、国庆节。"))

    class Meta:
        ordering = ["day"]
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()} {self.name}"
