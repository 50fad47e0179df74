"""Checks of a room's exam-day staff (pure): how many, and whether one comes from a candidate's unit.

The notice's rule: at least two staff per room, and in written rooms at least one per 15
candidates; a staff member from the same work unit as a candidate in the room is flagged.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

from exams.seating import normalise_unit

MIN_PER_ROOM = 2
CANDIDATES_PER_STAFF = 15


def staff_needed(candidates: int, *, written: bool) -> int:
    if not written:
        return MIN_PER_ROOM
    return max(MIN_PER_ROOM, math.ceil(candidates / CANDIDATES_PER_STAFF))


@dataclass(frozen=True)
class StaffCheck:
    staff: int
    needed: int
    same_unit: tuple[str, ...]  # names of staff from a candidate's unit

    @property
    def short(self) -> int:
        return max(0, self.needed - self.staff)

    @property
    def ok(self) -> bool:
        return self.short == 0 and not self.same_unit


def check_room(
    staff: Iterable[tuple[str, str]], candidate_units: Iterable[str], *, candidates: int, written: bool
) -> StaffCheck:
    """`staff` is (name, work unit) of those assigned to a room in a session."""
    units = {normalise_unit(unit) for unit in candidate_units} - {""}
    staff = list(staff)
    flagged = tuple(sorted(name for name, unit in staff if normalise_unit(unit) in units))
    return StaffCheck(len(staff), staff_needed(candidates, written=written), flagged)
