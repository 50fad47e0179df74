"""Use cases of accounts: register with a phone code, log in with lockout and unlock codes,
reset a password (by SMS code, or by the association for staff), log out everywhere, unmask."""

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate, login, logout, password_validation
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import codes, devices
from accounts.backends import find_user
from accounts.models import CodePurpose, LoginFailure, PhoneCode, Role, User, new_session_salt
from accounts.permissions import has_capability, require, same_city
from audit.context import current as audit_context
from audit.services import record
from notifications.services import notify
from skillcert.fields import cipher, lookup_hash
from skillcert.lib.identity import (
    looks_like_id_number,
    looks_like_mobile,
    normalise_id_number,
    normalise_mobile,
)
from skillcert.lib.masking import mask_id_number, mask_phone


class LoginRefused(Exception):
    """str() is the message to show on the login form; `offer_code` when an unlock code by
    SMS would let the owner in."""

    def __init__(self, message: str, *, offer_code: bool = False) -> None:
        super().__init__(message)
        self.offer_code = offer_code


@dataclass(frozen=True)
class Lockout:
    locked: bool
    until: datetime | None = None
    needs_code: bool = False

    @property
    def refuses(self) -> bool:
        return self.locked or self.needs_code


UNLOCK_SESSION_KEY = "accounts.unlock_code"
REGISTER_SESSION_KEY = "accounts.register_code"
RESET_SESSION_KEY = "accounts.reset_code"
SENT_TO_SESSION_KEY = "accounts.code_sent_to"  # the masked number, to say where the code went


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


def pair_delay(failures: int) -> timedelta:
    """The wait after `failures` failures of one account from one address: none below the
    limit, then the base delay doubling with each further failure, up to the maximum."""
    over = failures - settings.LOGIN_FAILURE_LIMIT
    if over < 0:
        return timedelta(0)
    return min(settings.LOGIN_DELAY_BASE * 2 ** min(over, 20), settings.LOGIN_DELAY_MAX)


def lockout_state(
    key: str, ip: str | None, *, known_device: bool = False, now: datetime | None = None, before: int | None = None
) -> Lockout:
    """Whether a password attempt for the account (`key`, see failure_key) from `ip` is
    refused now: delayed (this account from this address, counted apart for known devices),
    or asked for an unlock code (too many failures of the account from unknown devices, or
    too many accounts failing from this address; never for a known device). `before`: count
    only the failures recorded before that one (an attempt's own provisional row)."""
    now = now or timezone.now()
    recent = LoginFailure.objects.filter(at__gte=now - settings.LOGIN_FAILURE_WINDOW)
    if before is not None:
        recent = recent.filter(pk__lt=before)
    pair = recent.filter(identifier_hash=key, known_device=known_device)
    pair = pair.filter(ip=ip) if ip else pair.filter(ip__isnull=True)
    # One statement for the count and the latest: parallel attempts delete their provisional rows,
    # so a second query could find none of the rows the first one counted.
    pair_failures = pair.aggregate(count=Count("pk"), latest=Max("at"))
    count, latest = pair_failures["count"], pair_failures["latest"]
    if count >= settings.LOGIN_FAILURE_LIMIT and latest is not None:
        until = latest + pair_delay(count)
        if until > now:
            return Lockout(True, until)
    if known_device:
        return Lockout(False)
    if recent.filter(identifier_hash=key, known_device=False).count() >= settings.LOGIN_ACCOUNT_LIMIT:
        return Lockout(False, needs_code=True)
    if ip:
        accounts = recent.filter(ip=ip, known_device=False).values("identifier_hash").distinct().count()
        if accounts >= settings.LOGIN_ADDRESS_ACCOUNTS:
            return Lockout(False, needs_code=True)
    return Lockout(False)


def _refusal(state: Lockout) -> LoginRefused:
    if state.locked:
        assert state.until is not None  # a lockout always says until when
        seconds = max(1, int((state.until - timezone.now()).total_seconds()) + 1)
        minutes = (seconds + 59) // 60
        return LoginRefused(
            _("登录失败次数过多，请 %(minutes)d 分钟后再试，或获取短信验证码立即解锁。") % {"minutes": minutes},
            offer_code=True,
        )
    return LoginRefused(
        _("为保护账号，在这台设备上登录需要短信验证码：请获取验证码，验证码会发送到账号绑定的手机。"),
        offer_code=True,
    )


