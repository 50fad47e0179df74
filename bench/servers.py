"""Starting the project (or the bare view) under gunicorn, for the load bench and the multi-worker tests."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def project_env(state_dir: Path) -> dict[str, str]:
    """A production-like environment on a throwaway state folder (its own SQLite, caches and keys)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_", "PUBLIC_"))}
    return env | {
        "DJANGO_SETTINGS_MODULE": "skillcert.settings",
        "SKILLCERT_STATE_DIR": str(state_dir),
        "SECRET_KEY": "bench-secret-key-0123456789abcdef0123456789abcdef",
        "FIELD_ENCRYPTION_KEY": "bench-field-encryption-key-0123456789abcdef",
        "DEBUG": "false",
        "STATIC_ROOT": str(state_dir / "static"),
    }


def manage(env: dict[str, str], *commands: list[str]) -> None:
    for command in commands:
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)


def serve(
    app: str, env: dict[str, str], *, workers: int, threads: int, ready: str = "/"
) -> tuple[subprocess.Popen, str]:
    """Start gunicorn on a free port and wait until `ready` answers."""
    port = free_port()
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + ready, timeout=2).read()
            return server, base
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError(f"{app} did not start") from None
            time.sleep(0.2)  # polling a starting server, not a test's timing


def stop(*servers: subprocess.Popen) -> None:
    for server in servers:
        server.terminate()
        server.wait(timeout=30)


def read(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()
