"""Use cases of accounts: register, log in with lockout, log out everywhere, unmask."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import authenticate, login, logout, password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.backends import find_user
from accounts.models import LoginFailure, Role, User, new_session_salt
from accounts.permissions import has_capability, same_city
from audit.context import current as audit_context
from audit.services import record
from skillcert.fields import cipher, lookup_hash
from skillcert.lib.identity import (
    looks_like_id_number,
    looks_like_mobile,
    normalise_id_number,
    normalise_mobile,
)
from skillcert.lib.masking import mask_id_number, mask_phone


class LoginRefused(Exception):
    """str() is the message to show on the login form."""


@dataclass(frozen=True)
class Lockout:
    locked: bool
    until: datetime | None = None


def failure_key(identifier: str) -> str:
    """Failures count per account when the identifier names one (ID, phone or
    username alike), so switching between them gains nothing."""
    user = find_user(identifier)
    if user is not None:
        return cipher().lookup_hash(f"login-user:{user.pk}")
    value = identifier.strip()
    if looks_like_id_number(value):
        value = normalise_id_number(value)
    elif looks_like_mobile(value):
        value = normalise_mobile(value)
    else:
        value = value.lower()
    return cipher().lookup_hash(f"login:{value}")


def lockout_state(key: str, ip: str | None, now: datetime | None = None) -> Lockout:
    """Whether the account (`key`, see failure_key) or the address is locked, and until when."""
    now = now or timezone.now()
    since = now - settings.LOGIN_FAILURE_WINDOW
    limit = settings.LOGIN_FAILURE_LIMIT
    recent = LoginFailure.objects.filter(at__gte=since)
    by_identifier = recent.filter(identifier_hash=key).order_by("at")
    if by_identifier.count() >= limit:
        return Lockout(True, by_identifier[by_identifier.count() - limit].at + settings.LOGIN_FAILURE_WINDOW)
    if ip:
        by_ip = recent.filter(ip=ip).order_by("at")
        if by_ip.count() >= limit * 4:
            return Lockout(True, by_ip[by_ip.count() - limit * 4].at + settings.LOGIN_FAILURE_WINDOW)
    return Lockout(False)


def log_in(request, identifier: str, password: str) -> User:
    """Authenticate and start a session, refusing while the account or address is locked."""
    ip = audit_context.get().ip
    key = failure_key(identifier)
    state = lockout_state(key, ip)
    if state.locked:
        minutes = max(1, int((state.until - timezone.now()).total_seconds() // 60) + 1)
        raise LoginRefused(_("登录失败次数过多，已暂时锁定，请 %(minutes)d 分钟后再试。") % {"minutes": minutes})
    user = authenticate(request, username=identifier, password=password)
    if user is None:
        now = timezone.now()
        LoginFailure.objects.create(identifier_hash=key, ip=ip, at=now)
        LoginFailure.objects.filter(at__lt=now - settings.LOGIN_FAILURE_WINDOW * 4).delete()  # keep the table small
        if lockout_state(key, ip, now).locked:
            record("accounts.login.locked", after={"identifier": _mask_identifier(identifier)})
        raise LoginRefused(_("账号或密码不正确。"))
    LoginFailure.objects.filter(identifier_hash=key).delete()
    login(request, user)
    record("accounts.login", actor=user, obj=user)
    return user


def _mask_identifier(identifier: str) -> str:
    value = identifier.strip()
    if len(value) == 18:
        return mask_id_number(value)
    if len(value) == 11 and value.isdigit():
        return mask_phone(value)
    return value[:30]


def register_applicant(*, full_name: str, id_number: str, phone: str, password: str) -> User:
    """Create an applicant account. The ID number and mobile are validated by the form."""
    user = User(role=Role.APPLICANT, full_name=full_name.strip(), id_number=id_number, phone=phone)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user.set_password(password)
    if User.objects.filter(id_number_hash=lookup_hash(User, "id_number", id_number)).exists():
        raise ValidationError({"id_number": _("该身份证号码已注册，请直接登录。")})
    if User.objects.filter(phone_hash=lookup_hash(User, "phone", phone)).exists():
        raise ValidationError({"phone": _("该手机号码已注册，请直接登录或换一个号码。")})
    try:
        with transaction.atomic():
            user.save()
            record("accounts.applicant.registered", actor=user, obj=user)
    except IntegrityError:  # a double submit racing the check above
        raise ValidationError({"id_number": _("该身份证号码已注册，请直接登录。")}) from None
    return user


def log_out_everywhere(request) -> None:
    """End every session of the user, on every device, this one included."""
    user = request.user
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(session_salt=new_session_salt())
        record("accounts.logout_everywhere", actor=user, obj=user)
    logout(request)


def log_out(request) -> None:
    if request.user.is_authenticated:
        record("accounts.logout", actor=request.user, obj=request.user)
    logout(request)


UNMASKABLE_FIELDS = {"id_number", "phone"}


def can_unmask(actor: User, subject: User) -> bool:
    if actor.pk == subject.pk:
        return True
    if not has_capability(actor, "personal_data.unmask"):
        return False
    if actor.is_association:
        return True
    return subject.role != Role.APPLICANT and same_city(actor, subject.city_id)


def reveal_personal_data(actor: User, subject: User, field: str) -> str:
    """The full value of an encrypted field; every call is audited."""
    if field not in UNMASKABLE_FIELDS:
        raise PermissionDenied(field)
    if not can_unmask(actor, subject):
        raise PermissionDenied("personal_data.unmask")
    record("personal_data.unmasked", actor=actor, obj=subject, after={"field": field})
    return getattr(subject, field)
