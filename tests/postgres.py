"""A throwaway PostgreSQL server for one test run: started, given as DATABASE_URL, always stopped.

    python -m tests.postgres COMMAND [ARG...]

starts a server in a temporary folder, runs COMMAND with DATABASE_URL pointing at it, stops the
server and removes the folder whatever COMMAND did (failure, Ctrl-C, SIGTERM), and exits with
COMMAND's exit code. pytest-django then creates one test database per xdist worker on that server
(test_guazhi_gw0, test_guazhi_gw1, …) as it does on any PostgreSQL.

The server listens on a unix socket inside the temporary folder and on no TCP port at all, so two
runs on one machine never meet and nothing outside the machine can reach it. PostgreSQL refuses
to run as root; as root the server runs as the `postgres` system user, which owns the folder.
"""

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

DATABASE = "guazhi"
SUPERUSER = "guazhi"
# Speed over durability: the data lives for one run and is thrown away.
SERVER_OPTIONS = (
    "-c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off "
    "-c max_connections=40 -c shared_buffers=64MB"
)


class PostgresUnavailable(RuntimeError):
    """The machine cannot start a PostgreSQL server; the message says what to install."""


def find_bindir() -> Path:
    """PG_BINDIR if set, else the newest Debian server under /usr/lib/postgresql, else PATH."""
    if os.environ.get("PG_BINDIR"):
        return Path(os.environ["PG_BINDIR"])
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if debian:
        return debian[-1].parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise PostgresUnavailable(
        "找不到 PostgreSQL 服务器程序 / PostgreSQL server not found: "
        "apt-get install postgresql (or set PG_BINDIR)"
    )


def _runner() -> list[str]:
    """The prefix that runs a server program as a user PostgreSQL accepts."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError as error:
        raise PostgresUnavailable(
            "以 root 运行时需要 postgres 系统用户 / running as root needs the `postgres` "
            "system user (apt-get install postgresql creates it)"
        ) from error
    return ["runuser", "-u", "postgres", "--"]


@contextlib.contextmanager
def temporary_server() -> Iterator[str]:
    """Start a server, yield its DATABASE_URL, stop it and delete its files on the way out."""
    bindir = find_bindir()
    runner = _runner()
    root = Path(tempfile.mkdtemp(prefix="guazhi-pg-"))
    data, log = root / "data", root / "server.log"
    if runner:
        account = pwd.getpwnam("postgres")
        os.chown(root, account.pw_uid, account.pw_gid)

    def run(*args: str) -> None:
        result = subprocess.run([*runner, *args], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            server_log = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            raise PostgresUnavailable(
                f"PostgreSQL 启动失败 / PostgreSQL failed: {' '.join(args)}\n"
                f"{result.stdout}{result.stderr}{server_log}"
            )

    started = False
    try:
        run(
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        started = True  # from here on pg_ctl stop is owed, even if start fails half-way
        run(
            str(bindir / "pg_ctl"),
            "start",
            "-D",
            str(data),
            "-l",
            str(log),
            "-w",
            "-t",
            "60",
            "-o",
            f"{SERVER_OPTIONS} -k {root}",
        )
        run(str(bindir / "createdb"), "-h", str(root), "-U", SUPERUSER, DATABASE)
        yield f"postgres://{SUPERUSER}@{quote(str(root), safe='')}/{DATABASE}"
    finally:
        if started:
            subprocess.run(
                [*runner, str(bindir / "pg_ctl"), "stop", "-D", str(data), "-m", "fast", "-w"],
                capture_output=True,
                check=False,
            )
        shutil.rmtree(root, ignore_errors=True)


def _stop_on_sigterm(signum: int, frame: object) -> None:
    # Turn SIGTERM (CI timeout, kill) into an exception so the `finally` above stops the server.
    raise SystemExit(128 + signum)


def _finish(child: subprocess.Popen, *, terminate: bool) -> None:
    """End the command before its database server goes away; kill it if it will not end."""
    if terminate:
        child.terminate()
    try:
        child.wait(timeout=30)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        with temporary_server() as url:
            child = subprocess.Popen(argv, env={**os.environ, "DATABASE_URL": url})
            try:
                return child.wait()
            except KeyboardInterrupt:
                # The terminal sent Ctrl-C to the child too: let it finish its own clean-up.
                _finish(child, terminate=False)
                raise
            except SystemExit:
                _finish(child, terminate=True)
                raise
    except PostgresUnavailable as error:
        print(error, file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
