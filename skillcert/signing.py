"""Signed documents: compact JWS (RFC 7515) with Ed25519 (`alg: EdDSA`, RFC 8037), keys named by `kid`,
and the public JWK set (RFC 7517) served at `/.well-known/jwks.json`.

Admission tickets and certificates carry a QR code with `sign(claims, typ=…)`; anyone verifies it with
the published key set and any JOSE library, offline. `verify` is the site's own check (scans, the
verification page).

Keys live in files under `settings.SIGNING_KEYS_DIR`, outside the repository and the database
(docs/operations.md, "Signing keys"):

    active            the kid that signs now (one line)
    <kid>.pem         the active key's private key (PKCS#8 PEM, mode 0600)
    <kid>.pub         the public key of every published kid (SubjectPublicKeyInfo PEM)
    retired/<kid>.pub keys taken out of the set (kept for the record)

`rotate` makes a new active key and destroys the previous private key; its public key stays in the set,
so everything it signed stays verifiable. `retire` takes a public key out of the set, once nothing it
signed is still in use. Processes notice a rotation at their next call (one `stat` of the folder).
"""

import fcntl
import json
import logging
import os
import secrets
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from joserfc import jws
from joserfc.errors import JoseError, UnsupportedAlgorithmError
from joserfc.jwa import EdDSA
from joserfc.jwk import OKPKey
from joserfc.jws import JWSRegistry

logger = logging.getLogger(__name__)

ALGORITHM = "EdDSA"
# The `typ` header of each kind of signed document (RFC 8725 §3.11: a token of one kind is never
# accepted as another).
TICKET = "ticket+jwt"
CERTIFICATE = "certificate+jwt"
REVOCATION_LIST = "revocation-list+jwt"
CREDENTIAL = "vc+jwt"  # W3C VC 2.0 secured with JOSE (its `cty` is "vc")

ACTIVE_FILE = "active"
RETIRED_DIR = "retired"
LOCK_FILE = ".lock"


class SignatureRefused(ValueError):
    """A token that does not verify: malformed, unknown or retired kid, wrong algorithm or type, bad signature.

    str() is a Chinese message for the person scanning; `reason` a short English code for logs and tests.
    """

    def __init__(self, reason: str, message: str = "签名无效：该二维码不是本平台签发的，或内容已被改动。"):
        super().__init__(message)
        self.reason = reason


class _EdDSAOnly(JWSRegistry):
    """Only `EdDSA`. RFC 9864 deprecates the polymorphic name "EdDSA" for "Ed25519"; we keep "EdDSA"
    (RFC 8037) because it is what the published contract says and what every deployed verifier knows.
    Our keys are all Ed25519, so the two names mean the same signatures here."""

    def get_alg(self, name: str):  # type: ignore[override]
        if name != ALGORITHM:
            raise UnsupportedAlgorithmError(f"Algorithm of '{name}' is not allowed")
        return EdDSA


_REGISTRY = _EdDSAOnly(algorithms=[ALGORITHM])


@dataclass(frozen=True)
class PublicKey:
    kid: str
    key: Ed25519PublicKey

    @property
    def created(self) -> str:
        """The day the key was made (the kid starts with it): YYYY-MM-DD."""
        day = self.kid.split("-")[0]
        return f"{day[:4]}-{day[4:6]}-{day[6:8]}"

    @cached_property
    def okp(self) -> OKPKey:
        return OKPKey.import_key(self.key)

    def jwk(self) -> dict[str, str]:
        """The key as a JWK, exactly the members the set publishes."""
        x = self.okp.as_dict()["x"]
        return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": self.kid, "use": "sig", "alg": ALGORITHM}


@dataclass(frozen=True)
class Keys:
    """What the folder held at one moment. The private key is read only to sign: publishing the set and
    verifying never touch it."""

    root: Path
    active: str | None
    published: tuple[PublicKey, ...]  # the active key first, then the others by kid, newest first
    retired: tuple[str, ...]

    def public(self, kid: str) -> PublicKey | None:
        return next((key for key in self.published if key.kid == kid), None)

    @cached_property
    def private(self) -> Ed25519PrivateKey | None:
        """The active key's private key; None when there is none (no key yet, or its file is gone)."""
        path = self.root / f"{self.active}.pem"
        if not self.active or not path.exists():
            return None
        key = _load_private(path)
        public = self.public(self.active)
        if public is None or key.public_key() != public.key:
            raise ImproperlyConfigured(f"the signing key {self.active} does not match a published public key")
        return key

    @cached_property
    def signer(self) -> OKPKey:
        if self.private is None:
            raise ImproperlyConfigured("no active signing key")
        return OKPKey.import_key(self.private)


