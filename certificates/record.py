"""The certificate's canonical record (pure): what the QR signs, what the verification API answers
and what the credential states. One shape, so a verifier that reads any of them reads the same facts.

The content follows 人社鉴发〔2021〕1号: name, ID type and number, occupation (code and name), 工种/
职业方向 or "--", the level written like 三级/高级工, number, issue date, evaluation body. The
record carries the ID number masked; the printed certificate shows it whole.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

NO_WORK_TYPE = "--"

# The national level names (5 五级/初级工 … 1 一级/高级技师), as the certificate writes them.
LEVEL_NAMES = {
    5: "五级/初级工",
    4: "四级/中级工",
    3: "三级/高级工",
    2: "二级/技师",
    1: "一级/高级技师",
}

ID_TYPE = "居民身份证"


def level_name(level: int) -> str:
    """三级/高级工 for 3; ValueError outside 1..5."""
    try:
        return LEVEL_NAMES[level]
    except KeyError:
        raise ValueError(f"level {level} is outside 1..5") from None


@dataclass(frozen=True)
class Record:
    """The facts a certificate states, the same in the QR, the API and the credential."""

    number: str
    name: str
    id_number_masked: str
    occupation_code: str
    occupation: str
    work_type: str  # 工种/职业方向, or "--"
    level: int
    issued_on: date
    issuer: str

    @property
    def level_name(self) -> str:
        return level_name(self.level)

    def as_json(self) -> dict[str, Any]:
        """The API's `certificate` object, exactly these members in this order."""
        return {
            "number": self.number,
            "name": self.name,
            "id_number_masked": self.id_number_masked,
            "occupation_code": self.occupation_code,
            "occupation": self.occupation,
            "work_type": self.work_type or NO_WORK_TYPE,
            "level": self.level,
            "level_name": self.level_name,
            "issued_on": self.issued_on.isoformat(),
            "issuer": self.issuer,
        }


@dataclass(frozen=True)
class PrintedCertificate:
    """What one printed certificate shows (one A4 page): the record with the full ID number, the
    photo, the QR's text (this site's verification URL carrying the signed record) and the query
    addresses printed under it."""

    record: Record
    id_type: str
    id_number: str  # whole, as printed on the certificate
    photo: bytes | None  # the 1-inch white-background photo, JPEG; None prints an empty photo box
    qr: str
    query_addresses: tuple[str, ...]
    title: str = "职业技能等级证书"
    # The body text (正文) above the facts.
    body_text: str = ""
