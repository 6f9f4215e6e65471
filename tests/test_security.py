"""The security baseline an auditor checks first: deploy check, headers, passwords, sessions."""

import datetime as dt
import os
import runpy
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import F
from django.urls import reverse

import guazhi.settings as settings_module
from guazhi.core.models import AuditEvent
from guazhi.orgs.models import User

PASSWORD = "Correct-Horse-42"  # tests/factories.py UserFactory
LOCKOUT_MESSAGE = "登录失败次数过多，账号已锁定 15 分钟，请稍后再试或联系管理员。"
IDLE_MESSAGE = "长时间未操作，已自动退出，请重新登录。"


def production_env(tmp_path: Path) -> dict[str, str]:
    """What an operator sets on an intranet server behind an HTTPS proxy."""
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "guazhi.zzb.intranet",
        "SECURE_HTTPS": "1",
        "GUAZHI_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'guazhi.sqlite3'}",
    }


def settings_under(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> dict:
    """The settings module's values when read with exactly `env` (plus PATH) in the environment."""
    for name in list(os.environ):
        if name not in {"PATH", "HOME", "LANG"}:
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(settings_module.__file__)


def test_the_deploy_check_finds_no_issue_in_production_like_settings(tmp_path: Path) -> None:
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), **production_env(tmp_path)}
    guazhi = Path(sys.executable).with_name("guazhi")

    result = subprocess.run(
        [str(guazhi), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("System check identified no issues"), result.stdout
    assert result.stderr == ""


def test_production_settings_turn_on_https_only_cookies_hsts_csp_and_argon2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    production = settings_under(monkeypatch, production_env(tmp_path))

    assert production["DEBUG"] is False
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] == 31536000
    assert production["CONTENT_SECURITY_POLICY_ENABLED"] is True
    assert production["PASSWORD_HASHERS"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert production["SESSION_IDLE_SECONDS"] == 30 * 60
    assert production["AXES_FAILURE_LIMIT"] == 5
    assert production["AXES_COOLOFF_TIME"] == dt.timedelta(minutes=15)


def test_plain_http_settings_do_not_mark_cookies_secure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = settings_under(monkeypatch, {**production_env(tmp_path), "SECURE_HTTPS": "0"})

    assert plain["SESSION_COOKIE_SECURE"] is False
    assert plain["SECURE_SSL_REDIRECT"] is False
    assert plain["SECURE_HSTS_SECONDS"] == 0


def test_settings_refuse_to_start_without_a_secret_key_outside_debug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = production_env(tmp_path)
    del env["SECRET_KEY"]

    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        settings_under(monkeypatch, env)


@pytest.mark.django_db
def test_pages_carry_the_content_security_policy_and_anti_framing_headers(client) -> None:
    assert settings.DEBUG is False

    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "script-src 'self';" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_session_cookie_is_secure_and_http_only_under_https(
    client, world, settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as env:
        production = settings_under(env, production_env(tmp_path))
    settings.SESSION_COOKIE_SECURE = production["SESSION_COOKIE_SECURE"]
    settings.CSRF_COOKIE_SECURE = production["CSRF_COOKIE_SECURE"]

    response = client.post(
        reverse("login"), {"username": "coordinator", "password": PASSWORD}, secure=True
    )

    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("1234567890123", "password_entirely_numeric"),
        ("short1!", "password_too_short"),
        ("wangxiaoming1", "password_too_similar"),
        ("password1234", "password_too_common"),
    ],
)
def test_password_validators_refuse_weak_passwords(password: str, code: str) -> None:
    user = User(username="wangxiaoming", full_name="王小明")

    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)

    assert code in [error.code for error in refused.value.error_list]


def test_password_validators_accept_a_good_password() -> None:
    user = User(username="wangxiaoming", full_name="王小明")

    assert validate_password("Lushan-Cloud-1962", user) is None


@pytest.mark.argon2
@pytest.mark.django_db
def test_passwords_are_stored_as_argon2_hashes() -> None:
    User.objects.create_user(username="wangxiaoming", password="Lushan-Cloud-1962")

    stored = User.objects.get(username="wangxiaoming")

    assert stored.password.startswith("argon2$argon2id$")
    assert "Lushan-Cloud-1962" not in stored.password
    assert stored.check_password("Lushan-Cloud-1962")


