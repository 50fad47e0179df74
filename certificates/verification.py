"""Public verification of a certificate: the register's answer, whatever the visitor holds.

A visitor gives the 证书编号 and the name, or the ID number and the name, or scans the QR (the
signed record). The answer is always the register's row and its status, never what the paper or
the PDF says:

* valid;
* revoked, with the day and the reason (九.二 取消证书);
* replaced (re-issued with a new number) answers as revoked too, with the reason
  「已补发新证，本证作废」 and the day the new certificate was issued: the status is exactly
  valid or revoked for every verifier.

Names are compared without spaces and without the middle dots of minority names (· ・ • …);
numbers as `normalise_number` reads them; ID numbers with the x of the check digit upper-case.
An unknown number, a wrong name and an unknown ID number are the same miss (nothing tells which
part was wrong), counted by `skillcert.throttle` under `SCOPE`.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from django.db.models import QuerySet

from certificates.models import Certificate
from certificates.numbering import normalise_number, parse_certificate_number
from certificates.record import Record
from certificates.services.issuing import record_of
from skillcert import signing, throttle
from skillcert.fields import lookup_hash
from skillcert.lib.identity import looks_like_id_number, normalise_id_number

SCOPE = throttle.declare("certificates.verify", misses="CERTIFICATE_VERIFY_MISSES", window="CERTIFICATE_VERIFY_WINDOW")
REPLACED_REASON = "已补发新证，本证作废"
# Every miss says the same: nothing tells which part was wrong.
MISS = "没有找到与所填信息相符的证书，请核对证书编号（或身份证号）和姓名。"
# Spaces (ASCII, full-width, none-breaking) and the middle dots typed in minority names.
_NAME_NOISE = re.compile(r"[\s·・･•‧∙⋅]")


class Status(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"


@dataclass(frozen=True)
class Answer:
    """The register's answer about one certificate."""

    certificate: Certificate
    record: Record
    status: Status
    revoked_on: date | None
    revocation_reason: str | None

    @property
    def is_valid(self) -> bool:
        return self.status == Status.VALID

    def as_json(self) -> dict[str, Any]:
        """The API's answer, exactly these members."""
        return {
            "status": str(self.status),
            "certificate": self.record.as_json(),
            "revoked_on": self.revoked_on.isoformat() if self.revoked_on else None,
            "revocation_reason": self.revocation_reason,
            "credential": self.certificate.credential,
        }


@dataclass(frozen=True)
class Scanned:
    """A scanned QR whose signature holds: what it signs and the register's answer (None: unknown)."""

    claims: dict[str, Any]
    answer: Answer | None
    differences: tuple[str, ...]  # the record's members where the signed facts differ from the register

    @property
    def matches(self) -> bool:
        return self.answer is not None and not self.differences


def normalise_name(name: str) -> str:
    return _NAME_NOISE.sub("", unicodedata.normalize("NFKC", name or "")).casefold()


def same_name(typed: str, registered: str) -> bool:
    typed = normalise_name(typed)
    return bool(typed) and typed == normalise_name(registered)


def answer_of(certificate: Certificate) -> Answer:
    if certificate.is_valid:
        return Answer(certificate, record_of(certificate), Status.VALID, None, None)
    if certificate.is_replaced:
        successor = getattr(certificate, "replaced_by", None)
        day = successor.issued_on if successor is not None else certificate.revoked_on
        return Answer(certificate, record_of(certificate), Status.REVOKED, day, REPLACED_REASON)
    reason = certificate.revocation_reason or None
    return Answer(certificate, record_of(certificate), Status.REVOKED, certificate.revoked_on, reason)


def _certificates() -> QuerySet[Certificate]:
    """The hit path's read: one query with the successor joined, the encrypted ID number left unread."""
    return Certificate.objects.select_related("replaced_by").defer("id_number", "replaced_by__id_number")


def is_number(text: str) -> bool:
    return parse_certificate_number(normalise_number(text)) is not None


def by_number(number: str, name: str) -> Answer | None:
    """The certificate of this number if the name is its holder's; else None (a miss)."""
    found = _certificates().filter(number=normalise_number(number)).first()
    if found is None or not same_name(name, found.name):
        return None
    return answer_of(found)


def by_id_number(id_number: str, name: str) -> list[Answer]:
    """Every certificate of this ID number whose holder has this name: in force first, then newest
    first (a holder may have several occupations or levels). Empty: a miss."""
    if not looks_like_id_number(id_number):
        return []
    digest = lookup_hash(Certificate, "id_number", normalise_id_number(id_number))
    rows = [c for c in _certificates().filter(id_number_hash=digest) if same_name(name, c.name)]
    rows.sort(key=lambda c: (not c.is_valid, -c.issued_on.toordinal(), c.number))
    return [answer_of(c) for c in rows]


def by_token(token: str) -> Scanned:
    """A scanned QR: its signature checked against the published keys (SignatureRefused when it
    does not hold), then the register's row of the number it signs."""
    claims = signing.verify(token, typ=signing.CERTIFICATE)
    number = claims.get("number")
    found = _certificates().filter(number=number).first() if isinstance(number, str) else None
    if found is None:
        return Scanned(claims, None, ())
    answer = answer_of(found)
    registered = answer.record.as_json()
    differences = tuple(key for key, value in registered.items() if claims.get(key) != value)
    return Scanned(claims, answer, differences)
