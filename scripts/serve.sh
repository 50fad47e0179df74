#!/usr/bin/env bash
# Serve skillcert on 127.0.0.1:$PORT with gunicorn, and its background worker.
# Both stop together on Ctrl-C.
set -euo pipefail
PORT="${PORT:-8000}"
BIN="${BIN:-.venv/bin}"
WEB_WORKERS="${WEB_WORKERS:-2}"

"$BIN/python" manage.py db_worker --queue-name default &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT INT TERM

echo "skillcert: http://127.0.0.1:${PORT}/  (Ctrl-C stops the server and the worker)"
"$BIN/gunicorn" skillcert.wsgi:application \
  --bind "127.0.0.1:${PORT}" --workers "$WEB_WORKERS" --access-logfile - --graceful-timeout 5
