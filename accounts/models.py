"""Users, their role and city scope, and failed-login records for lockout."""

import secrets

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from skillcert.fields import EncryptedTextField, LookupHashesMixin, LookupHashField, lookup_hash
from skillcert.lib.identity import normalise_id_number, normalise_mobile
from skillcert.lib.masking import mask_name


class Role(models.TextChoices):
    APPLICANT = "applicant", _("申报人员")
    CO_ORGANIZER = "co_organizer", _("协办单位")
    REGULATOR = "regulator", _("人社监管部门")
    EXPERT = "expert", _("评审专家")
    ASSOCIATION = "association", _("就促会")
    # 考务人员: an exam-day account of one city, linked to its ExamStaff row (exams.models).
    INVIGILATOR = "invigilator", _("考务人员")


CITY_ROLES = {Role.CO_ORGANIZER, Role.REGULATOR, Role.EXPERT, Role.INVIGILATOR}
# The desk staff (workbench, API tokens); exam-day accounts (invigilators) see only their site and day.
STAFF_ROLES = {Role.CO_ORGANIZER, Role.REGULATOR, Role.EXPERT, Role.ASSOCIATION}
# In a fixed order: a set's order changes with the hash seed, and with it the migration.
CITY_ROLE_VALUES = ["co_organizer", "regulator", "expert", "invigilator"]


def new_session_salt() -> str:
    return secrets.token_hex(16)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(username=username)

    def get_by_id_number(self, id_number: str) -> "User":
        return self.get(id_number_hash=lookup_hash(self.model, "id_number", id_number))

    def get_by_phone(self, phone: str) -> "User":
        return self.get(phone_hash=lookup_hash(self.model, "phone", phone))

    def create_user(self, username=None, password=None, **fields):
        user = self.model(username=username or None, **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, username, password=None, **fields):
        fields.setdefault("role", Role.ASSOCIATION)
        fields.setdefault("full_name", username)
        return self.create_user(username, password, is_superuser=True, **fields)


class User(LookupHashesMixin, AbstractBaseUser, PermissionsMixin):
    username = models.CharField(
        _("用户名"),
        max_length=150,
        unique=True,
        null=True,
        blank=True,
        help_text=_("工作人员用用户名登录；申报人员用身份证号或手机号登录。"),
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.APPLICANT)
    city = models.ForeignKey(
        "catalog.City",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("所属盟市"),
    )
    full_name = models.CharField(_("姓名"), max_length=50)
    id_number = EncryptedTextField(_("身份证号码"), blank=True, normaliser=normalise_id_number)
    id_number_hash = LookupHashField(source="id_number", unique=True, verbose_name=_("身份证号码查询摘要"))
    phone = EncryptedTextField(_("手机号码"), blank=True, normaliser=normalise_mobile)
    phone_hash = LookupHashField(source="phone", unique=True, verbose_name=_("手机号码查询摘要"))
    is_active = models.BooleanField(_("启用"), default=True)
    date_joined = models.DateTimeField(_("注册时间"), default=timezone.now)
    # Part of the session hash: changing it ends every session of the user.
    session_salt = models.CharField(
        max_length=32, default=new_session_salt, editable=False, verbose_name=_("会话密钥盐")
    )
    # Set when a code sent to the phone came back (registration, password reset).
    phone_verified_at = models.DateTimeField(_("手机验证时间"), null=True, blank=True)
    # A password set by the association: the user must choose their own before anything else.
    must_change_password = models.BooleanField(_("须修改密码"), default=False)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(role__in=CITY_ROLE_VALUES) & models.Q(city__isnull=False))
                | (~models.Q(role__in=CITY_ROLE_VALUES) & models.Q(city__isnull=True)),
                name="city_staff_have_a_city_others_none",
                violation_error_message=_(
                    "协办单位、人社监管部门、评审专家和考务人员须选择所属盟市；就促会和申报人员不选盟市。"
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(role="applicant") | models.Q(username__isnull=False),
                name="staff_have_a_username",
                violation_error_message=_("工作人员账号须设置用户名。"),
            ),
            models.CheckConstraint(
                condition=~models.Q(role="applicant") | models.Q(id_number_hash__isnull=False),
                name="applicants_have_an_id_number",
                violation_error_message=_("申报人员账号须有身份证号码。"),
            ),
        ]

    def __str__(self) -> str:
        if self.role == Role.APPLICANT:
            return mask_name(self.full_name)
        return self.username or mask_name(self.full_name)

    @property
    def is_staff(self) -> bool:
        """Only the association (and superusers) may open the admin site."""
        return self.is_active and (self.is_superuser or self.role == Role.ASSOCIATION)

    @property
    def is_applicant(self) -> bool:
        return self.role == Role.APPLICANT

    @property
    def is_city_staff(self) -> bool:
        return self.role in CITY_ROLES

    @property
    def is_association(self) -> bool:
        return self.role == Role.ASSOCIATION or self.is_superuser

    def _get_session_auth_hash(self, secret=None):
        return salted_hmac(
            "accounts.User.get_session_auth_hash",
            f"{self.password}:{self.session_salt}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class LoginFailure(models.Model):
    """One failed login. The identifier is kept only as a keyed hash; `known_device` when the
    browser had logged in to that account before (see accounts.devices)."""

    identifier_hash = models.CharField(max_length=64, db_index=True, verbose_name=_("账号查询摘要"))
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True, verbose_name=_("IP 地址"))
    at = models.DateTimeField(default=timezone.now, db_index=True, verbose_name=_("时间"))
    known_device = models.BooleanField(default=False, verbose_name=_("已知设备"))

    class Meta:
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.ip or ''}"


