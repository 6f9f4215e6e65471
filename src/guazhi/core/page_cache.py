"""Rendered pages kept per viewer until something is written: for the hot read-only pages.

The approval inbox and a person's work log are opened far more often than anything on them
changes, and rendering them (the scope check, the queries, the template) costs ten to thirty
times what Django spends on the request itself. `cached_page` keeps a page's HTML under a key
made of everything it can depend on:

- who looks: the account, its roles' version (a grant or a revocation bumps it) and the session
  (the page carries the session's CSRF token);
- what was asked: the path with its query string, and whether htmx asked for a fragment;
- how and when: the language and today's date (overdue marks and "this month" move with it);
- the data: `written_state()`, the latest audit event and notification ids. Every write through
  the services appends an audit event, and every notification is a new row, so a write anywhere
  makes every kept page stale (coarse, but never wrong: pages are rendered again on demand).
  Saves that skip the services (tests' factories, the shell) bump a counter in this process.
  What neither sees, a process writing behind the services' back, lives at most CACHE_SECONDS.

Not kept: anything but a 200 answer to a GET, a page shown with a flash message pending (the
message is shown once), and answers that set cookies. The page is still only served after the
view's own access decorator has let the viewer in.
"""

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

from guazhi.core.models import AuditEvent, Notification

CACHE_SECONDS = 60

_local_writes = 0


# A session's save (the idle timer's once-a-minute refresh) changes nothing a page shows.
_NOT_DATA = frozenset({"sessions.session"})


def _written(sender: Any, **kwargs: Any) -> None:
    global _local_writes
    if sender._meta.label_lower not in _NOT_DATA:
        _local_writes += 1


for _signal in (post_save, post_delete, m2m_changed):
    _signal.connect(_written, dispatch_uid=f"page-cache-{_signal!r}")


# PostgreSQL: is another transaction of this database writing now? Its audit event may have
# taken an id below the newest one visible (ids are handed out in order, commits land in any
# order), so its commit would not change the state: a page rendered meanwhile, kept under that
# state, would hide the write until CACHE_SECONDS. Pages are not kept while one is in flight.
# SQLite writes one transaction at a time, so there ids are visible in the order given.
_WRITING_ELSEWHERE = (
    "EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database()"
    " AND backend_xid IS NOT NULL AND pid <> pg_backend_pid())"
)


def written_state() -> str | None:
    """Changes whenever data may have changed: the newest audit event and notification, and
    the saves this process made. None while another transaction may still commit a write
    behind that state (PostgreSQL, see above): nothing rendered now may be kept. One query."""
    quote = connection.ops.quote_name
    writing = _WRITING_ELSEWHERE if connection.vendor == "postgresql" else "FALSE"
    with connection.cursor() as cursor:
        # Plain SQL: the ORM spent ten times the query's own cost building it, on every request.
        cursor.execute(
            f"SELECT (SELECT MAX(id) FROM {quote(AuditEvent._meta.db_table)}),"
            f" (SELECT MAX(id) FROM {quote(Notification._meta.db_table)}), {writing}"
        )
        row = cursor.fetchone() or (None, None, False)
    if row[2]:
        return None
    return f"{row[0]}.{row[1]}.{_local_writes}"


def cached_value(namespace: str, fingerprint: str | None, compute: Callable[[], Any]) -> Any:
    """`compute()`'s value, kept under `fingerprint` (include written_state() in it; None when
    that is None: the value is computed and not kept)."""
    if fingerprint is None:
        return compute()
    key = f"{namespace}:" + hashlib.sha256(fingerprint.encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value


def _has_pending_messages(request: HttpRequest) -> bool:
    """A flash message waits to be shown (in its cookie or the session): the page with it is
    shown once, so neither served from nor put in the cache."""
    if CookieStorage.cookie_name in request.COOKIES:
        return True
    session = getattr(request, "session", None)
    return session is not None and bool(session.get("_messages"))


def _page_key(request: HttpRequest) -> str | None:
    """None while a page must not be kept (written_state)."""
    state = written_state()
    if state is None:
        return None
    user = request.user
    session = getattr(request, "session", None)
    parts = (
        str(user.pk),
        str(getattr(user, "roles_version", "")),
        (session.session_key or "") if session is not None else "",
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
        request.get_full_path(),
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-Target", ""),
        get_language() or "",
        timezone.localdate().isoformat(),
        state,
    )
    return "page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve the view's page from the cache while nothing it may show has changed (see the
    module's docstring). Put it under the view's access decorator, never above it."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "GET" or _has_pending_messages(request):
            return view(request, *args, **kwargs)
        key = _page_key(request)
        if key is None:
            return view(request, *args, **kwargs)
        kept = cache.get(key)
        if kept is not None:
            content, content_type = kept
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not _has_pending_messages(request)
        ):
            cache.set(key, (response.content, response["Content-Type"]), CACHE_SECONDS)
        return response

    return wrapped
