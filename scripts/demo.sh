#!/usr/bin/env bash
# Serve Guazhi on the embedded default (SQLite under var/) with demo data and a task worker.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
# A stable secret for this machine's demo, made once; production supplies its own SECRET_KEY.
[ -s var/secret_key ] || .venv/bin/python -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key
export SECRET_KEY="${SECRET_KEY:-$(cat var/secret_key)}"
export DEBUG="${DEBUG:-0}"
export SECURE_HTTPS="${SECURE_HTTPS:-0}"   # plain http on 127.0.0.1
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
PORT="${PORT:-8000}"
# Reminder emails land as files here instead of going to a mail server.
export EMAIL_URL="${EMAIL_URL:-file://$PWD/var/mail}"

.venv/bin/guazhi migrate --noinput -v0
.venv/bin/guazhi collectstatic --noinput -v0
.venv/bin/guazhi demo_data --if-empty
# Today's reminders (idempotent: a restart the same day sends nothing twice). Production runs
# `guazhi remind` from cron every morning.
.venv/bin/guazhi remind
# One worker here: whatever it was running when it last stopped will never finish.
.venv/bin/guazhi jobs_fail_stale --minutes 0
.venv/bin/guazhi db_worker --queue-name "*" &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
echo "Guazhi: http://127.0.0.1:${PORT}/  (Ctrl-C stops)"
.venv/bin/gunicorn guazhi.wsgi --bind "127.0.0.1:${PORT}" --workers 2 --access-logfile - --log-level warning