class CodePurpose(models.TextChoices):
    REGISTER = "register", _("注册验证")
    RESET = "reset", _("找回密码")
    UNLOCK = "unlock", _("登录解锁")


class PhoneCode(models.Model):
    """A one-time code sent by SMS, kept only as a keyed hash.

    `outgoing` holds the text to send, encrypted, until the background task has sent it,
    and is emptied then: the code exists in clear only in the SMS. A row without a user
    (or, for registration, without a payload) is a decoy: it answers like a real one and
    can never be confirmed, so the pages never tell whether an account exists.
    """

    purpose = models.CharField(_("用途"), max_length=10, choices=CodePurpose.choices)
    user = models.ForeignKey(
        User, models.CASCADE, null=True, blank=True, related_name="phone_codes", verbose_name=_("账号")
    )
    # Hash of the phone typed or of the account's phone: the per-phone rate limit.
    phone_hash = models.CharField(_("手机号摘要"), max_length=64, db_index=True)
    # The identifier typed (unlock: failure key; reset: phone hash), to match the later step.
    subject_hash = models.CharField(_("对象摘要"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True, db_index=True)
    code_hash = models.CharField(_("验证码摘要"), max_length=100)
    to = EncryptedTextField(_("发送到"), blank=True, normaliser=normalise_mobile)
    outgoing = EncryptedTextField(_("待发短信"), blank=True)
    # Registration: the account to create, as encrypted JSON, until the code comes back.
    payload = EncryptedTextField(_("待建账号"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("失效时间"))
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.created_at:%Y-%m-%d %H:%M}"


class TokenScope(models.TextChoices):
    READ = "read", _("只读（仅查询）")
    FULL = "full", _("与账号权限相同")


class ApiToken(models.Model):
    """A personal API token of a staff member: it acts as its user (role and city), never more,
    and `scope` may narrow it further. Only `prefix` (to find the row) and a keyed hash of the
    whole token are kept; the token itself is shown once, when it is made."""

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens", verbose_name=_("账号"))
    name = models.CharField(_("用途"), max_length=50)
    prefix = models.CharField(_("令牌前缀"), max_length=16, unique=True)
    digest = models.CharField(_("令牌摘要"), max_length=64)
    scope = models.CharField(_("权限范围"), max_length=10, choices=TokenScope.choices, default=TokenScope.READ)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("失效时间"))
    # Written at most once per API_TOKEN_USE_INTERVAL: a busy machine does not write on every call.
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("吊销人")
    )

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.name} (skc_{self.prefix}…)"

    @property
    def city(self):
        """The owner's city: audit events about the token belong to it."""
        return self.user.city

    def is_live(self, now=None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())

    def permits(self, method: str) -> bool:
        """Whether the scope lets the token make a request with this HTTP method."""
        return self.scope == TokenScope.FULL or method in {"GET", "HEAD", "OPTIONS"}
