"""Test-wide set-up: environment, database choice, network blocked, shared fixtures.

The database is whatever DATABASE_URL names: unset, pytest-django makes an in-memory SQLite
database per worker; `python -m tests.postgres pytest …` (what scripts/test.sh does) runs the same
suite on a PostgreSQL server started for the run.
"""

import atexit
import importlib
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator

# Before Django reads settings: tests run like production (DEBUG off) with a throwaway key.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guazhi.settings")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_HTTPS", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
# Static files straight from the source folders: no collectstatic manifest needed to render.
os.environ.setdefault("STATIC_MANIFEST", "0")
if "GUAZHI_VAR_DIR" not in os.environ:
    # A var/ of this process (one per xdist worker): uploads and the static root never touch the
    # checkout's var/. An empty static/ in it keeps whitenoise from warning (warnings are errors).
    _var = tempfile.mkdtemp(prefix="guazhi-test-var-")
    os.makedirs(os.path.join(_var, "static"))
    atexit.register(shutil.rmtree, _var, ignore_errors=True)
    os.environ["GUAZHI_VAR_DIR"] = _var

import django
import pytest

django.setup()

from django.conf import settings  # noqa: E402

pytest_plugins = ["tests.fixtures"]

# Argon2 is slow on purpose (about a second a hash on this machine); the `world` fixture hashes six
# passwords. Tests hash with MD5 unless marked `argon2`, which restores the production list.
PRODUCTION_PASSWORD_HASHERS = list(settings.PASSWORD_HASHERS)
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The append-only tables and the migrations whose triggers keep them so.
APPEND_ONLY_MIGRATIONS = (
    "guazhi.core.migrations.0003_audit_append_only",
    "guazhi.duty.migrations.0003_leave_ledger_append_only",
)


def _flush_past_the_append_only_triggers() -> None:
    """Let the test flush empty the append-only tables (the audit trail, the leave ledger).

    Transactional tests (live_server, transactional_db) end with a flush of every table, which
    the triggers rightly refuse. The flush lifts the triggers and puts them back in the same
    transaction, so every test still runs against append-only tables.
    """
    from django.db import transaction
    from django.db.backends.base.operations import BaseDatabaseOperations

    migrations = [importlib.import_module(name) for name in APPEND_ONLY_MIGRATIONS]
    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):  # type: ignore[no-untyped-def]
        postgres = self.connection.vendor == "postgresql"
        lift = [
            statement
            for migration in migrations
            for statement in (
                migration.POSTGRESQL_REVERSE if postgres else migration.SQLITE_REVERSE
            )
        ]
        restore = [
            statement
            for migration in migrations
            for statement in (migration.POSTGRESQL if postgres else migration.SQLITE)
        ]
        with transaction.atomic(using=self.connection.alias), self.connection.cursor() as cursor:
            for statement in lift:
                cursor.execute(statement)
            original(self, sql_list)
            for statement in restore:
                cursor.execute(statement)

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush  # type: ignore[method-assign]


_flush_past_the_append_only_triggers()


def pytest_configure(config: pytest.Config) -> None:
    for line in (
        "browser: journeys in a real Chromium",
        "postgres: needs the PostgreSQL server the test run starts",
        "argon2: hash passwords with the production hashers (Argon2) instead of the fast test one",
    ):
        config.addinivalue_line("markers", line)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Everything under tests/browser/ is a browser journey, marked or not: `-m "not browser"`
    # must leave them all out, and `-m browser` must find them all.
    browser_dir = os.path.join(os.path.dirname(__file__), "browser") + os.sep
    for item in items:
        if str(item.path).startswith(browser_dir):
            item.add_marker(pytest.mark.browser)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("postgres") and not settings.DATABASES["default"]["ENGINE"].endswith(
        "postgresql"
    ):
        pytest.skip("needs PostgreSQL: runs in the PostgreSQL phase of scripts/test.sh")


@pytest.fixture(autouse=True)
def _password_hashers(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("argon2"):
        request.getfixturevalue("settings").PASSWORD_HASHERS = PRODUCTION_PASSWORD_HASHERS


@pytest.fixture(autouse=True)
def _chinese_after_each_test() -> Iterator[None]:
    # A request activates its reader's language for the rest of the thread (the middleware does,
    # as Django's does): an English page in one test would leave the next test on this worker
    # reading English messages where it expects the Chinese ones.
    yield
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """The cache outlives each test's rolled-back transaction; start every test without it."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _no_outside_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Intranets have no internet: any attempt to reach a non-local host fails the test."""
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address):  # type: ignore[no-untyped-def]
        host = address[0] if isinstance(address, tuple) else address
        if (
            isinstance(host, str)
            and host not in {"127.0.0.1", "localhost", "::1"}
            and not host.startswith("/")
        ):
            raise RuntimeError(f"test tried to reach an outside host: {host}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
