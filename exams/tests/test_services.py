"""The exams use cases: seating, moves, publishing and numbering, leaving, setup checks."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from applications import lifecycle
from applications.models import Application, Status
from audit.models import AuditEvent
from exams import selectors
from exams.models import Arrangement, ExamStaff, Room, SeatAssignment, Site, Ticket, TicketSerial
from exams.services import arranging, publishing, setup
from exams.services.common import STALE
from notifications.models import Message
from skillcert.refusals import TransitionRefused


def _seat(people, campaign, city, *, version=0, seed=1):
    return arranging.apply_seating(people["hohhot_co"], campaign, city, seed=seed, spacing="none", version=version)


def test_applying_seats_every_paid_candidate_once_per_session(people, open_campaign, hohhot, candidates):
    plan = _seat(people, open_campaign, hohhot)
    sessions = open_campaign.sessions.count()
    assert len(plan.placements) == 30 and not plan.unplaced
    assert SeatAssignment.objects.count() == 30 * sessions
    per_candidate = SeatAssignment.objects.order_by().values_list("application", "room", "row", "column").distinct()
    assert len(per_candidate) == 30  # the same seat in every session
    assert not SeatAssignment.objects.filter(room__number="01", row=1, column=1).exists()  # unusable
    event = AuditEvent.objects.get(action="exams.seating.applied")
    assert event.after["seated"] == 30 and event.city == hohhot


def test_the_database_refuses_two_candidates_on_one_seat_and_two_seats_for_one(
    people, open_campaign, hohhot, candidates
):
    _seat(people, open_campaign, hohhot)
    seat = SeatAssignment.objects.first()
    other = SeatAssignment.objects.exclude(application=seat.application).filter(session=seat.session).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        SeatAssignment.objects.create(
            application=other.application, session=seat.session, room=seat.room, row=seat.row, column=seat.column + 9
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        SeatAssignment.objects.filter(pk=other.pk).update(room=seat.room, row=seat.row, column=seat.column)


def test_a_stale_form_is_refused_with_the_chinese_message(people, open_campaign, hohhot, candidates):
    _seat(people, open_campaign, hohhot, version=0)
    with pytest.raises(TransitionRefused, match=STALE):
        _seat(people, open_campaign, hohhot, version=0, seed=2)
    assert Arrangement.objects.get().version == 1


def test_rerunning_replaces_the_draft_plan(people, open_campaign, hohhot, candidates):
    _seat(people, open_campaign, hohhot, version=0)
    _seat(people, open_campaign, hohhot, version=1, seed=7)
    assert SeatAssignment.objects.order_by().values("application").distinct().count() == 30
    assert Arrangement.objects.get().seed == 7


@pytest.mark.parametrize("who", ["baotou_co", "hohhot_reg", "association", "applicant"])
def test_only_the_citys_co_organizer_seats_it(people, open_campaign, hohhot, candidates, who):
    with pytest.raises(PermissionDenied):
        arranging.apply_seating(people[who], open_campaign, hohhot, seed=1, spacing="none", version=0)
    assert not SeatAssignment.objects.exists()


def test_accessible_needs_get_accessible_seats(people, open_campaign, hohhot, candidates):
    setup.set_seating_need(people["hohhot_co"], candidates[5], accessible=True, note="轮椅")
    _seat(people, open_campaign, hohhot)
    seat = SeatAssignment.objects.filter(application=candidates[5]).first()
    assert (seat.room.number, seat.row, seat.column) == ("01", 1, 2)


def test_publishing_gives_gap_free_numbers_in_seat_order_and_schedules(people, open_campaign, hohhot, candidates):
    _seat(people, open_campaign, hohhot)
    given = publishing.publish(people["hohhot_co"], open_campaign, hohhot, version=1)
    assert given == 30
    tickets = list(Ticket.objects.order_by("number"))
    year = str(open_campaign.year)
    assert [t.number for t in tickets] == [f"{year}150100{n:05d}" for n in range(1, 31)]
    order = [
        s.application_id
        for s in SeatAssignment.objects.filter(session=open_campaign.sessions.first()).order_by(
            "room__position", "row", "column"
        )
    ]
    assert [t.application_id for t in tickets] == order
    assert set(Application.objects.filter(pk__in=order).values_list("status", flat=True)) == {Status.SCHEDULED}
    assert Message.objects.filter(kind="exams.ticket_published").count() == 30
    assert Arrangement.objects.get().is_published
    assert TicketSerial.objects.get().last == 30
    assert publishing.publish(people["hohhot_co"], open_campaign, hohhot) == 0  # twice: nothing new


def test_after_publication_the_city_is_not_seated_again(people, open_campaign, hohhot, candidates):
    _seat(people, open_campaign, hohhot)
    publishing.publish(people["hohhot_co"], open_campaign, hohhot)
    with pytest.raises(TransitionRefused, match="已发布"):
        _seat(people, open_campaign, hohhot, version=2)


def test_publishing_is_refused_while_a_paid_candidate_has_no_seat(people, open_campaign, hohhot, candidates):
    from exams.tests.fixtures import paid_candidates

    _seat(people, open_campaign, hohhot)
    paid_candidates(open_campaign, 2)
    with pytest.raises(TransitionRefused, match="2 名已缴费考生没有座位"):
        publishing.publish(people["hohhot_co"], open_campaign, hohhot)
    assert not Ticket.objects.exists()


def test_latecomers_take_free_seats_and_the_next_serials(people, open_campaign, hohhot, candidates):
    from exams.tests.fixtures import paid_candidates

    _seat(people, open_campaign, hohhot)
    publishing.publish(people["hohhot_co"], open_campaign, hohhot)
    late = paid_candidates(open_campaign, 3)
    assert publishing.seat_latecomers(people["hohhot_co"], open_campaign, hohhot) == 3
    numbers = sorted(Ticket.objects.filter(application__in=late).values_list("number", flat=True))
    assert [int(n[-5:]) for n in numbers] == [31, 32, 33]
    assert publishing.seat_latecomers(people["hohhot_co"], open_campaign, hohhot) == 0


def test_a_withdrawal_leaves_the_seat_empty_and_voids_the_ticket(people, open_campaign, hohhot, candidates):
    _seat(people, open_campaign, hohhot)
    publishing.publish(people["hohhot_co"], open_campaign, hohhot)
    leaving = Application.objects.get(pk=candidates[0].pk)
    lifecycle.withdraw_after_approval(people["hohhot_co"], leaving, reason="工作冲突")
    assert not SeatAssignment.objects.filter(application=leaving).exists()
    ticket = Ticket.objects.get(application=leaving)
    assert ticket.voided_at is not None
    assert SeatAssignment.objects.order_by().values("application").distinct().count() == 29  # nobody moved up
    assert AuditEvent.objects.filter(action="exams.seat.released", object_id=str(leaving.pk)).exists()


def test_a_scheduled_candidate_can_be_disqualified(people, open_campaign, hohhot, candidates):
    _seat(people, open_campaign, hohhot)
    publishing.publish(people["hohhot_co"], open_campaign, hohhot)
    application = lifecycle.disqualify(people["association"], candidates[1], reason="材料造假")
    assert application.status == Status.DISQUALIFIED
    assert not SeatAssignment.objects.filter(application=application).exists()


def _free_seat(campaign, city):
    taken = set(SeatAssignment.objects.values_list("room_id", "row", "column"))
    room = Room.objects.get(number="02")
    return room, next((r, c) for r in range(1, 5) for c in range(1, 6) if (room.pk, r, c) not in taken)


def test_a_late_move_reissues_that_ticket_with_the_same_number(people, open_campaign, hohhot, candidates):
    _seat(people, open_campaign, hohhot)
    publishing.publish(people["hohhot_co"], open_campaign, hohhot)
    mover = candidates[2]
    number = Ticket.objects.get(application=mover).number
    room, (row, column) = _free_seat(open_campaign, hohhot)
    arrangement = Arrangement.objects.get()
    arranging.move_seat(
        people["hohhot_co"],
        open_campaign,
        hohhot,
        mover,
        room=room,
        row=row,
        column=column,
        version=arrangement.version,
        confirm=True,
    )
    ticket = Ticket.objects.get(application=mover)
    assert (ticket.number, ticket.revision) == (number, 1)
    assert set(SeatAssignment.objects.filter(application=mover).values_list("room", "row", "column")) == {
        (room.pk, row, column)
    }
    assert Message.objects.filter(kind="exams.ticket_reissued", recipient=mover.applicant).exists()
    assert AuditEvent.objects.filter(action="exams.ticket.reissued", object_id=str(mover.pk)).exists()
    assert Ticket.objects.exclude(application=mover).filter(revision__gt=0).count() == 0


def test_a_move_to_a_taken_or_unusable_seat_is_refused(people, open_campaign, hohhot, candidates):
    _seat(people, open_campaign, hohhot)
    other = SeatAssignment.objects.exclude(application=candidates[0]).first()
    with pytest.raises(TransitionRefused, match="已有考生"):
        arranging.move_seat(
            people["hohhot_co"],
            open_campaign,
            hohhot,
            candidates[0],
            room=other.room,
            row=other.row,
            column=other.column,
            version=1,
        )
    with pytest.raises(TransitionRefused, match="不可用"):
        arranging.move_seat(
            people["hohhot_co"],
            open_campaign,
            hohhot,
            candidates[0],
            room=Room.objects.get(number="01"),
            row=1,
            column=1,
            version=1,
        )


def test_a_swap_exchanges_two_seats(people, open_campaign, hohhot, candidates):
    _seat(people, open_campaign, hohhot)
    a, b = candidates[0], candidates[1]
    seat_a = set(SeatAssignment.objects.filter(application=a).values_list("room", "row", "column"))
    seat_b = set(SeatAssignment.objects.filter(application=b).values_list("room", "row", "column"))
    arranging.swap_seats(people["hohhot_co"], open_campaign, hohhot, a, b, version=1, confirm=True)
    assert set(SeatAssignment.objects.filter(application=a).values_list("room", "row", "column")) == seat_b
    assert set(SeatAssignment.objects.filter(application=b).values_list("room", "row", "column")) == seat_a
    assert Arrangement.objects.get().version == 2


def test_a_room_cannot_lose_a_seat_someone_sits_on(people, open_campaign, hohhot, candidates):
    _seat(people, open_campaign, hohhot)
    seat = SeatAssignment.objects.order_by("room__position", "row", "column").last()
    room = Room.objects.get(pk=seat.room_id)
    room.unusable = [[seat.row, seat.column]]
    with pytest.raises(TransitionRefused, match="已有考生"):
        setup.save_room(people["hohhot_co"], room)


def test_staffing_checks_count_and_flag_the_candidates_units(people, open_campaign, hohhot, site, candidates):
    _seat(people, open_campaign, hohhot)
    session = open_campaign.sessions.first()
    room = Room.objects.get(number="01")
    unit = SeatAssignment.objects.filter(room=room).first().application.employer
    staff = setup.save_staff(
        people["hohhot_co"], ExamStaff(campaign=open_campaign, city=hohhot, site=site, name="同单位", work_unit=unit)
    )
    setup.assign_staff(people["hohhot_co"], staff, room=room, session=session)
    assert setup.assign_staff(people["hohhot_co"], staff, room=room, session=session)  # again: a no-op
    with pytest.raises(TransitionRefused, match="已安排"):
        setup.assign_staff(people["hohhot_co"], staff, room=Room.objects.get(number="02"), session=session)
    line = next(t for t in selectors.staffing_table(open_campaign, hohhot) if t.room == room and t.session == session)
    assert line.check.same_unit == ("同单位",) and line.check.short == 1


def test_an_invigilator_reads_only_their_assignments(people, open_campaign, hohhot, site, rooms, invigilator):
    from accounts.permissions import scope_by_city

    session = open_campaign.sessions.first()
    staff = ExamStaff.objects.create(
        campaign=open_campaign, city=hohhot, site=site, name="监考员甲", work_unit="某校", user=invigilator
    )
    setup.assign_staff(people["hohhot_co"], staff, room=rooms[0], session=session)
    assert list(selectors.invigilator_assignments(invigilator)) == list(staff.assignments.all())
    assert selectors.may_check_in(invigilator, rooms[0], session)
    assert not selectors.may_check_in(invigilator, rooms[1], session)
    assert not selectors.invigilator_assignments(invigilator, session.date.replace(year=session.date.year + 1))
    assert scope_by_city(Application.objects.all(), invigilator).count() == 0
    assert not selectors.may_check_in(people["hohhot_co"], rooms[0], session)


def test_the_association_sees_each_citys_progress(people, open_campaign, hohhot, candidates):
    _seat(people, open_campaign, hohhot)
    publishing.publish(people["hohhot_co"], open_campaign, hohhot)
    rows = {row.city.code: row for row in selectors.progress(open_campaign)}
    assert len(rows) == 13
    assert (rows["hohhot"].sites, rows["hohhot"].rooms, rows["hohhot"].seated, rows["hohhot"].published) == (
        1,
        2,
        30,
        True,
    )
    assert rows["hohhot"].paid == 30 and rows["baotou"].seated == 0


def test_every_city_has_its_gbt2260_code(catalog_2023):
    from catalog.models import City

    codes = dict(City.objects.values_list("code", "gbt2260"))
    assert codes["hohhot"] == "150100" and codes["alxa"] == "152900" and codes["manzhouli"] == "150781"
    assert all(len(code) == 6 for code in codes.values())


def test_a_move_beside_a_colleague_needs_confirmation(people, open_campaign, hohhot, candidates):
    _seat(people, open_campaign, hohhot)
    room = Room.objects.get(number="02")
    taken = {(r, c) for r, c in SeatAssignment.objects.filter(room=room).values_list("row", "column")}
    around = [(0, 1), (0, -1), (1, 0), (-1, 0)]
    free, (dr, dc) = next(
        ((r, c), d)
        for r in range(1, 5)
        for c in range(1, 6)
        for d in around
        if (r, c) not in taken and (r + d[0], c + d[1]) in taken
    )
    neighbour = SeatAssignment.objects.filter(room=room, row=free[0] + dr, column=free[1] + dc).first().application
    mover = next(c for c in candidates if c.pk != neighbour.pk)
    Application.objects.filter(pk=mover.pk).update(employer=neighbour.employer)
    with pytest.raises(TransitionRefused, match="仍然调整"):
        arranging.move_seat(
            people["hohhot_co"], open_campaign, hohhot, mover, room=room, row=free[0], column=free[1], version=1
        )
    flags = arranging.move_seat(
        people["hohhot_co"],
        open_campaign,
        hohhot,
        mover,
        room=room,
        row=free[0],
        column=free[1],
        version=1,
        confirm=True,
    )
    assert flags and AuditEvent.objects.get(action="exams.seat.moved").after["flags"] == flags


def test_a_withdrawal_before_publication_frees_the_seat_for_the_next_run(people, open_campaign, hohhot, candidates):
    _seat(people, open_campaign, hohhot)
    lifecycle.withdraw_after_approval(people["hohhot_co"], candidates[0], reason="个人原因")
    assert not SeatAssignment.objects.filter(application=candidates[0]).exists()
    plan = _seat(people, open_campaign, hohhot, version=1)
    assert len(plan.placements) == 29 and candidates[0].pk not in {p.candidate for p in plan.placements}


def test_a_second_campaign_of_the_same_year_continues_the_citys_serials(people, open_campaign, hohhot, candidates):
    from catalog.services import ensure_demo_campaign
    from exams.tests.fixtures import paid_candidates

    _seat(people, open_campaign, hohhot)
    publishing.publish(people["hohhot_co"], open_campaign, hohhot)
    second, _created = ensure_demo_campaign(timezone.localdate(), slug="second", year=open_campaign.year)
    site = Site.objects.create(campaign=second, city=hohhot, name="第二批考点", address="某路 2 号")
    Room.objects.create(site=site, number="01", rows=2, columns=5)
    paid_candidates(second, 3)
    arranging.apply_seating(people["hohhot_co"], second, hohhot, seed=1, spacing="none", version=None)
    assert publishing.publish(people["hohhot_co"], second, hohhot) == 3
    numbers = sorted(Ticket.objects.filter(campaign=second).values_list("number", flat=True))
    assert numbers == [f"{open_campaign.year}150100{n:05d}" for n in (31, 32, 33)]  # no twin of the first batch
