"""What the programmes pages share: a page under a batch's tabs, and a service's refusal shown.

Nearly every page sits under its batch's heading and tabs; `render_batch_page` adds both, so
the tabs are built one way. A form's service call goes through `submit`, which puts a refusal
on the form (a field's message next to the field, any other above the form); a one-button
action goes through `act`, which says on the next page how it went.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse

from guazhi.core.errors import GuazhiError, InvalidTransition, ValidationFailed
from guazhi.core.forms import show_service_errors
from guazhi.core.rendering import render_page
from guazhi.orgs.access import acting_user
from guazhi.programmes.models import Batch
from guazhi.programmes.navigation import batch_tabs

T = TypeVar("T")

Refusals = tuple[type[GuazhiError], ...]


def render_batch_page(
    request: HttpRequest,
    template_name: str,
    batch: Batch,
    context: dict[str, Any],
    *,
    partial: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """`template_name` with `batch` and the tabs the acting user may open (`tabs`)."""
    tabs = batch_tabs(actor=acting_user(request), batch=batch)
    return render_page(
        request,
        template_name,
        {"batch": batch, "tabs": tabs, **context},
        partial=partial,
        status=status,
    )


def submit(
    form: BaseForm,
    service: Callable[..., T],
    /,
    *,
    refusals: Refusals = (InvalidTransition,),
    **arguments: Any,
) -> T | None:
    """`service(**arguments)`'s answer, or None when it refused and the form shows why.

    A ValidationFailed puts its messages on the fields it names; another refusal listed in
    `refusals` (typically: the batch moved on while the form was open) goes above the form.
    Anything else escapes to the middleware, like a refusal outside a form.
    """
    try:
        return service(**arguments)
    except ValidationFailed as error:
        show_service_errors(form, error)
    except refusals as error:
        form.add_error(None, str(error.message))
    return None


def act(
    request: HttpRequest,
    done: str | Callable[[T], str],
    service: Callable[..., T],
    /,
    *,
    refusals: Refusals = (ValidationFailed, InvalidTransition),
    **arguments: Any,
) -> bool:
    """A one-button action: `service(**arguments)`, then `done` (or `done` of its answer) or
    the refusal as a message for the page the view redirects to. True when it was done."""
    try:
        answer = service(**arguments)
    except refusals as error:
        messages.error(request, str(error.message))
        return False
    messages.success(request, done(answer) if callable(done) else done)
    return True
