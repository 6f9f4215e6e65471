"""What the page benchmarks share: a throwaway database, gunicorn, a real login, wrk and its figures.

Not a benchmark itself (scripts/bench.sh skips files starting with "_"). A page benchmark makes a
fresh database per backend in a temporary folder (`database`: SQLite there, or a PostgreSQL 15
server started on 127.0.0.1 and a free port), fills it, starts gunicorn (2 workers, DEBUG off),
logs in through the real form and runs wrk (32 connections, 2 threads) on its pages, each against
/healthz measured in the same round (`measure_round`).
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
BASELINE_PATH = "/healthz"
CONNECTIONS = 32
THREADS = 2
GUNICORN_WORKERS = 2
DATABASES = ("sqlite", "postgresql")
TARGET = {"ratio_min": 0.2, "p99_ms_max": 150}

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


def add_database_argument(parser: argparse.ArgumentParser) -> None:
    """`--databases sqlite postgresql`, or the older comma form `--databases sqlite,postgresql`."""
    parser.add_argument(
        "--databases",
        nargs="+",
        default=list(DATABASES),
        help="sqlite, postgresql or both (space or comma separated)",
    )


def databases_of(values: list[str]) -> list[str]:
    names = [name for value in values for name in value.split(",") if name]
    unknown = sorted(set(names) - set(DATABASES))
    if unknown:
        raise SystemExit(f"unknown database: {', '.join(unknown)} (use {' or '.join(DATABASES)})")
    return names


def postgresql_available() -> bool:
    return (PG_BIN / "initdb").exists()


@contextmanager
def postgresql() -> Iterator[str]:
    """A throwaway PostgreSQL 15 server; yields its DATABASE_URL and stops it afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="guazhi-bench-pg-"))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    port = free_port()
    try:
        initdb = [str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]
        run(as_postgres([*initdb, "-E", "UTF8", "--locale=C.UTF-8"]), quiet=True)
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=50"
        pg_ctl = [str(PG_BIN / "pg_ctl"), "-D", str(data)]
        log = str(folder / "server.log")
        run(as_postgres([*pg_ctl, "-o", options, "-l", log, "-w", "start"]), quiet=True)
        try:
            createdb = [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port)]
            run(as_postgres([*createdb, "-U", "postgres", "guazhi"]))
            yield f"postgres://postgres@127.0.0.1:{port}/guazhi"
        finally:
            run(as_postgres([*pg_ctl, "-m", "fast", "-w", "stop"]), quiet=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def sqlite(var_dir: Path) -> Iterator[str]:
    yield f"sqlite:///{var_dir / 'guazhi.sqlite3'}"


@contextmanager
def database(name: str) -> Iterator[tuple[dict[str, str], Path]]:
    """A fresh, empty database of kind `name`: yields the environment that points the app at it
    and a scratch folder (its var dir), both removed afterwards."""
    var_dir = Path(tempfile.mkdtemp(prefix=f"guazhi-bench-{name}-"))
    try:
        with postgresql() if name == "postgresql" else sqlite(var_dir) as url:
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
            yield env, var_dir
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


def migrate(env: dict[str, str]) -> None:
    """The schema and the static files, as a deployment has them before its first request."""
    guazhi = str(BIN / "guazhi")
    run([guazhi, "migrate", "--noinput", "-v0"], env)
    run([guazhi, "collectstatic", "--noinput", "-v0"], env)


@contextmanager
def gunicorn(env: dict[str, str], port: int) -> Iterator[str]:
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "guazhi.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(GUNICORN_WORKERS),
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


def login(base: str, username: str, password: str) -> str:
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
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": token.group(1),
            "next": "/",
        }
    ).encode()
    request = urllib.request.Request(
        base + "/login/", data=form, headers={"Referer": base + "/login/"}
    )
    try:
        opener.open(request)
        raise RuntimeError(f"login of {username} did not redirect: wrong password or a form error")
    except urllib.error.HTTPError as answer:
        if answer.code != 302:
            raise
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        raise RuntimeError(f"login of {username} gave no session cookie")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def fetch(base: str, path: str, cookie: str) -> str:
    """The page's HTML for this session; anything but a 200 (a redirect to the login page, a
    403) is an error, since it would be measured as a fast page."""
    request = urllib.request.Request(base + path, headers={"Cookie": cookie})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request) as page:
            status, html = page.status, page.read().decode()
    except urllib.error.HTTPError as answer:
        raise RuntimeError(f"{path} answered {answer.code}, not 200") from answer
    if status != 200:
        raise RuntimeError(f"{path} answered {status}, not 200")
    return str(html)


def write_wrk_script(folder: Path) -> Path:
    script = folder / "report.lua"
    script.write_text(WRK_SCRIPT)
    return script


def wrk(url: str, cookie: str | None, seconds: int, script: Path) -> dict[str, float]:
    """One wrk run; `cookie` None sends none (the bare view, no session to load)."""
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    output = subprocess.run(
        [
            "wrk",
            f"-t{THREADS}",
            f"-c{CONNECTIONS}",
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


def warm_up(base: str, path: str, cookie: str, script: Path) -> None:
    """Workers, caches and connections before anything counts."""
    wrk(base + path, cookie, 3, script)
    wrk(base + BASELINE_PATH, None, 2, script)


def settle(base: str, limit_s: float = 30) -> None:
    """Wait until the server is idle: when wrk stops, requests it had sent to a slow page are
    still queued in gunicorn's backlog, and the next run would measure their tail instead."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        started = time.monotonic()
        with urllib.request.urlopen(base + BASELINE_PATH, timeout=limit_s) as answer:
            answer.read()
        if time.monotonic() - started < 0.05:
            return
        time.sleep(0.2)


def measure_round(base: str, path: str, cookie: str, seconds: int, script: Path) -> dict[str, Any]:
    """The baseline in two halves around the page, so a busy neighbour weighs on both alike."""
    half = max(1, seconds // 2)
    settle(base)
    before = wrk(base + BASELINE_PATH, None, half, script)
    page = wrk(base + path, cookie, seconds, script)
    settle(base)
    after = wrk(base + BASELINE_PATH, None, half, script)
    session = wrk(base + BASELINE_PATH, cookie, half, script)
    runs = (before, page, after, session)
    if any(run["not_ok"] or run["socket_errors"] for run in runs):
        raise RuntimeError(f"failed requests during the run of {path}: {runs}")
    baseline_rps = round((before["rps"] + after["rps"]) / 2, 1)
    if not baseline_rps:
        raise RuntimeError(f"/healthz answered nothing around the run of {path}: {runs}")
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


def best_round(measured: list[dict[str, Any]]) -> dict[str, Any]:
    """Other work on the machine only ever slows a round down: the fastest round is the one
    closest to what the code can do, and the rounds beside it (`each_round`) show how noisy the
    machine was."""
    return max(measured, key=lambda figures: figures["rps"])


def each_round(measured: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{key: r[key] for key in ("rps", "p99_ms", "baseline_rps", "ratio")} for r in measured]


def script_figures(
    script: Path, arguments: list[str], env: dict[str, str], prefix: str
) -> dict[str, Any]:
    """Run a Python script in a database's environment (a process of its own, so Django is set
    up against that database); the figures it printed as one JSON line starting with `prefix`."""
    output = subprocess.run(
        [str(BIN / "python"), str(script), *arguments],
        env=env,
        cwd=PROJECT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith(prefix + " "))
    return dict(json.loads(line.removeprefix(prefix + " ")))


def write_report(path: Path, report: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
