"""PLACEHOLDER of the seating algorithm (pure): fills seats in order, under the shared interface.

The seating helper writes the real module (grouping by paper, unit separation, spacing,
property tests); this stand-in only lets the services, pages and benches run until it lands.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


@dataclass(frozen=True)
class Candidate:
    key: int
    paper: tuple[str, int]
    unit: str
    accessible: bool = False


@dataclass(frozen=True)
class RoomGrid:
    key: int
    rows: int
    columns: int
    unusable: frozenset[tuple[int, int]] = frozenset()
    accessible: frozenset[tuple[int, int]] = frozenset()


class Spacing(StrEnum):
    NONE = "none"
    ALTERNATE_COLUMNS = "alternate_columns"
    CHECKERBOARD = "checkerboard"


@dataclass(frozen=True)
class Placement:
    candidate: int
    room: int
    row: int
    column: int


@dataclass(frozen=True)
class Warning:
    code: str
    message: str
    room: int | None = None


@dataclass(frozen=True)
class Plan:
    placements: tuple[Placement, ...]
    unplaced: tuple[int, ...]
    warnings: tuple[Warning, ...]


def _usable(room: RoomGrid, spacing: Spacing) -> list[tuple[int, int]]:
    seats = []
    for row in range(1, room.rows + 1):
        for column in range(1, room.columns + 1):
            if (row, column) in room.unusable:
                continue
            if spacing == Spacing.ALTERNATE_COLUMNS and column % 2 == 0:
                continue
            if spacing == Spacing.CHECKERBOARD and (row + column) % 2 == 1:
                continue
            seats.append((row, column))
    return seats


def seat(
    candidates: Sequence[Candidate], rooms: Sequence[RoomGrid], *, seed: int, spacing: Spacing = Spacing.NONE
) -> Plan:
    """Candidates sorted by paper and key, seats taken room by room, row by row."""
    ordered = sorted(candidates, key=lambda c: (not c.accessible, c.paper, c.key))
    placements: list[Placement] = []
    free = [(room, seat) for room in rooms for seat in _usable(room, spacing)]
    for candidate, (room, (row, column)) in zip(ordered, free, strict=False):
        placements.append(Placement(candidate.key, room.key, row, column))
    unplaced = tuple(c.key for c in ordered[len(free) :])
    order = {room.key: index for index, room in enumerate(rooms)}
    placements.sort(key=lambda p: (order[p.room], p.row, p.column))
    return Plan(tuple(placements), unplaced, ())


def neighbours(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Side by side or one behind the other."""
    return abs(a[0] - b[0]) + abs(a[1] - b[1]) == 1


def move_conflicts(
    seats: Iterable[Placement], candidates: Sequence[Candidate], *, rooms: Sequence[RoomGrid] = (), **_: Any
) -> list[str]:
    """Why a set of placements is not acceptable (Chinese messages): a seat twice, a candidate twice,
    an unusable seat, a seat outside the grid, one work unit side by side."""
    by_key = {c.key: c for c in candidates}
    grids = {room.key: room for room in rooms}
    problems: list[str] = []
    taken: dict[tuple[int, int, int], int] = {}
    seen: set[int] = set()
    for placement in seats:
        where = (placement.room, placement.row, placement.column)
        if where in taken:
            problems.append(f"{placement.row:02d}排{placement.column:02d}号已有考生。")
        taken[where] = placement.candidate
        if placement.candidate in seen:
            problems.append("同一考生有两个座位。")
        seen.add(placement.candidate)
        grid = grids.get(placement.room)
        if grid is not None:
            if not (1 <= placement.row <= grid.rows and 1 <= placement.column <= grid.columns):
                problems.append(f"{placement.row:02d}排{placement.column:02d}号不在考场内。")
            elif (placement.row, placement.column) in grid.unusable:
                problems.append(f"{placement.row:02d}排{placement.column:02d}号不可用。")
    for (room, row, column), key in taken.items():
        unit = by_key[key].unit if key in by_key else ""
        for other in ((room, row + 1, column), (room, row, column + 1)):
            neighbour = taken.get(other)
            if unit and neighbour is not None and neighbour in by_key and by_key[neighbour].unit == unit:
                problems.append(f"{row:02d}排{column:02d}号与相邻座位的考生来自同一单位。")
    return problems
