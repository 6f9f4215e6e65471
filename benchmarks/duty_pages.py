"""The approval inbox and a cadre's work log under load, on SQLite and PostgreSQL, against /healthz.

For each database: a fresh database in a temporary folder (PostgreSQL started here, on 127.0.0.1
and a free port), `migrate`, then benchmarks/_duty_data.py fills it: `seed` 2,000 people over
100 host units, a batch on duty over all of them, 1,000,000 work log entries (about 500 each,
on working days over the 300 days of the term so far, a third with quantities) and 100,000
leave requests (most returned; a few thousand pending: about 140 for the benchmark's host
leader, about 100 for the coordinator), written straight into the tables. gunicorn (2 workers,
DEBUG off), sessions from the real login form, then wrk (32 connections, 2 threads) on

  approval_inbox.host_leader   /duty/approvals/ as the leader of the unit with most waiting
  approval_inbox.coordinator   /duty/approvals/ as the coordinator over the batch
  log_list.cadre               /duty/assignments/<pk>/log/ as the cadre (~500 entries)
  log_list.coordinator         the same page read by the coordinator

each round against /healthz without a session (the baseline) measured around it. Every page is
first checked to answer 200 with its rows (names of people waiting, the marked newest entry):
a redirect to the login page would look fast. The two pages are kept in the page cache
(core/page_cache.py) between writes, and wrk only reads: its figures are those of the cached
page, the steady state between writes. Each page is also rendered in-process (no HTTP), with
the page cache emptied first (the first reader after a write) and from the cache:
its render time, its queries with the plans of the slowest (EXPLAIN ANALYZE / EXPLAIN QUERY
PLAN) and the project's functions by cumulative time (cProfile), so a slow page says why. Writes var/bench/duty_pages.json: every figure, and at the top level the worst
ratio (rps / baseline_rps) and the worst p99_ms over pages and databases. Prints figures; never
asserts timings (the aim: ratio >= 0.2 and p99 < 150 ms on both databases).
Usage: .venv/bin/python benchmarks/duty_pages.py [--log-entries N] [--leave N] [--people N]
       [--duration S] [--rounds N] [--databases sqlite postgresql]
Quick check: --log-entries 20000 --leave 5000 --duration 3 --rounds 1
"""

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from _common import (
    BASELINE_PATH,
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
    script_figures,
    write_report,
    write_wrk_script,
    wrk,
)

OUTPUT = PROJECT / "var" / "bench" / "duty_pages.json"
DATA_SCRIPT = Path(__file__).resolve().parent / "_duty_data.py"
# What duty/views/placeholder.py answers while a page is still being built.
PLACEHOLDER_BODY = "…"
# An inbox page shows at least this many of the people waiting (fewer if fewer wait).
NAMES_EXPECTED = 5


def data_command(env: dict[str, str], arguments: list[str], prefix: str) -> dict[str, Any]:
    """Run a _duty_data.py command in the database's environment; its one JSON line."""
    return script_figures(DATA_SCRIPT, arguments, env, prefix)


def check_page(base: str, key: str, page: dict[str, Any], cookie: str) -> dict[str, Any]:
    """The page answers 200 for this session and shows its rows; a placeholder is reported,
    not measured as if it were the page."""
    html = fetch(base, page["path"], cookie)
    if html.strip() == PLACEHOLDER_BODY:
        return {"placeholder": True, "markers_found": 0, "bytes": len(html.encode())}
    markers: list[str] = page["markers"]
    found = sum(marker in html for marker in markers)
    wanted = min(NAMES_EXPECTED, len(markers))
    if found < wanted:
        raise RuntimeError(
            f"{key}: {page['path']} answered 200 but shows {found} of {len(markers)} expected "
            f"markers (wanted at least {wanted}): not the rows it should list"
        )
    return {"placeholder": False, "markers_found": found, "bytes": len(html.encode())}


