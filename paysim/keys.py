"""The simulator's keys: the merchant's API key pair, the platform's key and certificate, the APIv3 key.

Generated once into PAYSIM_KEY_DIR (default STATE_DIR/paysim) and shared by every process:
the site (signing requests as the merchant) and the simulator (checking them, signing
answers as the platform) must agree. Two gunicorn workers may start at once, so a new file
is written under a temporary name and published with os.link, which fails if another
process won the race; everyone then reads the one published file.
"""

import contextlib
import json
import os
import secrets
import string
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey
from cryptography.x509.oid import NameOID
from django.conf import settings

FILE_NAME = "keys.json"
_cache: dict[Path, "SimKeys"] = {}


@dataclass(frozen=True)
class SimKeys:
    merchant_private_key_pem: str
    merchant_serial_no: str
    platform_private_key_pem: str
    platform_certificate_pem: str
    apiv3_key: str

    @cached_property
    def merchant_private_key(self) -> RSAPrivateKey:
        return serialization.load_pem_private_key(self.merchant_private_key_pem.encode(), password=None)

    @cached_property
    def merchant_public_key(self) -> RSAPublicKey:
        return self.merchant_private_key.public_key()

    @cached_property
    def platform_private_key(self) -> RSAPrivateKey:
        return serialization.load_pem_private_key(self.platform_private_key_pem.encode(), password=None)

    @cached_property
    def platform_certificate(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.platform_certificate_pem.encode())

    @property
    def platform_serial_no(self) -> str:
        """As WeChat writes it in Wechatpay-Serial: upper-case hex."""
        return format(self.platform_certificate.serial_number, "X")


def key_dir() -> Path:
    return Path(settings.PAYSIM_KEY_DIR)  # STATE_DIR/paysim; tests point it at a temporary folder


def _pem(key: RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def generate() -> SimKeys:
    merchant = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    platform = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Tenpay.com (paysim)"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Tenpay.com platform certificate (paysim)"),
        ]
    )
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(platform.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=5 * 365))
        .sign(platform, hashes.SHA256())
    )
    alphabet = string.ascii_letters + string.digits
    return SimKeys(
        merchant_private_key_pem=_pem(merchant),
        merchant_serial_no=secrets.token_hex(20).upper(),
        platform_private_key_pem=_pem(platform),
        platform_certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode(),
        apiv3_key="".join(secrets.choice(alphabet) for _ in range(32)),
    )


def _read(path: Path) -> SimKeys:
    return SimKeys(**json.loads(path.read_text(encoding="utf-8")))


def get_keys() -> SimKeys:
    """The keys of this installation, generated on first use."""
    folder = key_dir()
    if folder in _cache:
        return _cache[folder]
    path = folder / FILE_NAME
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        keys = generate()
        fd, temp = tempfile.mkstemp(dir=folder, prefix=".keys-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(asdict(keys), handle)
            os.chmod(temp, 0o600)  # private keys
            # os.link is an atomic "create if absent": the first process wins, the others
            # (FileExistsError) read the winner's keys below.
            with contextlib.suppress(FileExistsError):
                os.link(temp, path)
        finally:
            os.unlink(temp)
    keys = _read(path)
    _cache[folder] = keys
    return keys


def merchant_private_key_file() -> Path:
    """The merchant key as a PEM file, for tools that want WECHATPAY_PRIVATE_KEY_FILE."""
    path = key_dir() / "apiclient_key.pem"
    if not path.exists():
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temp.write_text(get_keys().merchant_private_key_pem, encoding="utf-8")
        os.chmod(temp, 0o600)
        os.replace(temp, path)  # same content from every writer: replacing is harmless
    return path
