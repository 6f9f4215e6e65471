#!/usr/bin/env bash
# The whole test run: lint, the suite on SQLite, the same suite on a PostgreSQL server this run
# starts and stops itself, then the browser journeys in Debian's Chromium. Every phase runs even
# when an earlier one failed; the run fails if any did. Under CI (CI set), a missing Chromium or
# PostgreSQL fails the run; elsewhere that phase is skipped with a message saying what to install.
# Extra arguments go to every pytest phase, e.g. `scripts/test.sh -x`. Logs: var/test-logs/.
set -uo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
LOGS=var/test-logs
WORKERS="${TEST_WORKERS:-2}"
mkdir -p "$LOGS"
# The suite chooses its database from DATABASE_URL; only the PostgreSQL phase sets it.
unset DATABASE_URL

names=() statuses=() seconds=() outcomes=()
total_passed=0 total_failed=0 total_skipped=0
failed=0

# pytest's closing line, e.g. "3 failed, 120 passed, 2 skipped in 41.2s", minus the time.
pytest_outcome() {
  grep -E '^(=+ )?[0-9]+ (passed|failed|error|errors|skipped|deselected)' "$1" | tail -1 \
    | sed -E 's/^=+ //; s/ in [0-9.]+s.*$//; s/ =+$//'
}

count() {  # count WORD OUTCOME → the number before WORD, or 0
  local n
  n=$(grep -oE "[0-9]+ $1" <<<"$2" | head -1 | cut -d' ' -f1)
  echo "${n:-0}"
}

# phase NAME KIND COMMAND...: runs COMMAND, logs it, records status, time and pytest counts.
phase() {
  local name=$1 kind=$2
  shift 2
  local log="$LOGS/$name.log" start=$SECONDS rc
  echo
  echo "━━ $name ━━ $*"
  "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  local outcome=""
  if [ "$kind" = pytest ]; then
    outcome=$(pytest_outcome "$log")
    total_passed=$((total_passed + $(count passed "$outcome")))
    total_failed=$((total_failed + $(count failed "$outcome") + $(count error "$outcome")))
    total_skipped=$((total_skipped + $(count skipped "$outcome")))
  fi
  names+=("$name") seconds+=($((SECONDS - start))) outcomes+=("$outcome")
  if [ "$rc" -eq 0 ]; then
    statuses+=(ok)
  else
    # pytest exits 5 when it ran no test: for a phase that should have run some, that is a failure.
    statuses+=("FAILED (exit $rc)")
    failed=1
  fi
}

# missing NAME MESSAGE: under CI a failed phase with the message; elsewhere a skipped one.
missing() {
  local name=$1 message=$2
  names+=("$name") seconds+=(0) outcomes+=("")
  if [ -n "${CI:-}" ]; then
    echo "✗ $name: $message" >&2
    statuses+=("FAILED: $message")
    failed=1
  else
    echo "! $name skipped: $message" >&2
    statuses+=("skipped: $message")
  fi
}

phase lint tool "$BIN/ruff" check src tests benchmarks
phase format tool "$BIN/ruff" format --check src tests benchmarks
# mypy reads settings through django-stubs; DEBUG=1 supplies a development key for that.
phase types tool env DEBUG=1 "$BIN/mypy" src

phase sqlite pytest "$BIN/pytest" -q -n "$WORKERS" -m "not browser" "$@"

if pg_problem=$("$BIN/python" -c "from tests.postgres import find_bindir; find_bindir()" 2>&1); then
  phase postgresql pytest "$BIN/python" -m tests.postgres \
    "$BIN/pytest" -q -n "$WORKERS" -m "not browser" "$@"
else
  missing postgresql "${pg_problem##*$'\n'}"
fi

if [ -x "$CHROMIUM" ]; then
  phase browser pytest "$BIN/pytest" -q -m browser "$@"
else
  missing browser "Chromium not found at $CHROMIUM: apt-get install chromium (scripts/system-packages.sh)"
fi

echo
echo "━━ summary ━━"
for i in "${!names[@]}"; do
  printf '%-11s %-40s %5ss  %s\n' "${names[$i]}" "${statuses[$i]}" "${seconds[$i]}" "${outcomes[$i]}"
done
echo "total: $total_passed passed, $total_failed failed, $total_skipped skipped"
exit "$failed"
