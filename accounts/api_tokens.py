"""Personal API tokens of staff: made, shown once, checked on every API call, revoked.

A token reads `skc_<prefix>_<secret>`. The row keeps the prefix (to find it) and a keyed
hash of the whole token (`cipher().lookup_hash`, the key outside the database), compared in
constant time: a copy of the database lets nobody call the API. A token acts as its user —
the role and city the user has at the time of the call — and its scope may narrow that to
reading. Every creation and revocation is audited, and so is every call with a revoked token
(someone still holds it); use is recorded as `last_used_at`, written at most once per
`API_TOKEN_USE_INTERVAL`.
"""

import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import STAFF_ROLES, ApiToken, TokenScope, User
from accounts.permissions import has_capability, require
from audit.services import record
from skillcert.fields import cipher

PREFIX = "skc_"


def _digest(token: str) -> str:
    return cipher().lookup_hash(f"api-token:{token}")


def _parse(token: str) -> tuple[str, str] | None:
    """(prefix, secret) of a well-formed token, else None."""
    if not token.startswith(PREFIX):
        return None
    prefix, _sep, secret = token[len(PREFIX) :].partition("_")
    if len(prefix) != 10 or not secret:
        return None
    return prefix, secret


def max_days() -> int:
    return settings.API_TOKEN_MAX_DAYS


def create_token(actor: User, *, name: str, scope: str, days: int) -> tuple[ApiToken, str]:
    """A new token for `actor` itself, valid for `days` (at most API_TOKEN_MAX_DAYS), and the
    token in clear: the caller shows it once; it is never stored nor shown again."""
    require(actor, "api_tokens.own")
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("请填写令牌的用途，例如“考场编排导出”。")})
    if scope not in TokenScope.values:
        raise ValidationError({"scope": _("请选择权限范围。")})
    if not 1 <= days <= max_days():
        raise ValidationError({"days": _("有效期须在 1 到 %(max)d 天之间。") % {"max": max_days()}})
    prefix = secrets.token_hex(5)
    token = f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    now = timezone.now()
    with transaction.atomic():
        row = ApiToken.objects.create(
            user=actor,
            name=name[:50],
            prefix=prefix,
            digest=_digest(token),
            scope=scope,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        record(
            "accounts.api_token.created",
            actor=actor,
            obj=row,
            after={"prefix": prefix, "scope": scope, "expires_at": row.expires_at.isoformat()},
        )
    return row, token


def manageable_tokens(actor: User) -> QuerySet[ApiToken]:
    """The tokens `actor` may see and revoke: its own; the association everyone's."""
    tokens = ApiToken.objects.select_related("user", "user__city", "revoked_by")
    if has_capability(actor, "api_tokens.manage_all"):
        return tokens
    if has_capability(actor, "api_tokens.own"):
        return tokens.filter(user=actor)
    return tokens.none()


def revoke_token(actor: User, token: ApiToken) -> ApiToken:
    """Revoke `token` (its owner or the association). Revoking it again changes nothing."""
    if not manageable_tokens(actor).filter(pk=token.pk).exists():
        raise PermissionDenied("api_tokens.revoke")
    with transaction.atomic():
        # Lock the token row only: PostgreSQL cannot lock the outer-joined (nullable) city.
        token = ApiToken.objects.select_for_update(of=("self",)).select_related("user__city").get(pk=token.pk)
        if token.revoked_at is not None:
            return token
        token.revoked_at = timezone.now()
        token.revoked_by = actor
        token.save(update_fields=["revoked_at", "revoked_by"])
        record(
            "accounts.api_token.revoked",
            actor=actor,
            obj=token,
            before={"revoked": False},
            after={"revoked": True, "prefix": token.prefix, "owner": str(token.user)},
        )
    return token


def authenticate(token: str) -> ApiToken | None:
    """The live token this string is, its user active staff; else None (the API answers 401).

    A revoked token that matches is audited: someone still uses what was taken away."""
    parsed = _parse(token)
    if parsed is None:
        return None
    row = ApiToken.objects.select_related("user", "user__city").filter(prefix=parsed[0]).first()
    if row is None or not hmac.compare_digest(row.digest, _digest(token)):
        return None
    now = timezone.now()
    if row.revoked_at is not None:
        record("accounts.api_token.used_after_revoke", obj=row, after={"prefix": row.prefix})
        return None
    user = row.user
    if row.expires_at <= now or not user.is_active or user.role not in STAFF_ROLES:
        return None
    _touch(row, now)
    return row


def _touch(row: ApiToken, now: datetime) -> None:
    """Record the use, once per interval: the conditional update writes nothing in between."""
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - settings.API_TOKEN_USE_INTERVAL)
    if ApiToken.objects.filter(stale, pk=row.pk).update(last_used_at=now):
        row.last_used_at = now
