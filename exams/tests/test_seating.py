"""Examples of the seating algorithm (exams/seating.py), told as a city's exam arrangement."""

import random
from collections import Counter

import pytest

from exams.seating import (
    Candidate,
    ConflictKind,
    Placement,
    Plan,
    RoomGrid,
    Severity,
    Spacing,
    WarningKind,
    move_conflicts,
    neighbours,
    normalise_unit,
    seat,
    usable_seats,
)

ELECTRICIAN_4 = ("6-31-01-03", 4)  # 电工 四级/中级工
ELECTRICIAN_3 = ("6-31-01-03", 3)  # 电工 三级/高级工
WELDER_4 = ("6-18-02-04", 4)  # 焊工 四级/中级工
POWER = "内蒙古电力(集团)有限责任公司呼和浩特供电分公司"
WATER = "呼和浩特市自来水公司"


def room(key: int, rows: int = 5, columns: int = 6, **kwargs) -> RoomGrid:
    return RoomGrid(key, rows, columns, **kwargs)


def people(start: int, count: int, paper=ELECTRICIAN_4, unit: str = "", accessible: bool = False) -> list[Candidate]:
    return [Candidate(start + i, paper, unit, accessible) for i in range(count)]


def rooms_of(plan: Plan) -> dict[int, list[Placement]]:
    found: dict[int, list[Placement]] = {}
    for p in plan.placements:
        found.setdefault(p.room, []).append(p)
    return found


def same_unit_pairs(plan: Plan, candidates: list[Candidate]) -> list[tuple[int, int]]:
    unit = {c.key: c.unit for c in candidates}
    return [
        (a.candidate, b.candidate)
        for a in plan.placements
        for b in plan.placements
        if a.candidate < b.candidate
        and a.room == b.room
        and unit[a.candidate]
        and unit[a.candidate] == unit[b.candidate]
        and neighbours(a.seat, b.seat)
    ]


def kinds(plan: Plan) -> Counter:
    return Counter(w.kind for w in plan.warnings)


# --- neighbours and seats ----------------------------------------------------------------


def test_side_by_side_and_one_behind_the_other_are_neighbours():
    assert neighbours((2, 3), (2, 4))
    assert neighbours((2, 3), (3, 3))
    assert neighbours((3, 3), (2, 3))


def test_diagonal_seats_and_seats_two_apart_are_not_neighbours():
    assert not neighbours((2, 3), (3, 4))
    assert not neighbours((2, 3), (2, 5))
    assert not neighbours((2, 3), (2, 3))


def test_a_pillar_seat_is_never_given():
    pillar = room(1, 2, 3, unusable=frozenset({(1, 2)}))
    plan = seat(people(1, 5), [pillar], seed=1)
    assert (1, 2) not in {p.seat for p in plan.placements}
    assert len(plan.placements) == 5


def test_alternate_columns_leave_every_second_column_empty():
    assert usable_seats(room(1, 2, 5), Spacing.ALTERNATE_COLUMNS) == [(1, 1), (1, 3), (1, 5), (2, 1), (2, 3), (2, 5)]


def test_a_checkerboard_leaves_no_two_candidates_next_to_each_other():
    plan = seat(people(1, 15), [room(1)], seed=7, spacing=Spacing.CHECKERBOARD)
    seats = [p.seat for p in plan.placements]
    assert len(seats) == 15
    assert not any(neighbours(a, b) for a in seats for b in seats)


# --- rooms for papers --------------------------------------------------------------------


def test_each_paper_has_its_own_rooms_when_there_are_enough():
    candidates = people(1, 31, ELECTRICIAN_4) + people(100, 20, WELDER_4)
    plan = seat(candidates, [room(11), room(12), room(13), room(14)], seed=1)
    papers = {c.key: c.paper for c in candidates}
    by_room = {r: {papers[p.candidate] for p in ps} for r, ps in rooms_of(plan).items()}
    assert by_room == {11: {WELDER_4}, 12: {ELECTRICIAN_4}, 13: {ELECTRICIAN_4}}  # papers in code order
    assert not plan.warnings


def test_a_paper_over_two_rooms_is_spread_evenly_not_thirty_and_one():
    plan = seat(people(1, 31), [room(1), room(2), room(3)], seed=1)
    assert sorted(len(ps) for ps in rooms_of(plan).values()) == [15, 16]


