"""Benchmarks print their figures and keep them in bench/results/<name>.json."""

import json
import platform
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