# --- the key folder ---------------------------------------------------------------------------------------------


def keys_dir() -> Path:
    """The configured folder; production refuses to sign without one (no embedded default there)."""
    value = str(getattr(settings, "SIGNING_KEYS_DIR", "") or "")
    if not value:
        raise ImproperlyConfigured(
            "SIGNING_KEYS_DIR must be set when SKILLCERT_ENV=production: the folder of the signing keys "
            "(docs/operations.md, 'Signing keys')"
        )
    return Path(value)


def _write(path: Path, data: bytes, mode: int) -> None:
    """Write under a temporary name, then rename: a reader sees the old file or the whole new one."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        os.fchmod(handle, mode)
        os.write(handle, data)
        os.fsync(handle)
    finally:
        os.close(handle)
    os.replace(temporary, path)


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    """One writer at a time (two workers creating the first key at once end with one key)."""
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(root / LOCK_FILE, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
            with _cache_lock:
                _cache.clear()


def _new_kid(root: Path) -> str:
    day = datetime.now(UTC).strftime("%Y%m%d")
    while True:
        kid = f"{day}-{secrets.token_hex(3)}"
        if not (root / f"{kid}.pub").exists() and not (root / RETIRED_DIR / f"{kid}.pub").exists():
            return kid


def _add_key(root: Path) -> str:
    """A new key pair in the folder, made active; the previous active key keeps only its public half."""
    previous = _read_active(root)
    kid = _new_kid(root)
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    _write(root / f"{kid}.pub", public, 0o644)
    _write(root / f"{kid}.pem", pem, 0o600)
    _write(root / ACTIVE_FILE, f"{kid}\n".encode(), 0o644)
    if previous and previous != kid:
        (root / f"{previous}.pem").unlink(missing_ok=True)  # nothing signs with it again
    return kid


def _read_active(root: Path) -> str | None:
    try:
        return (root / ACTIVE_FILE).read_text().strip() or None
    except FileNotFoundError:
        return None


def _load_private(path: Path) -> Ed25519PrivateKey:
    if path.stat().st_mode & 0o077:
        raise ImproperlyConfigured(f"{path} is readable by other users: chmod 600 it (a signing key is a secret)")
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{path} is not an Ed25519 private key")
    return key


def _load_public(path: Path) -> PublicKey:
    key = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise ImproperlyConfigured(f"{path} is not an Ed25519 public key")
    return PublicKey(path.name.removesuffix(".pub"), key)


def _read(root: Path) -> Keys:
    if not root.is_dir():
        return Keys(root, None, (), ())
    active = _read_active(root)
    published = sorted((_load_public(path) for path in root.glob("*.pub")), key=lambda k: k.kid, reverse=True)
    published.sort(key=lambda k: k.kid != active)  # stable: active first, then newest first
    retired = tuple(sorted(path.name.removesuffix(".pub") for path in (root / RETIRED_DIR).glob("*.pub")))
    return Keys(root, active, tuple(published), retired)


_cache: dict[tuple[str, int], Keys] = {}
_cache_lock = threading.Lock()


def load_keys() -> Keys:
    """The folder's keys, read again only when the folder changed (every write renames into it)."""
    root = keys_dir()
    try:
        stamp = root.stat().st_mtime_ns
    except FileNotFoundError:
        stamp = 0
    key = (str(root), stamp)
    with _cache_lock:
        keys = _cache.get(key)
        if keys is None:
            keys = _read(root)
            _cache.clear()
            _cache[key] = keys
    return keys


def _signing_keys() -> Keys:
    """The keys with an active one; on a fresh machine (not production) the first key is made here."""
    keys = load_keys()
    if keys.private is not None:
        return keys
    if not getattr(settings, "SIGNING_KEYS_AUTO_CREATE", False):
        raise ImproperlyConfigured(
            f"no active signing key in {keys_dir()}: run `manage.py signing_keys create` "
            "(docs/operations.md, 'Signing keys')"
        )
    kid = create_key()
    if kid:
        logger.warning("created the first signing key %s in %s (embedded default)", kid, keys_dir())
    return load_keys()


