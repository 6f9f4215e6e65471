"""Logins, logouts and failed logins go to the audit trail like any other write."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from guazhi.core.audit import audit_record
from guazhi.core.context import client_ip


@receiver(user_logged_in)
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action="auth.login", obj=user, ip_address=_ip(request))


@receiver(user_logged_out)
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action="auth.logout", obj=user, ip_address=_ip(request))


@receiver(user_login_failed)
def audit_login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    audit_record(
        actor=None,
        actor_name=username,
        action="auth.login_failed",
        detail={"username": username},
        ip_address=_ip(request),
    )


def _ip(request: Any) -> str | None:
    return client_ip(request) if request is not None else None
