"""Enqueueing background work (Django's tasks API): after commit, later, and again on failure.

A task runs with ids, never with model instances, and is enqueued only once the transaction
that wrote its rows has committed (`enqueue_on_commit`). A task that makes one attempt per run
asks `RetryPolicy.retry_on_commit` for the next one: it is enqueued again with
`task.using(run_after=now + delay)`, the delay of the attempt that failed. Backends that cannot
defer (the immediate backend of the tests) run the retry at once.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.tasks import Task, TaskResult
from django.utils import timezone


def enqueue(task: Task, *args: Any, delay: int = 0, **kwargs: Any) -> TaskResult:
    """Enqueue now, or to run `delay` seconds from now where the backend can defer."""
    if delay and task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + timedelta(seconds=delay))
    return task.enqueue(*args, **kwargs)


def enqueue_on_commit(task: Task, *args: Any, delay: int = 0, **kwargs: Any) -> None:
    """Enqueue once the current transaction commits (at once outside one); a rollback enqueues nothing."""
    # robust: a broken queue must not turn a committed use case into an error page.
    transaction.on_commit(partial(enqueue, task, *args, delay=delay, **kwargs), robust=True)


@dataclass(frozen=True)
class RetryPolicy:
    """The waits (seconds) before the 2nd, 3rd, … attempt: 1 + len(delays) attempts in all."""

    delays: Sequence[int]

    def delay_after(self, attempts: int) -> int | None:
        """The wait after `attempts` attempts have failed; None when none remain."""
        if 1 <= attempts <= len(self.delays):
            return int(self.delays[attempts - 1])
        return None

    def retry_on_commit(self, task: Task, *args: Any, attempts: int, **kwargs: Any) -> datetime | None:
        """Enqueue the next attempt after commit; returns when it is due, None when given up."""
        delay = self.delay_after(attempts)
        if delay is None:
            return None
        enqueue_on_commit(task, *args, delay=delay, **kwargs)
        return timezone.now() + timedelta(seconds=delay)
