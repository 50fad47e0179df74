"""Seat grids (pure): reading "1-2, 3-4" seat lists, and the cells a room's chart shows."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

SEAT_RE = re.compile(r"(\d+)\s*[-－:：排]\s*(\d+)\s*号?")


class BadSeats(ValueError):
    """A seat list that cannot be read (message in Chinese)."""


def parse_seats(text: str, *, rows: int, columns: int) -> list[list[int]]:
    """ "1-2 3-4" (or 1排2号 …) → [[1, 2], [3, 4]], sorted, each inside the grid."""
    seats = set()
    rest = text
    for match in SEAT_RE.finditer(text):
        row, column = int(match[1]), int(match[2])
        if not (1 <= row <= rows and 1 <= column <= columns):
            raise BadSeats(f"座位 {row}-{column} 不在 {rows} 排 × {columns} 列的考场内。")
        seats.add((row, column))
        rest = rest.replace(match[0], " ", 1)
    if re.sub(r"[\s,，;；、]", "", rest):
        raise BadSeats("座位请写成“排-号”，用空格或逗号分隔，例如：1-1, 2-3。")
    return [list(seat) for seat in sorted(seats)]


def format_seats(seats: Iterable[Iterable[int]]) -> str:
    return ", ".join(f"{row}-{column}" for row, column in sorted(tuple(seat) for seat in seats))


@dataclass(frozen=True)
class Cell:
    row: int
    column: int
    unusable: bool
    accessible: bool
    occupant: Any = None  # whatever the page shows of the candidate on it


def cells(
    rows: int,
    columns: int,
    unusable: Iterable[Iterable[int]],
    accessible: Iterable[Iterable[int]],
    occupants: Mapping[tuple[int, int], Any] | None = None,
) -> list[list[Cell]]:
    """The grid row by row (row 1 is the front, nearest the desk)."""
    off = {tuple(seat) for seat in unusable}
    easy = {tuple(seat) for seat in accessible}
    occupants = occupants or {}
    return [
        [Cell(r, c, (r, c) in off, (r, c) in easy, occupants.get((r, c))) for c in range(1, columns + 1)]
        for r in range(1, rows + 1)
    ]
