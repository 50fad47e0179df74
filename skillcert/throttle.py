"""Throttling of lookups that can be used to guess (a certificate verification, …) by their misses.

An address that missed `limit` times within the last `window` seconds is answered 429 until the
oldest of those misses leaves the window; `retry_after` says how long that is. Hits are never
counted and write nothing; a throttled address is refused before any lookup, so its refusals are
not misses either (it gets one more try each time a miss leaves the window). No captcha.

The misses are rows of `ThrottleMiss` so every gunicorn worker (and host) counts the same ones;
each recorded miss prunes its scope's rows older than the window. Two workers may both let the
limit-th miss through at once: the limit is exact to within the number of concurrent requests.

A hit costs no query when nothing was missed anywhere since this process last read an address:
each recorded miss renews a stamp file (`THROTTLE_STAMP_FILE`, in the folder every worker shares,
like the public data version), and a process remembers, per address, that it found it under the
limit at a stamp. An address under the limit stays under it until some miss is recorded (misses
only leave the window), so while the stamp is unchanged the memory is exact. One `stat` a hit.

Each scope names the settings of its limit and window, read at every call:

    SCOPE = throttle.declare("certificates.verify", misses="CERTIFICATE_VERIFY_MISSES",
                             window="CERTIFICATE_VERIFY_WINDOW")
"""

import ipaddress
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from skillcert.lib.stamps import Stamp, renew, stamp_of
from skillcert.models import ThrottleMiss

ADDRESS_LENGTH = 64
REMEMBERED = 4096  # addresses a process remembers as under the limit (least recently used go first)


@dataclass(frozen=True)
class Scope:
    name: str
    misses_setting: str
    window_setting: str

    def limits(self) -> tuple[int, int]:
        """(misses allowed, window in seconds), from the settings now."""
        return int(getattr(settings, self.misses_setting)), int(getattr(settings, self.window_setting))


_scopes: dict[str, Scope] = {}


def declare(name: str, *, misses: str, window: str) -> str:
    """Register a scope with the names of its settings; returns the name (declaring twice is harmless)."""
    _scopes[name] = Scope(name, misses, window)
    return name


def _scope(name: str) -> Scope:
    try:
        return _scopes[name]
    except KeyError:
        raise LookupError(f"throttle scope {name!r} is not declared") from None


@lru_cache(maxsize=REMEMBERED)
def address_key(address: str | None) -> str:
    """What is counted for an address: an IPv6 client is its /64 (one subscriber's share of the
    network: hopping within it is free), an IPv4-mapped one its IPv4 address; no address is ""."""
    if not address:
        return ""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip()[:ADDRESS_LENGTH]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False))
    return str(ip)


def _recent_statement() -> str:
    """The newest misses of a scope and address since a time: the hit path's only read, written out
    once from the model's names (the ORM spends ~0.2 ms compiling it, the statement runs in ~15 µs)."""
    quote, meta = connection.ops.quote_name, ThrottleMiss._meta
    at = quote("at")
    return (
        f"SELECT {at} FROM {quote(meta.db_table)} "  # noqa: S608  names from the model; values are parameters
        f"WHERE {quote('scope')} = %s AND {quote('address')} = %s AND {at} > %s ORDER BY {at} DESC LIMIT %s"
    )


def _moment(value: Any) -> datetime:
    """A DateTimeField as read (SQLite answers text in UTC)."""
    moment = parse_datetime(value) if isinstance(value, str) else value
    assert isinstance(moment, datetime)
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)


# (scope, address key, limit) -> the stamp at which the address was found under the limit.
_under_limit: OrderedDict[tuple[str, str, int], Stamp] = OrderedDict()
_memory_lock = threading.Lock()


def _stamp_path() -> str:
    return str(settings.THROTTLE_STAMP_FILE)


def _remembered(key: tuple[str, str, int], stamp: Stamp) -> bool:
    with _memory_lock:
        if stamp is not None and _under_limit.get(key) == stamp:
            _under_limit.move_to_end(key)
            return True
    return False


def _remember(key: tuple[str, str, int], stamp: Stamp) -> None:
    with _memory_lock:
        _under_limit[key] = stamp
        _under_limit.move_to_end(key)
        while len(_under_limit) > REMEMBERED:
            _under_limit.popitem(last=False)


def forget() -> None:
    """Tests: nothing remembered (rolled-back misses must not linger)."""
    with _memory_lock:
        _under_limit.clear()


def retry_after(scope: str, address: str | None, *, now: datetime | None = None) -> int | None:
    """Seconds until `address` may try again (at least 1), or None when it is not throttled.

    No query when no miss was recorded anywhere since this process found the address under the
    limit; else one indexed read of at most `limit` rows. Nothing is written."""
    limit, window = _scope(scope).limits()
    key = (scope, address_key(address), limit)
    stamp = stamp_of(_stamp_path())
    if stamp is None:  # the first look on a new machine: a stamp to remember against
        renew(_stamp_path())
        stamp = stamp_of(_stamp_path())
    if now is None and _remembered(key, stamp):
        return None
    now = now or timezone.now()
    since = connection.ops.adapt_datetimefield_value(now - timedelta(seconds=window))
    with connection.cursor() as cursor:
        cursor.execute(_recent_statement(), [scope, key[1], since, limit])
        recent = [row[0] for row in cursor.fetchall()]
    if len(recent) < limit:
        if stamp is not None:
            _remember(key, stamp)
        return None
    # Free again once fewer than `limit` misses are left in the window: when the limit-th newest leaves.
    frees_at = _moment(recent[-1]) + timedelta(seconds=window)
    return max(1, math.ceil((frees_at - now).total_seconds()))


def record_miss(scope: str, address: str | None, *, now: datetime | None = None) -> None:
    """Count one miss of `address`; the scope's rows older than the window go."""
    _, window = _scope(scope).limits()
    now = now or timezone.now()
    ThrottleMiss.objects.filter(scope=scope, at__lte=now - timedelta(seconds=window)).delete()
    ThrottleMiss.objects.create(scope=scope, address=address_key(address), at=now)
    # Every process reads the table again at its next look: now, and once more when this commits.
    renew(_stamp_path())
    transaction.on_commit(lambda: renew(_stamp_path()))
