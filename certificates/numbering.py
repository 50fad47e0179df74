"""The national 证书编号 (人社鉴发〔2019〕2号), pure: one letter and 21 digits.

    S 0000 15 150001 23 3 000001  →  S000015150001233000001
    │ │    │  │      │  │ └ serial, 6 digits, per body, year and level, from 000001
    │ │    │  │      │  └ level digit (1 一级 … 5 五级)
    │ │    │  │      └ the year of issue, 2 digits
    │ │    │  └ the evaluation body's code, assigned by the province
    │ │    └ the province (GB/T 2260; 内蒙古 15)
    │ └ 0000 for a body filed with the province
    └ S a social evaluation organisation, Y an employer

Serials are given without gaps or twins (`certificates.services.issuing` locks the counter row);
a revoked or replaced number is never given again.
"""

import re
from dataclasses import dataclass

NUMBER_RE = re.compile(r"^[SY]\d{21}$")
MAX_SERIAL = 999_999
BODY_KINDS = ("S", "Y")


@dataclass(frozen=True)
class Body:
    """The evaluation body's codes, from settings (CERTIFICATE_BODY_*)."""

    kind: str  # S or Y
    filing: str  # 4 digits, 0000 when filed with the province
    province: str  # 2 digits
    code: str  # 6 digits

    def __post_init__(self) -> None:
        if self.kind not in BODY_KINDS:
            raise ValueError(f"body kind {self.kind!r} is not S or Y")
        for name, value, digits in (("filing", self.filing, 4), ("province", self.province, 2), ("code", self.code, 6)):
            if not re.fullmatch(rf"\d{{{digits}}}", value or ""):
                raise ValueError(f"body {name} {value!r} is not {digits} digits")

    @property
    def prefix(self) -> str:
        return f"{self.kind}{self.filing}{self.province}{self.code}"


@dataclass(frozen=True)
class Parsed:
    kind: str
    filing: str
    province: str
    body_code: str
    year: int  # two digits as given (23 for 2023)
    level: int
    serial: int


def certificate_number(body: Body, year: int, level: int, serial: int) -> str:
    """The number; ValueError for a year outside 2000..2099, a level outside 1..5 or a bad serial."""
    if not 2000 <= year <= 2099:
        raise ValueError(f"year {year} is outside 2000..2099")
    if not 1 <= level <= 5:
        raise ValueError(f"level {level} is outside 1..5")
    if not 1 <= serial <= MAX_SERIAL:
        raise ValueError(f"serial {serial} is outside 1..{MAX_SERIAL}")
    return f"{body.prefix}{year % 100:02d}{level}{serial:06d}"


def parse_certificate_number(number: str) -> Parsed | None:
    """The parts of a well-formed number (any body), else None."""
    number = (number or "").strip().upper()
    if not NUMBER_RE.match(number) or not 1 <= int(number[15]) <= 5:
        return None
    return Parsed(
        kind=number[0],
        filing=number[1:5],
        province=number[5:7],
        body_code=number[7:13],
        year=int(number[13:15]),
        level=int(number[15]),
        serial=int(number[16:]),
    )


def normalise_number(text: str) -> str:
    """What a visitor typed, as a number reads: spaces and dashes dropped, the letter upper-case."""
    return re.sub(r"[\s\-－—]", "", text or "").upper()
