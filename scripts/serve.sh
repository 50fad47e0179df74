#!/usr/bin/env bash
# Serve skillcert on 127.0.0.1:$PORT with gunicorn, its background worker and its scheduler.
# The WeChat Pay simulator (/paysim/) calls back into this server: keep WEB_WORKERS >= 2.
# Both stop together on Ctrl-C.
set -euo pipefail
PORT="${PORT:-8000}"
BIN="${BIN:-.venv/bin}"
WEB_WORKERS="${WEB_WORKERS:-2}"

"$BIN/python" manage.py db_worker --queue-name default &
worker=$!
# The scheduler: the periodic jobs the apps register (the payment sweep every minute,
# yesterday's reconciliation once a day after 10:30); `run_periodic --list` shows them.
"$BIN/python" manage.py run_periodic &
periodic=$!
trap 'kill "$worker" "$periodic" 2>/dev/null || true; wait "$worker" "$periodic" 2>/dev/null || true' EXIT INT TERM

echo "skillcert: http://127.0.0.1:${PORT}/  (Ctrl-C stops the server and the worker)"
# Two threads a worker: on two cores more threads only queue for the GIL and lengthen the slowest
# answers (bench/test_bench_public_reads.py). A first 考务手册 of a big site renders for ~30 s: the
# timeout leaves room for it.
"$BIN/gunicorn" skillcert.wsgi:application \
  --bind "127.0.0.1:${PORT}" --workers "$WEB_WORKERS" --threads "${WEB_THREADS:-2}" --timeout "${WEB_TIMEOUT:-120}" \
  --access-logfile - --graceful-timeout 5
