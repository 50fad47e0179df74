"""Typed readers for settings from the environment that fail loudly on bad values."""

import os
import re
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {raw!r}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


_HEADER_NAME = re.compile(r"^[A-Za-z0-9-]+$")


def env_header(name: str) -> tuple[str, str] | None:
    """A request header and the value that marks it, written as it arrives: "X-Forwarded-Proto: https".

    Returned in Django's META spelling, ("HTTP_X_FORWARDED_PROTO", "https"); unset or empty is None.
    """
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    header, colon, value = raw.partition(":")
    header, value = header.strip(), value.strip()
    if not colon or not _HEADER_NAME.match(header) or not value:
        raise ImproperlyConfigured(f'{name} must look like "X-Forwarded-Proto: https", got {raw!r}')
    return "HTTP_" + header.upper().replace("-", "_"), value


def env_secret(name: str, state_dir: Path, *, production: bool, nbytes: int = 32) -> str:
    """A secret from the environment, or one generated once and kept in state_dir.

    The generated file is the embedded default for `make run`; production must set
    the variable, because losing a generated key loses the data it protects.
    """
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if production:
        raise ImproperlyConfigured(f"{name} must be set when SKILLCERT_ENV=production")
    path = state_dir / name.lower()
    if path.exists():
        return path.read_text().strip()
    state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # holds the SQLite file and media: the service's only
    value = secrets.token_urlsafe(nbytes)
    path.write_text(value)
    path.chmod(0o600)
    return value
