"""Batch pages: the list, creating and editing a batch, its overview, and moving its state.

Every reader role opens the list and the overview of the batches it sees (selectors.scope);
coordinators create, edit and move batches over the units they manage. A batch outside the
actor's scope answers 404, like a missing one.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from guazhi.core.errors import InvalidTransition, ValidationFailed
from guazhi.core.forms import show_service_errors
from guazhi.core.rendering import render_page
from guazhi.orgs.access import acting_user, roles_required
from guazhi.orgs.models import Organisation, User
from guazhi.programmes.forms.batches import BatchForm, TransitionForm
from guazhi.programmes.models import BATCH_TRANSITIONS, Batch, BatchState
from guazhi.programmes.selectors import batches as selectors
from guazhi.programmes.selectors.scope import (
    BATCH_MANAGER_ROLES,
    BATCH_READER_ROLES,
    access_batch,
    can_manage_batch,
)
from guazhi.programmes.services import batches as services
from guazhi.programmes.views.common import render_batch_page, submit

PAGE_SIZE = 50
# Whoever the table lets move a batch may reach the view; the service checks each move.
TRANSITION_ROLES = tuple(sorted(set().union(*BATCH_TRANSITIONS.values())))


@roles_required(*BATCH_READER_ROLES)
def batch_list(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    state = request.GET.get("state", "")
    if state not in BatchState.values:
        state = ""
    batches = selectors.batch_list(actor=actor, state=state)
    page = Paginator(batches, PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(
        request,
        "programmes/batch_list.html",
        {
            "page": page,
            "state": state,
            "states": BatchState.choices,
            "can_create": selectors.can_create_batch(actor=actor),
        },
        partial="results",
    )


def _units(actor: User, batch: Batch | None = None) -> tuple[QuerySet, QuerySet]:  # type: ignore[type-arg]
    """Units offered by the form: those the actor manages, plus any the batch already names
    (kept on an edit even when someone else set them)."""
    units = selectors.batch_unit_choices(actor=actor)
    parties = selectors.batch_party_choices(actor=actor)
    if batch is not None:
        named = [batch.coordinating_org_id, batch.co_managing_org_id, batch.supervising_org_id]
        named += list(batch.dispatching_orgs.values_list("pk", flat=True))
        extra = Organisation.objects.filter(pk__in=[pk for pk in named if pk])
        units = (units | extra).distinct().order_by("path")
        parties = (parties | extra).distinct().order_by("path")
    return units, parties


@roles_required(*BATCH_MANAGER_ROLES)
def batch_create(request: HttpRequest) -> HttpResponse:
    return _batch_form_page(request, None)


@roles_required(*BATCH_MANAGER_ROLES)
def batch_edit(request: HttpRequest, batch_pk: int) -> HttpResponse:
    return _batch_form_page(
        request, access_batch(actor=acting_user(request), pk=batch_pk, manage=True)
    )


def _batch_form_page(request: HttpRequest, batch: Batch | None) -> HttpResponse:
    """Create a batch (batch None) or edit one: the same form and page."""
    actor = acting_user(request)
    units, parties = _units(actor, batch)
    if batch is None:
        initial = services.batch_defaults()
        initial["coordinating_org"] = selectors.default_coordinating_org_id(actor=actor)
    else:
        initial = BatchForm.initial_for(batch)
    form = BatchForm(
        request.POST if request.method == "POST" else None,
        units=units,
        parties=parties,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        fields = {"actor": actor, "dispatching_orgs": form.dispatching(), **form.batch_fields()}
        if batch is None:
            saved = submit(form, services.batch_create, **fields)
        else:  # InvalidTransition: closed while the form was open
            saved = submit(form, services.batch_update, batch=batch, **fields)
        if saved is not None:
            messages.success(
                request,
                gettext("已创建批次“%(name)s”。") % {"name": saved.name}
                if batch is None
                else gettext("批次信息已保存。"),
            )
            return redirect("programmes:batch_detail", batch_pk=saved.pk)
    status = 400 if form.is_bound else 200
    if batch is None:  # no batch yet, so no tabs
        return render_page(
            request, "programmes/batch_form.html", {"form": form, "batch": None}, status=status
        )
    return render_batch_page(
        request, "programmes/batch_form.html", batch, {"form": form}, status=status
    )


def _detail_page(
    request: HttpRequest, batch: Batch, form: TransitionForm | None = None, status: int = 200
) -> HttpResponse:
    actor = acting_user(request)
    # Read afresh with the parties the page names (after a refused move, too).
    batch = Batch.objects.select_related(
        "coordinating_org", "co_managing_org", "supervising_org"
    ).get(pk=batch.pk)
    context = {
        "dispatching": list(batch.dispatching_orgs.order_by("path")),
        "figures": selectors.batch_figures(actor=actor, batch=batch),
        "last_move": selectors.last_state_change(batch=batch),
        "timeline": selectors.batch_timeline(actor=actor, batch=batch),
        "moves": selectors.batch_moves(actor=actor, batch=batch),
        "form": form or TransitionForm(),
        "can_manage": can_manage_batch(actor=actor, batch=batch),
        "closed": batch.state == BatchState.CLOSED,
    }
    return render_batch_page(request, "programmes/batch_detail.html", batch, context, status=status)


@roles_required(*BATCH_READER_ROLES)
def batch_detail(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    return _detail_page(request, access_batch(actor=actor, pk=batch_pk))


@roles_required(*TRANSITION_ROLES)
@require_POST
def batch_transition(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk)
    form = TransitionForm(request.POST)
    form.is_valid()  # every field is optional text: the service judges them
    to_state = form.cleaned_data.get("to_state", "")
    try:
        batch = services.batch_transition(
            actor=actor, batch=batch, to_state=to_state, reason=form.cleaned_data.get("reason", "")
        )
    except ValidationFailed as error:
        # No reason given: the page again, the message under the reason box.
        show_service_errors(form, error)
        return _detail_page(request, batch, form, status=400)
    except InvalidTransition as error:
        messages.error(request, str(error.message))
        return redirect("programmes:batch_detail", batch_pk=batch.pk)
    # Forbidden goes to the middleware: the refusal page, as for any role that may not act.
    messages.success(
        request,
        gettext("批次已转为“%(state)s”。") % {"state": batch.get_state_display()},
    )
    return redirect("programmes:batch_detail", batch_pk=batch.pk)
