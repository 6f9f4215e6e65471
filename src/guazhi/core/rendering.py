"""One view, one template, two answers: the whole page, or for htmx only the named block.

Every page also pays for what base.html puts around it: the menu, the unread badge, the CSRF
token. That cost is paid on every request of every signed-in person, so it is kept small: the
menu's links are worked out once per set of roles and language, and the badge is one plain
indexed count.
"""

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template import engines
from django.urls import get_script_prefix
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from guazhi.core.jinja import url
from guazhi.core.models import Notification
from guazhi.orgs.navigation import navigation_for
from guazhi.orgs.scopes import scopes_of

NOTIFICATIONS_URL_NAME = "core:notification_list"


@dataclass(frozen=True, slots=True)
class MenuEntry:
    """One menu link, in the language it was made for."""

    url_name: str
    label: str
    href: str


# (roles, language, script prefix) -> the menu. The URL configuration and the labels do not
# change while the process runs, and there are few sets of roles: a reverse() and a gettext per
# link on every page cost more than the rest of the menu.
_menus: dict[tuple[frozenset[str], str, str], tuple[MenuEntry, ...]] = {}


def menu_for(user: Any) -> tuple[MenuEntry, ...]:
    """The links the user's roles open (orgs.navigation decides which), ready to print."""
    if not getattr(user, "is_authenticated", False):
        return ()
    key = (scopes_of(user).roles, get_language() or "", get_script_prefix())
    found = _menus.get(key)
    if found is None:
        found = tuple(
            MenuEntry(item.url_name, str(item.label), url(item.url_name))
            for item in navigation_for(user)
        )
        _menus[key] = found
    return found


def unread_count(user: Any) -> int:
    """The menu badge: the user's notifications not yet read (core.notifications'
    notification_unread_count, the same rule). Plain SQL over the (recipient, read_at) index:
    on every page, the ORM spent several times the query's own cost building it."""
    if not getattr(user, "is_authenticated", False):
        return 0
    meta = Notification._meta
    quote = connection.ops.quote_name
    recipient = quote(str(meta.get_field("recipient").column))
    read_at = quote(str(meta.get_field("read_at").column))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {quote(meta.db_table)} "
            f"WHERE {recipient} = %s AND {read_at} IS NULL",
            [user.pk],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def page_context(request: HttpRequest, context: dict[str, Any]) -> dict[str, Any]:
    user = request.user
    full = {
        "request": request,
        "nav": menu_for(user),
        "notifications_url_name": NOTIFICATIONS_URL_NAME,
        # Called by the menu only: an htmx fragment, which has no menu, costs no query.
        "unread_notifications": lambda: unread_count(user),
    }
    full.update(context)
    return full


def render_page(
    request: HttpRequest,
    template_name: str,
    context: dict[str, Any] | None = None,
    *,
    partial: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render `template_name`; for an htmx request with `partial`, only that block of it.

    Jinja2 renders a single block natively, which is what django-template-partials gives
    Django templates: the fragment and the page come from the same source, never two copies.
    """
    context = page_context(request, context or {})
    # One CSRF token per page. Django's lazy csrf_input masks the secret afresh at every use
    # (a page uses it three or four times), each time drawing 32 characters from urandom.
    token = get_token(request)
    context.update(
        csrf_token=token,
        csrf_input=mark_safe(f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'),
    )
    template = engines["jinja2"].get_template(template_name).template  # type: ignore[attr-defined]
    if partial and getattr(request, "htmx", False):
        block = template.blocks[partial]
        return HttpResponse("".join(block(template.new_context(context))), status=status)
    return HttpResponse(template.render(context), status=status)
