"""Automatic seating of a city's candidates in its written exam rooms. Pure module: no Django.

`seat(candidates, rooms, seed=…, spacing=…)` returns a `Plan`: every candidate on one seat of one
room, or in `unplaced` when the seats run out. The same candidates, in any input order, the
same rooms in the same order and the same seed give the same plan. The rooms' order is the
order they are filled in (the co-organizer's order: building, floor, number).

The steps, each its own function:

1. **Seats.** A room's usable seats are its grid minus its unusable seats, thinned by the
   spacing: `ALTERNATE_COLUMNS` keeps columns 1, 3, 5 …; `CHECKERBOARD` keeps the seats whose
   row + column is even ((1, 1), (1, 3), (2, 2) …), so that no two used seats are neighbours.
2. **Rooms for papers.** Candidates are grouped by paper (occupation code, level); papers are
   dealt rooms in paper order, each taking whole rooms from the next room on, as many as it
   needs, its candidates spread evenly over them (16 + 15, not 30 + 1). That deal is
   *one paper per room*. As many as it needs: first, enough rooms that the paper's largest
   work unit fits on the larger seat colour of its rooms (see 5; three colleagues need two
   rooms of 2 × 2), if the whole deal still fits that way; else enough for its candidates.
   A paper's last room usually has empty seats; when there are not enough seats to spare
   for that, the papers whose last room would leave the fewest seats empty (counted on the
   most common room size) keep whole rooms, as many as the spare seats allow, and are dealt
   first; the other papers then fill the rooms after them to the last seat, each starting
   where the one before ended (a room with two or more papers is *mixed*, with a warning).
   So "one paper per room where possible" means exactly: every room holds one paper
   whenever the rooms, dealt whole in the given order to the papers in paper order, hold
   everyone. When all rooms have the same number of usable seats c, that is whenever
   Σ⌈papers' sizes / c⌉ ≤ the number of rooms, which is exactly when any one-paper-per-room
   plan exists. (With rooms of different sizes a cleverer packing might sometimes avoid a
   mixed room the deal makes: that is bin packing, and not attempted.) When there are fewer
   seats than candidates every room is filled to the last seat and the last candidates in
   paper order are `unplaced`.
3. **Who goes in which room.** Within a paper the candidates are shuffled (the seeded
   `random.Random`) and interleaved by work unit, and the list is cut into the paper's
   rooms, so that each room gets its share of every unit instead of one unit filling a
   room. If some room's share cannot be split between its two seat colours (see 5), the
   paper's candidates are instead poured unit by unit, largest first, into the larger seat
   colour of each of its rooms in turn, then into the smaller ones (McNaughton's
   wrap-around), which puts a unit on one colour of each room it reaches. Candidates who
   need an accessible seat go first to the paper's rooms with accessible seats; if the
   paper's rooms have too few, the candidate goes to a room with an accessible seat to
   spare (one already mixed first, an unused one last), exchanged with someone there if it is
   full, at the price of a mixed room; if no room has one, the candidate sits on an
   ordinary seat and the plan warns.
4. **Seats in a room.** Accessible candidates take accessible seats first; the others take the
   room's other seats front to back, row by row, and the room's remaining accessible seats
   last. The seat order is greedy: each seat gets a candidate of the unit with the most
   members still to seat among those with no member next to or in front of it.
5. **Repair.** Two candidates of one work unit (units are compared normalised; "" is no unit)
   must not sit side by side or one behind the other (`neighbours`). A local search moves
   and swaps candidates within the room (also onto its empty seats) while that lowers the
   number of such pairs. If pairs remain, the room is laid out again by colour: on a
   chessboard colouring of the seats, no two seats of one colour are neighbours, so the
   units with two or more members are split (an exact subset-sum) into those on the dark
   seats and those on the light ones, candidates without a unit taking what is left. If
   such a split exists, the room has no same-unit neighbours. The plan gives up on a room,
   and warns with the pairs, when both fail: then the room's share of the units is too
   large for it. Candidates are not moved between rooms after step 3.

`move_conflicts` checks`move_conflicts` checks manual moves and swaps against a plan. It answers with `Conflict`s of
two severities. Errors are what cannot be: an unknown candidate or room, a seat outside the
grid, an unusable seat, a seat someone else keeps, two candidates on one seat, one candidate
moved twice. Warnings are what a co-organizer may knowingly accept: an accessible need not
met, a same-unit neighbour, a second paper in a room, a seat the spacing leaves empty.
"""

import random
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from applications.vocabulary import NATIONAL_LEVELS

type Seat = tuple[int, int]
type Paper = tuple[str, int]


@dataclass(frozen=True)
class Candidate:
    key: int  # application id
    paper: Paper  # (occupation code, level number): one paper
    unit: str  # normalised work unit ("" = none)
    accessible: bool = False  # needs an accessible seat