def test_rooms_are_filled_in_the_given_order():
    plan = seat(people(1, 40), [room(9), room(3), room(5)], seed=1)
    assert set(rooms_of(plan)) == {9, 3}
    assert [p.room for p in plan.placements][:1] == [9]


def test_papers_share_a_room_only_when_the_rooms_are_short_and_the_plan_says_so():
    candidates = people(1, 20, ELECTRICIAN_4) + people(100, 20, ELECTRICIAN_3)
    plan = seat(candidates, [room(1), room(2, 2, 5)], seed=1)  # 30 + 10 seats for 40
    assert not plan.unplaced
    mixed = [w for w in plan.warnings if w.kind is WarningKind.MIXED_PAPERS]
    assert len(mixed) == 1
    assert mixed[0].papers == (ELECTRICIAN_3, ELECTRICIAN_4)


def test_when_rooms_are_short_the_papers_that_waste_least_keep_rooms_of_their_own():
    lathe, plumber = ("6-18-01-01", 4), ("6-29-03-01", 4)  # 车工, 管工
    candidates = people(1, 5, lathe) + people(100, 10, WELDER_4) + people(200, 5, plumber) + people(300, 8)
    plan = seat(candidates, [room(1, 2, 5), room(2, 2, 5), room(3, 2, 5)], seed=1)  # 30 seats for 28
    papers = {c.key: c.paper for c in candidates}
    by_room = {r: {papers[p.candidate] for p in ps} for r, ps in rooms_of(plan).items()}
    assert by_room == {1: {WELDER_4}, 2: {ELECTRICIAN_4}, 3: {lathe, plumber}}
    assert kinds(plan) == Counter({WarningKind.MIXED_PAPERS: 1})


def test_when_the_seats_run_out_the_last_candidates_wait():
    plan = seat(people(1, 33), [room(1)], seed=1)
    assert len(plan.placements) == 30
    assert len(plan.unplaced) == 3
    assert kinds(plan)[WarningKind.NOT_ENOUGH_SEATS] == 1


def test_no_rooms_means_everyone_waits():
    plan = seat(people(1, 3), [], seed=1)
    assert plan.placements == ()
    assert plan.unplaced == (1, 2, 3)


def test_a_candidate_listed_twice_is_refused():
    with pytest.raises(ValueError, match="twice"):
        seat(people(1, 2) + people(1, 1), [room(1)], seed=1)


def test_an_accessible_seat_outside_the_grid_is_refused():
    with pytest.raises(ValueError, match="outside"):
        seat(people(1, 2), [room(1, 2, 2, accessible=frozenset({(3, 1)}))], seed=1)


# --- accessibility -----------------------------------------------------------------------


def test_a_wheelchair_user_sits_on_the_accessible_seat():
    candidates = people(1, 29) + people(50, 1, accessible=True)
    plan = seat(candidates, [room(1, accessible=frozenset({(5, 6)}))], seed=3)
    assert {p.candidate: p.seat for p in plan.placements}[50] == (5, 6)
    assert not plan.warnings


def test_others_take_the_accessible_seats_last():
    plan = seat(people(1, 29), [room(1, accessible=frozenset({(1, 1)}))], seed=3)
    assert (1, 1) not in {p.seat for p in plan.placements}


def test_an_accessible_candidate_goes_to_another_papers_room_for_an_accessible_seat():
    wheelchair = people(40, 1, ELECTRICIAN_4, accessible=True)
    candidates = people(1, 30, ELECTRICIAN_4) + wheelchair + people(100, 30, WELDER_4)
    rooms = [room(1, 6, 6, accessible=frozenset({(1, 1)})), room(2, 6, 6)]  # room 1 goes to the welders
    plan = seat(candidates, rooms, seed=3)
    where = {p.candidate: (p.room, p.seat) for p in plan.placements}
    assert where[40] == (1, (1, 1))
    assert kinds(plan)[WarningKind.MIXED_PAPERS] >= 1
    assert WarningKind.ACCESSIBLE_UNMET not in kinds(plan)


def test_with_no_accessible_seat_left_the_plan_warns():
    candidates = people(1, 3, accessible=True)
    plan = seat(candidates, [room(1, accessible=frozenset({(1, 1)}))], seed=3)
    unmet = [w for w in plan.warnings if w.kind is WarningKind.ACCESSIBLE_UNMET]
    assert len(unmet) == 1
    assert len(unmet[0].candidates) == 2


# --- work units --------------------------------------------------------------------------


