#!/usr/bin/env python3
"""Run a command against a throwaway PostgreSQL server made from the local binaries.

    python scripts/with_postgres.py pytest ...

Finds initdb/pg_ctl (PG_BINDIR, pg_config, /usr/lib/postgresql/*/bin, PATH),
creates a cluster in a temporary folder, starts it on a free loopback port,
runs the command with DATABASE_URL pointing at it, then stops and removes it.
PostgreSQL refuses to run as root, so as root the server runs as the
unprivileged `postgres` user (Debian's package creates it).

Without PostgreSQL binaries it says so and exits 0, unless CI=true or
SKILLCERT_REQUIRE_POSTGRES=1, where a missing server is a failure.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

# A throwaway test server: durability is worth nothing, speed a lot.
SPEED_OVER_SAFETY = ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]


def find_bindir() -> Path | None:
    candidates = [os.environ.get("PG_BINDIR", "")]
    if shutil.which("pg_config"):
        candidates.append(subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip())
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True)
    if shutil.which("initdb"):
        candidates.append(str(Path(shutil.which("initdb")).resolve().parent))
    for candidate in candidates:
        if candidate and all((Path(candidate) / tool).exists() for tool in ("initdb", "pg_ctl", "postgres")):
            return Path(candidate)
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def required() -> bool:
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("SKILLCERT_REQUIRE_POSTGRES") == "1"


def main(command: list[str]) -> int:
    bindir = find_bindir()
    if bindir is None:
        message = "PostgreSQL binaries (initdb, pg_ctl, postgres) not found: install Debian's 'postgresql' package."
        if required():
            print(f"ERROR: {message} They are required here (CI=true).", file=sys.stderr)
            return 1
        print(f"SKIPPED the PostgreSQL run: {message}", file=sys.stderr)
        return 0

    run_as = {}
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam(os.environ.get("SKILLCERT_PG_USER", "postgres"))
        except KeyError:
            print("ERROR: running as root and there is no 'postgres' user to run PostgreSQL as.", file=sys.stderr)
            return 1
        run_as = {"user": account.pw_uid, "group": account.pw_gid}

    workdir = Path(tempfile.mkdtemp(prefix="skillcert-pg-"))
    if run_as:
        os.chown(workdir, run_as["user"], run_as["group"])
    data, log, port = workdir / "data", workdir / "server.log", free_port()

    def pg(*args: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run([str(bindir / args[0]), *args[1:]], cwd=workdir, check=True, **run_as, **kwargs)

    started = False
    try:
        pg(
            "initdb",
            "-D",
            str(data),
            "-U",
            "skillcert",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
            stdout=subprocess.DEVNULL,
        )
        options = " ".join(
            [f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1", *SPEED_OVER_SAFETY, "-c max_connections=200"]
        )
        pg("pg_ctl", "-D", str(data), "-l", str(log), "-o", options, "-w", "start", stdout=subprocess.DEVNULL)
        started = True
        pg("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "skillcert", "skillcert")
        print(f"PostgreSQL {bindir.parent.name} started on 127.0.0.1:{port} for this run", file=sys.stderr)
        env = dict(os.environ, DATABASE_URL=f"postgres://skillcert@127.0.0.1:{port}/skillcert")
        return subprocess.run(command, env=env).returncode
    except subprocess.CalledProcessError as error:
        print(f"ERROR: could not start PostgreSQL ({error}); log follows.", file=sys.stderr)
        if log.exists():
            print(log.read_text(), file=sys.stderr)
        return 1
    finally:
        if started:
            pg("pg_ctl", "-D", str(data), "-m", "immediate", "stop", stdout=subprocess.DEVNULL)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: with_postgres.py COMMAND [ARGS...]")
    sys.exit(main(sys.argv[1:]))