def measure(database_name: str, args: argparse.Namespace) -> dict[str, Any]:
    with database(database_name) as (env, var_dir):
        started = time.perf_counter()
        migrate(env)
        facts = data_command(
            env,
            [
                "load",
                "--people",
                str(args.people),
                "--log-entries",
                str(args.log_entries),
                "--leave",
                str(args.leave),
            ],
            "DUTY_DATA",
        )
        prepared = time.perf_counter() - started
        queries = data_command(env, ["explain", "--facts", json.dumps(facts)], "DUTY_EXPLAIN")
        pages: dict[str, dict[str, Any]] = facts["pages"]
        script = write_wrk_script(var_dir)
        with gunicorn(env, free_port()) as base:
            cookies = {
                key: login(base, username, facts["password"])
                for key, username in facts["accounts"].items()
            }
            checked = {
                key: check_page(base, key, page, cookies[page["account"]])
                for key, page in pages.items()
            }
            for page in pages.values():  # warm-up: workers, caches, connections
                wrk(base + page["path"], cookies[page["account"]], 3, script)
            wrk(base + BASELINE_PATH, None, 2, script)
            # Rounds outside, pages inside: a noisy minute on the machine spreads over all pages.
            measured: dict[str, list[dict[str, Any]]] = {key: [] for key in pages}
            for _ in range(args.rounds):
                for key, page in pages.items():
                    cookie = cookies[page["account"]]
                    measured[key].append(
                        measure_round(base, page["path"], cookie, args.duration, script)
                    )
            for key, page in pages.items():  # the sessions still work after the run
                check_page(base, key, page, cookies[page["account"]])
    results: dict[str, Any] = {}
    for key, page in pages.items():
        results[key] = {
            **best_round(measured[key]),
            "path": page["path"],
            "account": page["account"],
            **{name: page[name] for name in ("waiting", "entries") if name in page},
            **checked[key],
            "each_round": each_round(measured[key]),
            "queries": queries.get(key),
        }
    return {
        "pages": results,
        "data": facts["counts"],
        "prepare_seconds": round(prepared, 1),
        "load_seconds": facts["seconds"],
    }


def worst(results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The lowest ratio and the highest p99 over every page of every database, and where."""
    figures = [
        (database_name, key, page)
        for database_name, result in results.items()
        for key, page in result["pages"].items()
    ]
    low = min(figures, key=lambda item: item[2]["ratio"])
    high = max(figures, key=lambda item: item[2]["p99_ms"])
    return {
        "ratio": low[2]["ratio"],
        "p99_ms": high[2]["p99_ms"],
        "worst_ratio_at": f"{low[0]} {low[1]}",
        "worst_p99_at": f"{high[0]} {high[1]}",
        "placeholders": sorted({key for _database, key, page in figures if page["placeholder"]}),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--log-entries", type=int, default=1_000_000)
    parser.add_argument("--leave", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per measured wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="measured rounds; the fastest counts")
    add_database_argument(parser)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is missing: run scripts/system-packages.sh bench (as root)", file=sys.stderr)
        return 1
    results: dict[str, dict[str, Any]] = {}
    for database_name in databases_of(args.databases):
        if database_name == "postgresql" and not postgresql_available():
            print(f"PostgreSQL 15 not found under {PG_BIN}: skipped", file=sys.stderr)
            continue
        results[database_name] = measure(database_name, args)
        result = results[database_name]
        print(
            f"{database_name}: data {json.dumps(result['data'], ensure_ascii=False)}, "
            f"prepared in {result['prepare_seconds']} s",
            flush=True,
        )
        for key, page in result["pages"].items():
            queries = page["queries"] or {}
            print(
                f"  {key}: {page['rps']} req/s, p50 {page['p50_ms']} ms, p99 {page['p99_ms']} ms, "
                f"baseline {page['baseline_rps']} req/s, ratio {page['ratio']}; "
                f"in-process: rendered {queries.get('render_ms')} ms with "
                f"{queries.get('queries')} queries ({queries.get('query_ms')} ms in SQL), "
                f"from the page cache {queries.get('cached_ms')} ms"
                + (" [PLACEHOLDER: the page is not built yet]" if page["placeholder"] else ""),
                flush=True,
            )
    if not results:
        return 1
    top = worst(results)
    report = {
        **top,
        **results,
        "people": args.people,
        "log_entries": args.log_entries,
        "leave": args.leave,
        "connections": CONNECTIONS,
        "threads": THREADS,
        "duration_s": args.duration,
        "rounds": args.rounds,
        "gunicorn_workers": GUNICORN_WORKERS,
        "cpus": os.cpu_count(),
        "target": TARGET,
    }
    write_report(OUTPUT, report)
    print(
        f"duty_pages (worst of {', '.join(results)}): ratio {top['ratio']} "
        f"({top['worst_ratio_at']}), p99 {top['p99_ms']} ms ({top['worst_p99_at']})"
    )
    if top["placeholders"]:
        print(f"still placeholders, figures meaningless: {', '.join(top['placeholders'])}")
    print(f"written to {OUTPUT.relative_to(PROJECT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
