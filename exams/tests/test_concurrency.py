"""Two staff seating or publishing one city at the same moment, on PostgreSQL's row locks."""

import pytest
from django.db import connection

from exams.models import Arrangement, SeatAssignment, Ticket, TicketSerial
from exams.services import arranging, publishing
from exams.services.common import STALE
from skillcert.tests.races import race

pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (make test runs this file on PostgreSQL too)")


@pytest.fixture
def colleague(people):
    from accounts.models import Role, User
    from conftest import PASSWORD

    return User.objects.create_user(
        "hohhot-co-2", PASSWORD, role=Role.CO_ORGANIZER, city=people["hohhot_co"].city, full_name="同事"
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_staff_applying_at_once_end_with_one_plan(
    postgres_only, people, colleague, open_campaign, hohhot, candidates
):
    def apply(user, seed):
        return lambda: len(
            arranging.apply_seating(user, open_campaign, hohhot, seed=seed, spacing="none", version=0).placements
        )

    outcomes = race(apply(people["hohhot_co"], 1), apply(colleague, 2))
    assert sorted(o.split(":")[0] for o in outcomes) == ["done", "refused"]
    assert any(STALE in o for o in outcomes)
    arrangement = Arrangement.objects.get()
    assert arrangement.version == 1
    assert SeatAssignment.objects.order_by().values("application").distinct().count() == 30
    assert SeatAssignment.objects.count() == 30 * open_campaign.sessions.count()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_publishing_at_once_gives_each_number_once(postgres_only, people, colleague, open_campaign, hohhot, candidates):
    arranging.apply_seating(people["hohhot_co"], open_campaign, hohhot, seed=1, spacing="none", version=0)
    outcomes = race(
        lambda: publishing.publish(people["hohhot_co"], open_campaign, hohhot),
        lambda: publishing.publish(colleague, open_campaign, hohhot),
    )
    assert sorted(outcomes) == ["done: 0", "done: 30"]
    numbers = sorted(Ticket.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 30 and [int(n[-5:]) for n in numbers] == list(range(1, 31))
    assert TicketSerial.objects.get().last == 30


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_latecomers_seated_at_once_get_gap_free_numbers(
    postgres_only, people, colleague, open_campaign, hohhot, candidates
):
    from exams.tests.fixtures import paid_candidates

    arranging.apply_seating(people["hohhot_co"], open_campaign, hohhot, seed=1, spacing="none", version=0)
    publishing.publish(people["hohhot_co"], open_campaign, hohhot)
    paid_candidates(open_campaign, 6)
    outcomes = race(
        lambda: publishing.seat_latecomers(people["hohhot_co"], open_campaign, hohhot),
        lambda: publishing.seat_latecomers(colleague, open_campaign, hohhot),
    )
    assert sorted(outcomes) == ["done: 0", "done: 6"]
    serials = sorted(int(n[-5:]) for n in Ticket.objects.values_list("number", flat=True))
    assert serials == list(range(1, 37))
    seats = SeatAssignment.objects.order_by().values_list("session", "room", "row", "column")
    assert len(seats) == len(set(seats))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_room_deleted_while_the_city_is_seated_waits_and_is_refused(
    postgres_only, people, colleague, open_campaign, hohhot, rooms, candidates, monkeypatch
):
    """Seat rows have no database foreign key: the arrangement lock keeps them pointing at real rooms.
    The delete starts while seating is between reading the rooms and its commit."""
    import time

    from exams import seating
    from exams.models import Room
    from exams.services import setup

    plan = seating.seat
    monkeypatch.setattr(seating, "seat", lambda *args, **kwargs: (time.sleep(1.0), plan(*args, **kwargs))[1])
    room = Room.objects.select_related("site__campaign", "site__city").get(pk=rooms[1].pk)

    def delete_later():
        time.sleep(0.3)
        return setup.delete_room(colleague, room)

    outcomes = race(
        lambda: len(
            arranging.apply_seating(
                people["hohhot_co"], open_campaign, hohhot, seed=1, spacing="none", version=0
            ).placements
        ),
        delete_later,
    )
    assert outcomes[0] == "done: 30"
    assert outcomes[1].startswith("refused: 考场内已有考生座位")
    assert set(SeatAssignment.objects.values_list("room_id", flat=True)) == {rooms[0].pk, rooms[1].pk}
