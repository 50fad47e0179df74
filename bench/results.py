"""Benchmarks print their figures and keep them in bench/results/<name>.json."""

import json
import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def save(name: str, figures: dict) -> None:
    from django.db import connection

    RESULTS.mkdir(exist_ok=True)
    record = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": connection.vendor,
        "python": platform.python_version(),
        "machine": platform.machine(),
        **figures,
    }
    (RESULTS / f"{name}-{connection.vendor}.json").write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    print(f"\n{name} ({connection.vendor}): " + ", ".join(f"{k}={v}" for k, v in figures.items()))


class Clock:
    """Wall time, this process's CPU time and (PostgreSQL on this machine) the server backend's CPU
    time of a block: on a loaded machine the CPU seconds say what the wall clock cannot."""

    def __enter__(self) -> "Clock":
        self._backend = _backend_pid()
        self._start = (time.perf_counter(), time.process_time(), _backend_cpu(self._backend))
        return self

    def __exit__(self, *exc: object) -> None:
        wall, cpu, db = self._start
        self.wall_s = time.perf_counter() - wall
        self.cpu_s = time.process_time() - cpu
        self.db_cpu_s = _backend_cpu(self._backend) - db


def _backend_pid() -> int | None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _backend_cpu(pid: int | None) -> float:
    """User + system CPU seconds of the backend process (0 when it is not ours to read)."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
