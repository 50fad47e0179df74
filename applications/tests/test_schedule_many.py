"""lifecycle.schedule_many: a city's paid → scheduled in one go, row for row what `schedule` writes."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from applications import lifecycle
from applications.generator import generate
from applications.lifecycle import Transition
from applications.models import Application, Status
from audit.models import AuditEvent
from catalog.models import City
from skillcert.refusals import TransitionRefused


class Undo(Exception):
    """Raised to roll back one way of doing it before trying the other."""


@pytest.fixture
def paid(open_campaign) -> list[Application]:
    """Six generated applications, paid, in 呼和浩特 (test setup writes the status directly)."""
    generate(open_campaign, 6, seed=6)
    rows = Application.objects.filter(campaign=open_campaign)
    rows.update(status=Status.PAID, city=City.objects.get(code="hohhot"))
    return list(rows.order_by("pk"))


def _tickets(applications) -> dict[int, str]:
    return {a.pk: f"2026150100{n:05d}" for n, a in enumerate(applications, start=1)}


def _written(ids) -> tuple[list, list]:
    """What a scheduling leaves behind, without its clock times and ids."""
    rows = list(Application.objects.filter(pk__in=ids).order_by("pk").values_list("pk", "status", "version"))
    fields = ("action", "actor_id", "actor_label", "role", "city_id", "object_type", "object_id", "object_repr")
    events = AuditEvent.objects.filter(action="applications.scheduled").order_by("object_id")
    return rows, [(*e, b, a) for *e, b, a in events.values_list(*fields, "before", "after", "ip")]


def _one_by_one(actor, tickets: dict[int, str]) -> tuple[list, list]:
    try:
        with transaction.atomic():
            for pk, number in tickets.items():
                lifecycle.schedule(actor, Application.objects.get(pk=pk), ticket_number=number)
            written = _written(tickets)
            raise Undo
    except Undo:
        return written


def test_scheduling_many_writes_what_scheduling_one_by_one_writes(people, paid):
    tickets = _tickets(paid)
    expected = _one_by_one(people["hohhot_co"], tickets)
    assert not AuditEvent.objects.filter(action="applications.scheduled").exists()  # rolled back

    moved = lifecycle.schedule_many(people["hohhot_co"], tickets)

    assert _written(tickets) == expected
    assert [a.pk for a in moved] == list(tickets) and {a.status for a in moved} == {Status.SCHEDULED}
    assert [a.version for a in moved] == [a.version + 1 for a in paid]
    assert AuditEvent.objects.filter(action="applications.scheduled").count() == len(paid)


def test_a_row_in_another_state_refuses_the_whole_batch(people, paid):
    Application.objects.filter(pk=paid[3].pk).update(status=Status.APPROVED)  # not paid (yet)
    with pytest.raises(TransitionRefused, match="不能安排考试"):
        lifecycle.schedule_many(people["hohhot_co"], _tickets(paid))
    assert set(Application.objects.filter(pk__in=[a.pk for a in paid]).values_list("status", flat=True)) == {
        Status.PAID,
        Status.APPROVED,
    }
    assert not AuditEvent.objects.filter(action="applications.scheduled").exists()


def test_another_citys_co_organizer_schedules_none_of_them(people, paid):
    with pytest.raises(PermissionDenied):
        lifecycle.schedule_many(people["baotou_co"], _tickets(paid))
    assert not Application.objects.filter(status=Status.SCHEDULED).exists()


def test_rows_scheduled_already_are_skipped_quietly(people, paid):
    tickets = _tickets(paid)
    first = paid[0]
    lifecycle.schedule(people["hohhot_co"], first, ticket_number=tickets[first.pk])
    moved = lifecycle.schedule_many(people["hohhot_co"], tickets)
    assert [a.pk for a in moved] == [a.pk for a in paid[1:]]
    assert Application.objects.get(pk=first.pk).version == first.version + 1  # not moved twice
    assert AuditEvent.objects.filter(action="applications.scheduled", object_id=str(first.pk)).count() == 1
    assert lifecycle.schedule_many(people["hohhot_co"], tickets) == []  # a double click


def test_every_receiver_runs_for_each_application_and_a_batch_receiver_once(people, paid, monkeypatch):
    monkeypatch.setitem(lifecycle._receivers, Transition.SCHEDULE, [])
    monkeypatch.setitem(lifecycle._batch_receivers, Transition.SCHEDULE, [])
    each, batches = [], []

    @lifecycle.on(Transition.SCHEDULE)
    def receiver(application, *, actor, before, after, context):
        each.append((application.pk, before, after, context["ticket_number"]))

    @lifecycle.on_many(Transition.SCHEDULE)
    def batch_receiver(applications, *, actor, before, after, contexts):
        batches.append(([a.pk for a in applications], [c["ticket_number"] for c in contexts]))

    tickets = _tickets(paid)
    lifecycle.schedule_many(people["hohhot_co"], dict(list(tickets.items())[1:]))
    lifecycle.schedule(people["hohhot_co"], paid[0], ticket_number=tickets[paid[0].pk])  # one latecomer

    assert sorted(each) == sorted((pk, Status.PAID, Status.SCHEDULED, number) for pk, number in tickets.items())
    assert batches == [
        ([a.pk for a in paid[1:]], [tickets[a.pk] for a in paid[1:]]),
        ([paid[0].pk], [tickets[paid[0].pk]]),
    ]
    assert lifecycle.batch_receivers(Transition.SCHEDULE) == (batch_receiver,)


def test_nothing_to_schedule_runs_no_receiver(people, monkeypatch):
    calls = []
    monkeypatch.setitem(lifecycle._batch_receivers, Transition.SCHEDULE, [lambda *args, **kwargs: calls.append(1)])
    assert lifecycle.schedule_many(people["hohhot_co"], {}) == [] and calls == []