@dataclass(frozen=True)
class RoomGrid:
    key: int
    rows: int
    columns: int
    unusable: frozenset[Seat] = frozenset()
    accessible: frozenset[Seat] = frozenset()


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

    @property
    def seat(self) -> Seat:
        return (self.row, self.column)


class WarningKind(StrEnum):
    MIXED_PAPERS = "mixed_papers"  # a room holds more than one paper
    UNIT_NEIGHBOURS = "unit_neighbours"  # same-unit candidates the plan could not separate
    ACCESSIBLE_UNMET = "accessible_unmet"  # an accessible candidate on an ordinary seat
    NOT_ENOUGH_SEATS = "not_enough_seats"  # candidates left unplaced


@dataclass(frozen=True)
class Warning:  # the shared interface's name (it shadows the builtin inside this module only)
    kind: WarningKind
    room: int | None = None
    candidates: tuple[int, ...] = ()  # for UNIT_NEIGHBOURS: the pairs, flattened
    papers: tuple[Paper, ...] = ()  # for MIXED_PAPERS

    @property
    def message(self) -> str:
        """What the co-organizer reads in the preview (Chinese, as pure modules give it)."""
        if self.kind is WarningKind.MIXED_PAPERS:
            return "本考场安排了多个科目：" + "、".join(paper_name(p) for p in self.papers) + "。"
        if self.kind is WarningKind.UNIT_NEIGHBOURS:
            return f"有 {len(self.candidates) // 2} 对同一工作单位的考生前后或左右相邻：本考场的座位无法将他们分开。"
        if self.kind is WarningKind.ACCESSIBLE_UNMET:
            return f"有 {len(self.candidates)} 名需要无障碍座位的考生未能安排到无障碍座位。"
        return f"座位不足：有 {len(self.candidates)} 名考生未能安排考场座位。"


SeatingWarning = Warning


def paper_name(paper: Paper) -> str:
    """("6-31-01-03", 4) → "6-31-01-03 四级"."""
    level = NATIONAL_LEVELS.get(paper[1])
    return f"{paper[0]} {level[0] if level else paper[1]}"


def seat_name(seat_: Seat) -> str:
    return f"{seat_[0]}排{seat_[1]}号"


def normalise_unit(name: str) -> str:
    """The work unit as compared, loosely: NFKC (full width folded), lower case, no spaces, brackets or dashes."""
    text = unicodedata.normalize("NFKC", name or "").strip().lower()
    return re.sub(r"[\s()（）·・\-—]", "", text)


@dataclass(frozen=True)
class Plan:
    placements: tuple[Placement, ...]  # sorted by room order, row, column
    unplaced: tuple[int, ...]  # candidates that did not fit (capacity), by key
    warnings: tuple[Warning, ...] = ()  # by room order, then kind


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class ConflictKind(StrEnum):
    UNKNOWN_CANDIDATE = "unknown_candidate"
    UNKNOWN_ROOM = "unknown_room"
    OUTSIDE_GRID = "outside_grid"
    UNUSABLE_SEAT = "unusable_seat"
    SEAT_TAKEN = "seat_taken"
    MOVED_TWICE = "moved_twice"
    ACCESSIBLE_UNMET = "accessible_unmet"
    UNIT_NEIGHBOUR = "unit_neighbour"
    MIXED_PAPERS = "mixed_papers"
    SPACING = "spacing"


ERRORS = frozenset(
    {
        ConflictKind.UNKNOWN_CANDIDATE,
        ConflictKind.UNKNOWN_ROOM,
        ConflictKind.OUTSIDE_GRID,
        ConflictKind.UNUSABLE_SEAT,
        ConflictKind.SEAT_TAKEN,
        ConflictKind.MOVED_TWICE,
    }
)


@dataclass(frozen=True)
class Conflict:
    kind: ConflictKind
    candidate: int
    room: int
    seat: Seat
    other: int | None = None  # the candidate on the seat, or the same-unit neighbour
    severity: Severity = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "severity", Severity.ERROR if self.kind in ERRORS else Severity.WARNING)

    @property
    def message(self) -> str:
        """The reason in Chinese, for the move dialog."""
        return CONFLICT_TEXT[self.kind].format(seat=seat_name(self.seat))


