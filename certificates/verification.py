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

from django.db import connection
from django.db.models import Field

from certificates.models import Certificate
from certificates.numbering import normalise_number, parse_certificate_number
from certificates.record import Record
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

    record: Record
    status: Status
    revoked_on: date | None
    revocation_reason: str | None
    credential: str  # the compact JWS the QR carries
    issued_on: date  # for ordering a holder's certificates

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
            "credential": self.credential,
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


# --- the register's read ------------------------------------------------------------------------------
# One statement, written out once from the model's own names: the ORM compiles a query with a join
# in ~0.7 ms, the statement runs in ~15 µs, and a hit must be cheap (bench/test_bench_verify_api.py).
# It reads only the record's columns (the encrypted ID number is never read) and the day a
# successor was issued.
_COLUMNS = (
    "number",
    "name",
    "id_number_masked",
    "occupation_code",
    "occupation_name",
    "work_type",
    "level",
    "issued_on",
    "issuer",
    "credential",
    "state",
    "revoked_on",
    "revocation_reason",
)
_statements: dict[tuple[str, str], str] = {}


def _column(name: str) -> str:
    field = Certificate._meta.get_field(name)
    assert isinstance(field, Field) and field.column  # a concrete column
    return connection.ops.quote_name(field.column)


def _statement(by: str) -> str:
    """SELECT … WHERE <by> = %s, for this connection's quoting (built once per vendor)."""
    key = (connection.vendor, by)
    if key not in _statements:
        quote = connection.ops.quote_name
        table = quote(Certificate._meta.db_table)
        columns = ", ".join(f"c.{_column(name)}" for name in _COLUMNS)
        # Names from the model's meta; the value is a parameter.
        join = f"{table} c LEFT JOIN {table} s ON s.{_column('replaces')} = c.{_column('id')}"
        _statements[key] = f"SELECT {columns}, s.{_column('issued_on')} FROM {join} WHERE c.{_column(by)} = %s"  # noqa: S608
    return _statements[key]


def _day(value: Any) -> date | None:
    """A DATE column as read (SQLite answers text)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _answer(row: tuple[Any, ...]) -> Answer:
    number, name, masked, code, occupation, work_type, level, issued, issuer = row[:9]
    credential, state, revoked, reason, successor_issued = row[9:]
    issued_on = _day(issued)
    assert issued_on is not None  # NOT NULL
    record = Record(number, name, masked, code, occupation, work_type, level, issued_on, issuer)
    if state == Certificate.State.VALID:
        return Answer(record, Status.VALID, None, None, credential, issued_on)
    if state == Certificate.State.REPLACED:
        day = _day(successor_issued) or _day(revoked)  # the successor's issue day
        return Answer(record, Status.REVOKED, day, REPLACED_REASON, credential, issued_on)
    return Answer(record, Status.REVOKED, _day(revoked), reason or None, credential, issued_on)


def _read(by: str, value: str) -> list[Answer]:
    with connection.cursor() as cursor:
        cursor.execute(_statement(by), [value])
        return [_answer(row) for row in cursor.fetchall()]


def is_number(text: str) -> bool:
    return parse_certificate_number(normalise_number(text)) is not None


def by_number(number: str, name: str) -> Answer | None:
    """The certificate of this number if the name is its holder's; else None (a miss)."""
    found = _read("number", normalise_number(number))
    if not found or not same_name(name, found[0].record.name):
        return None
    return found[0]


def by_id_number(id_number: str, name: str) -> list[Answer]:
    """Every certificate of this ID number whose holder has this name: in force first, then newest
    first (a holder may have several occupations or levels). Empty: a miss."""
    if not looks_like_id_number(id_number):
        return []
    digest = lookup_hash(Certificate, "id_number", normalise_id_number(id_number))
    if digest is None:
        return []
    answers = [a for a in _read("id_number_hash", digest) if same_name(name, a.record.name)]
    answers.sort(key=lambda a: (not a.is_valid, -a.issued_on.toordinal(), a.record.number))
    return answers


def by_token(token: str) -> Scanned:
    """A scanned QR: its signature checked against the published keys (SignatureRefused when it
    does not hold), then the register's row of the number it signs."""
    claims = signing.verify(token, typ=signing.CERTIFICATE)
    number = claims.get("number")
    found = _read("number", number) if isinstance(number, str) else []
    if not found:
        return Scanned(claims, None, ())
    registered = found[0].record.as_json()
    differences = tuple(key for key, value in registered.items() if claims.get(key) != value)
    return Scanned(claims, found[0], differences)
