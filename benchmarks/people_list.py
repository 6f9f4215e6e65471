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
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
BIN = PROJECT / ".venv" / "bin"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
OUTPUT = PROJECT / "var" / "bench" / "people_list.json"
LIST_PATH = "/orgs/cadres/"
BASELINE_PATH = "/healthz"
PAGE_ROWS = 50
USERNAME = "bench.coordinator"
PASSWORD = "Load-Test-Passphrase-77"
ROW_MARK = '<td data-label="姓名">'

# Counts the responses that were not 200 (a redirect to the login page would look fast) and
# prints wrk's own latency percentiles as one JSON line, summed over wrk's threads.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not_ok = 0 end
function response(status, headers, body) if status ~= 200 then not_ok = not_ok + 1 end end
function done(summary, latency, requests)
  local not_ok_total = 0
  for _, thread in ipairs(threads) do not_ok_total = not_ok_total + thread:get("not_ok") end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "not_ok": %d, "socket_errors": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, not_ok_total,
    e.connect + e.read + e.write + e.timeout))
end
"""

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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run(command: list[str], env: dict[str, str] | None = None, *, quiet: bool = False) -> None:
    output = subprocess.DEVNULL if quiet else None
    subprocess.run(command, env=env, check=True, cwd=PROJECT, stdout=output)


def as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root; as any other user it runs as that user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def postgresql() -> Iterator[str]:
    """A throwaway PostgreSQL 15 server; yields its DATABASE_URL and stops it afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="guazhi-bench-pg-"))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    port = free_port()
    try:
        run(
            as_postgres(
                [
                    str(PG_BIN / "initdb"),
                    "-D",
                    str(data),
                    "-A",
                    "trust",
                    "-U",
                    "postgres",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            quiet=True,
        )
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=50"
        run(
            as_postgres(
                [
                    str(PG_BIN / "pg_ctl"),
                    "-D",
                    str(data),
                    "-o",
                    options,
                    "-l",
                    str(folder / "server.log"),
                    "-w",
                    "start",
                ]
            ),
            quiet=True,
        )
        try:
            run(
                as_postgres(
                    [
                        str(PG_BIN / "createdb"),
                        "-h",
                        "127.0.0.1",
                        "-p",
                        str(port),
                        "-U",
                        "postgres",
                        "guazhi",
                    ]
                )
            )
            yield f"postgres://postgres@127.0.0.1:{port}/guazhi"
        finally:
            run(
                as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                quiet=True,
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def sqlite(var_dir: Path) -> Iterator[str]:
    yield f"sqlite:///{var_dir / 'guazhi.sqlite3'}"


@contextmanager
def gunicorn(env: dict[str, str], port: int) -> Iterator[str]:
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "guazhi.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=PROJECT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(base + BASELINE_PATH, timeout=1) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not answer /healthz within 10 s")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def login(base: str) -> str:
    """Log in through the form (CSRF included) and return the Cookie header of the session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    with opener.open(base + "/login/") as page:
        html = page.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if token is None:
        raise RuntimeError("no CSRF token on the login page")
    form = urllib.parse.urlencode(
        {
            "username": USERNAME,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token.group(1),
            "next": "/",
        }
    ).encode()
    request = urllib.request.Request(
        base + "/login/", data=form, headers={"Referer": base + "/login/"}
    )
    try:
        opener.open(request)
        raise RuntimeError("login did not redirect: wrong password or a form error")
    except urllib.error.HTTPError as answer:
        if answer.code != 302:
            raise
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        raise RuntimeError("login gave no session cookie")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def check_list_page(base: str, cookie: str) -> int:
    """The list page answers 200 with a full page of rows for this session, not a login page."""
    request = urllib.request.Request(base + LIST_PATH, headers={"Cookie": cookie})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request) as page:
            status, html = page.status, page.read().decode()
    except urllib.error.HTTPError as answer:
        raise RuntimeError(f"{LIST_PATH} answered {answer.code}, not 200") from answer
    rows = html.count(ROW_MARK)
    if status != 200 or rows != PAGE_ROWS:
        raise RuntimeError(
            f"{LIST_PATH} answered {status} with {rows} rows, expected 200 and {PAGE_ROWS}"
        )
    return rows


def wrk(url: str, cookie: str | None, seconds: int, script: Path) -> dict[str, float]:
    """One wrk run; `cookie` None sends none (the bare view, no session to load)."""
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    output = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c32",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            *headers,
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRK_JSON "))
    raw = json.loads(line.removeprefix("WRK_JSON "))
    return {
        "requests": raw["requests"],
        "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "p50_ms": round(raw["p50_us"] / 1000, 1),
        "p90_ms": round(raw["p90_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1),
        "max_ms": round(raw["max_us"] / 1000, 1),
        "not_ok": raw["not_ok"],
        "socket_errors": raw["socket_errors"],
    }


def measure(database: str, scale: int, seconds: int, rounds: int) -> dict[str, Any]:
    var_dir = Path(tempfile.mkdtemp(prefix=f"guazhi-bench-{database}-"))
    try:
        with postgresql() if database == "postgresql" else sqlite(var_dir) as url:
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "guazhi.settings",
                "DATABASE_URL": url,
                "GUAZHI_VAR_DIR": str(var_dir),
                "SECRET_KEY": secrets.token_urlsafe(50),
                "DEBUG": "0",
                "SECURE_HTTPS": "0",
                "ALLOWED_HOSTS": "127.0.0.1",
                "LOG_LEVEL": "WARNING",
            }
            guazhi = str(BIN / "guazhi")
            started = time.perf_counter()
            run([guazhi, "migrate", "--noinput", "-v0"], env)
            run([guazhi, "collectstatic", "--noinput", "-v0"], env)
            run([guazhi, "seed", "--scale", str(scale)], env)
            run([str(BIN / "python"), "-c", SETUP_USER], env)
            prepared = time.perf_counter() - started
            script = var_dir / "report.lua"
            script.write_text(WRK_SCRIPT)
            with gunicorn(env, free_port()) as base:
                cookie = login(base)
                rows = check_list_page(base, cookie)
                wrk(base + LIST_PATH, cookie, 3, script)  # warm-up: workers, caches, connections
                wrk(base + BASELINE_PATH, None, 2, script)
                measured = [measure_round(base, cookie, seconds, script) for _ in range(rounds)]
                check_list_page(base, cookie)  # the session still works after the run
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    # Other work on the machine only ever slows a round down: the fastest round is the one
    # closest to what the code can do, and the rounds beside it show how noisy the machine was.
    best = max(measured, key=lambda figures: figures["rps"])
    return {
        **best,
        "rows_per_page": rows,
        "prepare_seconds": round(prepared, 1),
        "each_round": [
            {key: r[key] for key in ("rps", "p99_ms", "baseline_rps", "ratio")} for r in measured
        ],
    }


def measure_round(base: str, cookie: str, seconds: int, script: Path) -> dict[str, Any]:
    """The baseline in two halves around the page, so a busy neighbour weighs on both alike."""
    half = max(1, seconds // 2)
    before = wrk(base + BASELINE_PATH, None, half, script)
    page = wrk(base + LIST_PATH, cookie, seconds, script)
    after = wrk(base + BASELINE_PATH, None, half, script)
    session = wrk(base + BASELINE_PATH, cookie, half, script)
    runs = (before, page, after, session)
    if any(run["not_ok"] or run["socket_errors"] for run in runs):
        raise RuntimeError(f"failed requests during the run: {runs}")
    baseline_rps = round((before["rps"] + after["rps"]) / 2, 1)
    return {
        "rps": page["rps"],
        "p50_ms": page["p50_ms"],
        "p90_ms": page["p90_ms"],
        "p99_ms": page["p99_ms"],
        "baseline_rps": baseline_rps,
        "baseline_p99_ms": max(before["p99_ms"], after["p99_ms"]),
        "ratio": round(page["rps"] / baseline_rps, 3),
        # /healthz with the same session cookie: what session, user and middleware cost.
        "baseline_with_session_rps": session["rps"],
        "requests": page["requests"],
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
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--rounds", type=int, default=3, help="measured rounds; the fastest counts")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is missing: run scripts/system-packages.sh bench (as root)", file=sys.stderr)
        return 1
    results: dict[str, dict[str, Any]] = {}
    for database in args.databases.split(","):
        if database == "postgresql" and not (PG_BIN / "initdb").exists():
            print(f"PostgreSQL 15 not found under {PG_BIN}: skipped", file=sys.stderr)
            continue
        results[database] = measure(database, args.scale, args.duration, args.rounds)
        print(f"{database}: {json.dumps(results[database], ensure_ascii=False)}", flush=True)
    report = {
        **worse(results),
        **results,
        "scale": args.scale,
        "connections": 32,
        "threads": 2,
        "duration_s": args.duration,
        "rounds": args.rounds,
        "gunicorn_workers": 2,
        "cpus": os.cpu_count(),
        "target": {"ratio_min": 0.2, "p99_ms_max": 150},
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    top = worse(results)
    print(
        f"people_list (worse of {', '.join(results)}): {top['rps']} req/s, p50 {top['p50_ms']} ms, "
        f"p99 {top['p99_ms']} ms, baseline {top['baseline_rps']} req/s, ratio {top['ratio']}"
    )
    print(f"written to {OUTPUT.relative_to(PROJECT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