def log_in(request: HttpRequest, identifier: str, password: str, *, code: str = "") -> User:
    """Authenticate and start a session, refusing while this account is delayed or needs an
    unlock code here. A valid unlock code (sent to the account's own phone) lifts both."""
    ip = audit_context.get().ip
    key = failure_key(identifier)
    named = find_user(identifier)
    known = devices.is_known(request, named)
    unlock = None
    if code.strip():
        refusal = None
        with transaction.atomic():
            try:
                unlock = codes.confirm(
                    request.session.get(UNLOCK_SESSION_KEY), code, purpose=CodePurpose.UNLOCK, subject_hash=key
                )
            except codes.CodeRefused as error:
                refusal = error
        if refusal is not None:
            raise LoginRefused(str(refusal), offer_code=True)
    # The attempt counts as a failure before the password is checked, so that parallel
    # attempts see each other: of many at once, only those within the limit get checked.
    now = timezone.now()
    attempt = LoginFailure.objects.create(identifier_hash=key, ip=ip, at=now, known_device=known)
    state = lockout_state(key, ip, known_device=known, now=now, before=attempt.pk)
    if unlock is None and state.refuses:
        attempt.delete()  # a refused attempt checks nothing, so it is no failure
        raise _refusal(state)
    user = authenticate(request, username=identifier, password=password)
    if user is None:
        LoginFailure.objects.filter(at__lt=now - settings.LOGIN_FAILURE_WINDOW * 2).delete()  # keep the table small
        if unlock is not None:
            codes.count_attempt(unlock)
        after = lockout_state(key, ip, known_device=known, now=now)
        if after.refuses and not state.refuses:
            reason = "delay" if after.locked else "code"
            record("accounts.login.locked", after={"identifier": _mask_identifier(identifier), "reason": reason})
        raise LoginRefused(_("账号或密码不正确。"))
    with transaction.atomic():
        if unlock is not None:
            codes.consume(unlock)
            request.session.pop(UNLOCK_SESSION_KEY, None)
        LoginFailure.objects.filter(identifier_hash=key, ip=ip, known_device=known).delete()
        login(request, user)
        record("accounts.login", actor=user, obj=user, after={"unlock_code": True} if unlock else None)
    return user


def request_unlock_code(request: HttpRequest, identifier: str) -> None:
    """Send an unlock code to the phone of the account `identifier` names, if there is one.
    The answer is the same either way; CodeRefused when rate-limited."""
    ip = audit_context.get().ip
    key = failure_key(identifier)
    user = find_user(identifier)
    if user is not None and not (user.is_active and user.phone):
        user = None  # no phone to send to: staff without one ask the association for a reset
    with transaction.atomic():
        row = codes.issue(
            CodePurpose.UNLOCK,
            phone_hash=user.phone_hash if user else key,
            to=user.phone if user else None,
            ip=ip,
            user=user,
            subject_hash=key,
        )
        record("accounts.unlock_code.requested", obj=user, after={"identifier": _mask_identifier(identifier)})
    request.session[UNLOCK_SESSION_KEY] = row.pk


def _mask_identifier(identifier: str) -> str:
    value = identifier.strip()
    if len(value) == 18:
        return mask_id_number(value)
    if len(value) == 11 and value.isdigit():
        return mask_phone(value)
    return value[:30]


def _validate_password(password: str, user: User, field: str = "password") -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None