CONFLICT_TEXT = {
    ConflictKind.UNKNOWN_CANDIDATE: "该考生不在本市的考场编排中。",
    ConflictKind.UNKNOWN_ROOM: "目标考场不存在。",
    ConflictKind.OUTSIDE_GRID: "{seat}不在该考场的座位范围内。",
    ConflictKind.UNUSABLE_SEAT: "{seat}是不可使用的座位。",
    ConflictKind.SEAT_TAKEN: "{seat}已有考生。",
    ConflictKind.MOVED_TWICE: "同一名考生在一次调整中被移动了两次。",
    ConflictKind.ACCESSIBLE_UNMET: "该考生需要无障碍座位，{seat}不是无障碍座位。",
    ConflictKind.UNIT_NEIGHBOUR: "{seat}与同一工作单位的考生前后或左右相邻。",
    ConflictKind.MIXED_PAPERS: "目标考场已有其他科目（职业、等级）的考生。",
    ConflictKind.SPACING: "按本次的间隔就座规则，{seat}应当空着。",
}


def neighbours(a: Seat, b: Seat) -> bool:
    """Side by side (same row, next column) or one behind the other (same column, next row)."""
    return abs(a[0] - b[0]) + abs(a[1] - b[1]) == 1


def _around(seat: Seat) -> tuple[Seat, Seat, Seat, Seat]:
    r, c = seat
    return ((r, c - 1), (r, c + 1), (r - 1, c), (r + 1, c))


def kept_by_spacing(seat: Seat, spacing: Spacing) -> bool:
    row, column = seat
    if spacing is Spacing.ALTERNATE_COLUMNS:
        return column % 2 == 1
    if spacing is Spacing.CHECKERBOARD:
        return (row + column) % 2 == 0
    return True


def usable_seats(room: RoomGrid, spacing: Spacing = Spacing.NONE) -> list[Seat]:
    """The room's seats a candidate may be given, front to back, row by row."""
    return list(_grid_seats(room.rows, room.columns, room.unusable, Spacing(spacing)))


@lru_cache(maxsize=1024)
def _grid_seats(rows: int, columns: int, unusable: frozenset[Seat], spacing: Spacing) -> tuple[Seat, ...]:
    return tuple(
        (r, c)
        for r in range(1, rows + 1)
        for c in range(1, columns + 1)
        if (r, c) not in unusable and kept_by_spacing((r, c), spacing)
    )


def seat(
    candidates: Sequence[Candidate], rooms: Sequence[RoomGrid], *, seed: int, spacing: Spacing = Spacing.NONE
) -> Plan:
    """Seat the candidates in the rooms (filled in the given order); see the module docstring."""
    ordered = _checked(candidates, rooms)
    spacing = Spacing(spacing)
    rng = random.Random(seed)
    seats = [usable_seats(room, spacing) for room in rooms]
    accessible = [
        [s for s in room_seats if s in room.accessible] for room, room_seats in zip(rooms, seats, strict=True)
    ]
    papers = _by_paper(ordered, rng)
    colours = [(dark := sum((r + c) % 2 == 0 for r, c in kept), len(kept) - dark) for kept in seats]
    counts, unplaced = _deal_rooms(papers, [len(s) for s in seats], [max(c) for c in colours])
    members = _fill_rooms(papers, counts, [len(a) for a in accessible], colours)
    _exchange_for_access(members, [len(a) for a in accessible], [len(s) for s in seats])
    placements: list[Placement] = []
    warnings: list[Warning] = []
    for index, room in enumerate(rooms):
        if not members[index]:
            continue
        access = set(accessible[index])
        layout, pairs = _seat_room(members[index], seats[index], access, rng)
        placements.extend(Placement(c.key, room.key, *s) for s, c in sorted(layout.items()))
        warnings.extend(_room_warnings(room.key, layout, pairs, access))
    if unplaced:
        warnings.append(Warning(WarningKind.NOT_ENOUGH_SEATS, candidates=tuple(sorted(c.key for c in unplaced))))
    return Plan(tuple(placements), tuple(sorted(c.key for c in unplaced)), tuple(warnings))


def _checked(candidates: Sequence[Candidate], rooms: Sequence[RoomGrid]) -> list[Candidate]:
    ordered = sorted(candidates, key=lambda c: c.key)
    if len({c.key for c in ordered}) != len(ordered):
        raise ValueError("a candidate appears twice")
    if len({r.key for r in rooms}) != len(rooms):
        raise ValueError("a room appears twice")
    for room in rooms:
        if room.rows < 0 or room.columns < 0:
            raise ValueError(f"room {room.key} has a negative size")
        for r, c in room.unusable | room.accessible:
            if not (1 <= r <= room.rows and 1 <= c <= room.columns):
                raise ValueError(f"room {room.key}: seat {(r, c)} is outside its grid")
    return ordered


# --- step 2 and 3: rooms for papers, and who goes in which room ---------------------------


def _by_paper(ordered: list[Candidate], rng: random.Random) -> list[list[Candidate]]:
    """Papers in paper order; each paper's accessible candidates first, the others interleaved by unit."""
    groups: dict[Paper, list[Candidate]] = defaultdict(list)
    for candidate in ordered:
        groups[candidate.paper].append(candidate)
    return [_interleaved(groups[paper], rng) for paper in sorted(groups)]


