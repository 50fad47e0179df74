"""The registry of periodic jobs and the claim that lets only one scheduler run each.

Each app registers its time-driven work in its AppConfig.ready::

    periodic.register("payments.sweep", task=sweep_payments, every=timedelta(minutes=1))
    periodic.register("payments.reconcile", task=reconcile_day, daily_at=time(10, 30), arguments=yesterday)

`every` and `daily_at` may be callables, read at each run, so settings stay the source.
`daily_at` is a time of day in TIME_ZONE (Beijing). `manage.py run_periodic` calls
`run_due` in a loop (or once from cron). A run is claimed by moving `PeriodicRun.due_at`
forward with an UPDATE conditioned on the value read: of two schedulers that read the same
due time, one updates a row and enqueues, the other updates none and skips.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.tasks import Task, TaskResult
from django.utils import timezone

from skillcert.models import PeriodicRun

# A job due this close ahead runs now: cron and the loop's tick never fire exactly on time.
GRACE = timedelta(seconds=5)


def _no_arguments(due_at: datetime) -> tuple[Any, ...]:
    return ()


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: Task
    every: timedelta | Callable[[], timedelta] | None = None
    daily_at: time | Callable[[], time] | None = None
    # The task's arguments for the run due at the given time (e.g. the day before it).
    arguments: Callable[[datetime], tuple[Any, ...]] = field(default=_no_arguments)

    def interval(self) -> timedelta | None:
        return self.every() if callable(self.every) else self.every

    def time_of_day(self) -> time | None:
        return self.daily_at() if callable(self.daily_at) else self.daily_at

    def first_due(self, now: datetime) -> datetime:
        """An interval job is due at once; a daily job at today's time (past already: at once)."""
        at = self.time_of_day()
        if at is None:
            return now
        return _at(timezone.localtime(now).date(), at)

    def next_due(self, due_at: datetime, now: datetime) -> datetime:
        """The due time after the run due at `due_at`, kept on its rhythm, never in the past."""
        at = self.time_of_day()
        if at is None:
            interval = self.interval()
            assert interval is not None  # register() takes exactly one of every= and daily_at=
            following = due_at + interval
            return following if following > now else now + interval
        after = max(due_at, now)
        day = timezone.localtime(after).date()
        following = _at(day, at)
        return following if following > after else _at(day + timedelta(days=1), at)


def _at(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


_jobs: dict[str, PeriodicJob] = {}


def register(
    name: str,
    *,
    task: Task,
    every: timedelta | Callable[[], timedelta] | None = None,
    daily_at: time | Callable[[], time] | None = None,
    arguments: Callable[[datetime], tuple[Any, ...]] = _no_arguments,
) -> PeriodicJob:
    """Add a job (again: replace it); exactly one of `every` and `daily_at`."""
    if (every is None) == (daily_at is None):
        raise ValueError(f"periodic job {name!r} needs exactly one of every= and daily_at=")
    job = PeriodicJob(name=name, task=task, every=every, daily_at=daily_at, arguments=arguments)
    _jobs[name] = job
    return job


def jobs() -> list[PeriodicJob]:
    return sorted(_jobs.values(), key=lambda job: job.name)


def get(name: str) -> PeriodicJob:
    """The registered job; KeyError for an unknown name."""
    return _jobs[name]


def claim(job: PeriodicJob, now: datetime) -> datetime | None:
    """Claim the job's due run: the due time claimed, or None (not due, or another scheduler won)."""
    row, _ = PeriodicRun.objects.get_or_create(name=job.name, defaults={"due_at": job.first_due(now)})
    if row.due_at > now + GRACE:
        return None
    won = PeriodicRun.objects.filter(pk=row.pk, due_at=row.due_at).update(
        due_at=job.next_due(row.due_at, now), last_run_at=now
    )
    return row.due_at if won else None


def enqueue(job: PeriodicJob, due_at: datetime) -> TaskResult:
    return job.task.enqueue(*job.arguments(due_at))


def run_due(now: datetime | None = None) -> list[str]:
    """Enqueue every job that is due and claimed here; the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in jobs():
        # The claim and a database queue's task row commit together: no claimed run is lost.
        with transaction.atomic():
            due_at = claim(job, now)
            if due_at is not None:
                enqueue(job, due_at)
                enqueued.append(job.name)
    return enqueued


def due_times() -> dict[str, datetime | None]:
    """When each registered job is next due (None: never run yet, due at the scheduler's start)."""
    rows = dict(PeriodicRun.objects.filter(name__in=_jobs).values_list("name", "due_at"))
    return {job.name: rows.get(job.name) for job in jobs()}
