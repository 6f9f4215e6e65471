"""Reading the task list (任务清单) and reconciling it month by month (逐月对账销号).

A task is due in its target month. Ticked off (DONE) it is settled, late when ticked after
that month; not ticked by the end of its target month it is overdue; dropped it no longer
counts. Who may agree and drop is decided here too, so the page offers only what the service
will accept.
"""

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from guazhi.core.errors import NotFound
from guazhi.duty.models import DutyTask, TaskState, WorkLogEntry
from guazhi.duty.periods import month_start, month_text, term_bounds
from guazhi.duty.selectors.scope import duty_assignment_queryset
from guazhi.orgs.models import Role
from guazhi.orgs.scopes import scopes_of
from guazhi.programmes.models import Assignment

OPEN_STATES = (TaskState.PROPOSED, TaskState.AGREED)


def task_queryset(actor: Any) -> QuerySet[DutyTask]:
    return DutyTask.objects.filter(assignment__in=duty_assignment_queryset(actor).values("pk"))


def access_task(*, actor: Any, pk: int) -> DutyTask:
    task = (
        task_queryset(actor)
        .filter(pk=pk)
        .select_related(
            "assignment__batch__coordinating_org",
            "assignment__cadre__user",
            "assignment__post",
            "assignment__host_unit",
            "assignment__home_unit",
        )
        .first()
    )
    if task is None:
        raise NotFound()
    return task


def holds_role(actor: Any, role: str, path: str, batch_id: int) -> bool:
    """The role itself over the unit at `path` for the batch. An administrator reads every list
    but agrees and drops nothing: that is the host unit's and the department's word."""
    return any(
        grant.role == role and path.startswith(grant.path) and grant.batch_id in (None, batch_id)
        for grant in scopes_of(actor).grants
    )


def can_agree_tasks(*, actor: Any, assignment: Assignment) -> bool:
    """The host leader over the person's host unit, unless it is the person: a seconded cadre
    who also leads their host unit never agrees to their own tasks."""
    return assignment.cadre.user_id != actor.pk and holds_role(
        actor, Role.HOST_LEADER, assignment.host_unit.path, assignment.batch_id
    )


def can_drop_tasks(*, actor: Any, assignment: Assignment) -> bool:
    """The host leader over the host unit, or a coordinator over the batch; never the person."""
    return can_agree_tasks(actor=actor, assignment=assignment) or (
        assignment.cadre.user_id != actor.pk
        and holds_role(
            actor, Role.COORDINATOR, assignment.batch.coordinating_org.path, assignment.batch_id
        )
    )


class TaskStatus(StrEnum):
    PROPOSED = "proposed"
    AGREED = "agreed"  # agreed, its month not over yet
    OVERDUE = "overdue"  # not ticked off by the end of its target month
    DONE = "done"
    DONE_LATE = "done_late"  # ticked off after its target month
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return {
            TaskStatus.PROPOSED: _("待确认"),
            TaskStatus.AGREED: _("进行中"),
            TaskStatus.OVERDUE: _("逾期未销号"),
            TaskStatus.DONE: _("已销号"),
            TaskStatus.DONE_LATE: _("逾期后销号"),
            TaskStatus.DROPPED: _("已取消"),
        }[self]

    @property
    def tone(self) -> str:
        """The badge's colour class on the page."""
        return {
            TaskStatus.OVERDUE: "bad",
            TaskStatus.DONE: "ok",
            TaskStatus.DONE_LATE: "warn",
            TaskStatus.PROPOSED: "warn",
        }.get(self, "")


def task_status(task: DutyTask, today: dt.date) -> TaskStatus:
    current = month_start(today)
    if task.state == TaskState.DROPPED:
        return TaskStatus.DROPPED
    if task.state == TaskState.DONE:
        late = task.done_month is not None and task.done_month > task.target_month
        return TaskStatus.DONE_LATE if late else TaskStatus.DONE
    if task.target_month < current:
        return TaskStatus.OVERDUE
    return TaskStatus.PROPOSED if task.state == TaskState.PROPOSED else TaskStatus.AGREED


@dataclass
class TaskRow:
    task: DutyTask
    status: TaskStatus
    evidence: list[WorkLogEntry]
    drop_reason: str = ""


@dataclass
class TaskMonth:
    month: dt.date
    label: str
    rows: list[TaskRow] = field(default_factory=list)
    due: int = 0  # tasks targeted at the month, dropped ones aside
    done: int = 0
    overdue: int = 0
    dropped: int = 0


@dataclass
class TaskBoard:
    months: list[TaskMonth]
    due: int = 0
    done: int = 0
    overdue: int = 0
    proposed: int = 0  # waiting for the host leader


def task_board(*, actor: Any, assignment: Assignment, today: dt.date | None = None) -> TaskBoard:
    """The person's task list by target month, oldest first, each month reconciled: due, done,
    overdue. `assignment` comes from access_duty_assignment for `actor`. Three queries."""
    today = today or timezone.localdate()
    tasks = list(
        DutyTask.objects.filter(assignment=assignment)
        .order_by("target_month", "id")
        .prefetch_related(
            Prefetch(
                "evidence", WorkLogEntry.objects.order_by("date", "id").only("id", "date", "title")
            )
        )
    )
    board = TaskBoard([])
    months: dict[dt.date, TaskMonth] = {}
    for task in tasks:
        status = task_status(task, today)
        month = months.get(task.target_month)
        if month is None:
            month = months[task.target_month] = TaskMonth(
                task.target_month, month_text(task.target_month)
            )
            board.months.append(month)
        month.rows.append(TaskRow(task, status, list(task.evidence.all()), task.drop_reason))
        if status == TaskStatus.DROPPED:
            month.dropped += 1
            continue
        month.due += 1
        board.due += 1
        if status in (TaskStatus.DONE, TaskStatus.DONE_LATE):
            month.done += 1
            board.done += 1
        elif status == TaskStatus.OVERDUE:
            month.overdue += 1
            board.overdue += 1
        if task.state == TaskState.PROPOSED:
            board.proposed += 1
    return board


def evidence_choices(
    *, actor: Any, task: DutyTask, today: dt.date | None = None
) -> list[WorkLogEntry]:
    """The person's entries offered as proof: every entry of the term up to today, newest
    first. A task worked on over months is proved by entries of any of them; the page groups
    them by month (evidence_months). `task` comes from access_task for `actor`."""
    today = today or timezone.localdate()
    start, end = term_bounds(task.assignment)
    return list(
        WorkLogEntry.objects.filter(
            assignment_id=task.assignment_id, date__gte=start, date__lte=min(end, today)
        )
        .order_by("-date", "-id")
        .only("id", "date", "title", "category", "accomplishment")
    )


@dataclass(frozen=True)
class EvidenceMonth:
    month: dt.date
    label: str
    entries: list[WorkLogEntry]


def evidence_months(entries: list[WorkLogEntry]) -> list[EvidenceMonth]:
    """`entries` (newest first) by month, newest month first."""
    months: dict[dt.date, list[WorkLogEntry]] = {}
    for entry in entries:
        months.setdefault(month_start(entry.date), []).append(entry)
    return [EvidenceMonth(month, month_text(month), rows) for month, rows in months.items()]
