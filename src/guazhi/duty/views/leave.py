"""Leave and return pages (请销假): a person's leave, asking (on a phone), one request with its
chain and ledger, the approver's decision, withdrawal, extension and reporting back; and the
approval inbox (待我审批) with the away-from-post reports waiting for acknowledgement.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from guazhi.core.attachments import attachments_of
from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.forms import show_service_errors
from guazhi.core.page_cache import cached_page
from guazhi.core.rendering import render_page
from guazhi.duty.forms.leave import (
    DecideForm,
    EmergencyLeaveForm,
    ExtendForm,
    LeaveAttachmentForm,
    LeaveForm,
    ReturnForm,
)
from guazhi.duty.models import (
    ApproverRole,
    Half,
    LeaveDecisionKind,
    LeaveRequest,
    LeaveState,
    slot_day,
)
from guazhi.duty.selectors import leave as selectors
from guazhi.duty.selectors.ledger import leave_balances
from guazhi.duty.selectors.scope import access_duty_assignment, is_own
from guazhi.duty.services import leave as services
from guazhi.duty.services.leave_checks import days_text, leave_grants_ensure
from guazhi.duty.services.leave_decide import leave_decide
from guazhi.duty.services.leave_return import leave_return
from guazhi.duty.views.common import act, render_person_page, submit
from guazhi.orgs.access import acting_user, roles_required
from guazhi.orgs.models import Role
from guazhi.orgs.scopes import scopes_of
from guazhi.programmes.models import Assignment

READERS = (Role.COORDINATOR, Role.DISPATCH_ADMIN, Role.HOST_LEADER, Role.GROUP_LEADER, Role.CADRE)
APPROVERS = (Role.COORDINATOR, Role.DISPATCH_ADMIN, Role.HOST_LEADER)
REFUSALS = (ValidationFailed, InvalidTransition, Forbidden)


def _detail(leave: LeaveRequest) -> HttpResponse:
    return redirect("duty:leave_detail", leave_pk=leave.pk)


# --- a person's leave ----------------------------------------------------------------------------


@roles_required(*READERS)
def leave_list(request: HttpRequest, assignment_pk: int) -> HttpResponse:
    actor = acting_user(request)
    assignment = access_duty_assignment(actor=actor, pk=assignment_pk)
    # The ledger starts from the term's grants: written once (by the rules, no person's act),
    # on the first look at the balances.
    leave_grants_ensure(assignment)
    return render_person_page(
        request,
        "duty/leave_list.html",
        assignment,
        {
            "leaves": selectors.leave_list(actor=actor, assignment=assignment),
            "balances": leave_balances(assignment),
            "service_unknown": selectors.service_years_unknown(assignment),
            "can_request": selectors.can_request_leave(actor=actor, assignment=assignment),
            "can_emergency": selectors.can_record_emergency(actor=actor, assignment=assignment),
            "days_text": days_text,
        },
    )


def _form_page(
    request: HttpRequest,
    assignment: Assignment,
    *,
    emergency: bool,
    leave: LeaveRequest | None = None,
) -> HttpResponse:
    """Asking for leave (or entering it afterwards, or finishing a draft): one page, with the
    day count recounted by htmx as the dates change (the `count` block)."""
    form_class = EmergencyLeaveForm if emergency else LeaveForm
    initial: dict[str, Any] = {}
    if leave is not None:
        initial = {
            "leave_type": leave.leave_type_id,
            "start_date": leave.start_date,
            "start_half": leave.start_half,
            "end_date": leave.end_date,
            "end_half": leave.end_half,
            "reason": leave.reason,
            "stand_in": leave.stand_in,
            "contact_phone": leave.contact_phone,
        }
    elif not emergency:
        initial = {"contact_phone": assignment.cadre.phone}
    leave_grants_ensure(assignment)
    balances = leave_balances(assignment)
    types = selectors.leave_types_offered(assignment)
    bound = request.method == "POST" or "preview" in request.GET
    data = request.POST if request.method == "POST" else request.GET
    form = form_class(
        data if bound else None,
        request.FILES if request.method == "POST" else None,
        types=types,
        balances=balances,
        initial=initial,
    )
    preview = selectors.DaysPreview(None, "")
    if bound and form.is_valid():
        preview = selectors.leave_days_preview(**form.period())
    if request.method == "POST" and form.is_valid():
        saved = _save_request(request, form, assignment, emergency=emergency, leave=leave)
        if saved is not None:
            return _detail(saved)
    return render_person_page(
        request,
        "duty/leave_form.html",
        assignment,
        {
            "form": form,
            "emergency": emergency,
            "heading": gettext("事后补办请假")
            if emergency
            else (gettext("修改请假草稿") if leave else gettext("请假")),
            "draft": leave,
            "preview": preview,
            "types": types,
        },
        partial="count",
    )


def _save_request(
    request: HttpRequest,
    form: LeaveForm,
    assignment: Assignment,
    *,
    emergency: bool,
    leave: LeaveRequest | None,
) -> LeaveRequest | None:
    actor = acting_user(request)
    fields = form.request_fields()
    if "draft" in request.POST and not emergency:
        saved = submit(
            form,
            services.leave_draft_save,
            refusals=REFUSALS,
            actor=actor,
            assignment=assignment,
            leave=leave,
            **fields,
        )
        if saved is not None:
            messages.success(request, gettext("草稿已保存，提交后才进入审批。"))
        return saved
    if leave is not None:
        saved = submit(
            form,
            _submit_draft,
            refusals=REFUSALS,
            actor=actor,
            assignment=assignment,
            leave=leave,
            **fields,
        )
    elif emergency:
        saved = submit(
            form,
            services.leave_emergency_record,
            refusals=REFUSALS,
            actor=actor,
            assignment=assignment,
            **fields,
        )
    else:
        saved = submit(
            form,
            services.leave_request_submit,
            refusals=REFUSALS,
            actor=actor,
            assignment=assignment,
            **fields,
        )
    if saved is not None:
        messages.success(
            request,
            gettext("请假已提交（共%(days)s天），等待审批。") % {"days": days_text(saved.days)},
        )
    return saved


def _submit_draft(
    *, actor: Any, assignment: Assignment, leave: LeaveRequest, **fields: Any
) -> LeaveRequest:
    """A finished draft: its fields saved, then sent (two services, one transaction each; a
    refused submission leaves the draft with what was typed)."""
    saved = services.leave_draft_save(actor=actor, assignment=assignment, leave=leave, **fields)
    return services.leave_submit(actor=actor, leave=saved)


@roles_required(Role.CADRE)
def leave_create(request: HttpRequest, assignment_pk: int) -> HttpResponse:
    actor = acting_user(request)
    assignment = access_duty_assignment(actor=actor, pk=assignment_pk)
    if not selectors.can_request_leave(actor=actor, assignment=assignment):
        messages.error(request, gettext("只有在岗的本人可以请假。"))
        return redirect("duty:leave_list", assignment_pk=assignment.pk)
    return _form_page(request, assignment, emergency=False)


@roles_required(Role.CADRE, Role.HOST_LEADER)
def leave_emergency(request: HttpRequest, assignment_pk: int) -> HttpResponse:
    actor = acting_user(request)
    assignment = access_duty_assignment(actor=actor, pk=assignment_pk)
    if not selectors.can_record_emergency(actor=actor, assignment=assignment):
        messages.error(request, gettext("只有在岗的本人或接收单位领导可以补办请假。"))
        return redirect("duty:leave_list", assignment_pk=assignment.pk)
    return _form_page(request, assignment, emergency=True)


@roles_required(Role.CADRE)
def leave_edit(request: HttpRequest, leave_pk: int) -> HttpResponse:
    actor = acting_user(request)
    leave = selectors.access_leave(actor=actor, pk=leave_pk)
    if not selectors.leave_actions(actor=actor, leave=leave).edit:
        messages.error(request, gettext("只有本人的草稿可以修改。"))
        return _detail(leave)
    return _form_page(request, leave.assignment, emergency=False, leave=leave)


# --- one request ---------------------------------------------------------------------------------


def _detail_page(
    request: HttpRequest,
    leave: LeaveRequest,
    *,
    decide_form: DecideForm | None = None,
    attachment_form: LeaveAttachmentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = acting_user(request)
    actions = selectors.leave_actions(actor=actor, leave=leave)
    decisions = selectors.leave_decisions(leave)
    decided = {decision.step: decision for decision in decisions}
    steps = [
        (index, ApproverRole(role).label, decided.get(index))
        for index, role in enumerate(leave.chain)
    ]
    return render_person_page(
        request,
        "duty/leave_detail.html",
        leave.assignment,
        {
            "leave": leave,
            "actions": actions,
            "steps": steps,
            "ledger": selectors.leave_ledger_rows(leave),
            "files": list(attachments_of(leave)),
            "pieces": selectors.leave_chain_of(leave),
            "own": is_own(actor=actor, assignment=leave.assignment),
            "decide_form": decide_form
            or (DecideForm(initial={"step": leave.step}) if actions.decide else None),
            "attachment_form": attachment_form
            or (LeaveAttachmentForm() if actions.attach else None),
            "days_text": days_text,
        },
        status=status,
    )


@roles_required(*READERS)
def leave_detail(request: HttpRequest, leave_pk: int) -> HttpResponse:
    leave = selectors.access_leave(actor=acting_user(request), pk=leave_pk)
    return _detail_page(request, leave)


@roles_required(*APPROVERS)
@require_POST
def leave_decide_view(request: HttpRequest, leave_pk: int) -> HttpResponse:
    actor = acting_user(request)
    leave = selectors.access_leave(actor=actor, pk=leave_pk)
    form = DecideForm(request.POST)
    if not form.is_valid():  # only a tampered step number gets here
        messages.error(request, gettext("请重新填写审批意见。"))
        return _detail(leave)
    decision = form.cleaned_data.get("decision") or ""
    try:
        decided = leave_decide(
            actor=actor,
            leave=leave,
            decision=decision,
            comment=form.cleaned_data.get("comment") or "",
            step=form.cleaned_data.get("step"),
        )
    except ValidationFailed as error:
        show_service_errors(form, error)
        return _detail_page(request, leave, decide_form=form)
    except (InvalidTransition, Forbidden) as error:
        messages.error(request, str(error.message))
        return _detail(leave)
    if decided.state == LeaveState.PENDING:
        done = gettext("已同意，转下一环节审批。")
    elif decision == LeaveDecisionKind.APPROVE:
        done = gettext("已批准%(name)s的请假。") % {"name": leave.assignment.cadre.name}
    else:
        done = gettext("已退回%(name)s的请假（不同意）。") % {"name": leave.assignment.cadre.name}
    messages.success(request, done)
    if request.POST.get("next") == "inbox":
        return redirect("duty:approval_inbox")
    return _detail(leave)


@roles_required(Role.CADRE)
@require_POST
def leave_submit_view(request: HttpRequest, leave_pk: int) -> HttpResponse:
    actor = acting_user(request)
    leave = selectors.access_leave(actor=actor, pk=leave_pk)
    act(
        request,
        gettext("请假已提交，等待审批。"),
        services.leave_submit,
        refusals=REFUSALS,
        actor=actor,
        leave=leave,
    )
    return _detail(leave)


@roles_required(Role.CADRE, Role.HOST_LEADER)
@require_POST
def leave_withdraw(request: HttpRequest, leave_pk: int) -> HttpResponse:
    actor = acting_user(request)
    leave = selectors.access_leave(actor=actor, pk=leave_pk)
    act(
        request,
        gettext("请假已撤回。"),
        services.leave_withdraw,
        refusals=REFUSALS,
        actor=actor,
        leave=leave,
    )
    return _detail(leave)


@roles_required(Role.CADRE, Role.HOST_LEADER)
@require_POST
def leave_attachment_upload(request: HttpRequest, leave_pk: int) -> HttpResponse:
    actor = acting_user(request)
    leave = selectors.access_leave(actor=actor, pk=leave_pk)
    form = LeaveAttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        attachment = submit(
            form,
            services.leave_attachment_add,
            refusals=REFUSALS,
            actor=actor,
            leave=leave,
            upload=form.cleaned_data["file"],
        )
        if attachment is not None:
            messages.success(request, gettext("已上传“%(name)s”。") % {"name": attachment.name})
            return _detail(leave)
    return _detail_page(request, leave, attachment_form=form)


@roles_required(Role.CADRE)
def leave_extend(request: HttpRequest, leave_pk: int) -> HttpResponse:
    actor = acting_user(request)
    leave = selectors.access_leave(actor=actor, pk=leave_pk)
    if not selectors.leave_actions(actor=actor, leave=leave).extend:
        messages.error(request, gettext("这份请假现在不能续假：续假须由本人在请假结束前提出。"))
        return _detail(leave)
    initial = {
        "reason": leave.reason,
        "stand_in": leave.stand_in,
        "contact_phone": leave.contact_phone,
    }
    form = ExtendForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        extension = submit(
            form,
            services.leave_extend,
            refusals=REFUSALS,
            actor=actor,
            leave=leave,
            **form.extension_fields(),
        )
        if extension is not None:
            messages.success(
                request,
                gettext("续假已提交（%(days)s天），等待审批。")
                % {"days": days_text(extension.days)},
            )
            return _detail(extension)
    start, start_half = slot_day(leave.end_slot + 1)
    return render_person_page(
        request,
        "duty/leave_extend.html",
        leave.assignment,
        {"leave": leave, "form": form, "start": start, "start_half": Half(start_half).label},
    )


@roles_required(Role.CADRE, Role.HOST_LEADER)
def leave_return_view(request: HttpRequest, leave_pk: int) -> HttpResponse:
    actor = acting_user(request)
    leave = selectors.access_leave(actor=actor, pk=leave_pk)
    if not selectors.leave_actions(actor=actor, leave=leave).report_back:
        messages.error(request, gettext("这份请假现在不能销假。"))
        return _detail(leave)
    form = ReturnForm(
        request.POST if request.method == "POST" else None,
        initial={"returned_date": timezone.localdate(), "returned_half": Half.AM},
    )
    if request.method == "POST" and form.is_valid():
        settled = submit(
            form,
            leave_return,
            refusals=REFUSALS,
            actor=actor,
            leave=leave,
            **form.return_fields(),
        )
        if settled is not None:
            if settled.state == LeaveState.WITHDRAWN:  # back on the day it began: not taken
                done = gettext("已销假：请假未休，已撤回，%(days)s天退回额度。")
            else:
                done = gettext("已销假，实际休假%(days)s天。")
            messages.success(request, done % {"days": days_text(settled.days)})
            return _detail(settled)
    return render_person_page(
        request,
        "duty/leave_return.html",
        leave.assignment,
        {"leave": leave, "form": form, "days_text": days_text},
    )


# --- the approval inbox ---------------------------------------------------------------------------


@roles_required(*APPROVERS)
@cached_page
def approval_inbox(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    acknowledges_away = scopes_of(actor).has(Role.HOST_LEADER)
    return render_page(
        request,
        "duty/approval_inbox.html",
        {
            "page": selectors.approval_inbox_page(actor=actor, number=request.GET.get("page")),
            # The htmx pager swaps the leave list only: the away reports are not read for it.
            "away": (
                selectors.away_waiting(actor=actor)
                if acknowledges_away and not getattr(request, "htmx", False)
                else []
            ),
            "acknowledges_away": acknowledges_away,
            "days_text": days_text,
        },
        partial="results",
    )
