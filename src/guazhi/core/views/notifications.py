"""The reader's notifications: the list, opening one (marks it read, goes to its page), all read."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from guazhi.core.notifications import (
    notification_list as notifications_of,
)
from guazhi.core.notifications import (
    notification_mark_read,
    notification_text,
    notification_unread_count,
    notifications_mark_all_read,
)
from guazhi.core.rendering import render_page
from guazhi.orgs.access import ANY_ROLE, acting_user, roles_required

PAGE_SIZE = 30


@roles_required(ANY_ROLE)
def notification_list(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    page = Paginator(notifications_of(actor=actor), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"notification": n, "text": notification_text(n)} for n in page.object_list]
    unread = notification_unread_count(actor=actor)
    return render_page(
        request,
        "core/notification_list.html",
        # The menu's badge shows the same count: counted once.
        {"page": page, "rows": rows, "unread": unread, "unread_notifications": lambda: unread},
        partial="results",
    )


@roles_required(ANY_ROLE)
@require_POST
def notification_open(request: HttpRequest, notification_pk: int) -> HttpResponse:
    """Opening a notification reads it: mark it read, then go to the page it is about."""
    notification = notification_mark_read(actor=acting_user(request), pk=notification_pk)
    target = notification.url
    # Stored by our own code as a path, but a redirect follows only what stays on this site.
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect("core:notification_list")


@roles_required(ANY_ROLE)
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    notifications_mark_all_read(actor=acting_user(request))
    return redirect("core:notification_list")
