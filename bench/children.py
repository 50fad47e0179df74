"""Benchmarks that render in a child process (`python -m bench.<module> <kind> …`), so each side's
peak resident memory is its own: the child prints its figures as the last line of JSON."""

import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench.servers import ROOT


def run_child(module: str, kind: str, *args: Path, out_dir: Path, timeout: int) -> dict:
    """Run the child and read its figures, with the PDF files it wrote in `out_dir` counted."""
    out_dir.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", module, kind, *map(str, args), str(out_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["files"] = len(list(out_dir.glob("*.pdf")))
    figures["megabytes"] = round(sum(p.stat().st_size for p in out_dir.glob("*.pdf")) / 1e6, 1)
    return figures


def report(render: Callable[[], object]) -> None:
    """In the child: time `render`, then print the seconds and the peak resident memory as JSON."""
    started = time.perf_counter()
    render()
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb}))
