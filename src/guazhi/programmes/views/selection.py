"""Pages of vetting, decision, publicity and approval (考察与公示), for the batch's coordinators,
and the public notice (公示) for everyone who sees the batch.

The selection page holds the proposed list, the two recorded steps and the publicity's state;
the publicity page the period, the list, the objections and earlier withdrawn publicities.
Forms post to their own URLs and come back to the page they were on; a refused step comes back
with the reason on the form. The notice page is read-only and names no objection or objector.
Each form's fields are named as its service's arguments, so a view hands them on whole.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guazhi.core.documents import docx_response
from guazhi.core.errors import GuazhiError, ValidationFailed
from guazhi.core.forms import show_service_errors
from guazhi.core.text import ascii_number
from guazhi.orgs.access import acting_user, roles_required
from guazhi.programmes.forms.selection import (
    AssignmentCancelForm,
    ObjectionForm,
    ObjectionResolveForm,
    PublicityApproveForm,
    PublicityStartForm,
    PublicityWithdrawForm,
    SelectionStepForm,
)
from guazhi.programmes.models import Batch, SelectionStepKind
from guazhi.programmes.selectors.scope import (
    BATCH_MANAGER_ROLES,
    BATCH_READER_ROLES,
    access_assignment,
    access_batch,
    can_manage_batch,
)
from guazhi.programmes.selectors.selection import (
    CANCELLABLE_STATES,
    EVENT_LABELS,
    access_objection,
    batch_publicity,
    objection_assignment_choices,
    publicity_list,
    selection_overview,
)
from guazhi.programmes.selectors.selection import publicity_notice as notice_of
from guazhi.programmes.services import selection as services
from guazhi.programmes.views.common import act, render_batch_page, submit

MANAGERS = BATCH_MANAGER_ROLES
# Every refusal of these steps is shown where the person acted (on the form, or on top).
REFUSALS = (GuazhiError,)


def _step_forms(overview, bound: SelectionStepForm | None = None, bound_kind: str = ""):  # type: ignore[no-untyped-def]
    forms = {}
    for kind in SelectionStepKind.values:
        if kind == bound_kind and bound is not None:
            forms[kind] = bound
            continue
        step = overview.steps.get(kind)
        initial = {"held_on": step.held_on, "note": step.note} if step else {}
        forms[kind] = SelectionStepForm(prefix=kind, initial=initial)
    return forms


def _selection_page(
    request: HttpRequest,
    batch: Batch,
    *,
    step_form: SelectionStepForm | None = None,
    step_kind: str = "",
    start_form: PublicityStartForm | None = None,
) -> HttpResponse:
    actor = acting_user(request)
    overview = selection_overview(actor=actor, batch=batch)
    return render_batch_page(
        request,
        "programmes/selection_overview.html",
        batch,
        {
            "overview": overview,
            "step_kinds": SelectionStepKind.choices,
            "step_forms": _step_forms(overview, step_form, step_kind),
            "start_form": start_form
            or PublicityStartForm(initial={"starts_on": timezone.localdate()}),
            "cancel_form": AssignmentCancelForm(),
            "event_labels": EVENT_LABELS,
        },
    )


@roles_required(*MANAGERS)
def selection(request: HttpRequest, batch_pk: int) -> HttpResponse:
    batch = access_batch(actor=acting_user(request), pk=batch_pk, manage=True)
    return _selection_page(request, batch)


@roles_required(*MANAGERS)
@require_POST
def selection_step(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk, manage=True)
    kind = request.POST.get("kind", "")
    if kind not in SelectionStepKind.values:
        messages.error(request, _("请选择要记录的环节。"))
        return _selection_page(request, batch)
    form = SelectionStepForm(request.POST, prefix=kind)
    if form.is_valid():
        step = submit(
            form,
            services.selection_step_record,
            refusals=REFUSALS,
            actor=actor,
            batch=batch,
            kind=kind,
            **form.cleaned_data,
        )
        if step is not None:
            messages.success(request, _("已记录“%(step)s”。") % {"step": step.get_kind_display()})
            return redirect("programmes:selection", batch_pk=batch.pk)
    return _selection_page(request, batch, step_form=form, step_kind=kind)


@roles_required(*MANAGERS)
@require_POST
def assignment_cancel(request: HttpRequest, assignment_pk: int) -> HttpResponse:
    actor = acting_user(request)
    assignment = access_assignment(actor=actor, pk=assignment_pk, manage=True)
    form = AssignmentCancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写取消原因。"))
    else:
        act(
            request,
            _("已取消%(name)s的人选。") % {"name": assignment.cadre.name},
            services.assignment_cancel,
            refusals=REFUSALS,
            actor=actor,
            assignment=assignment,
            **form.cleaned_data,
        )
    # The person's own page offers the same form; its answer goes back there.
    if request.POST.get("back") == "detail":
        return redirect("programmes:assignment_detail", assignment_pk=assignment.pk)
    return redirect("programmes:selection", batch_pk=assignment.batch_id)


@roles_required(*MANAGERS)
@require_POST
def publicity_start(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk, manage=True)
    form = PublicityStartForm(request.POST)
    if form.is_valid():
        publicity = submit(
            form,
            services.publicity_start,
            refusals=REFUSALS,
            actor=actor,
            batch=batch,
            **form.cleaned_data,
        )
        if publicity is not None:
            messages.success(
                request,
                _("已开始公示，公示期%(days)s个工作日。") % {"days": publicity.working_days},
            )
            return redirect("programmes:publicity", batch_pk=batch.pk)
    return _selection_page(request, batch, start_form=form)


def _publicity_page(
    request: HttpRequest,
    batch: Batch,
    *,
    approve_form: PublicityApproveForm | None = None,
    withdraw_form: PublicityWithdrawForm | None = None,
) -> HttpResponse:
    actor = acting_user(request)
    overview = selection_overview(actor=actor, batch=batch)
    return render_batch_page(
        request,
        "programmes/publicity_detail.html",
        batch,
        {
            "overview": overview,
            "people": publicity_list(actor=actor, batch=batch) if overview.publicity else [],
            "approve_form": approve_form or PublicityApproveForm(),
            "withdraw_form": withdraw_form or PublicityWithdrawForm(),
            "today": timezone.localdate(),
        },
    )


@roles_required(*MANAGERS)
def publicity(request: HttpRequest, batch_pk: int) -> HttpResponse:
    batch = access_batch(actor=acting_user(request), pk=batch_pk, manage=True)
    return _publicity_page(request, batch)


@roles_required(*MANAGERS)
def objection_create(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk, manage=True)
    publicity = batch_publicity(batch=batch)
    people = objection_assignment_choices(actor=actor, batch=batch)
    today = timezone.localdate()
    # Objections are usually entered as they arrive; after the period, its last day is nearest.
    received = min(today, publicity.ends_on) if publicity is not None else today
    initial: dict[str, Any] = {"received_on": received}
    if (assignment := ascii_number(request.GET.get("assignment", ""))) is not None:
        initial["assignment"] = assignment
    form = ObjectionForm(
        request.POST if request.method == "POST" else None, people=people, initial=initial
    )
    if request.method == "POST" and publicity is not None and form.is_valid():
        recorded = submit(
            form,
            services.objection_record,
            refusals=REFUSALS,
            actor=actor,
            publicity=publicity,
            **form.cleaned_data,
        )
        if recorded is not None:
            messages.success(request, _("已登记异议，请核查后填写处理意见。"))
            return redirect("programmes:publicity", batch_pk=batch.pk)
    return render_batch_page(
        request,
        "programmes/publicity_objection_form.html",
        batch,
        {
            "publicity": publicity,
            "form": form,
        },
    )


@roles_required(*MANAGERS)
def objection_resolve(request: HttpRequest, objection_pk: int) -> HttpResponse:
    actor = acting_user(request)
    objection = access_objection(actor=actor, pk=objection_pk)
    batch = objection.publicity.batch
    may_cancel = (
        objection.assignment is not None and objection.assignment.state in CANCELLABLE_STATES
    )
    initial = {}
    if objection.resolved_at is not None:
        initial = {
            "upheld": "yes" if objection.upheld else "no",
            "resolution": objection.resolution,
        }
    form = ObjectionResolveForm(
        request.POST if request.method == "POST" else None,
        may_cancel=may_cancel,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        # Without the cancel box (nobody to take off the list) the service's default applies.
        resolved = submit(
            form,
            services.objection_resolve,
            refusals=REFUSALS,
            actor=actor,
            objection=objection,
            **form.cleaned_data,
        )
        if resolved is not None:
            messages.success(request, _("已保存异议的核查处理意见。"))
            return redirect("programmes:publicity", batch_pk=batch.pk)
    return render_batch_page(
        request,
        "programmes/publicity_objection_resolve.html",
        batch,
        {
            "objection": objection,
            "form": form,
        },
    )


@roles_required(*MANAGERS)
@require_POST
def publicity_approve(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk, manage=True)
    form = PublicityApproveForm(request.POST)
    if form.is_valid():
        approved = submit(
            form,
            services.publicity_approve,
            refusals=REFUSALS,
            actor=actor,
            batch=batch,
            **form.cleaned_data,
        )
        if approved is not None:
            messages.success(request, _("公示结果已审批，拟任人选已转为“已批准”。"))
            return redirect("programmes:publicity", batch_pk=batch.pk)
    return _publicity_page(request, batch, approve_form=form)


@roles_required(*MANAGERS)
@require_POST
def publicity_withdraw(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk, manage=True)
    form = PublicityWithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.publicity_withdraw(actor=actor, batch=batch, **form.cleaned_data)
        except ValidationFailed as error:
            show_service_errors(form, error)
        except GuazhiError as error:
            # Approved or no publicity: the page has no form to show it on, so say it on top.
            messages.error(request, str(error.message))
            return redirect("programmes:publicity", batch_pk=batch.pk)
        else:
            messages.success(request, _("公示已撤回，可在“考察与公示”页面重新开始公示。"))
            return redirect("programmes:publicity", batch_pk=batch.pk)
    return _publicity_page(request, batch, withdraw_form=form)


@roles_required(*MANAGERS)
def publicity_export(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk, manage=True)
    # A refusal (no publicity yet) escapes to the middleware: back to the page with the reason.
    content, filename = services.publicity_document(actor=actor, batch=batch)
    return docx_response(content, filename)


@roles_required(*BATCH_READER_ROLES)
def publicity_notice(request: HttpRequest, batch_pk: int) -> HttpResponse:
    """The current publicity as posted: period, list and how to object, for all who see the
    batch (the dispatching units' cadres included); the managers' page links from here."""
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk)
    return render_batch_page(
        request,
        "programmes/publicity_notice.html",
        batch,
        {
            "notice": notice_of(batch=batch),
            "manages": can_manage_batch(actor=actor, batch=batch),
            "today": timezone.localdate(),
        },
    )
