"""What the on-duty pages share: a page under a person's heading and tabs.

Forms and one-button actions reuse programmes' `submit` and `act` (a refusal shown on the form
or as a message), so every app says no the same way.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse

from guazhi.core.rendering import render_page
from guazhi.duty.navigation import person_tabs
from guazhi.orgs.access import acting_user
from guazhi.programmes.models import Assignment
from guazhi.programmes.views.common import act, render_batch_page, submit

__all__ = ["act", "render_batch_page", "render_person_page", "submit"]


def render_person_page(
    request: HttpRequest,
    template_name: str,
    assignment: Assignment,
    context: dict[str, Any],
    *,
    partial: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """`template_name` with `assignment` and the tabs the acting user may open (`tabs`)."""
    tabs = person_tabs(actor=acting_user(request), assignment=assignment)
    return render_page(
        request,
        template_name,
        {"assignment": assignment, "tabs": tabs, **context},
        partial=partial,
        status=status,
    )