# --- key management (the signing_keys command) ------------------------------------------------------------------


def create_key() -> str | None:
    """The first key, made active; None (nothing done) when an active key exists already."""
    root = keys_dir()
    with _locked(root):
        active = _read_active(root)
        if active and (root / f"{active}.pem").exists():
            return None
        return _add_key(root)


def rotate_key() -> str:
    """A new active key; the previous one's private key is destroyed, its public key stays published."""
    root = keys_dir()
    with _locked(root):
        return _add_key(root)


def retire_key(kid: str) -> None:
    """Take a published key out of the JWK set (moved to retired/); never the active one."""
    root = keys_dir()
    with _locked(root):
        if kid == _read_active(root):
            raise ValueError(f"{kid} is the active key: rotate first")
        source = root / f"{kid}.pub"
        if not source.exists():
            raise ValueError(f"{kid} is not a published key")
        (root / RETIRED_DIR).mkdir(mode=0o700, exist_ok=True)
        os.replace(source, root / RETIRED_DIR / f"{kid}.pub")


# --- signing and verifying --------------------------------------------------------------------------------------


def _payload(claims: dict[str, Any]) -> bytes:
    # Compact JSON with Chinese as UTF-8 (not \\u escapes): the QR code is a third smaller.
    return json.dumps(claims, ensure_ascii=False, separators=(",", ":"), sort_keys=False).encode()


def sign(claims: dict[str, Any], *, typ: str, cty: str | None = None, jwt_claims: bool = True) -> str:
    """`claims` as a compact JWS signed with the active key, header {"alg": "EdDSA", "kid", "typ"}
    (and `cty` when given).

    Adds `iss` (settings.SIGNING_ISSUER, this site) and `iat` (now, seconds) when the claims lack them;
    `jwt_claims=False` signs them as they are (a W3C credential is its own payload).
    """
    if not typ:
        raise ValueError("a signed document names its type")
    keys = _signing_keys()
    body = dict(claims)
    if jwt_claims:
        body = {"iss": settings.SIGNING_ISSUER, **claims} if "iss" not in claims else body
        body.setdefault("iat", int(time.time()))
    header = {"alg": ALGORITHM, "kid": keys.active, "typ": typ}
    if cty:
        header["cty"] = cty
    return jws.serialize_compact(header, _payload(body), keys.signer, registry=_REGISTRY)


def header_of(token: str) -> dict[str, Any]:
    """The protected header of a token, unverified (which kid signed it)."""
    try:
        return dict(jws.extract_compact(token.strip().encode()).headers())
    except (JoseError, ValueError, TypeError) as exc:
        raise SignatureRefused("malformed") from exc


def verify(token: str, *, typ: str | None = None) -> dict[str, Any]:
    """The claims of a token signed by a published key (of type `typ` when given); else SignatureRefused."""
    header = header_of(token)
    if header.get("alg") != ALGORITHM:
        raise SignatureRefused("algorithm")
    if typ is not None and header.get("typ") != typ:
        raise SignatureRefused("type", "签名无效：这不是本类凭证的二维码。")
    key = load_keys().public(str(header.get("kid", "")))
    if key is None:
        raise SignatureRefused("unknown key")
    try:
        signed = jws.deserialize_compact(token.strip(), key.okp, registry=_REGISTRY)
        claims = json.loads(signed.payload)
    except (JoseError, ValueError, TypeError) as exc:
        raise SignatureRefused("signature") from exc
    if not isinstance(claims, dict):
        raise SignatureRefused("payload")
    return claims


def jwks() -> dict[str, list[dict[str, str]]]:
    """The published public keys as a JWK set: the active key first."""
    keys = load_keys()
    if not keys.published and getattr(settings, "SIGNING_KEYS_AUTO_CREATE", False):
        keys = _signing_keys()
    return {"keys": [key.jwk() for key in keys.published]}


@checks.register(checks.Tags.security, deploy=True)
def check_keys_dir(**_: Any) -> list[checks.CheckMessage]:
    """`check --deploy`: production names the key folder (nothing signs otherwise)."""
    if not getattr(settings, "SIGNING_KEYS_DIR", ""):
        return [
            checks.Error(
                "SIGNING_KEYS_DIR is not set: admission tickets and certificates cannot be signed",
                hint="set it to a folder outside the repository and run `manage.py signing_keys create`",
                id="skillcert.E101",
            )
        ]
    return []
