"""Property tests of the seating algorithm (exams/seating.py) with hypothesis."""

import math
import os
import random
from collections import Counter, defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exams.seating import Candidate, Plan, RoomGrid, Spacing, kept_by_spacing, neighbours, seat, usable_seats

PAPERS = [("6-31-01-03", 4), ("6-31-01-03", 3), ("6-18-02-04", 4), ("4-07-05-01", 5)]
UNITS = ["", "", "呼和浩特供电分公司", "包头钢铁集团", "赤峰市第一医院", "乌海市自来水公司"]
FAST = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def room_grids(draw, key: int) -> RoomGrid:
    rows, columns = draw(st.integers(1, 6)), draw(st.integers(1, 7))
    grid = [(r, c) for r in range(1, rows + 1) for c in range(1, columns + 1)]
    unusable = draw(st.sets(st.sampled_from(grid), max_size=len(grid) // 4))
    accessible = draw(st.sets(st.sampled_from(grid), max_size=3))
    return RoomGrid(key, rows, columns, frozenset(unusable), frozenset(accessible))


@st.composite
def arrangements(draw, accessible: bool = True):
    """Up to 4 rooms and 120 candidates; the candidates' fields come from one drawn seed (fast to draw)."""
    rooms = [draw(room_grids(100 + i)) for i in range(draw(st.integers(0, 4)))]
    rooms = draw(st.permutations(rooms))
    count, units = draw(st.integers(0, 120)), draw(st.integers(1, len(UNITS)))
    fill = random.Random(draw(st.integers(0, 2**32)))
    keys = fill.sample(range(1, 10_000), count)
    candidates = [
        Candidate(key, fill.choice(PAPERS), fill.choice(UNITS[:units]), accessible and fill.random() < 0.1)
        for key in keys
    ]
    return candidates, rooms, draw(st.integers(0, 2**32)), draw(st.sampled_from(list(Spacing)))


def capacity(rooms: list[RoomGrid], spacing: Spacing) -> int:
    return sum(len(usable_seats(r, spacing)) for r in rooms)


def same_unit_pairs(plan: Plan, candidates: list[Candidate]) -> int:
    unit = {c.key: c.unit for c in candidates}
    by_room = defaultdict(list)
    for p in plan.placements:
        by_room[p.room].append(p)
    return sum(
        1
        for placed in by_room.values()
        for i, a in enumerate(placed)
        for b in placed[i + 1 :]
        if unit[a.candidate] and unit[a.candidate] == unit[b.candidate] and neighbours(a.seat, b.seat)
    )


@FAST
@given(arrangements())
def test_every_plan_keeps_the_rules(case):
    """No seat twice, no candidate twice, capacity, usable seats, spacing, order, access, honest warnings."""
    candidates, rooms, seed, spacing = case
    plan = seat(candidates, rooms, seed=seed, spacing=spacing)
    seats = [(p.room, p.seat) for p in plan.placements]
    placed = [p.candidate for p in plan.placements]
    assert len(seats) == len(set(seats))
    assert len(placed) == len(set(placed))
    assert sorted(placed + list(plan.unplaced)) == sorted(c.key for c in candidates)
    assert len(placed) == min(len(candidates), capacity(rooms, spacing))  # waiting only when seats run out
    by_key = {r.key: r for r in rooms}
    for p in plan.placements:
        room = by_key[p.room]
        assert 1 <= p.row <= room.rows and 1 <= p.column <= room.columns
        assert p.seat not in room.unusable
        assert kept_by_spacing(p.seat, spacing)
    if spacing is Spacing.ALTERNATE_COLUMNS:
        assert all(p.column % 2 == 1 for p in plan.placements)
    if spacing is Spacing.CHECKERBOARD:
        assert not any(
            a.room == b.room and neighbours(a.seat, b.seat) for a in plan.placements for b in plan.placements
        )
    order = {r.key: i for i, r in enumerate(rooms)}
    keys = [(order[p.room], p.row, p.column) for p in plan.placements]
    assert keys == sorted(keys)
    accessible = {(r.key, s) for r in rooms for s in usable_seats(r, spacing) if s in r.accessible}
    needy = {c.key for c in candidates if c.accessible}
    if len(needy) <= len(accessible) and not plan.unplaced:
        assert all((p.room, p.seat) in accessible for p in plan.placements if p.candidate in needy)
    warned = sum(len(w.candidates) // 2 for w in plan.warnings if w.kind == "unit_neighbours")
    assert warned == same_unit_pairs(plan, candidates)


@FAST
@given(arrangements(), st.randoms(use_true_random=False))
def test_the_same_candidates_in_any_order_and_seed_give_the_same_plan(case, shuffler):
    candidates, rooms, seed, spacing = case
    shuffled = candidates[:]
    shuffler.shuffle(shuffled)
    assert seat(candidates, rooms, seed=seed, spacing=spacing) == seat(shuffled, rooms, seed=seed, spacing=spacing)


def whole_rooms_suffice(candidates: list[Candidate], rooms: list[RoomGrid], spacing: Spacing) -> bool:
    """The docstring's "possible": rooms dealt whole, in order, to the papers in paper order, hold everyone."""
    sizes = Counter(c.paper for c in candidates)
    seats = iter(len(usable_seats(r, spacing)) for r in rooms)
    for paper in sorted(sizes):
        held = 0
        while held < sizes[paper]:
            held += next(seats, -math.inf)
            if held == -math.inf:
                return False
    return True


@FAST
@given(arrangements(accessible=False))
def test_rooms_in_the_given_order_and_one_paper_per_room_whenever_whole_rooms_suffice(case):
    candidates, rooms, seed, spacing = case
    plan = seat(candidates, rooms, seed=seed, spacing=spacing)
    used = {p.room for p in plan.placements}
    flags = [r.key in used for r in rooms if usable_seats(r, spacing)]
    assert flags == sorted(flags, reverse=True)  # used rooms, then unused ones
    paper = {c.key: c.paper for c in candidates}
    papers_in = defaultdict(set)
    for p in plan.placements:
        papers_in[p.room].add(paper[p.candidate])
    if whole_rooms_suffice(candidates, rooms, spacing):
        assert all(len(papers) == 1 for papers in papers_in.values())
        assert all(w.kind != "mixed_papers" for w in plan.warnings)


@FAST
@given(st.integers(1, 12), st.integers(1, 8), st.lists(st.integers(1, 40), max_size=5), st.integers(0, 2**32))
def test_equal_rooms_hold_one_paper_each_exactly_when_enough_rooms_exist(seats, count, sizes, seed):
    rooms = [RoomGrid(i, 1, seats) for i in range(count)]
    candidates = [Candidate(1000 * p + i, (PAPERS[p % 4][0], p), "") for p, n in enumerate(sizes) for i in range(n)]
    plan = seat(candidates, rooms, seed=seed)
    paper = {c.key: c.paper for c in candidates}
    per_room = defaultdict(set)
    for p in plan.placements:
        per_room[p.room].add(paper[p.candidate])
    pure = all(len(papers) == 1 for papers in per_room.values())
    if sum(-(-n // seats) for n in sizes) <= count:  # Σ⌈n / c⌉ rooms are enough
        assert pure and not plan.unplaced
    else:  # no plan with one paper per room seats everyone
        assert not pure or plan.unplaced


@st.composite
def separable_rooms(draw):
    """One room and units that provably fit apart: each unit wholly on the dark or the light seats."""
    room = draw(room_grids(1))
    spacing = draw(st.sampled_from([Spacing.NONE, Spacing.ALTERNATE_COLUMNS]))
    seats = usable_seats(room, spacing)
    dark = sum((r + c) % 2 == 0 for r, c in seats)
    light = len(seats) - dark
    candidates, key = [], 1
    for room_left, colour in ((dark, "dark"), (light, "light")):
        left = draw(st.integers(0, room_left))
        while left:
            size = draw(st.integers(1, left))
            unit = draw(st.sampled_from(["", f"{colour}-{key}"]))
            paper = draw(st.sampled_from(PAPERS))
            candidates.extend(Candidate(key + i, paper, unit) for i in range(size))
            key, left = key + size, left - size
    return candidates, room, spacing


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(separable_rooms(), st.integers(0, 2**32))
def test_colleagues_never_sit_together_when_a_separating_plan_exists(case, seed):
    candidates, room, spacing = case
    plan = seat(candidates, [room], seed=seed, spacing=spacing)
    assert not plan.unplaced
    assert same_unit_pairs(plan, candidates) == 0
    assert all(w.kind != "unit_neighbours" for w in plan.warnings)


def test_a_large_city_is_seated_apart():
    """7,700 candidates, 40 papers, work units of every size, rooms of 30: no pair is left."""
    rng = random.Random(20231015)
    units = [f"单位{i}" for i in range(300)]
    weights = [1 / (i + 1) for i in range(300)]
    candidates = [
        Candidate(i, (f"6-{rng.randint(1, 40):02d}", 4), rng.choices(units, weights)[0] if rng.random() < 0.8 else "")
        for i in range(7_700)
    ]
    rooms = [RoomGrid(i, 5, 6) for i in range(300)]
    plan = seat(candidates, rooms, seed=1)
    assert not plan.unplaced
    assert same_unit_pairs(plan, candidates) == 0


@st.composite
def separable_city(draw):
    """Rooms of one shape for one paper, each room's share provably separable (a unit on one colour per
    room); units recur across rooms, and the algorithm may share them out differently."""
    rows, columns, count = draw(st.integers(2, 6)), draw(st.integers(2, 7)), draw(st.integers(2, 5))
    rooms = [RoomGrid(i, rows, columns) for i in range(count)]
    seats = usable_seats(rooms[0])
    dark = sum((r + c) % 2 == 0 for r, c in seats)
    candidates, key = [], 1
    for _ in rooms:
        side: dict[str, str] = {}
        for room_left, colour in ((dark, "dark"), (len(seats) - dark, "light")):
            left = draw(st.integers(0, room_left))
            while left:
                size = draw(st.integers(1, left))
                unit = draw(st.sampled_from(UNITS))
                if unit and side.setdefault(unit, colour) != colour:
                    unit = ""
                candidates.extend(Candidate(key + i, PAPERS[0], unit) for i in range(size))
                key, left = key + size, left - size
    return candidates, rooms


@settings(
    max_examples=int(os.environ.get("SEATING_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(separable_city(), st.integers(0, 2**32))
def test_colleagues_sit_apart_over_several_rooms_of_a_paper(case, seed):
    candidates, rooms = case
    plan = seat(candidates, rooms, seed=seed)
    assert same_unit_pairs(plan, candidates) == 0
