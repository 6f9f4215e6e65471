"""The cadre list under load, on SQLite and PostgreSQL, against the bare /healthz view.

For each database: a fresh database in a temporary folder (PostgreSQL started here, on
127.0.0.1 and a free port), `migrate`, `seed --scale 20000`, a coordinator over the root unit,
gunicorn (2 workers, DEBUG off), a session from the real login form, then wrk (32 connections,
2 threads) on /orgs/cadres/ with that session and on /healthz without one (the baseline: the
framework and middleware, no session, no user). Writes var/bench/people_list.json; the top-level
figures are the worse of the two databases. ratio = rps / baseline_rps.
Usage: .venv/bin/python benchmarks/people_list.py [--scale N] [--duration S] [--databases …]
"""

import argparse
import json
import os
import shutil
import sys
import time
from typing import Any

from _common import (
    BIN,
    CONNECTIONS,
    GUNICORN_WORKERS,
    PG_BIN,
    PROJECT,
    TARGET,
    THREADS,
    add_database_argument,
    best_round,
    database,
    databases_of,
    each_round,
    fetch,
    free_port,
    gunicorn,
    login,
    measure_round,
    migrate,
    postgresql_available,
    run,
    warm_up,
    write_report,
    write_wrk_script,
)

OUTPUT = PROJECT / "var" / "bench" / "people_list.json"
LIST_PATH = "/orgs/cadres/"
PAGE_ROWS = 50
USERNAME = "bench.coordinator"
PASSWORD = "Load-Test-Passphrase-77"
ROW_MARK = '<td data-label="姓名">'

SETUP_USER = f"""
import django
django.setup()
from guazhi.core.audit import audit_record
from guazhi.orgs import services
from guazhi.orgs.models import Organisation, Role, RoleAssignment
root = Organisation.objects.filter(parent=None).order_by("pk").first()
user = services.account_create(actor=None, username="{USERNAME}", full_name="压测组织部",
                               password="{PASSWORD}")
# Nobody in an empty database can grant the first role, so the benchmark writes it directly.
grant = RoleAssignment.objects.create(user=user, role=Role.COORDINATOR, organisation=root)
audit_record(actor=None, action="role.grant", obj=grant, actor_name="benchmark")
"""


def check_list_page(base: str, cookie: str) -> int:
    """The list page answers 200 with a full page of rows for this session, not a login page."""
    rows = fetch(base, LIST_PATH, cookie).count(ROW_MARK)
    if rows != PAGE_ROWS:
        raise RuntimeError(f"{LIST_PATH} answered 200 with {rows} rows, expected {PAGE_ROWS}")
    return rows


def measure(database_name: str, scale: int, seconds: int, rounds: int) -> dict[str, Any]:
    with database(database_name) as (env, var_dir):
        started = time.perf_counter()
        migrate(env)
        run([str(BIN / "guazhi"), "seed", "--scale", str(scale)], env)
        run([str(BIN / "python"), "-c", SETUP_USER], env)
        prepared = time.perf_counter() - started
        script = write_wrk_script(var_dir)
        with gunicorn(env, free_port()) as base:
            cookie = login(base, USERNAME, PASSWORD)
            rows = check_list_page(base, cookie)
            warm_up(base, LIST_PATH, cookie, script)
            measured = [
                measure_round(base, LIST_PATH, cookie, seconds, script) for _ in range(rounds)
            ]
            check_list_page(base, cookie)  # the session still works after the run
    return {
        **best_round(measured),
        "rows_per_page": rows,
        "prepare_seconds": round(prepared, 1),
        "each_round": each_round(measured),
    }


def worse(results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Each figure at its worse value over the databases: lower rates, higher latencies."""
    values = list(results.values())
    return {
        "rps": min(r["rps"] for r in values),
        "p50_ms": max(r["p50_ms"] for r in values),
        "p99_ms": max(r["p99_ms"] for r in values),
        "baseline_rps": min(r["baseline_rps"] for r in values),
        "ratio": min(r["ratio"] for r in values),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=20000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per measured wrk run")
    add_database_argument(parser)
    parser.add_argument("--rounds", type=int, default=3, help="measured rounds; the fastest counts")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is missing: run scripts/system-packages.sh bench (as root)", file=sys.stderr)
        return 1
    results: dict[str, dict[str, Any]] = {}
    for database_name in databases_of(args.databases):
        if database_name == "postgresql" and not postgresql_available():
            print(f"PostgreSQL 15 not found under {PG_BIN}: skipped", file=sys.stderr)
            continue
        results[database_name] = measure(database_name, args.scale, args.duration, args.rounds)
        print(
            f"{database_name}: {json.dumps(results[database_name], ensure_ascii=False)}", flush=True
        )
    report = {
        **worse(results),
        **results,
        "scale": args.scale,
        "connections": CONNECTIONS,
        "threads": THREADS,
        "duration_s": args.duration,
        "rounds": args.rounds,
        "gunicorn_workers": GUNICORN_WORKERS,
        "cpus": os.cpu_count(),
        "target": TARGET,
    }
    write_report(OUTPUT, report)
    top = worse(results)
    print(
        f"people_list (worse of {', '.join(results)}): {top['rps']} req/s, p50 {top['p50_ms']} ms, "
        f"p99 {top['p99_ms']} ms, baseline {top['baseline_rps']} req/s, ratio {top['ratio']}"
    )
    print(f"written to {OUTPUT.relative_to(PROJECT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
