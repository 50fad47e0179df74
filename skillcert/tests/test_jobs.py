"""Enqueueing after commit, later, and again on failure (skillcert.jobs)."""

import pytest
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from skillcert.jobs import RetryPolicy, enqueue, enqueue_on_commit

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
ran: list[int] = []


@task
def remember(number: int) -> int:
    ran.append(number)
    return number


@pytest.fixture(autouse=True)
def _forget():
    ran.clear()


@pytest.fixture
def database_queue(db, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_QUEUE
    return DBTaskResult.objects


def test_work_is_enqueued_only_once_the_transaction_commits(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(remember, 1)
        assert ran == []
    assert ran == [1]


def test_a_rolled_back_transaction_enqueues_nothing(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(remember, 1)
        raise RuntimeError("the use case failed")
    assert ran == []


def test_a_delayed_run_waits_on_a_queue_that_can_defer(database_queue):
    enqueue(remember, 7, delay=300)
    row = database_queue.get()
    assert row.args_kwargs["args"] == [7] and ran == []
    assert 295 < (row.run_after - timezone.now()).total_seconds() <= 300


def test_a_delayed_run_runs_at_once_where_the_backend_cannot_defer(db):
    assert enqueue(remember, 7, delay=300).return_value == 7
    assert ran == [7]


def test_each_failed_attempt_waits_its_own_delay_and_the_last_one_gives_up():
    policy = RetryPolicy([60, 300])
    assert [policy.delay_after(n) for n in (1, 2, 3)] == [60, 300, None]
    assert policy.delay_after(0) is None


def test_a_retry_is_enqueued_after_commit_with_run_after_the_delay(database_queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        due = RetryPolicy([60, 300]).retry_on_commit(remember, 3, attempts=2)
        assert not database_queue.exists()
    row = database_queue.get()
    assert abs((row.run_after - due).total_seconds()) < 1
    assert 295 < (due - timezone.now()).total_seconds() <= 300


def test_no_retry_is_enqueued_after_the_last_attempt(database_queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert RetryPolicy([60]).retry_on_commit(remember, 3, attempts=2) is None
    assert not database_queue.exists()
