"""Field encryption primitives. Pure module: keys come in as strings.

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256, authenticated),
through MultiFernet so that keys can rotate: the first key encrypts, every key
decrypts. Exact lookup uses a keyed hash (HMAC-SHA256) of the normalised value,
with its own key so that lookups survive a rotation of the encryption key.
"""

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class DecryptionFailed(ValueError):
    """The stored value was not made by any configured key, or was tampered with."""


def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret.encode())


class FieldCipher:
    def __init__(self, keys: str, lookup_key: str = "") -> None:
        secrets = [k.strip() for k in keys.split(",") if k.strip()]
        if not secrets or any(len(k) < 32 for k in secrets):
            raise ValueError("FIELD_ENCRYPTION_KEY needs one or more keys of at least 32 characters")
        self._fernet = MultiFernet(
            [Fernet(base64.urlsafe_b64encode(_derive(k, b"skillcert field v1"))) for k in secrets]
        )
        self._lookup_key = _derive(lookup_key or secrets[0], b"skillcert lookup v1")

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise DecryptionFailed("encrypted value cannot be decrypted with the configured keys") from None

    def rotate(self, token: str) -> str:
        """Re-encrypt under the current (first) key."""
        return self._fernet.rotate(token.encode()).decode()

    def lookup_hash(self, normalised: str) -> str:
        return hmac.new(self._lookup_key, normalised.encode(), hashlib.sha256).hexdigest()
