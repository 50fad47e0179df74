"""Exam-day check-in rules, pure: what a scan decides, whether a ticket's claims belong to the room,
and the shape of a room's manifest. No Django: the service feeds facts in, the browser's script
applies the same rules offline (exams/static/exams/checkin.js mirrors `claims_refusal` and `decide`).
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

# The manifest's shape; the page's script refuses a manifest of another version.
MANIFEST_VERSION = 1


class Outcome(StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    INCIDENT = "incident"


class Result(StrEnum):
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    REFUSED = "refused"


OUTCOME_LABELS = {Outcome.PRESENT: "到考", Outcome.ABSENT: "缺考", Outcome.INCIDENT: "违纪"}


@dataclass(frozen=True)
class Verdict:
    result: Result
    write: bool  # the check-in takes the incoming outcome
    corrected: bool = False  # an explicit correction of a recorded outcome (audited)
    reason: str = ""


def decide(current: str | None, incoming: str, *, correction: bool = False) -> Verdict:
    """What one scan does to a candidate's check-in in a session.

    The first outcome decides; another device's scan of the same ticket is a duplicate. Two
    exceptions: an absence is provisional (a candidate who turns up after 「其余缺考」 was
    pressed on another phone is present), and an explicit correction replaces what was recorded.
    """
    if current is None:
        return Verdict(Result.ACCEPTED, write=True)
    if incoming == current:
        return Verdict(Result.DUPLICATE, write=False, reason=f"已记录为{OUTCOME_LABELS[Outcome(current)]}")
    if correction:
        return Verdict(Result.ACCEPTED, write=True, corrected=True, reason=f"由{OUTCOME_LABELS[Outcome(current)]}更正")
    if current == Outcome.ABSENT:
        return Verdict(Result.ACCEPTED, write=True, reason="到场晚于缺考标记")
    return Verdict(Result.DUPLICATE, write=False, reason=f"已记录为{OUTCOME_LABELS[Outcome(current)]}")


@dataclass(frozen=True)
class RoomFacts:
    """The room and session a device checks candidates in for (as the manifest states them)."""

    campaign: str  # slug
    site: str
    room: str  # number
    session_date: str  # ISO
    session_starts: str  # "HH:MM"


def claims_refusal(claims: dict[str, Any], here: RoomFacts) -> str:
    """Why a verified ticket's claims do not belong here ("" when they do), in Chinese for the screen."""
    if claims.get("cmp") != here.campaign:
        return "该准考证不属于本批次考试。"
    if claims.get("site") != here.site or claims.get("room") != here.room:
        return f"该考生的考场是：{claims.get('site', '')} 第{claims.get('room', '')}考场，请引导其前往。"
    sessions = claims.get("ses") or []
    if not any(len(s) >= 3 and s[1] == here.session_date and s[2] == here.session_starts for s in sessions):
        return "该考生不参加本场次考试。"
    return ""


@dataclass(frozen=True)
class Entry:
    """One candidate of a room's manifest."""

    number: str
    revision: int
    name: str
    id_masked: str
    occupation: str
    level: str
    seat: str
    row: int
    column: int
    photo: str  # a data: URL of a small JPEG, or ""


def manifest(here: RoomFacts, *, room_label: str, session_label: str, ticket_typ: str, entries: list[Entry]) -> dict:
    """The room's manifest as the device stores it (JSON), candidates in seat order."""
    return {
        "version": MANIFEST_VERSION,
        "campaign": here.campaign,
        "site": here.site,
        "room": here.room,
        "room_label": room_label,
        "session": {"date": here.session_date, "starts": here.session_starts, "label": session_label},
        "ticket_typ": ticket_typ,
        "candidates": [
            {
                "no": e.number,
                "rev": e.revision,
                "name": e.name,
                "idm": e.id_masked,
                "occupation": e.occupation,
                "level": e.level,
                "seat": e.seat,
                "row": e.row,
                "column": e.column,
                "photo": e.photo,
            }
            for e in sorted(entries, key=lambda e: (e.row, e.column, e.number))
        ],
    }
