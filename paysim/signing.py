"""WeChat Pay v3's signatures and encryption, as the platform does them (the simulator's side).

* Requests carry `Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",
  signature="…",timestamp="…",serial_no="…"`, an RSA-SHA256 signature by the merchant's
  key over "METHOD\\nPATH?QUERY\\nTIMESTAMP\\nNONCE\\nBODY\\n".
* Answers and notifications carry Wechatpay-Timestamp/-Nonce/-Signature/-Serial, a
  signature by the platform key over "TIMESTAMP\\nNONCE\\nBODY\\n".
* Resources (notifications, certificates) are AEAD_AES_256_GCM-encrypted with the APIv3 key.
"""

import base64
import re
import secrets
import string
import time

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SCHEME = "WECHATPAY2-SHA256-RSA2048"
_ALPHANUMERIC = string.ascii_letters + string.digits
_AUTH_PARAM = re.compile(r'(\w+)="([^"]*)"')


def nonce(length: int = 32) -> str:
    return "".join(secrets.choice(_ALPHANUMERIC) for _ in range(length))


def rsa_sign(key: RSAPrivateKey, message: str) -> str:
    return base64.b64encode(key.sign(message.encode(), PKCS1v15(), hashes.SHA256())).decode()


def rsa_verify(key: RSAPublicKey, message: str, signature: str) -> bool:
    try:
        key.verify(base64.b64decode(signature, validate=True), message.encode(), PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError):
        return False
    return True


def parse_authorization(header: str) -> dict[str, str] | None:
    """The parameters of an Authorization header, or None when it is not WeChat Pay's scheme."""
    scheme, _, params = header.partition(" ")
    if scheme != SCHEME:
        return None
    return dict(_AUTH_PARAM.findall(params))


def request_message(method: str, path: str, timestamp: str, nonce_str: str, body: str) -> str:
    return f"{method}\n{path}\n{timestamp}\n{nonce_str}\n{body}\n"


def platform_headers(body: str, key: RSAPrivateKey, serial_no: str, *, timestamp: int | None = None) -> dict[str, str]:
    """The Wechatpay-* headers of an answer or a notification with this body."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    nonce_str = nonce()
    return {
        "Wechatpay-Timestamp": stamp,
        "Wechatpay-Nonce": nonce_str,
        "Wechatpay-Signature": rsa_sign(key, f"{stamp}\n{nonce_str}\n{body}\n"),
        "Wechatpay-Serial": serial_no,
        "Wechatpay-Signature-Type": SCHEME,
    }


def encrypt_resource(apiv3_key: str, plaintext: str, associated_data: str) -> dict[str, str]:
    """AEAD_AES_256_GCM with a 12-character nonce, ciphertext||tag in base64, as WeChat sends it."""
    nonce_str = nonce(12)
    ciphertext = AESGCM(apiv3_key.encode()).encrypt(nonce_str.encode(), plaintext.encode(), associated_data.encode())
    return {
        "algorithm": "AEAD_AES_256_GCM",
        "nonce": nonce_str,
        "associated_data": associated_data,
        "ciphertext": base64.b64encode(ciphertext).decode(),
    }
