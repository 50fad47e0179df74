"""The pure parts: ticket numbers, staff checks, seat lists."""

import pytest

from exams import grid, numbering, staffing


def test_a_ticket_number_is_year_region_and_serial_in_fifteen_digits():
    assert numbering.ticket_number(2023, "150100", 1) == "202315010000001"
    assert numbering.parse_ticket_number("202315010000001") == (2023, "150100", 1)
    assert len(numbering.ticket_number(2023, "150781", 99_999)) == 15


@pytest.mark.parametrize(
    "year, region, serial", [(23, "150100", 1), (2023, "1501", 1), (2023, "150100", 0), (2023, "150100", 100_000)]
)
def test_a_bad_part_of_a_ticket_number_is_refused(year, region, serial):
    with pytest.raises(ValueError):
        numbering.ticket_number(year, region, serial)


def test_a_malformed_number_does_not_parse():
    assert numbering.parse_ticket_number("20231501000001") is None
    assert numbering.parse_ticket_number("2023150100000x1") is None


def test_a_seat_reads_as_row_and_number():
    assert numbering.seat_label(3, 4) == "03排04号"


def test_a_room_needs_two_staff_and_one_per_fifteen_written_candidates():
    assert staffing.staff_needed(10, written=True) == 2
    assert staffing.staff_needed(31, written=True) == 3
    assert staffing.staff_needed(60, written=False) == 2


def test_a_staff_member_from_a_candidates_unit_is_flagged():
    check = staffing.check_room(
        [("张三", "呼和浩特市 第一中学"), ("李四", "包头市医院")],
        ["呼和浩特市第一中学（本部）", "某局"],
        candidates=20,
        written=True,
    )
    assert check.same_unit == () and check.ok  # 本部 makes it another unit
    check = staffing.check_room([("张三", "呼和浩特市第一中学")], ["呼和浩特市第一中学"], candidates=40, written=True)
    assert check.same_unit == ("张三",) and check.short == 2 and not check.ok


def test_seat_lists_are_read_in_either_notation_and_checked_against_the_grid():
    assert grid.parse_seats("1-2, 3-4；2排1号", rows=4, columns=5) == [[1, 2], [2, 1], [3, 4]]
    assert grid.parse_seats("", rows=4, columns=5) == []
    with pytest.raises(grid.BadSeats, match="不在"):
        grid.parse_seats("5-1", rows=4, columns=5)
    with pytest.raises(grid.BadSeats, match="排-号"):
        grid.parse_seats("front row", rows=4, columns=5)
    assert grid.format_seats([[3, 4], [1, 2]]) == "1-2, 3-4"


def test_the_grid_marks_special_seats_and_occupants():
    cells = grid.cells(2, 3, [[1, 1]], [[2, 3]], {(1, 2): "王"})
    assert [len(row) for row in cells] == [3, 3]
    assert cells[0][0].unusable and cells[1][2].accessible and cells[0][1].occupant == "王"
