"""Certificates (职业技能等级证书): the numbered, signed record of a passed application, its serial
counters, the hand-out (七) and issue batches. States move only through `certificates.states`."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from certificates.record import LEVEL_NAMES
from skillcert.fields import EncryptedTextField, LookupHashesMixin, LookupHashField
from skillcert.lib.identity import normalise_id_number


class CertificateSerial(models.Model):
    """The last serial given for one body, year and level; locked while numbers are given, so they
    have no gaps and no twins (the number carries body, year and level, nothing else)."""

    body = models.CharField(_("评价机构代码"), max_length=13)  # the number's first 13 characters
    year = models.PositiveSmallIntegerField(_("年度"))
    level = models.PositiveSmallIntegerField(_("等级"))
    last = models.PositiveIntegerField(_("已用流水号"), default=0)

    class Meta:
        verbose_name = _("证书流水号")
        verbose_name_plural = _("证书流水号")
        constraints = [models.UniqueConstraint(fields=["body", "year", "level"], name="one_serial_per_body_year_level")]

    def __str__(self) -> str:
        return f"{self.body} {self.year} {self.level}: {self.last}"


class IssueBatch(models.Model):
    """One issuance by the association: a city's passed candidates, or one occupation of them."""

    campaign = models.ForeignKey("catalog.Campaign", models.PROTECT, related_name="+", verbose_name=_("认定批次"))
    city = models.ForeignKey("catalog.City", models.PROTECT, related_name="+", verbose_name=_("盟市"))
    occupation = models.ForeignKey(
        "catalog.Occupation", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("职业")
    )
    issued_on = models.DateField(_("发证日期"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("发证人"))
    issued_at = models.DateTimeField(_("制发时间"), auto_now_add=True)
    count = models.PositiveIntegerField(_("证书数"), default=0)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("发证批次")
        verbose_name_plural = _("发证批次")

    def __str__(self) -> str:
        scope = f" {self.occupation}" if self.occupation_id else ""
        return f"{self.campaign} {self.city}{scope} {self.issued_on}"


class Certificate(LookupHashesMixin, models.Model):
    """One certificate. The facts are copied at issue (the record a verifier is told never changes);
    `credential` is the compact JWS over them that the QR and the API carry."""

    class State(models.TextChoices):
        VALID = "valid", _("有效")
        REVOKED = "revoked", _("已撤销")
        REPLACED = "replaced", _("已补发新证（本证作废）")

    application = models.ForeignKey(
        "applications.Application", models.PROTECT, related_name="certificates", verbose_name=_("申报")
    )
    campaign = models.ForeignKey("catalog.Campaign", models.PROTECT, related_name="+", verbose_name=_("认定批次"))
    city = models.ForeignKey("catalog.City", models.PROTECT, related_name="+", verbose_name=_("盟市"))
    batch = models.ForeignKey(
        IssueBatch, models.PROTECT, null=True, blank=True, related_name="certificates", verbose_name=_("发证批次")
    )
    number = models.CharField(_("证书编号"), max_length=22, unique=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    serial = models.PositiveIntegerField(_("流水号"))
    name = models.CharField(_("姓名"), max_length=50)
    id_number = EncryptedTextField(_("证件号码"), normaliser=normalise_id_number)
    id_number_hash = LookupHashField(source="id_number", verbose_name=_("证件号码查询摘要"))
    id_number_masked = models.CharField(_("证件号码（脱敏）"), max_length=30)
    occupation_code = models.CharField(_("职业编码"), max_length=20)
    occupation_name = models.CharField(_("职业名称"), max_length=50)
    work_type = models.CharField(_("工种/职业方向"), max_length=50)
    level = models.PositiveSmallIntegerField(_("等级"))
    employer = models.CharField(_("工作单位"), max_length=100, blank=True)
    issued_on = models.DateField(_("发证日期"))
    issuer = models.CharField(_("评价机构"), max_length=100)
    credential = models.TextField(_("签名凭证（JWS）"))
    kid = models.CharField(_("签名密钥"), max_length=40)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.VALID, db_index=True)
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)
    revocation_reason = models.CharField(_("撤销原因"), max_length=500, blank=True)
    replaces = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="replaced_by", verbose_name=_("补发自")
    )
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("发证人"))
    created_at = models.DateTimeField(_("制发时间"), auto_now_add=True)
    # When the co-organizer told the holder that the paper certificate has arrived (told once).
    arrival_told_at = models.DateTimeField(_("到证通知时间"), null=True, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("职业技能等级证书")
        verbose_name_plural = _("职业技能等级证书")
        constraints = [
            # One certificate in force per application; revoked and replaced ones stay for the record.
            models.UniqueConstraint(
                fields=["application"], condition=models.Q(state="valid"), name="one_valid_certificate"
            ),
            models.CheckConstraint(
                condition=~models.Q(state="revoked") | models.Q(revoked_on__isnull=False), name="revoked_has_a_day"
            ),
        ]
        indexes = [models.Index(fields=["city", "campaign", "state"]), models.Index(fields=["id_number_hash"])]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def is_valid(self) -> bool:
        return self.state == self.State.VALID

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES.get(self.level, "")

    @property
    def is_revoked(self) -> bool:
        return self.state == self.State.REVOKED

    @property
    def is_replaced(self) -> bool:
        return self.state == self.State.REPLACED


class Handout(models.Model):
    """七: who collected a certificate, when, and who handed it out."""

    class Way(models.TextChoices):
        HOLDER = "holder", _("本人领取（已核验身份证件）")
        UNIT = "unit", _("单位代领")

    certificate = models.OneToOneField(Certificate, models.PROTECT, related_name="handout", verbose_name=_("证书"))
    way = models.CharField(_("领取方式"), max_length=10, choices=Way.choices)
    unit = models.CharField(_("代领单位"), max_length=100, blank=True)
    collector = models.CharField(_("领取人"), max_length=50)
    collected_on = models.DateField(_("领取日期"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("经办人")
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("证书领取记录")
        verbose_name_plural = _("证书领取记录")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(way="holder") | ~models.Q(unit=""), name="unit_collection_names_the_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.certificate.number} {self.collector} {self.collected_on}"


# The calibration's bounds (certificates.certificate_pdf.Calibration refuses more).
OFFSET_BOUNDS = [MinValueValidator(-20), MaxValueValidator(20)]


class PrintCalibration(models.Model):
    """How far the association's printer shifts the variable fields on pre-printed stock (measured
    on the calibration sheet); one row, used by every variable-fields print."""

    offset_x_mm = models.DecimalField(
        _("水平偏移（毫米，向右为正）"), max_digits=3, decimal_places=1, default=0, validators=OFFSET_BOUNDS
    )
    offset_y_mm = models.DecimalField(
        _("垂直偏移（毫米，向上为正）"), max_digits=3, decimal_places=1, default=0, validators=OFFSET_BOUNDS
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("设置人")
    )
    updated_at = models.DateTimeField(_("设置时间"), auto_now=True)

    class Meta:
        verbose_name = _("套打校准")
        verbose_name_plural = _("套打校准")

    def __str__(self) -> str:
        return f"{self.offset_x_mm} / {self.offset_y_mm} mm"
