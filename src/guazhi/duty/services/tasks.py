"""Writing the task list (任务清单): the cadre proposes, the host leader agrees, the cadre ticks off.

The cadre proposes tasks with a target month inside the term; the host leader over the host
unit agrees them, one by one or all at once; the host leader or a coordinator drops one with a
reason; each month the cadre ticks off what is done, with a note and their own log entries as
proof (逐月对账销号). Every write needs the assignment still on duty.

A proposal sent twice (a double tap) makes one task: proposing locks the person's assignment
row, and inside that lock the same task proposed within SAME_FORM_WINDOW is the answer.
Evidence of a tick-off is the person's own log, dated no later than the end of the month the
task is ticked off in: what happened afterwards cannot prove that month's work.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guazhi.core.audit import audit_record, history_by
from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.jinja import format_date
from guazhi.duty.models import DutyTask, TaskState, WorkLogEntry
from guazhi.duty.periods import month_end, month_start, month_text, term_bounds
from guazhi.duty.selectors.scope import is_own
from guazhi.duty.selectors.tasks import can_agree_tasks, can_drop_tasks
from guazhi.duty.services.same_form import same_form_since
from guazhi.programmes.models import Assignment, AssignmentState

TITLE_MAX = 100
REASON_MAX = 100  # the form says so: a reason is a sentence, not a report


def _check_on_duty(assignment: Assignment) -> None:
    if assignment.state != AssignmentState.ACTIVE:
        raise InvalidTransition(
            _("挂职安排当前为“%(state)s”，任务清单不能再变动。")
            % {"state": assignment.get_state_display()}
        )


def _lock(task: DutyTask) -> DutyTask:
    return (
        DutyTask.objects.select_for_update(of=("self",))
        .select_related("assignment__batch__coordinating_org", "assignment__host_unit")
        .get(pk=task.pk)
    )


def _state_refusal(task: DutyTask, doing: str) -> InvalidTransition:
    return InvalidTransition(
        _("任务“%(title)s”当前为“%(state)s”，不能%(doing)s。")
        % {"title": task.title, "state": task.get_state_display(), "doing": doing}
    )


@transaction.atomic
def task_propose(
    *,
    actor: Any,
    assignment: Assignment,
    title: str,
    description: str = "",
    target_month: dt.date | None,
    today: dt.date | None = None,
) -> DutyTask:
    """A task the cadre proposes for their own record, due in `target_month` (any day of it);
    the task proposed moments ago when this one is the same (the form sent twice)."""
    today = today or timezone.localdate()
    # The person's row is the lock two submissions of one form queue on.
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("batch")
        .get(pk=assignment.pk)
    )
    if not is_own(actor=actor, assignment=assignment):
        raise Forbidden(_("任务只能由挂职干部本人提出。"))
    _check_on_duty(assignment)
    title, description = (title or "").strip(), (description or "").strip()
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("请填写任务。")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("任务不能超过%(n)s个字。") % {"n": TITLE_MAX}
    if target_month is None:
        errors["target_month"] = _("请选择计划完成月份。")
    else:
        target_month = month_start(target_month)
        start, end = term_bounds(assignment)
        if target_month < month_start(start) or target_month > end:
            errors["target_month"] = _("计划完成月份须在挂职期内（%(start)s至%(end)s）。") % {
                "start": format_date(start),
                "end": format_date(end),
            }
        elif target_month < month_start(today):
            errors["target_month"] = _("计划完成月份不能早于本月。")
    if errors:
        raise ValidationFailed(_("任务填写有误。"), detail=errors)
    assert target_month is not None
    # Only the person proposes on their own record: the assignment names the author.
    sent_before = (
        DutyTask.objects.filter(
            assignment=assignment,
            title=title,
            description=description,
            target_month=target_month,
            created_at__gte=same_form_since(),
        )
        .order_by("id")
        .first()
    )
    if sent_before is not None:
        return sent_before
    task = DutyTask(
        assignment=assignment, title=title, description=description, target_month=target_month
    )
    history_by(actor, task)
    task.save()
    audit_record(
        actor=actor,
        action="task.propose",
        obj=task,
        detail={"title": title, "target_month": target_month.strftime("%Y-%m")},
    )
    return task


def _agree(actor: Any, task: DutyTask) -> None:
    task.state = TaskState.AGREED
    task.agreed_by = actor
    task.agreed_at = timezone.now()
    history_by(actor, task)
    task.save(update_fields=["state", "agreed_by", "agreed_at", "updated_at"])
    audit_record(
        actor=actor,
        action="task.agree",
        obj=task,
        detail={"title": task.title, "target_month": task.target_month.strftime("%Y-%m")},
    )


@transaction.atomic
def task_agree(*, actor: Any, task: DutyTask) -> DutyTask:
    """The host leader agrees one proposed task."""
    task = _lock(task)
    if not can_agree_tasks(actor=actor, assignment=task.assignment):
        raise Forbidden(_("任务清单须由接收单位领导确认。"))
    _check_on_duty(task.assignment)
    if task.state != TaskState.PROPOSED:
        raise _state_refusal(task, _("确认"))
    _agree(actor, task)
    return task


@transaction.atomic
def task_agree_all(*, actor: Any, assignment: Assignment) -> list[DutyTask]:
    """The host leader agrees every task of the person still waiting, at once."""
    assignment = Assignment.objects.select_related("batch__coordinating_org", "host_unit").get(
        pk=assignment.pk
    )
    if not can_agree_tasks(actor=actor, assignment=assignment):
        raise Forbidden(_("任务清单须由接收单位领导确认。"))
    _check_on_duty(assignment)
    waiting = list(
        DutyTask.objects.select_for_update(of=("self",))
        .filter(assignment=assignment, state=TaskState.PROPOSED)
        .order_by("target_month", "id")
    )
    if not waiting:
        raise InvalidTransition(_("没有待确认的任务。"))
    for task in waiting:
        _agree(actor, task)
    return waiting


@transaction.atomic
def task_drop(*, actor: Any, task: DutyTask, reason: str) -> DutyTask:
    """The host leader or a coordinator drops a task not yet ticked off, saying why."""
    task = _lock(task)
    if not can_drop_tasks(actor=actor, assignment=task.assignment):
        raise Forbidden(_("只有接收单位领导或组织部门可以取消任务。"))
    _check_on_duty(task.assignment)
    if task.state not in (TaskState.PROPOSED, TaskState.AGREED):
        raise _state_refusal(task, _("取消"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("请填写取消原因。"), detail={"reason": _("请填写取消原因。")})
    if len(reason) > REASON_MAX:
        message = _("取消原因不能超过%(n)s个字。") % {"n": REASON_MAX}
        raise ValidationFailed(message, detail={"reason": message})
    previous = task.state
    task.state = TaskState.DROPPED
    task.drop_reason = reason
    history_by(actor, task)
    task.save(update_fields=["state", "drop_reason", "updated_at"])
    audit_record(
        actor=actor,
        action="task.drop",
        obj=task,
        detail={"title": task.title, "task_state": previous, "reason": reason},
    )
    return task


@transaction.atomic
def task_tick_off(
    *,
    actor: Any,
    task: DutyTask,
    note: str,
    evidence: Sequence[int],
    month: dt.date | None = None,
    today: dt.date | None = None,
) -> DutyTask:
    """The cadre marks an agreed task done in `month` (default: this month) with a note and
    the ids of their own log entries that prove it."""
    today = today or timezone.localdate()
    task = _lock(task)
    if not is_own(actor=actor, assignment=task.assignment):
        raise Forbidden(_("任务只能由挂职干部本人销号。"))
    _check_on_duty(task.assignment)
    if task.state == TaskState.PROPOSED:
        raise InvalidTransition(
            _("任务“%(title)s”尚未经接收单位领导确认，不能销号。") % {"title": task.title}
        )
    if task.state != TaskState.AGREED:
        raise _state_refusal(task, _("销号"))
    note = (note or "").strip()
    done_month = month_start(month or today)
    errors: dict[str, str] = {}
    start, _end = term_bounds(task.assignment)
    if done_month > month_start(today):
        errors["month"] = _("销号月份不能晚于本月。")
    elif done_month < month_start(start):
        errors["month"] = _("销号月份须在挂职期内。")
    if not note:
        errors["note"] = _("请填写完成情况。")
    wanted = set(evidence)
    proofs = list(WorkLogEntry.objects.filter(pk__in=wanted).order_by("date", "id"))
    if not wanted:
        errors["evidence"] = _("请选择至少一条证明完成情况的工作纪实。")
    elif len(proofs) != len(wanted) or any(p.assignment_id != task.assignment_id for p in proofs):
        # Another person's entries are not named: the cadre may not even see them.
        errors["evidence"] = _("佐证只能是本人的工作纪实，所选记录中有不属于本人的。")
    else:
        late = [p for p in proofs if p.date > month_end(done_month)]
        if late:
            errors["evidence"] = _(
                "佐证纪实“%(date)s %(title)s”晚于销号月份（%(month)s），不能作为这个月的佐证。"
            ) % {
                "date": format_date(late[0].date),
                "title": late[0].title,
                "month": month_text(done_month),
            }
        elif any(p.date > today for p in proofs):
            errors["evidence"] = _("佐证纪实的日期不能晚于今天。")
    if errors:
        raise ValidationFailed(_("销号填写有误。"), detail=errors)
    task.state = TaskState.DONE
    task.done_month = done_month
    task.done_note = note
    history_by(actor, task)
    task.save(update_fields=["state", "done_month", "done_note", "updated_at"])
    task.evidence.set(proofs)
    audit_record(
        actor=actor,
        action="task.tick_off",
        obj=task,
        detail={
            "title": task.title,
            "month": done_month.strftime("%Y-%m"),
            "done_note": note,
            "evidence": [f"{p.date.isoformat()} {p.title}" for p in proofs],
        },
    )
    return task
