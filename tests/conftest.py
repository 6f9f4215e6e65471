"""Test-wide set-up: environment, database choice, network blocked, shared fixtures."""

import os
import socket

# Before Django reads settings: tests run like production (DEBUG off) with a throwaway key.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guazhi.settings")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("STATIC_MANIFEST", "0")
os.environ.setdefault("SECURE_HTTPS", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")

import django  # noqa: E402
import pytest  # noqa: E402

django.setup()

pytest_plugins = ["tests.fixtures"]


@pytest.fixture(autouse=True)
def _no_outside_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Intranets have no internet: any attempt to reach a non-local host fails the test."""
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address):  # type: ignore[no-untyped-def]
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in {"127.0.0.1", "localhost", "::1"} and not host.startswith("/"):
            raise RuntimeError(f"test tried to reach an outside host: {host}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
