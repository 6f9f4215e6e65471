"""The batch's 在岗规则 page: its coordinators edit the general rules, the leave types and the
approval chain, each part saved on its own (a refusal keeps what was typed in that part)."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext

from guazhi.core.errors import Forbidden, ValidationFailed
from guazhi.core.forms import GuazhiForm, show_service_errors
from guazhi.duty.forms.rules import ApprovalLineForm, DutyRulesForm, LeaveTypeRowForm
from guazhi.duty.models import LeaveApprovalRule, LeaveType
from guazhi.duty.services import rules as services
from guazhi.duty.views.common import render_batch_page
from guazhi.orgs.access import acting_user, roles_required
from guazhi.orgs.models import Role
from guazhi.programmes.models import Batch
from guazhi.programmes.selectors.scope import access_batch

BLANK_LINES = 2  # empty chain lines offered for new rules
MAX_LINES = 30


def _type_rows(batch: Batch, data: Any = None) -> list[LeaveTypeRowForm]:
    types = LeaveType.objects.filter(batch=batch).order_by("id")
    return [LeaveTypeRowForm(data, leave_type=leave_type) for leave_type in types]


def _line_rows(batch: Batch, data: Any = None) -> list[ApprovalLineForm]:
    types = list(LeaveType.objects.filter(batch=batch).order_by("id"))
    if data is not None:
        try:
            count = min(int(data.get("line-count", 0)), MAX_LINES)
        except ValueError:
            count = 0
        return [ApprovalLineForm(data, number=n, types=types) for n in range(1, count + 1)]
    rules = LeaveApprovalRule.objects.filter(batch=batch).order_by("id")
    rows = [
        ApprovalLineForm(number=n, types=types, initial=ApprovalLineForm.initial_of(rule))
        for n, rule in enumerate(rules, start=1)
    ]
    return rows + [
        ApprovalLineForm(number=len(rows) + n, types=types) for n in range(1, BLANK_LINES + 1)
    ]


@roles_required(Role.COORDINATOR)
def rules_edit(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk, manage=True)
    rules = services.duty_rules_of(batch)
    section = request.POST.get("section", "") if request.method == "POST" else ""
    general = DutyRulesForm(
        request.POST if section == "general" else None, initial=DutyRulesForm.initial_of(rules)
    )
    types = _type_rows(batch, request.POST if section == "types" else None)
    lines = _line_rows(batch, request.POST if section == "chain" else None)
    # Messages about a section as a whole (no row named) go above its table.
    notes = {"types": GuazhiForm({}), "chain": GuazhiForm({})}
    for note in notes.values():
        note.is_valid()
    if section:
        done = _save(request, section, batch, general, types, lines, notes)
        if done:
            messages.success(request, done)
            return redirect("duty:rules_edit", batch_pk=batch.pk)
    return render_batch_page(
        request,
        "duty/rules_edit.html",
        batch,
        {
            "general": general,
            "types": types,
            "lines": lines,
            "types_notes": notes["types"],
            "chain_notes": notes["chain"],
        },
    )


def _save(
    request: HttpRequest,
    section: str,
    batch: Batch,
    general: DutyRulesForm,
    types: list[LeaveTypeRowForm],
    lines: list[ApprovalLineForm],
    notes: dict[str, GuazhiForm],
) -> str:
    """The section saved, and what to say; "" when refused (the forms say why)."""
    actor = acting_user(request)
    try:
        if section == "general" and general.is_valid():
            services.duty_rules_update(actor=actor, batch=batch, **general.rules_fields())
            return gettext("在岗管理规则已保存。")
        if section == "types" and all([row.is_valid() for row in types]):
            services.leave_types_update(
                actor=actor, batch=batch, changes=[row.change() for row in types]
            )
            return gettext("假别设置已保存。")
        if section == "chain" and all([row.is_valid() for row in lines]):
            services.leave_approval_rules_update(
                actor=actor, batch=batch, lines=[row.line() for row in lines]
            )
            return gettext("请假审批规则已保存。")
    except ValidationFailed as error:
        target = general if section == "general" else notes[section]
        show_service_errors(target, error, rows={"types": types, "lines": lines})
    except Forbidden as error:
        messages.error(request, str(error.message))
    return ""