def start_registration(request: HttpRequest, *, full_name: str, id_number: str, phone: str, password: str) -> None:
    """Step one of registering: send a code to the phone typed. Nothing is created until the
    code comes back (complete_registration). When the ID number or the phone already has an
    account, nothing is sent to the phone typed and the account's owner is told by SMS
    instead; the answer is the same either way. CodeRefused when rate-limited."""
    candidate = User(role=Role.APPLICANT, full_name=full_name.strip(), id_number=id_number, phone=phone)
    _validate_password(password, candidate)
    ip = audit_context.get().ip
    owners = {
        "id_number": User.objects.filter(id_number_hash=lookup_hash(User, "id_number", id_number)).first(),
        "phone": User.objects.filter(phone_hash=lookup_hash(User, "phone", phone)).first(),
    }
    taken = [field for field, owner in owners.items() if owner is not None]
    masked = {"id_number": mask_id_number(candidate.id_number), "phone": mask_phone(candidate.phone)}
    password_hash = make_password(password)  # either way: the time taken tells nothing
    with transaction.atomic():
        if taken:
            row = codes.issue(CodePurpose.REGISTER, phone_hash=codes.phone_key(phone), to=None, ip=ip)
            _tell_owners(owners)
            record("accounts.registration.refused", after={**masked, "taken": taken})
        else:
            payload = {
                "full_name": candidate.full_name,
                "id_number": candidate.id_number,
                "phone": candidate.phone,
                "password": password_hash,
            }
            row = codes.issue(
                CodePurpose.REGISTER, phone_hash=codes.phone_key(phone), to=phone, ip=ip, payload=json.dumps(payload)
            )
            record("accounts.registration.started", after=masked)
    request.session[REGISTER_SESSION_KEY] = row.pk
    request.session[SENT_TO_SESSION_KEY] = masked["phone"]


def resend_registration_code(request: HttpRequest) -> None:
    """A new code for the pending registration (the old one is void); a decoy gets a new
    decoy. CodeRefused when rate-limited or when nothing is pending."""
    ip = audit_context.get().ip
    with transaction.atomic():
        pending = PhoneCode.objects.select_for_update().filter(
            # No pending registration (None) matches no row, as it should; the stub refuses None.
            pk=request.session.get(REGISTER_SESSION_KEY),  # type: ignore[misc]
            purpose=CodePurpose.REGISTER,
            used_at__isnull=True,
        )
        old = pending.first()
        if old is None:
            raise codes.CodeRefused(_("请重新填写注册信息。"))
        phone = json.loads(old.payload)["phone"] if old.payload else None
        row = codes.issue(CodePurpose.REGISTER, phone_hash=old.phone_hash, to=phone, ip=ip, payload=old.payload)
        PhoneCode.objects.filter(pk=old.pk).update(used_at=timezone.now(), payload="")
    request.session[REGISTER_SESSION_KEY] = row.pk


def _tell_owners(owners: dict[str, User | None]) -> None:
    """At most one notice an hour per account, whoever keeps trying."""
    told = set()
    for field, owner in owners.items():
        if owner is None or owner.pk in told:
            continue
        told.add(owner.pk)
        recent = owner.notifications.filter(
            kind="accounts.registration_attempt", created_at__gte=timezone.now() - timedelta(hours=1)
        )
        if not recent.exists():
            what = _("身份证号码") if field == "id_number" else _("手机号码")
            notify(owner, "accounts.registration_attempt", context={"what": what, "url": reverse("accounts:login")})


def complete_registration(request: HttpRequest, code: str) -> User:
    """Step two: the code sent to the phone creates the account, phone verified. CodeRefused
    for a wrong, expired or used code, or when the numbers were taken in the meantime."""
    refusal = None
    with transaction.atomic():
        try:
            row = codes.confirm(request.session.get(REGISTER_SESSION_KEY), code, purpose=CodePurpose.REGISTER)
        except codes.CodeRefused as error:
            refusal = error
        else:
            data = json.loads(row.payload)
            codes.consume(row)
            user = User(
                role=Role.APPLICANT,
                full_name=data["full_name"],
                id_number=data["id_number"],
                phone=data["phone"],
                password=data["password"],
                phone_verified_at=timezone.now(),
            )
            try:
                with transaction.atomic():
                    user.save()
            except IntegrityError:  # another registration with these numbers finished first
                refusal = codes.CodeRefused(
                    _("这个身份证号码或手机号码已有账号。请直接登录；忘记密码可以用“忘记密码”找回。")
                )
            else:
                record("accounts.applicant.registered", actor=user, obj=user)
    if refusal is not None:
        raise refusal
    request.session.pop(REGISTER_SESSION_KEY, None)
    return user


