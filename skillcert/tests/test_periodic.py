"""The registry of periodic jobs, their rhythm, the claim and the `run_periodic` command."""

import contextlib
import threading
from datetime import datetime, time, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from django.tasks import task
from django.utils import timezone

from skillcert import periodic
from skillcert.models import PeriodicRun

ran: list[tuple] = []


@task
def remember(*args: str) -> None:
    ran.append(args)


def beijing(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text))


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for the test (the apps' own jobs are tested below)."""
    monkeypatch.setattr(periodic, "_jobs", {})
    ran.clear()
    return periodic


def day_before(due_at: datetime) -> tuple[str]:
    return ((timezone.localtime(due_at).date() - timedelta(days=1)).isoformat(),)


def test_a_job_runs_either_at_an_interval_or_daily(registry):
    with pytest.raises(ValueError):
        registry.register("both", task=remember, every=timedelta(minutes=1), daily_at=time(10, 30))
    with pytest.raises(ValueError):
        registry.register("neither", task=remember)


def test_the_apps_register_the_sweep_every_minute_and_the_reconciliation_after_half_past_ten():
    sweep, reconcile = periodic.get("payments.sweep"), periodic.get("payments.reconcile")
    assert sweep.task.name == "sweep_payments" and sweep.interval() == timedelta(seconds=60)
    assert reconcile.task.name == "reconcile_day" and reconcile.time_of_day() == time(10, 30)
    assert reconcile.arguments(beijing("2026-03-02 10:30")) == ("2026-03-01",)


def test_an_interval_job_runs_at_once_then_keeps_its_rhythm(registry, db):
    registry.register("sweep", task=remember, every=timedelta(minutes=1))
    start = beijing("2026-03-02 09:00:00")
    assert registry.run_due(start) == ["sweep"]
    assert registry.run_due(start + timedelta(seconds=30)) == []
    # A tick a little early still runs it, and the next one stays on the minute.
    assert registry.run_due(start + timedelta(seconds=57)) == ["sweep"]
    assert PeriodicRun.objects.get(name="sweep").due_at == start + timedelta(minutes=2)
    # After a long stop it runs once, not once per missed minute.
    assert registry.run_due(start + timedelta(hours=1)) == ["sweep"]
    assert registry.run_due(start + timedelta(hours=1, seconds=1)) == []
    assert len(ran) == 3


def test_a_daily_job_runs_once_a_day_after_its_time_for_the_day_before(registry, db):
    registry.register("reconcile", task=remember, daily_at=time(10, 30), arguments=day_before)
    assert registry.run_due(beijing("2026-03-02 09:00")) == []
    assert registry.run_due(beijing("2026-03-02 10:31")) == ["reconcile"]
    assert registry.run_due(beijing("2026-03-02 23:59")) == []
    assert registry.run_due(beijing("2026-03-03 10:29:58")) == ["reconcile"]  # within the grace
    assert registry.run_due(beijing("2026-03-03 10:31")) == []
    assert ran == [("2026-03-01",), ("2026-03-02",)]
    assert PeriodicRun.objects.get(name="reconcile").due_at == beijing("2026-03-04 10:30")


def test_a_daily_job_started_after_its_time_runs_at_once(registry, db):
    registry.register("reconcile", task=remember, daily_at=time(10, 30), arguments=day_before)
    assert registry.run_due(beijing("2026-03-02 15:00")) == ["reconcile"]
    assert ran == [("2026-03-01",)]


def test_the_rhythm_is_read_at_each_run_from_the_settings(registry, db, settings):
    settings.PAYMENTS_SWEEP_INTERVAL = 600
    registry.register("sweep", task=remember, every=lambda: timedelta(seconds=settings.PAYMENTS_SWEEP_INTERVAL))
    start = beijing("2026-03-02 09:00")
    registry.run_due(start)
    assert PeriodicRun.objects.get(name="sweep").due_at == start + timedelta(minutes=10)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_schedulers_at_once_run_a_due_job_once(registry, catalog_2023):
    start, both_read = threading.Barrier(2), threading.Barrier(2)

    def interval() -> timedelta:
        # Read after the due row and before the claim's update: where the database lets both
        # schedulers read (PostgreSQL), both have read the same due time before either writes.
        # SQLite's IMMEDIATE transactions let one in at a time; the barrier then gives up.
        with contextlib.suppress(threading.BrokenBarrierError):
            both_read.wait(timeout=2)
        return timedelta(minutes=1)

    registry.register("sweep", task=remember, every=interval)
    now = timezone.now()
    PeriodicRun.objects.create(name="sweep", due_at=now - timedelta(seconds=1))
    enqueued: list[list[str]] = []

    def scheduler():
        try:
            start.wait(timeout=10)
            enqueued.append(registry.run_due(now))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(enqueued) == [[], ["sweep"]]
    assert len(ran) == 1


def test_the_command_once_enqueues_what_is_due_and_exits(registry, db):
    registry.register("sweep", task=remember, every=timedelta(minutes=1))
    # Later today (a daily time already past today would be due at once: late in the evening, two
    # hours on is tomorrow's early morning).
    later = timezone.localtime() + timedelta(hours=2)
    at = later.time() if later.date() == timezone.localdate() else time(23, 59, 59)
    registry.register("later", task=remember, daily_at=at)
    call_command("run_periodic", "--once")
    assert ran == [()]
    assert set(PeriodicRun.objects.values_list("name", flat=True)) == {"sweep", "later"}


def test_the_command_reconciles_yesterday_on_request(db, settings, monkeypatch):
    days: list[str] = []
    monkeypatch.setattr("payments.reconciliation.report.generate_daily_reports", lambda day: days.append(day) or [])
    call_command("run_periodic", "--reconcile")
    assert days == [timezone.localdate() - timedelta(days=1)]
    assert not PeriodicRun.objects.exists()  # a run on request leaves the schedule alone


def test_the_command_names_the_jobs_when_asked_for_an_unknown_one(db):
    with pytest.raises(CommandError, match=r"payments\.sweep"):
        call_command("run_periodic", "--run", "nothing.here")
