"""notify_many(): the messages and deliveries notify() would store, written in bulk, sent by chunks."""

import pytest
from django.db import transaction
from django.urls import reverse

from notifications import services
from notifications.models import Delivery, DeliveryState, Message
from notifications.services import Notice, notify, notify_many

KIND = "application.submitted"


class Undo(Exception):
    pass


@pytest.fixture
def recipients(people):
    """The applicant (a phone: SMS), a co-organizer (no phone: inbox only), an inactive user with a
    phone (inbox only), a staff member with a phone (SMS)."""
    gone, reachable = people["baotou_reg"], people["baotou_co"]
    gone.phone, gone.is_active = "13900000009", False
    reachable.phone = "13900000008"
    for user in (gone, reachable):
        user.save()
    return [people["applicant"], people["hohhot_co"], gone, reachable]


def _notices(recipients, application) -> list[Notice]:
    url = reverse("applications:detail", args=[application.pk])
    return [Notice(user, {"application": application, "url": url}, obj=application) for user in recipients]


def _stored() -> list[tuple]:
    messages = Message.objects.order_by("recipient_id").values_list(
        "recipient_id", "kind", "title", "body", "url", "object_type", "object_id", "read_at"
    )
    deliveries = Delivery.objects.order_by("message__recipient_id", "channel").values_list(
        "message__recipient_id", "channel", "state", "attempts"
    )
    return [list(messages), list(deliveries)]


def test_notify_many_stores_what_notify_stores(recipients, complete_draft):
    try:
        with transaction.atomic():
            for notice in _notices(recipients, complete_draft):
                notify(notice.recipient, KIND, context=notice.context, obj=notice.obj)
            expected = _stored()
            raise Undo
    except Undo:
        pass
    assert not Message.objects.exists()

    messages = notify_many(KIND, _notices(recipients, complete_draft))

    assert _stored() == expected
    assert all(message.pk for message in messages) and len(messages) == len(recipients)
    assert Delivery.objects.count() == 2  # the two active users with a phone; the inactive one has none


def test_deliveries_go_by_chunks_after_the_commit(
    recipients, complete_draft, outbox, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "DELIVERIES_PER_TASK", 1)
    with django_capture_on_commit_callbacks() as callbacks:
        notify_many(KIND, _notices(recipients, complete_draft))
    assert len(callbacks) == 2 and not outbox.exists()  # nothing sent inside the transaction
    for callback in callbacks:
        callback()
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.SENT}
    assert outbox.read_text().count("申报已提交") == 2


def test_one_task_per_chunk_on_the_database_backend(
    recipients, complete_draft, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    monkeypatch.setattr(services, "DELIVERIES_PER_TASK", 1)
    with django_capture_on_commit_callbacks(execute=True):
        notify_many(KIND, _notices(recipients * 2, complete_draft))  # 4 deliveries
    tasks = list(DBTaskResult.objects.order_by("enqueued_at", "pk"))
    assert [t.task_path for t in tasks] == ["notifications.tasks.send_deliveries"] * 4
    assert sorted(t.args_kwargs["args"][0][0] for t in tasks) == sorted(Delivery.objects.values_list("pk", flat=True))


def test_a_delivery_that_breaks_does_not_stop_the_rest_of_its_chunk(
    recipients, complete_draft, outbox, monkeypatch, django_capture_on_commit_callbacks
):
    from notifications import tasks

    notify_many(KIND, _notices(recipients, complete_draft))
    first, second = Delivery.objects.order_by("pk")
    real = tasks.attempt

    def attempt(delivery_id):
        if delivery_id == first.pk:
            raise RuntimeError("database went away")
        return real(delivery_id)

    monkeypatch.setattr(tasks, "attempt", attempt)
    assert tasks.send_deliveries.call([first.pk, second.pk]) == {"error": 1, "sent": 1}
    first.refresh_from_db()
    assert first.state == DeliveryState.PENDING  # left for a later run, never lost as sent


def test_an_unknown_kind_stores_nothing(recipients, complete_draft):
    with pytest.raises(ValueError, match="unknown notification kind"):
        notify_many("application.exploded", _notices(recipients, complete_draft))
    assert not Message.objects.exists()
