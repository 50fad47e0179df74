"""The background publication of a city: queued, running, done, or failed with the reason, and retried."""

import logging
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, Status
from audit.models import AuditEvent
from conftest import client_for
from exams import selectors, states
from exams.models import Arrangement, Publication, SeatAssignment, Ticket
from exams.services import arranging, publishing
from exams.tests.fixtures import paid_candidates
from notifications.kinds import render
from notifications.models import Message

HOME = reverse("exams:home") + "?campaign=demo"
SEATING = reverse("exams:seating") + "?campaign=demo"


@pytest.fixture
def seated(people, open_campaign, hohhot, candidates):
    arranging.apply_seating(people["hohhot_co"], open_campaign, hohhot, seed=1, spacing="none", version=0)
    return Arrangement.objects.get()


def _request(people, campaign, city, callbacks_fixture, *, run: bool):
    with callbacks_fixture(execute=run) as callbacks:
        queued = publishing.request_publication(people["hohhot_co"], campaign, city)
    return queued, callbacks


def test_a_request_queues_the_publication_once_and_audits_it(
    people, open_campaign, hohhot, seated, django_capture_on_commit_callbacks
):
    queued, callbacks = _request(people, open_campaign, hohhot, django_capture_on_commit_callbacks, run=False)
    again, more = _request(people, open_campaign, hohhot, django_capture_on_commit_callbacks, run=False)
    assert (queued, again) == (True, False) and len(callbacks) == 1 and more == []  # a double click: one task
    arrangement = Arrangement.objects.get()
    assert arrangement.publication == Publication.QUEUED and not arrangement.is_published
    event = AuditEvent.objects.get(action="exams.publication.queued")
    assert event.after == {"publication": "queued"} and event.city == hohhot
    page = client_for(people["hohhot_co"]).get(HOME).content.decode()
    assert "发布排队中" in page and "发布准考证</button>" not in page


def test_the_task_marks_it_running_then_done(people, open_campaign, hohhot, seated, django_capture_on_commit_callbacks):
    _request(people, open_campaign, hohhot, django_capture_on_commit_callbacks, run=True)
    arrangement = Arrangement.objects.get()
    assert arrangement.is_published and arrangement.publication == Publication.DONE
    assert Ticket.objects.count() == 30
    assert list(
        AuditEvent.objects.filter(action__startswith="exams.publication.").order_by("pk").values_list("action")
    ) == [("exams.publication.queued",), ("exams.publication.started",)]
    assert selectors.publication_of(arrangement).key == "done"


def test_a_refusal_when_the_task_runs_marks_it_failed_with_the_reason(
    people, open_campaign, hohhot, seated, django_capture_on_commit_callbacks
):
    _, callbacks = _request(people, open_campaign, hohhot, django_capture_on_commit_callbacks, run=False)
    paid_candidates(open_campaign, 1)  # paid after the request: no seat yet
    callbacks[0]()
    arrangement = Arrangement.objects.get()
    assert arrangement.publication == Publication.FAILED and not arrangement.is_published
    assert "1 名已缴费考生没有座位" in arrangement.publication_error
    assert not Ticket.objects.exists() and not Application.objects.filter(status=Status.SCHEDULED).exists()
    assert AuditEvent.objects.get(action="exams.publication.failed").after["reason"] == arrangement.publication_error
    for page in (HOME, SEATING):
        body = client_for(people["hohhot_co"]).get(page).content.decode()
        assert "发布失败" in body and "1 名已缴费考生没有座位" in body and "重新发布准考证" in body


def test_a_crash_marks_it_failed_in_chinese_logs_the_traceback_and_a_retry_publishes(
    people, open_campaign, hohhot, seated, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(publishing, "_give_tickets", broken)
    with caplog.at_level(logging.ERROR, logger="exams.services.publishing"):
        _request(people, open_campaign, hohhot, django_capture_on_commit_callbacks, run=True)
    arrangement = Arrangement.objects.get()
    assert arrangement.publication == Publication.FAILED and arrangement.publication_error == publishing.CRASHED
    assert "RuntimeError: the disk is full" in caplog.text  # the traceback goes to the log, not the page
    assert not Ticket.objects.exists()
    body = client_for(people["hohhot_co"]).get(HOME).content.decode()
    assert "系统错误" in body and "disk" not in body

    monkeypatch.undo()
    queued, _ = _request(people, open_campaign, hohhot, django_capture_on_commit_callbacks, run=True)
    arrangement.refresh_from_db()
    assert queued and arrangement.is_published and arrangement.publication == Publication.DONE
    assert arrangement.publication_error == "" and Ticket.objects.count() == 30


def test_a_run_that_lost_its_worker_reads_failed_and_may_be_retried(
    people, open_campaign, hohhot, seated, django_capture_on_commit_callbacks
):
    long_ago = timezone.now() - states.PUBLICATION_STALLS_AFTER - timedelta(minutes=1)
    Arrangement.objects.update(publication=Publication.RUNNING, publication_changed_at=long_ago)  # test setup
    view = selectors.publication_of(Arrangement.objects.get())
    assert view.key == "failed" and "可能已中断" in view.reason and view.retry
    queued, callbacks = _request(people, open_campaign, hohhot, django_capture_on_commit_callbacks, run=False)
    assert queued and len(callbacks) == 1


def test_a_running_publication_is_not_queued_again(
    people, open_campaign, hohhot, seated, django_capture_on_commit_callbacks
):
    Arrangement.objects.update(publication=Publication.RUNNING, publication_changed_at=timezone.now())
    queued, callbacks = _request(people, open_campaign, hohhot, django_capture_on_commit_callbacks, run=False)
    assert not queued and callbacks == []
    assert "发布进行中" in client_for(people["hohhot_co"]).get(SEATING).content.decode()
    # A second task of the same city (a duplicate enqueue) steps aside.
    assert publishing.run_publication(people["hohhot_co"], open_campaign, hohhot).startswith("skipped")


def test_the_published_messages_read_as_notify_renders_them(people, open_campaign, hohhot, seated):
    publishing.publish(people["hohhot_co"], open_campaign, hohhot)
    for ticket in Ticket.objects.select_related("application__applicant", "application__campaign"):
        application = ticket.application
        seat = SeatAssignment.objects.filter(application=application).select_related("room__site").first()
        title, body = render("exams.ticket_published", publishing._context(application, ticket, seat))
        message = Message.objects.get(recipient=application.applicant, kind="exams.ticket_published")
        assert (message.title, message.body) == (title, body) and ticket.number in body
        assert (message.object_type, message.object_id) == ("applications.application", str(application.pk))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_task_runs_outside_any_transaction_as_a_worker_runs_it(people, open_campaign, hohhot, seated, monkeypatch):
    """Each step commits on its own: running is visible while the work goes on, failed after a crash."""
    from exams import tasks

    seen = []
    real = publishing.publish

    def watched(*args, **kwargs):
        seen.append(Arrangement.objects.get().publication)  # what another connection's page would read
        raise RuntimeError("crash")

    monkeypatch.setattr(publishing, "publish", watched)
    args = (open_campaign.pk, hohhot.pk, people["hohhot_co"].pk)
    assert tasks.publish_city.call(*args).startswith("failed")
    assert seen == [Publication.RUNNING] and Arrangement.objects.get().publication == Publication.FAILED
    monkeypatch.setattr(publishing, "publish", real)
    assert tasks.publish_city.call(*args) == "published: 30"
    assert Arrangement.objects.get().publication == Publication.DONE