def test_fifteen_colleagues_in_a_room_of_thirty_sit_apart():
    candidates = people(1, 15, unit=POWER) + people(100, 15)
    plan = seat(candidates, [room(1)], seed=5)
    assert same_unit_pairs(plan, candidates) == []
    assert not plan.warnings


def test_two_large_units_fill_a_room_like_a_chessboard():
    candidates = people(1, 15, unit=POWER) + people(100, 15, unit=WATER)
    plan = seat(candidates, [room(1)], seed=5)
    assert same_unit_pairs(plan, candidates) == []


def test_empty_seats_keep_colleagues_apart_in_a_half_full_room():
    candidates = people(1, 8, unit=POWER) + people(100, 4, unit=WATER)
    plan = seat(candidates, [room(1, 4, 4)], seed=2)
    assert same_unit_pairs(plan, candidates) == []


def test_sixteen_colleagues_cannot_sit_apart_in_thirty_seats_and_the_plan_warns():
    candidates = people(1, 16, unit=POWER) + people(100, 14)
    plan = seat(candidates, [room(1)], seed=5)
    pairs = same_unit_pairs(plan, candidates)
    assert pairs
    warned = [w for w in plan.warnings if w.kind is WarningKind.UNIT_NEIGHBOURS]
    assert len(warned) == 1
    assert len(warned[0].candidates) == 2 * len(pairs)


def test_candidates_without_a_work_unit_may_sit_together():
    plan = seat(people(1, 30), [room(1)], seed=5)
    assert not plan.warnings


def test_colleagues_are_spread_over_a_papers_rooms():
    candidates = people(1, 20, unit=POWER) + people(100, 40)
    plan = seat(candidates, [room(1), room(2)], seed=5)
    per_room = Counter(p.room for p in plan.placements if p.candidate < 100)
    assert abs(per_room[1] - per_room[2]) <= 2
    assert same_unit_pairs(plan, candidates) == []


# --- determinism -------------------------------------------------------------------------


def test_the_same_candidates_in_another_order_get_the_same_plan():
    candidates = people(1, 20, unit=POWER) + people(100, 25, WELDER_4, unit=WATER) + people(200, 30)
    rooms = [room(1), room(2), room(3, accessible=frozenset({(1, 1)})), room(4)]
    shuffled = candidates[:]
    random.Random(9).shuffle(shuffled)
    assert seat(candidates, rooms, seed=2023) == seat(shuffled, rooms, seed=2023)


def test_another_seed_gives_another_plan():
    candidates = people(1, 30)
    assert seat(candidates, [room(1)], seed=1) != seat(candidates, [room(1)], seed=2)


# --- manual moves and swaps --------------------------------------------------------------


@pytest.fixture
def arranged():
    candidates = [
        Candidate(1, ELECTRICIAN_4, POWER),
        Candidate(2, ELECTRICIAN_4, ""),
        Candidate(3, ELECTRICIAN_4, POWER),
        Candidate(4, WELDER_4, ""),
        Candidate(5, ELECTRICIAN_4, "", accessible=True),
    ]
    rooms = [room(1, 2, 3, unusable=frozenset({(2, 3)}), accessible=frozenset({(1, 1)})), room(2, 2, 3)]
    placements = [
        Placement(5, 1, 1, 1),
        Placement(1, 1, 1, 2),
        Placement(2, 1, 1, 3),
        Placement(3, 1, 2, 1),
        Placement(4, 2, 1, 1),
    ]
    return placements, candidates, rooms


def kinds_of(conflicts) -> set:
    return {(c.kind, c.severity) for c in conflicts}


def test_a_move_to_a_free_seat_is_clean(arranged):
    placements, candidates, rooms = arranged
    assert move_conflicts(placements, candidates, rooms, [Placement(2, 1, 2, 2)]) == []


def test_a_move_to_a_taken_seat_is_an_error(arranged):
    placements, candidates, rooms = arranged
    conflicts = move_conflicts(placements, candidates, rooms, [Placement(2, 1, 1, 2)])
    assert (ConflictKind.SEAT_TAKEN, Severity.ERROR) in kinds_of(conflicts)
    assert conflicts[0].other == 1


def test_a_swap_is_two_moves_and_clean(arranged):
    placements, candidates, rooms = arranged
    swap = [Placement(1, 1, 1, 3), Placement(2, 1, 1, 2)]
    assert move_conflicts(Plan(tuple(placements), ()), candidates, rooms, swap) == []


