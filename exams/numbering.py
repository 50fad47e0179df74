"""The 准考证号 format (pure): YYYY + the city's GB/T 2260 code + a 5-digit serial, 15 digits.

    2023 150100 00001  →  202315010000001

The serial counts per (campaign, city) from 1, given in room and seat order when the city's
seating is published; candidates added later take the next serials. Numbers are never
reused: a withdrawn candidate's number stays void.
"""

import re

NUMBER_RE = re.compile(r"^\d{4}\d{6}\d{5}$")
MAX_SERIAL = 99_999


def ticket_number(year: int, gbt2260: str, serial: int) -> str:
    """The ticket number; ValueError for a bad year, region code or serial."""
    if not 1000 <= year <= 9999:
        raise ValueError(f"year {year} is not four digits")
    if not re.fullmatch(r"\d{6}", gbt2260 or ""):
        raise ValueError(f"region code {gbt2260!r} is not six digits")
    if not 1 <= serial <= MAX_SERIAL:
        raise ValueError(f"serial {serial} is outside 1..{MAX_SERIAL}")
    return f"{year:04d}{gbt2260}{serial:05d}"


def parse_ticket_number(number: str) -> tuple[int, str, int] | None:
    """(year, region code, serial) of a well-formed number, else None."""
    if not NUMBER_RE.match(number or ""):
        return None
    return int(number[:4]), number[4:10], int(number[10:])


def seat_label(row: int, column: int) -> str:
    """How a seat reads on tickets and charts: 03排04号."""
    return f"{row:02d}排{column:02d}号"
