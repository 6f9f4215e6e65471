"""The task list pages: the month-by-month reconciliation (逐月对账) with the proposal form for
the cadre, agreement buttons for the host leader, dropping with a reason, ticking off with proof.
"""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from guazhi.core.errors import GuazhiError
from guazhi.core.text import ascii_number
from guazhi.duty.forms.tasks import (
    TaskDropForm,
    TaskProposeForm,
    TaskTickOffForm,
    evidence_label,
)
from guazhi.duty.models import DutyTask, TaskState
from guazhi.duty.periods import month_start
from guazhi.duty.selectors import tasks as selectors
from guazhi.duty.selectors.logs import term_months
from guazhi.duty.selectors.scope import access_duty_assignment, is_own
from guazhi.duty.services import tasks as services
from guazhi.duty.views.common import act, render_person_page, submit
from guazhi.orgs.access import acting_user, roles_required
from guazhi.orgs.models import Role
from guazhi.programmes.models import Assignment, AssignmentState
from guazhi.programmes.selectors.scope import BATCH_STAFF_ROLES

EVERYONE = (*BATCH_STAFF_ROLES, Role.CADRE)
DROPPERS = (Role.HOST_LEADER, Role.COORDINATOR)


def _on_duty(assignment: Assignment) -> bool:
    return assignment.state == AssignmentState.ACTIVE


def _proposal_months(assignment: Assignment, today: dt.date) -> list[dt.date]:
    return [m for m in term_months(assignment) if m >= month_start(today)]


@roles_required(*EVERYONE)
def task_list(request: HttpRequest, assignment_pk: int) -> HttpResponse:
    actor = acting_user(request)
    assignment = access_duty_assignment(actor=actor, pk=assignment_pk)
    today = timezone.localdate()
    own = _on_duty(assignment) and is_own(actor=actor, assignment=assignment)
    form = TaskProposeForm(
        request.POST if request.method == "POST" else None,
        months=_proposal_months(assignment, today),
    )
    if request.method == "POST" and form.is_valid():
        task = submit(
            form,
            services.task_propose,
            actor=actor,
            assignment=assignment,
            today=today,
            **form.task_fields(),
        )
        if task is not None:
            messages.success(
                request,
                gettext("已提出任务“%(title)s”，待接收单位领导确认。") % {"title": task.title},
            )
            return redirect("duty:task_list", assignment_pk=assignment.pk)
    on_duty = _on_duty(assignment)
    return render_person_page(
        request,
        "duty/task_list.html",
        assignment,
        {
            "board": selectors.task_board(actor=actor, assignment=assignment, today=today),
            "form": form if own else None,
            "own": own,
            "can_agree": on_duty and selectors.can_agree_tasks(actor=actor, assignment=assignment),
            "can_drop": on_duty and selectors.can_drop_tasks(actor=actor, assignment=assignment),
            "TaskState": TaskState,
        },
    )


@roles_required(Role.HOST_LEADER)
@require_POST
def task_agree(request: HttpRequest, task_pk: int) -> HttpResponse:
    actor = acting_user(request)
    task = selectors.access_task(actor=actor, pk=task_pk)
    act(
        request,
        gettext("已确认任务“%(title)s”。") % {"title": task.title},
        services.task_agree,
        refusals=(GuazhiError,),  # an administrator reads the list but agrees nothing
        actor=actor,
        task=task,
    )
    return redirect("duty:task_list", assignment_pk=task.assignment_id)


@roles_required(Role.HOST_LEADER)
@require_POST
def task_agree_all(request: HttpRequest, assignment_pk: int) -> HttpResponse:
    actor = acting_user(request)
    assignment = access_duty_assignment(actor=actor, pk=assignment_pk)

    def done(agreed: list[DutyTask]) -> str:
        return ngettext("已确认%(n)s项任务。", "已确认%(n)s项任务。", len(agreed)) % {
            "n": len(agreed)
        }

    act(
        request,
        done,
        services.task_agree_all,
        refusals=(GuazhiError,),
        actor=actor,
        assignment=assignment,
    )
    return redirect("duty:task_list", assignment_pk=assignment.pk)


def _task_page(
    request: HttpRequest, template: str, task: DutyTask, context: dict[str, Any]
) -> HttpResponse:
    return render_person_page(request, template, task.assignment, {"task": task, **context})


@roles_required(*DROPPERS)
def task_drop(request: HttpRequest, task_pk: int) -> HttpResponse:
    actor = acting_user(request)
    task = selectors.access_task(actor=actor, pk=task_pk)
    if not selectors.can_drop_tasks(actor=actor, assignment=task.assignment):
        messages.error(request, gettext("只有接收单位领导或组织部门可以取消任务。"))
        return redirect("duty:task_list", assignment_pk=task.assignment_id)
    form = TaskDropForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        dropped = submit(
            form, services.task_drop, actor=actor, task=task, reason=form.cleaned_data["reason"]
        )
        if dropped is not None:
            messages.success(request, gettext("已取消任务“%(title)s”。") % {"title": task.title})
            return redirect("duty:task_list", assignment_pk=task.assignment_id)
    return _task_page(request, "duty/task_drop.html", task, {"form": form})


@roles_required(Role.CADRE)
def task_tick_off(request: HttpRequest, task_pk: int) -> HttpResponse:
    actor = acting_user(request)
    task = selectors.access_task(actor=actor, pk=task_pk)
    if not is_own(actor=actor, assignment=task.assignment):
        messages.error(request, gettext("任务只能由挂职干部本人销号。"))
        return redirect("duty:task_list", assignment_pk=task.assignment_id)
    today = timezone.localdate()
    months = list(reversed(term_months(task.assignment, until=today)))
    entries = selectors.evidence_choices(actor=actor, task=task, today=today)
    form = TaskTickOffForm(
        request.POST if request.method == "POST" else None,
        months=months,
        entries=entries,
        initial={"month": month_start(today).strftime("%Y-%m")},
    )
    if request.method == "POST" and form.is_valid():
        done = submit(
            form, services.task_tick_off, actor=actor, task=task, today=today, **form.tick_fields()
        )
        if done is not None:
            messages.success(request, gettext("任务“%(title)s”已销号。") % {"title": task.title})
            return redirect("duty:task_list", assignment_pk=task.assignment_id)
    picked = (ascii_number(str(value)) for value in form["evidence"].value() or [])
    chosen = {number for number in picked if number is not None}
    groups = selectors.evidence_months(entries)
    # Open: the two latest months, the task's target month and any month with a ticked entry;
    # the others fold away (a term holds hundreds of entries).
    shown = {g.month for g in groups[:2]} | {task.target_month}
    shown |= {g.month for g in groups if any(e.pk in chosen for e in g.entries)}
    return _task_page(
        request,
        "duty/task_tick_off.html",
        task,
        {
            "form": form,
            "evidence_months": groups,
            "chosen": chosen,
            "open_months": shown,
            "evidence_label": evidence_label,
        },
    )
