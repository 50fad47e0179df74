"""The certificate as a W3C Verifiable Credential 2.0, and the revocation status lists it points to.

`verifiable_credential` secures the credential with JOSE as "Securing Verifiable Credentials using
JOSE and COSE" says: a compact JWS whose payload is the credential itself, header
{"alg": "EdDSA", "kid", "typ": "vc+jwt", "cty": "vc"}, signed with the same keys as the QR (the
JWK set at /.well-known/jwks.json). Its subject is the canonical record (`Record.as_json`, the
same members as the QR and the API).

Its `credentialStatus` is a `BitstringStatusListEntry` (W3C Bitstring Status List): certificate pk
p is bit p % 131072 of list p // 131072, served at /credentials/status/<list> as a
`BitstringStatusListCredential` (vc+jwt too). A set bit is a revoked or replaced certificate.

The contexts are named, never fetched: nothing here runs a JSON-LD processor. The second context
is inline and maps our own terms to this site's vocabulary (`<issuer>/credentials/vocab#…`).
"""

import base64
import gzip
from collections.abc import Iterable
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse

from certificates.models import Certificate
from certificates.services.issuing import record_of
from skillcert import signing

CONTEXT_V2 = "https://www.w3.org/ns/credentials/v2"
CREDENTIAL_CTY = "vc"
STATUS_LIST_CONTENT_TYPE = "application/vc+jwt"
CREDENTIAL_TYPE = "SkillLevelCertificate"  # 职业技能等级证书
STATUS_LIST_SIZE = 131_072  # bits per list: the spec's minimum (16 KB), for herd privacy
STATUS_PURPOSE = "revocation"


def _issuer_url() -> str:
    return str(settings.SIGNING_ISSUER).rstrip("/")


def _context() -> list[Any]:
    return [CONTEXT_V2, {"@vocab": f"{_issuer_url()}/credentials/vocab#"}]


def _issuer() -> dict[str, str]:
    return {"id": _issuer_url(), "name": settings.CERTIFICATE_ISSUER}


def status_position(certificate_pk: int) -> tuple[int, int]:
    """(list number, index in the list) of a certificate."""
    return divmod(certificate_pk, STATUS_LIST_SIZE)


def status_list_url(list_number: int) -> str:
    return _issuer_url() + reverse("verify:status_list", args=[list_number])


def _sign(credential: dict[str, Any]) -> str:
    return signing.sign(credential, typ=signing.CREDENTIAL, cty=CREDENTIAL_CTY, jwt_claims=False)


def credential_of(certificate: Certificate) -> dict[str, Any]:
    """The unsecured credential (what the vc+jwt signs)."""
    list_number, index = status_position(certificate.pk)
    list_url = status_list_url(list_number)
    issued = datetime.combine(certificate.issued_on, time(0), tzinfo=ZoneInfo(settings.TIME_ZONE))
    return {
        "@context": _context(),
        "type": ["VerifiableCredential", CREDENTIAL_TYPE],
        "issuer": _issuer(),
        "validFrom": issued.isoformat(),
        "name": "职业技能等级证书",
        "credentialSubject": {"type": "SkillLevelCertificateHolder", **record_of(certificate).as_json()},
        "credentialStatus": {
            "id": f"{list_url}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": STATUS_PURPOSE,
            "statusListIndex": str(index),
            "statusListCredential": list_url,
        },
    }


def verifiable_credential(certificate: Certificate) -> str:
    """The certificate as a vc+jwt (compact JWS)."""
    return _sign(credential_of(certificate))


# --- status lists -------------------------------------------------------------------------------------


def encode_bits(indexes: Iterable[int]) -> str:
    """The list's `encodedList`: multibase base64url (u, no padding) of the GZIP of the bitstring;
    index 0 is the first byte's most significant bit."""
    bits = bytearray(STATUS_LIST_SIZE // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def decode_bits(encoded: str) -> bytes:
    """The bitstring of an `encodedList` (for verifiers and tests)."""
    if not encoded.startswith("u"):
        raise ValueError("encodedList is not multibase base64url (u…)")
    data = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def bit(bitstring: bytes, index: int) -> bool:
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))


def list_exists(list_number: int) -> bool:
    """List 0 always; a later one once a certificate falls in or past it."""
    return list_number == 0 or Certificate.objects.filter(pk__gte=list_number * STATUS_LIST_SIZE).exists()


def revoked_indexes(list_number: int) -> list[int]:
    """Indexes of the list's revoked and replaced certificates."""
    start = list_number * STATUS_LIST_SIZE
    pks = (
        Certificate.objects.filter(pk__gte=start, pk__lt=start + STATUS_LIST_SIZE)
        .exclude(state=Certificate.State.VALID)
        .values_list("pk", flat=True)
    )
    return [pk - start for pk in pks]


def status_list_credential(list_number: int, *, now: datetime | None = None) -> str:
    """The list as a `BitstringStatusListCredential` secured as vc+jwt."""
    url = status_list_url(list_number)
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    credential = {
        "@context": [CONTEXT_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": _issuer(),
        "validFrom": now.isoformat().replace("+00:00", "Z"),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": STATUS_PURPOSE,
            "encodedList": encode_bits(revoked_indexes(list_number)),
        },
    }
    return _sign(credential)
