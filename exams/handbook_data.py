"""What a site's 考务手册 says, as plain data (pure: no Django), and its fingerprint.

`exams.handbook_selectors.handbook_data` builds a `HandbookData` from the database;
`exams.handbook_pdf` and `exams.handbook_xlsx` lay it out. The fingerprint is a SHA-256 over
everything printed (photos by their stored SHA-256), so the cached files are reused exactly
as long as nothing in them would change.
"""

import hashlib
import json
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date, time


@dataclass(frozen=True)
class Contact:
    role: str  # 考点负责人 / 协办单位 / 人社监管部门
    name: str
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class SessionLine:
    name: str  # 理论知识考试
    date: date
    starts_at: time
    ends_at: time


@dataclass(frozen=True)
class Candidate:
    ticket: str  # "" before the tickets are published
    name: str
    id_masked: str
    occupation: str
    level: str
    row: int
    column: int
    sessions: tuple[int, ...]  # indexes into HandbookData.sessions: the sessions this candidate sits
    photo: str = ""  # the stored photo's SHA-256 ("" = none)

    @property
    def paper(self) -> str:
        return f"{self.occupation} {self.level}".strip()

    @property
    def seat(self) -> str:
        return f"{self.row:02d}排{self.column:02d}号"


@dataclass(frozen=True)
class StaffLine:
    session: int  # index into HandbookData.sessions
    room: str
    name: str
    work_unit: str
    duty: str


@dataclass(frozen=True)
class RoomSheet:
    number: str
    place: str
    kind: str  # 笔试 …
    rows: int
    columns: int
    unusable: tuple[tuple[int, int], ...] = ()
    candidates: tuple[Candidate, ...] = ()  # in ticket order (seat order before publication)

    @property
    def capacity(self) -> int:
        return self.rows * self.columns - len(set(self.unusable))

    def counts(self) -> list[tuple[str, str, int]]:
        """(occupation, level, candidates) of the room, by occupation then level."""
        counter = Counter((c.occupation, c.level) for c in self.candidates)
        return [(occupation, level, n) for (occupation, level), n in sorted(counter.items())]

    def ticket_range(self) -> str:
        numbers = sorted(c.ticket for c in self.candidates if c.ticket)
        if not numbers:
            return ""
        return numbers[0] if len(numbers) == 1 else f"{numbers[0]}—{numbers[-1]}"

    def papers(self) -> list[str]:
        return [f"{occupation} {level}（{n}人）" for occupation, level, n in self.counts()]


@dataclass(frozen=True)
class HandbookData:
    campaign: str  # slug
    campaign_title: str
    city: str
    site: str
    address: str
    office_phone: str
    contacts: tuple[Contact, ...]
    sessions: tuple[SessionLine, ...]
    rooms: tuple[RoomSheet, ...]
    staff: tuple[StaffLine, ...] = ()
    published: bool = False
    rules: str = ""

    @property
    def candidates(self) -> int:
        return sum(len(room.candidates) for room in self.rooms)


def _plain(value: object) -> str:
    if isinstance(value, (date, time)):
        return value.isoformat()
    raise TypeError(f"cannot fingerprint {type(value).__name__}")


def fingerprint(data: HandbookData) -> str:
    """SHA-256 (hex) of everything the handbook prints: equal data, equal files."""
    text = json.dumps(asdict(data), default=_plain, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
