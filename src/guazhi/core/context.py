"""The request that is being served, for code far from the view (audit rows need its address)."""

from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def client_ip(request) -> str | None:  # type: ignore[no-untyped-def]
    # Behind nginx the real address arrives in X-Real-IP; only trust it when a proxy is declared.
    from django.conf import settings

    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_REAL_IP")
        if forwarded:
            return forwarded.strip()
    return request.META.get("REMOTE_ADDR") or None
