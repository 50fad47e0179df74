"""One-time codes by SMS: issued rate-limited, kept hashed, confirmed once, sent after commit.

Every issue creates a row, whether or not the phone or account exists (a decoy has no
`to`, so nothing is sent, and can never be confirmed): the answers and the rate limits
are the same either way, so no page tells whether an account exists.
"""

import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import CodePurpose, PhoneCode, User
from skillcert.fields import cipher, lookup_hash
from skillcert.jobs import enqueue_on_commit
from skillcert.lib.identity import normalise_mobile


class CodeRefused(Exception):
    """str() is the message to show beside the field."""


def phone_key(phone: str) -> str:
    """The per-phone rate-limit key (the same hash as User.phone_hash)."""
    return lookup_hash(User, "phone", normalise_mobile(phone)) or ""


def _digest(salt: str, code: str) -> str:
    return cipher().lookup_hash(f"phone-code:{salt}:{code}")


def _hash_code(code: str) -> str:
    salt = secrets.token_hex(8)
    return f"{salt}${_digest(salt, code)}"


def _matches(stored: str, code: str) -> bool:
    salt, _sep, digest = stored.partition("$")
    return hmac.compare_digest(digest, _digest(salt, code.strip()))


def new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def check_rate(phone_hash: str, ip: str | None, now: datetime | None = None) -> None:
    """CodeRefused when this phone or this address asked for too many codes lately."""
    now = now or timezone.now()
    hour = PhoneCode.objects.filter(created_at__gte=now - timedelta(hours=1))
    by_phone = hour.filter(phone_hash=phone_hash)
    last = by_phone.order_by("-created_at").values_list("created_at", flat=True).first()
    if last and now - last < settings.PHONE_CODE_INTERVAL:
        seconds = int((settings.PHONE_CODE_INTERVAL - (now - last)).total_seconds()) + 1
        raise CodeRefused(_("验证码刚刚发送过，请 %(seconds)d 秒后再试。") % {"seconds": seconds})
    if by_phone.count() >= settings.PHONE_CODE_PER_PHONE_HOUR:
        raise CodeRefused(_("这个手机号码在一小时内请求验证码的次数过多，请稍后再试。"))
    if ip and hour.filter(ip=ip).count() >= settings.PHONE_CODE_PER_ADDRESS_HOUR:
        raise CodeRefused(_("您所在的网络在一小时内请求验证码的次数过多，请稍后再试。"))


def issue(
    purpose: str,
    *,
    phone_hash: str,
    to: str | None,
    ip: str | None,
    user: User | None = None,
    subject_hash: str = "",
    payload: str = "",
) -> PhoneCode:
    """Create a code for `purpose` and send it to `to` after the commit (nothing when `to`
    is None: a decoy). Call inside a transaction; CodeRefused when rate-limited."""
    check_rate(phone_hash, ip)
    code = new_code()
    now = timezone.now()
    prune(now)
    row = PhoneCode.objects.create(
        purpose=purpose,
        user=user,
        phone_hash=phone_hash,
        subject_hash=subject_hash,
        ip=ip,
        code_hash=_hash_code(code),
        to=to or "",
        outgoing=_text(purpose, code) if to else "",
        payload=payload,
        created_at=now,
        expires_at=now + settings.PHONE_CODE_TTL,
    )
    if to:
        from accounts.tasks import send_phone_code

        enqueue_on_commit(send_phone_code, row.pk)
    return row


def _text(purpose: str, code: str) -> str:
    minutes = int(settings.PHONE_CODE_TTL.total_seconds() // 60)
    actions: dict[str, str] = {
        CodePurpose.REGISTER: _("注册账号"),
        CodePurpose.RESET: _("重设密码"),
        CodePurpose.UNLOCK: _("解锁登录"),
    }
    what = actions[purpose]
    text = _(
        "【技能等级认定】您正在%(what)s，验证码 %(code)s，%(minutes)d 分钟内有效。"
        "请勿告诉任何人，工作人员不会向您索要验证码。"
    )
    return text % {"what": what, "code": code, "minutes": minutes}


def confirm(code_id: int | None, code: str, *, purpose: str, subject_hash: str | None = None) -> PhoneCode:
    """The unused, unexpired code row of `purpose` that `code` matches, locked, with its
    attempt counted; CodeRefused otherwise (the same message for every reason). The caller
    marks it used (`consume`) in the same transaction once the use case succeeded."""
    refused = CodeRefused(_("验证码不正确或已过期，请重新获取。"))
    if not code_id or not (code or "").strip():
        raise refused
    row = PhoneCode.objects.select_for_update().filter(pk=code_id, purpose=purpose).first()
    if row is None or row.used_at is not None or row.expires_at <= timezone.now():
        raise refused
    if row.attempts >= settings.PHONE_CODE_ATTEMPTS:
        raise refused
    if subject_hash is not None and not hmac.compare_digest(row.subject_hash, subject_hash):
        raise refused
    decoy = row.user_id is None and not row.payload
    if decoy or not _matches(row.code_hash, code):
        # Callers catch CodeRefused inside their transaction and raise it after, so this commits.
        PhoneCode.objects.filter(pk=row.pk).update(attempts=row.attempts + 1)
        raise refused
    return row


def count_attempt(row: PhoneCode) -> None:
    """A right code used with something else wrong (the password): it still costs an attempt."""
    PhoneCode.objects.filter(pk=row.pk).update(attempts=row.attempts + 1)


def consume(row: PhoneCode) -> None:
    PhoneCode.objects.filter(pk=row.pk).update(used_at=timezone.now(), payload="", attempts=row.attempts + 1)


def prune(now: datetime | None = None) -> None:
    """Codes are kept a day (the rate limits look back an hour), then deleted."""
    now = now or timezone.now()
    PhoneCode.objects.filter(created_at__lt=now - timedelta(days=1)).delete()