def request_password_reset(request: HttpRequest, phone: str) -> None:
    """Send a reset code to `phone` if an active account has it. The answer is the same
    either way; CodeRefused when rate-limited."""
    ip = audit_context.get().ip
    phone_hash = codes.phone_key(phone)
    user = User.objects.filter(phone_hash=phone_hash, is_active=True).first()
    with transaction.atomic():
        to = phone if user else None
        row = codes.issue(CodePurpose.RESET, phone_hash=phone_hash, to=to, ip=ip, user=user, subject_hash=phone_hash)
        record("accounts.password_reset.requested", obj=user, after={"phone": mask_phone(phone)})
    request.session[RESET_SESSION_KEY] = row.pk
    request.session[SENT_TO_SESSION_KEY] = mask_phone(phone)


def complete_password_reset(request: HttpRequest, code: str, password: str) -> User:
    """Set a new password with the code sent to the account's phone. The code is used up,
    every session of the account ends, its failed logins are forgotten. CodeRefused for a
    bad code; ValidationError({"password": …}) for a weak password (the code stays valid)."""
    refusal: Exception | None = None
    with transaction.atomic():
        try:
            row = codes.confirm(request.session.get(RESET_SESSION_KEY), code, purpose=CodePurpose.RESET)
        except codes.CodeRefused as error:
            refusal = error
        else:
            assert row.user_id is not None  # reset codes are issued to an account
            user = User.objects.select_for_update().get(pk=row.user_id)
            try:
                _validate_password(password, user)
            except ValidationError as error:
                refusal = error
            else:
                codes.consume(row)
                user.set_password(password)
                user.session_salt = new_session_salt()
                user.phone_verified_at = timezone.now()
                user.must_change_password = False
                user.save(update_fields=["password", "session_salt", "phone_verified_at", "must_change_password"])
                LoginFailure.objects.filter(identifier_hash=cipher().lookup_hash(f"login-user:{user.pk}")).delete()
                record("accounts.password_reset", actor=user, obj=user, after={"by": "sms_code"})
    if refusal is not None:
        raise refusal
    request.session.pop(RESET_SESSION_KEY, None)
    return user


def one_time_password() -> str:
    """Twelve letters and digits, without look-alikes (0/O, 1/l/I), read out over the phone."""
    letters, digits = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ", "23456789"
    while True:
        value = "".join(secrets.choice(letters + digits) for _n in range(12))
        if any(c in digits for c in value) and any(c in letters for c in value):
            return value


def reset_staff_password(actor: User, subject: User) -> str:
    """The association sets a one-time password for a staff account and hands it over; the
    staff member must change it at the next login. Every session of the account ends."""
    require(actor, "people.reset_password")
    if subject.role == Role.APPLICANT or subject.pk == actor.pk:
        raise PermissionDenied("staff accounts of others only")
    password = one_time_password()
    with transaction.atomic():
        subject = User.objects.select_for_update().get(pk=subject.pk)
        subject.set_password(password)
        subject.must_change_password = True
        subject.session_salt = new_session_salt()
        subject.save(update_fields=["password", "must_change_password", "session_salt"])
        LoginFailure.objects.filter(identifier_hash=cipher().lookup_hash(f"login-user:{subject.pk}")).delete()
        record("accounts.staff_password_reset", actor=actor, obj=subject)
    return password


def password_changed(user: User) -> None:
    """The user chose a new password (the form saved it): audited; a forced change is done."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(must_change_password=False)
        user.must_change_password = False
        record("accounts.password_changed", actor=user, obj=user)


def log_out_everywhere(request: HttpRequest) -> None:
    """End every session of the user, on every device, this one included."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("not signed in")
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(session_salt=new_session_salt())
        record("accounts.logout_everywhere", actor=user, obj=user)
    logout(request)


def log_out(request: HttpRequest) -> None:
    if isinstance(request.user, User):  # signed in
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
