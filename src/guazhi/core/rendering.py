"""One view, one template, two answers: the whole page, or for htmx only the named block."""

from functools import partial
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template import engines
from django.utils.safestring import mark_safe

from guazhi.core.notifications import notification_unread_count
from guazhi.orgs.navigation import navigation_for


def page_context(request: HttpRequest, context: dict[str, Any]) -> dict[str, Any]:
    full = {
        "request": request,
        "nav": navigation_for(request.user),
        # Called by the menu only: an htmx fragment, which has no menu, costs no query.
        "unread_notifications": partial(notification_unread_count, actor=request.user),
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