@pytest.mark.argon2
@pytest.mark.django_db
def test_an_older_password_hash_becomes_argon2_at_the_next_login(client) -> None:
    old_hash = make_password("Lushan-Cloud-1962", hasher="pbkdf2_sha256")
    User.objects.create(username="wangxiaoming", password=old_hash)

    response = client.post(
        reverse("login"), {"username": "wangxiaoming", "password": "Lushan-Cloud-1962"}
    )

    assert response.status_code == 302
    assert User.objects.get(username="wangxiaoming").password.startswith("argon2$argon2id$")


def _idle_for(client, minutes: int) -> None:  # type: ignore[no-untyped-def]
    session = client.session
    session["_last_seen"] = int(time.time()) - minutes * 60
    session.save()


def test_a_session_idle_for_more_than_30_minutes_is_logged_out(client, world) -> None:
    client.force_login(world.users["coordinator"])
    assert client.get(reverse("home")).status_code == 200

    _idle_for(client, 31)
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"
    assert "_auth_user_id" not in client.session
    assert IDLE_MESSAGE in client.get(response["Location"]).content.decode()


def test_a_session_idle_for_less_than_30_minutes_stays_and_is_refreshed(client, world) -> None:
    client.force_login(world.users["coordinator"])
    client.get(reverse("home"))

    _idle_for(client, 29)
    before = int(time.time())
    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert client.session["_auth_user_id"] == str(world.users["coordinator"].pk)
    assert client.session["_last_seen"] >= before


def test_a_login_is_audited_with_the_address_it_came_from(client, world) -> None:
    coordinator = world.users["coordinator"]

    response = client.post(
        reverse("login"),
        {"username": "coordinator", "password": PASSWORD},
        REMOTE_ADDR="10.36.4.17",
    )

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="auth.login")
    assert (event.actor_id, event.actor_name, event.ip_address) == (
        coordinator.pk,
        "组织部王科长",
        "10.36.4.17",
    )


def test_a_failed_login_is_audited_with_the_address_and_without_the_password(client, world) -> None:
    response = client.post(
        reverse("login"),
        {"username": "coordinator", "password": "Wrong-Horse-42"},
        REMOTE_ADDR="10.36.4.17",
    )

    assert response.status_code == 200
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert (event.actor_id, event.actor_name, event.ip_address) == (
        None,
        "coordinator",
        "10.36.4.17",
    )
    assert event.detail == {"username": "coordinator"}
    assert not AuditEvent.objects.filter(action="auth.login").exists()


def _post_login(client, username: str, password: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("login"), {"username": username, "password": password})


def test_five_wrong_passwords_lock_the_account_for_15_minutes(client, world) -> None:
    for _ in range(5):
        _post_login(client, "coordinator", "Wrong-Horse-42")

    response = _post_login(client, "coordinator", PASSWORD)

    assert response.status_code == 429
    assert LOCKOUT_MESSAGE in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not AuditEvent.objects.filter(action="auth.login").exists()


def _lock_and_wait(client, minutes: int) -> None:  # type: ignore[no-untyped-def]
    from axes.models import AccessAttempt

    for _ in range(5):
        _post_login(client, "coordinator", "Wrong-Horse-42")
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(minutes=minutes))


def test_the_lock_still_holds_after_14_minutes(client, world) -> None:
    _lock_and_wait(client, 14)

    assert _post_login(client, "coordinator", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_lifts_after_15_minutes(client, world) -> None:
    _lock_and_wait(client, 16)

    response = _post_login(client, "coordinator", PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.users["coordinator"].pk)


def test_a_locked_account_does_not_lock_others_at_the_same_address(client, world) -> None:
    for _ in range(5):
        _post_login(client, "coordinator", "Wrong-Horse-42")

    response = _post_login(client, "dispatch", PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.users["dispatch_admin"].pk)


def test_four_wrong_passwords_then_the_right_one_logs_in_and_starts_the_count_again(
    client, world
) -> None:
    for _ in range(4):
        _post_login(client, "coordinator", "Wrong-Horse-42")
    assert _post_login(client, "coordinator", PASSWORD).status_code == 302
    client.logout()

    for _ in range(4):
        _post_login(client, "coordinator", "Wrong-Horse-42")

    assert _post_login(client, "coordinator", PASSWORD).status_code == 302
