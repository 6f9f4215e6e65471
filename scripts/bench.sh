#!/usr/bin/env bash
# Run every benchmark in benchmarks/: each prints its figures and writes var/bench/<name>.json.
# Benchmarks measure; they are never part of the pass/fail test run.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var/bench
failed=()
for script in benchmarks/*.py; do
  case "$(basename "$script")" in _*) continue ;; esac
  echo "== ${script}"
  .venv/bin/python "$script" "$@" || failed+=("$script")
done
if [ ${#failed[@]} -ne 0 ]; then
  echo "benchmarks that failed: ${failed[*]}" >&2
  exit 1
fi