def _interleaved(group: list[Candidate], rng: random.Random) -> list[Candidate]:
    """Shuffle, then spread each unit evenly along the list (its i-th of m members near (i + u) / m)."""
    needy = [c for c in group if c.accessible]
    rng.shuffle(needy)
    units: dict[str, list[Candidate]] = defaultdict(list)
    loners: list[Candidate] = []
    for candidate in group:
        if not candidate.accessible:
            (units[candidate.unit] if candidate.unit else loners).append(candidate)
    draw = rng.random
    keyed: list[tuple[float, int, Candidate]] = []
    for unit_members in [units[name] for name in sorted(units)] + [loners]:  # those without a unit: one more group
        if len(unit_members) == 1:
            keyed.append((draw(), unit_members[0].key, unit_members[0]))
            continue
        rng.shuffle(unit_members)
        offset, size = draw(), len(unit_members)
        keyed.extend(((i + offset) / size, c.key, c) for i, c in enumerate(unit_members))
    keyed.sort()  # by position, then key: keys are unique, candidates are never compared
    return needy + [c for _, _, c in keyed]


def _deal_rooms(
    papers: list[list[Candidate]], capacity: list[int], apart: list[int]
) -> tuple[list[dict[int, int]], list[Candidate]]:
    """How many of each paper sit in each room (counts[paper] = {room: count}, by room); who does not fit.

    First the deal in paper order with rooms enough to keep each paper's largest work unit
    apart (its members fit on one seat colour of the paper's rooms); if that leaves a paper
    sharing, the same deal with rooms enough for the candidates only; if a paper must still
    share, the papers whose last room would leave the fewest seats empty are dealt whole rooms
    first and the others share the rooms after them, which keeps more papers in rooms of their
    own and the mixed rooms together."""
    everyone = range(len(papers))
    if not capacity:
        return _deal(papers, everyone, capacity)[:2]
    top = max(capacity)
    if top and sum(-(-len(paper) // top) for paper in papers) <= len(capacity):  # else whole rooms cannot do
        largest = [max(Counter(c.unit for c in paper if c.unit).values(), default=0) for paper in papers]
        counts, unplaced, shared = _deal(papers, everyone, capacity, largest, apart)
        if not shared:
            return counts, unplaced
        counts, unplaced, shared = _deal(papers, everyone, capacity)
        if not shared:
            return counts, unplaced
    spare = sum(capacity) - sum(len(p) for p in papers)
    usual = Counter(capacity).most_common(1)[0][0]
    waste = sorted(((-len(paper)) % usual if usual else 0, i) for i, paper in enumerate(papers))
    whole: set[int] = set()
    for empty, index in waste:
        if empty > spare:
            break
        whole.add(index)
        spare -= empty
    order = sorted(range(len(papers)), key=lambda i: (i not in whole, i))
    counts, unplaced, _ = _deal(papers, order, capacity)
    return counts, unplaced


def _deal(
    papers: list[list[Candidate]],
    order: Iterable[int],
    capacity: list[int],
    largest: list[int] | None = None,
    apart: list[int] | None = None,
) -> tuple[list[dict[int, int]], list[Candidate], bool]:
    """Deal the rooms to the papers in this order: whole rooms while the spare seats allow, else sharing.

    With `largest` (each paper's largest unit) and `apart` (each room's larger seat colour), a
    paper takes rooms until its largest unit also fits on one colour."""
    counts: list[dict[int, int]] = [{} for _ in papers]
    spare = sum(capacity) - sum(len(p) for p in papers)  # seats the deal may leave empty
    room, free = 0, capacity[0] if capacity else 0
    unplaced: list[Candidate] = []
    shared = False
    for index in order:
        paper = papers[index]
        fresh = room >= len(capacity) or free == capacity[room]
        start = room if fresh else room + 1
        skipped = 0 if fresh else free  # the empty seats of a partly used room left behind
        end = _rooms_for(len(paper), capacity, start, largest[index] if largest else 0, apart)
        waste = (sum(capacity[start:end]) - len(paper) + skipped) if end is not None else None
        if end is not None and waste is not None and waste <= spare:
            spare -= waste
            _spread(counts[index], len(paper), capacity, start, end)
            room, free = end, capacity[end] if end < len(capacity) else 0
            continue
        shared = True
        left = len(paper)
        while left and room < len(capacity):
            taken = min(free, left)
            counts[index][room] = counts[index].get(room, 0) + taken
            left, free = left - taken, free - taken
            if not free:
                room += 1
                free = capacity[room] if room < len(capacity) else 0
        if left:
            unplaced.extend(paper[len(paper) - left :])
    return counts, unplaced, shared


def _rooms_for(size: int, capacity: list[int], start: int, unit: int = 0, apart: list[int] | None = None) -> int | None:
    """The end (exclusive) of the fewest rooms from start that hold size candidates (and a unit of
    that size on one seat colour, with `apart`), or None."""
    total = spread = 0
    end = start
    while total < size or (apart is not None and spread < unit):
        if end >= len(capacity):
            return None
        total, end = total + capacity[end], end + 1
        spread += apart[end - 1] if apart is not None else 0
    return end


def _spread(row: dict[int, int], size: int, capacity: list[int], start: int, end: int) -> None:
    """Spread size candidates over rooms start..end: one in each room with seats (they are the fewest
    rooms that hold them, so there are enough), the rest in proportion to the seats left (largest remainder)."""
    used = [i for i in range(start, end) if capacity[i]]
    extra, total = size - len(used), sum(capacity[i] - 1 for i in used)
    shares = [
        (extra * (capacity[i] - 1) // total, extra * (capacity[i] - 1) % total, i) if total else (0, 0, i) for i in used
    ]
    for whole, _, i in shares:
        row[i] = 1 + whole
    left = extra - sum(whole for whole, _, _ in shares)
    for _, _, i in sorted(shares, key=lambda s: (-s[1], s[2]))[:left]:
        row[i] += 1


def _fill_rooms(
    papers: list[list[Candidate]], counts: list[dict[int, int]], access: list[int], colours: list[tuple[int, int]]
) -> list[list[Candidate]]:
    """The candidates of each room: a paper's accessible ones to its rooms with accessible seats first."""
    members: list[list[Candidate]] = [[] for _ in access]
    free_access = list(access)
    for paper, row in zip(papers, counts, strict=True):
        needy = [c for c in paper if c.accessible]
        rest = [c for c in paper if not c.accessible]
        room_counts = dict(row)
        for candidate in needy:
            room = next((i for i, n in room_counts.items() if n and free_access[i]), None)
            if room is None:
                room = next((i for i, n in room_counts.items() if n), None)
            else:
                free_access[room] -= 1
            if room is None:
                break  # unplaced: the tail of the paper
            members[room].append(candidate)
            room_counts[room] -= 1
        for room, share in _compose(rest, room_counts, colours).items():
            members[room].extend(share)
    return members


def _compose(rest: list[Candidate], room_counts: dict[int, int], colours: list[tuple[int, int]]) -> dict[int, list]:
    """Who of a paper sits in which of its rooms: the interleaved list cut in turn, each room its share of
    every unit; unless a room's share of some units cannot be split between its two seat colours, then
    poured by unit (`_pour`)."""
    shares: dict[int, list[Candidate]] = {}
    position = 0
    for room, n in room_counts.items():
        shares[room] = rest[position : position + n]
        position += n
    if all(_splittable(share, *colours[room]) for room, share in shares.items()):
        return shares
    poured = _pour(rest[:position], room_counts, colours)
    return poured if all(_splittable(share, *colours[room]) for room, share in poured.items()) else shares


def _splittable(share: list[Candidate], dark: int, light: int) -> bool:
    sizes = Counter(c.unit for c in share if c.unit)
    grouped = {u: n for u, n in sizes.items() if n > 1}
    together = sum(grouped.values())
    return together <= max(dark, light) or _split(grouped, {}, dark, light) is not None


def _pour(pool: list[Candidate], room_counts: dict[int, int], colours: list[tuple[int, int]]) -> dict[int, list]:
    """Units largest first, poured into each room's larger seat colour, room after room, then into the
    smaller colours (McNaughton's wrap-around): a unit lands on one colour of each room unless it is
    longer than the larger colours after its start; candidates alone in their unit fill what is left."""
    units: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in pool:
        units[candidate.unit].append(candidate)
    loners = units.pop("", [])
    grouped = sorted((m for m in units.values() if len(m) > 1), key=len, reverse=True)  # stable: ties keep order
    loners += [m[0] for m in units.values() if len(m) == 1]
    slots = [(room, min(max(colours[room]), n)) for room, n in room_counts.items()]
    slots += [(room, room_counts[room] - size) for room, size in slots]
    queue = [c for unit_members in grouped for c in unit_members] + loners
    shares: dict[int, list[Candidate]] = {room: [] for room in room_counts}
    position = 0
    for room, size in slots:
        shares[room].extend(queue[position : position + size])
        position += size
    return shares


def _exchange_for_access(members: list[list[Candidate]], access: list[int], capacity: list[int]) -> None:
    """Bring accessible candidates short of an accessible seat to a room that has one to spare."""
    needy = [sum(c.accessible for c in m) for m in members]
    for room, room_members in enumerate(members):
        while needy[room] > access[room]:
            spare = [i for i in range(len(members)) if needy[i] < access[i]]
            if not spare:
                return
            candidate = next(c for c in reversed(room_members) if c.accessible)
            target = min(spare, key=lambda i: _welcome(members[i], candidate.paper, i))
            room_members.remove(candidate)
            if len(members[target]) >= capacity[target]:
                other = _exchangeable(members[target], candidate)
                members[target].remove(other)
                room_members.append(other)
            members[target].append(candidate)
            needy[room] -= 1
            needy[target] += 1


def _welcome(target: list[Candidate], paper: Paper, index: int) -> tuple[int, int]:
    """Which room with an accessible seat to spare to go to: one that is mixed already (or holds the
    candidate's paper) before one that would become mixed, and a used room before an empty one."""
    papers = {c.paper for c in target}
    if not papers:
        return (2, index)
    return (0 if len(papers) > 1 or paper in papers else 1, index)


def _exchangeable(room_members: list[Candidate], candidate: Candidate) -> Candidate:
    """Who leaves a full room for an accessible candidate: the last of the same paper, else the last."""
    ordinary = [c for c in room_members if not c.accessible]
    same = [c for c in ordinary if c.paper == candidate.paper]
    return (same or ordinary)[-1]


# --- step 4 and 5: seats in a room -------------------------------------------------------


def _seat_room(
    room_members: list[Candidate], seats: list[Seat], accessible: set[Seat], rng: random.Random
) -> tuple[dict[Seat, Candidate], list[tuple[Seat, Seat]]]:
    """The room's layout and the same-unit pairs left in it."""
    layout: dict[Seat, Candidate] = {}
    needy = [c for c in room_members if c.accessible]
    others = [c for c in room_members if not c.accessible]
    access_seats = [s for s in seats if s in accessible]
    for seat_, candidate in zip(access_seats, needy, strict=False):
        layout[seat_] = candidate
    fixed = set(layout)
    unmet = needy[len(access_seats) :]
    order = [s for s in seats if s not in accessible] + [s for s in access_seats if s not in fixed]
    _greedy(layout, unmet + others, order[: len(unmet) + len(others)], rng)
    units = [c.unit for c in room_members if c.unit]
    if len(set(units)) == len(units):
        return layout, []  # no unit twice: nothing to separate
    pairs = _pairs(layout)
    if pairs:
        _repair(layout, seats, accessible)
        pairs = _pairs(layout)
    if pairs:
        recoloured = _by_colour(room_members, seats, accessible)
        if recoloured is not None:
            return recoloured, []
    return layout, pairs


def _greedy(layout: dict[Seat, Candidate], pool: list[Candidate], order: list[Seat], rng: random.Random) -> None:
    """Give each seat, in order, a candidate of the unit with most members left and none next to it."""
    units: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in pool:
        units[candidate.unit].append(candidate)
    seated = {c.unit for c in layout.values()}
    loners = units.pop("", [])  # and the units of one with no member seated yet: they cannot clash
    for name in [n for n, m in units.items() if len(m) == 1 and n not in seated]:
        loners.extend(units.pop(name))
    names = sorted(units)
    rng.shuffle(names)  # ties between units of one size are broken at random
    names.sort(key=lambda n: -len(units[n]))  # most members left first (a stable sort keeps the ties' order)
    tie = {name: i for i, name in enumerate(names)}
    position = 0
    while names and position < len(order):
        seat_ = order[position]
        position += 1
        near = {layout[s].unit for s in _around(seat_) if s in layout}
        index = next((i for i, name in enumerate(names) if name not in near), None)
        if index is None and loners:
            layout[seat_] = loners.pop()
            continue
        index = index or 0  # every unit left sits next to this seat: a pair the repair will look at
        name = names[index]
        layout[seat_] = units[name].pop()
        _reorder(names, index, units, tie)
    layout.update(zip(order[position:], reversed(loners), strict=True))  # only those who cannot clash are left


def _reorder(names: list[str], index: int, units: Mapping[str, list[Candidate]], tie: Mapping[str, int]) -> None:
    """names[index] has one member fewer: move it back past the units that now have more, or drop it."""
    name, left = names[index], len(units[names[index]])
    if not left:
        del names[index]
        return
    while index + 1 < len(names) and (len(units[names[index + 1]]), -tie[names[index + 1]]) > (left, -tie[name]):
        names[index], names[index + 1] = names[index + 1], name
        index += 1


def _pairs(layout: Mapping[Seat, Candidate]) -> list[tuple[Seat, Seat]]:
    """Same-unit neighbours, each pair once (the seat in front or to the left first)."""
    found = []
    for (r, c), candidate in layout.items():
        if not candidate.unit:
            continue
        for other in ((r, c + 1), (r + 1, c)):
            neighbour = layout.get(other)
            if neighbour is not None and neighbour.unit == candidate.unit:
                found.append(((r, c), other))
    return found


def _clashes(layout: Mapping[Seat, Candidate], seat_: Seat, unit: str, ignore: Seat | None = None) -> int:
    if not unit:
        return 0
    return sum(1 for s in _around(seat_) if s != ignore and s in layout and layout[s].unit == unit)


MAX_REPAIR_PASSES = 8


def _repair(layout: dict[Seat, Candidate], seats: list[Seat], accessible: set[Seat]) -> None:
    """Local search: move or swap a candidate of a same-unit pair while that lowers the pair count."""
    for _ in range(MAX_REPAIR_PASSES):
        improved = False
        for pair in _pairs(layout):
            for a in pair:
                if a in layout and _clashes(layout, a, layout[a].unit) and _improve(layout, a, seats, accessible):
                    improved = True
                    break
        if not improved or not _pairs(layout):
            return


def _may_sit(candidate: Candidate, old: Seat, new: Seat, accessible: set[Seat]) -> bool:
    """An accessible candidate on an accessible seat stays on one."""
    return not (candidate.accessible and old in accessible and new not in accessible)


def _improve(layout: dict[Seat, Candidate], a: Seat, seats: list[Seat], accessible: set[Seat]) -> bool:
    x = layout[a]
    before_x = _clashes(layout, a, x.unit)
    for b in seats:
        if b == a or not _may_sit(x, a, b, accessible):
            continue
        y = layout.get(b)
        if y is None:
            gain = before_x - _clashes(layout, b, x.unit, ignore=a)
        elif y.unit == x.unit or not _may_sit(y, b, a, accessible):
            continue
        else:
            gain = (
                before_x
                + _clashes(layout, b, y.unit)
                - _clashes(layout, b, x.unit, ignore=a)
                - _clashes(layout, a, y.unit, ignore=b)
            )
        if gain > 0:
            del layout[a]
            if y is not None:
                layout[a] = y
            layout[b] = x
            return True
    return False


def _by_colour(room_members: list[Candidate], seats: list[Seat], accessible: set[Seat]) -> dict[Seat, Candidate] | None:
    """Units on one seat colour each (no two seats of one colour are neighbours), or None if they do not split."""
    colour = {s: (s[0] + s[1]) % 2 for s in seats}
    layout: dict[Seat, Candidate] = {}
    access_seats = [s for s in seats if s in accessible]
    needy = [c for c in room_members if c.accessible]
    if len(needy) > len(access_seats):
        return None
    forced: dict[str, int] = {}
    for seat_, candidate in zip(access_seats, needy, strict=False):
        layout[seat_] = candidate
        if candidate.unit and forced.setdefault(candidate.unit, colour[seat_]) != colour[seat_]:
            return None
    sizes = Counter(c.unit for c in room_members if c.unit and not c.accessible)
    loners = [c for c in room_members if not c.accessible and (not c.unit or sizes[c.unit] + (c.unit in forced) < 2)]
    free = [[s for s in seats if s not in layout and colour[s] == k] for k in (0, 1)]
    grouped = {u: n for u, n in sizes.items() if n + (u in forced) >= 2}
    side = _split(grouped, forced, len(free[0]), len(free[1]))
    if side is None:
        return None
    others = [c for c in room_members if not c.accessible and c.unit in grouped]
    for candidate in sorted(others, key=lambda c: (c.unit, c.key)):
        layout[free[side[candidate.unit]].pop(0)] = candidate
    rest = sorted(free[0] + free[1])
    for seat_, candidate in zip(rest, loners, strict=False):
        layout[seat_] = candidate
    return layout


def _split(grouped: dict[str, int], forced: dict[str, int], dark: int, light: int) -> dict[str, int] | None:
    """Which colour (0 dark, 1 light) each unit takes so both colours hold theirs: subset sum over units."""
    fixed_dark = sum(n for u, n in grouped.items() if forced.get(u) == 0)
    fixed_light = sum(n for u, n in grouped.items() if forced.get(u) == 1)
    free_units = sorted(u for u in grouped if u not in forced)
    total = sum(grouped[u] for u in free_units)
    low, high = max(0, total - (light - fixed_light)), dark - fixed_dark
    if low > high:
        return None
    reach: dict[int, tuple[int, str]] = {0: (0, "")}  # sum on dark → (previous sum, unit added)
    for unit in free_units:
        for s in sorted(reach, reverse=True):
            t = s + grouped[unit]
            if t <= high and t not in reach:
                reach[t] = (s, unit)
    target = next((s for s in sorted(reach) if low <= s <= high), None)
    if target is None:
        return None
    side = {u: forced.get(u, 1) for u in grouped}
    while target:
        target, unit = reach[target]
        side[unit] = 0
    return side


def _room_warnings(
    room: int, layout: Mapping[Seat, Candidate], pairs: list[tuple[Seat, Seat]], accessible: set[Seat]
) -> list[Warning]:
    warnings = []
    papers = sorted({c.paper for c in layout.values()})
    if len(papers) > 1:
        warnings.append(Warning(WarningKind.MIXED_PAPERS, room, papers=tuple(papers)))
    unmet = sorted(c.key for s, c in layout.items() if c.accessible and s not in accessible)
    if unmet:
        warnings.append(Warning(WarningKind.ACCESSIBLE_UNMET, room, candidates=tuple(unmet)))
    if pairs:
        flat = tuple(k for a, b in sorted(pairs) for k in (layout[a].key, layout[b].key))
        warnings.append(Warning(WarningKind.UNIT_NEIGHBOURS, room, candidates=flat))
    return warnings


# --- manual moves and swaps --------------------------------------------------------------


def move_conflicts(
    plan_or_seats: Plan | Iterable[Placement],
    candidates: Sequence[Candidate] | Mapping[int, Candidate],
    rooms: Sequence[RoomGrid],
    moves: Sequence[Placement],
    *,
    spacing: Spacing = Spacing.NONE,
) -> list[Conflict]:
    """What is wrong with applying these moves together (a swap is two moves): errors first.

    `plan_or_seats` is the current seating (a `Plan` or its placements); each move puts its
    candidate on its seat (a candidate not yet seated may be moved in). Only the moved
    candidates are judged, on their new seats; see the module docstring for the severities.
    """
    by_key = candidates if isinstance(candidates, Mapping) else {c.key: c for c in candidates}
    by_room = {r.key: r for r in rooms}
    placements = plan_or_seats.placements if isinstance(plan_or_seats, Plan) else tuple(plan_or_seats)
    moved = Counter(m.candidate for m in moves)
    after = {(p.room, p.seat): p.candidate for p in placements if p.candidate not in moved}
    conflicts: list[Conflict] = []
    for move in moves:
        conflicts.extend(_seat_errors(move, by_key, by_room, after, moved))
        after.setdefault((move.room, move.seat), move.candidate)
    for move in moves:
        if move.candidate in by_key and move.room in by_room:
            conflicts.extend(_move_warnings(move, by_key, by_room[move.room], after, spacing))
    order = {kind: i for i, kind in enumerate(ConflictKind)}
    return sorted(conflicts, key=lambda c: (c.severity is not Severity.ERROR, order[c.kind], c.candidate))


def _seat_errors(
    move: Placement,
    by_key: Mapping[int, Candidate],
    by_room: Mapping[int, RoomGrid],
    after: Mapping[tuple[int, Seat], int],
    moved: Counter[int],
) -> list[Conflict]:
    def conflict(kind: ConflictKind, other: int | None = None) -> Conflict:
        return Conflict(kind, move.candidate, move.room, move.seat, other)

    errors = []
    if move.candidate not in by_key:
        errors.append(conflict(ConflictKind.UNKNOWN_CANDIDATE))
    if moved[move.candidate] > 1:
        errors.append(conflict(ConflictKind.MOVED_TWICE))
    room = by_room.get(move.room)
    if room is None:
        return [*errors, conflict(ConflictKind.UNKNOWN_ROOM)]
    if not (1 <= move.row <= room.rows and 1 <= move.column <= room.columns):
        errors.append(conflict(ConflictKind.OUTSIDE_GRID))
    elif move.seat in room.unusable:
        errors.append(conflict(ConflictKind.UNUSABLE_SEAT))
    holder = after.get((move.room, move.seat))
    if holder is not None and holder != move.candidate:
        errors.append(conflict(ConflictKind.SEAT_TAKEN, holder))
    return errors


def _move_warnings(
    move: Placement,
    by_key: Mapping[int, Candidate],
    room: RoomGrid,
    after: Mapping[tuple[int, Seat], int],
    spacing: Spacing,
) -> list[Conflict]:
    candidate = by_key[move.candidate]
    warnings = []

    def warn(kind: ConflictKind, other: int | None = None) -> None:
        warnings.append(Conflict(kind, move.candidate, move.room, move.seat, other))

    if candidate.accessible and move.seat not in room.accessible:
        warn(ConflictKind.ACCESSIBLE_UNMET)
    if not kept_by_spacing(move.seat, Spacing(spacing)):
        warn(ConflictKind.SPACING)
    for near in _around(move.seat):
        other = after.get((move.room, near))
        if other is not None and candidate.unit and other in by_key and by_key[other].unit == candidate.unit:
            warn(ConflictKind.UNIT_NEIGHBOUR, other)
    mates = sorted(k for (r, _), k in after.items() if r == move.room and k != move.candidate and k in by_key)
    different = next((k for k in mates if by_key[k].paper != candidate.paper), None)
    if different is not None:
        warn(ConflictKind.MIXED_PAPERS, different)
    return warnings