def test_an_unusable_seat_or_one_outside_the_grid_is_an_error(arranged):
    placements, candidates, rooms = arranged
    assert (ConflictKind.UNUSABLE_SEAT, Severity.ERROR) in kinds_of(
        move_conflicts(placements, candidates, rooms, [Placement(2, 1, 2, 3)])
    )
    assert (ConflictKind.OUTSIDE_GRID, Severity.ERROR) in kinds_of(
        move_conflicts(placements, candidates, rooms, [Placement(2, 1, 3, 1)])
    )
    assert (ConflictKind.UNKNOWN_ROOM, Severity.ERROR) in kinds_of(
        move_conflicts(placements, candidates, rooms, [Placement(2, 7, 1, 1)])
    )


def test_two_candidates_on_one_seat_or_one_moved_twice_are_errors(arranged):
    placements, candidates, rooms = arranged
    onto_one = move_conflicts(placements, candidates, rooms, [Placement(2, 1, 2, 2), Placement(4, 1, 2, 2)])
    assert (ConflictKind.SEAT_TAKEN, Severity.ERROR) in kinds_of(onto_one)
    twice = move_conflicts(placements, candidates, rooms, [Placement(2, 1, 2, 2), Placement(2, 2, 2, 2)])
    assert (ConflictKind.MOVED_TWICE, Severity.ERROR) in kinds_of(twice)


def test_policy_breaches_are_warnings(arranged):
    placements, candidates, rooms = arranged
    accessible = move_conflicts(placements, candidates, rooms, [Placement(5, 1, 2, 2)])
    assert kinds_of(accessible) == {(ConflictKind.ACCESSIBLE_UNMET, Severity.WARNING)}
    colleague = move_conflicts(placements, candidates, rooms, [Placement(3, 1, 2, 2)])
    assert kinds_of(colleague) == {(ConflictKind.UNIT_NEIGHBOUR, Severity.WARNING)}
    assert colleague[0].other == 1
    welder = move_conflicts(placements, candidates, rooms, [Placement(4, 1, 2, 2)])
    assert kinds_of(welder) == {(ConflictKind.MIXED_PAPERS, Severity.WARNING)}
    spaced = move_conflicts(placements, candidates, rooms, [Placement(2, 2, 1, 2)], spacing=Spacing.CHECKERBOARD)
    assert (ConflictKind.SPACING, Severity.WARNING) in kinds_of(spaced)


def test_errors_come_before_warnings(arranged):
    placements, candidates, rooms = arranged
    conflicts = move_conflicts(placements, candidates, rooms, [Placement(5, 1, 1, 2)])
    assert [(c.kind, c.severity) for c in conflicts] == [
        (ConflictKind.SEAT_TAKEN, Severity.ERROR),
        (ConflictKind.ACCESSIBLE_UNMET, Severity.WARNING),
    ]


def test_an_unknown_candidate_is_an_error(arranged):
    placements, candidates, rooms = arranged
    conflicts = move_conflicts(placements, candidates, rooms, [Placement(99, 1, 2, 2)])
    assert kinds_of(conflicts) == {(ConflictKind.UNKNOWN_CANDIDATE, Severity.ERROR)}


# --- what staff read ---------------------------------------------------------------------


def test_warnings_read_in_chinese():
    candidates = people(1, 20, ELECTRICIAN_4) + people(100, 18, ELECTRICIAN_3) + people(200, 2, accessible=True)
    plan = seat(candidates, [room(1), room(2, 2, 6)], seed=1)
    texts = {w.kind: w.message for w in plan.warnings}
    assert texts[WarningKind.MIXED_PAPERS] == "本考场安排了多个科目：6-31-01-03 三级、6-31-01-03 四级。"
    assert texts[WarningKind.ACCESSIBLE_UNMET] == "有 2 名需要无障碍座位的考生未能安排到无障碍座位。"
    short = seat(people(1, 3), [room(1, 1, 2)], seed=1)
    assert [w.message for w in short.warnings] == ["座位不足：有 1 名考生未能安排考场座位。"]


def test_a_conflict_names_the_seat(arranged):
    placements, candidates, rooms = arranged
    conflicts = move_conflicts(placements, candidates, rooms, [Placement(2, 1, 2, 3)])
    assert conflicts[0].message == "2排3号是不可使用的座位。"


def test_work_units_written_with_full_width_brackets_or_spaces_are_one_unit():
    assert normalise_unit("内蒙古电力（集团） 有限责任公司") == normalise_unit("内蒙古电力(集团)有限责任公司")
