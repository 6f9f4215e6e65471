"""The evidence beside the rating form: a person's record over the round's period, in figures.

Raters weigh a person on what the record shows, not on memory: the work log (entries,
accomplishments, quantity totals), the task list (due, ticked off, overdue), attendance (在岗率),
leave taken by type, what unannounced inspections found, and the periodic reports (late or
returned). Every figure is read from the duty app's own rules (log_summary, task_status, the
attendance count, report_is_late), over the round's period clipped to the person's term and, for
what happens day by day, to today: a rater in the middle of the period sees the record so far.

Only released inspection checks count (as attendance counts them), whoever reads: every rater
sees the same evidence, and nothing here tells the host unit an inspection is under way.

`evaluee_evidence(actor=, evaluee=)` checks the actor reaches the person (evaluation scope) and
answers NotFound otherwise; the template evaluation/evidence.html shows an `evidence`.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from guazhi.core.errors import NotFound
from guazhi.duty.counting import days_within
from guazhi.duty.models import (
    CheckResult,
    DutyTask,
    Half,
    LeaveRequest,
    LeaveState,
    ReportReview,
    ReportState,
    ReviewAction,
    half_slot,
)
from guazhi.duty.periods import month_start, term_bounds
from guazhi.duty.selectors import attendance as attendance_selectors
from guazhi.duty.selectors.attendance import AttendanceFigures
from guazhi.duty.selectors.inspections import released_check_queryset
from guazhi.duty.selectors.log_summary import LogSummary, log_summary
from guazhi.duty.selectors.reports import MISSING, PeriodRow, person_report_rows
from guazhi.duty.selectors.tasks import TaskStatus, task_status
from guazhi.evaluation.models import Evaluee
from guazhi.evaluation.selectors.scope import evaluee_queryset
from guazhi.programmes.models import Assignment

# Leave whose days were taken (the same states attendance counts as on leave).
TAKEN_LEAVE_STATES = (
    LeaveState.APPROVED,
    LeaveState.ON_LEAVE,
    LeaveState.OVERDUE,
    LeaveState.RETURNED,
)


@dataclass(frozen=True)
class TaskProgress:
    """Tasks targeted at a month of the period (dropped ones aside)."""

    due: int
    done: int  # ticked off, in time or late
    done_late: int
    overdue: int  # not ticked off by the end of their month
    pending: int  # their month not over yet, or still waiting to be agreed

    @property
    def done_text(self) -> str:
        return f"{self.done}/{self.due}"


@dataclass(frozen=True)
class LeaveTaken:
    leave_type: str
    days: Decimal  # counted by the type's own rule (working or calendar days)


@dataclass(frozen=True)
class CheckFindings:
    recorded: int
    present: int
    on_leave: int
    absent: int  # 脱岗 found
    absent_days: tuple[dt.date, ...]


@dataclass(frozen=True)
class ReportRecord:
    periods: int  # report periods of the term touching the round's period, begun by today
    submitted: int  # submitted at least once (waiting, returned or accepted)
    accepted: int
    returned: int  # returned at least once
    late: int  # submitted late, or outstanding past the due date
    missing: int  # not even drafted
    flagged: tuple[PeriodRow, ...]  # the late or returned ones, newest first


@dataclass(frozen=True)
class Evidence:
    evaluee: Evaluee
    start: dt.date  # the round's period clipped to the term
    end: dt.date
    until: dt.date  # the last day counted for what happens day by day (end, or today)
    log: LogSummary
    tasks: TaskProgress
    attendance: AttendanceFigures
    leave: tuple[LeaveTaken, ...]
    checks: CheckFindings
    reports: ReportRecord

    @property
    def leave_total(self) -> Decimal:
        return sum((row.days for row in self.leave), Decimal(0))


def evaluee_evidence(*, actor: Any, evaluee: Evaluee, today: dt.date | None = None) -> Evidence:
    """The person's record over the round's period (see the module's docstring); NotFound
    unless the actor reaches the person. Reads evaluee.round and evaluee.assignment with its
    batch (access_evaluee loads them)."""
    today = today or timezone.localdate()
    if not evaluee_queryset(actor).filter(pk=evaluee.pk).exists():
        raise NotFound()
    assignment = evaluee.assignment
    round = evaluee.round
    term_start, term_end = term_bounds(assignment)
    start = max(round.period_start, term_start)
    end = min(round.period_end, term_end)
    until = min(end, today)
    return Evidence(
        evaluee=evaluee,
        start=start,
        end=end,
        until=until,
        log=log_summary(assignment, start, end),
        tasks=_tasks(assignment, start, end, today),
        # The attendance pages' own count, so 在岗率 here is the rate they would show.
        attendance=attendance_selectors.attendance_period(assignment, start, end, today=today),
        leave=_leave(assignment, start, until),
        checks=_checks(assignment, start, until, today),
        reports=_reports(actor, assignment, start, end, today),
    )


def _tasks(assignment: Assignment, start: dt.date, end: dt.date, today: dt.date) -> TaskProgress:
    counts: dict[TaskStatus, int] = defaultdict(int)
    for task in DutyTask.objects.filter(
        assignment=assignment, target_month__gte=month_start(start), target_month__lte=end
    ).only("state", "target_month", "done_month"):
        counts[task_status(task, today)] += 1
    done = counts[TaskStatus.DONE] + counts[TaskStatus.DONE_LATE]
    pending = counts[TaskStatus.PROPOSED] + counts[TaskStatus.AGREED]
    return TaskProgress(
        due=done + counts[TaskStatus.OVERDUE] + pending,
        done=done,
        done_late=counts[TaskStatus.DONE_LATE],
        overdue=counts[TaskStatus.OVERDUE],
        pending=pending,
    )


def _leave(assignment: Assignment, start: dt.date, until: dt.date) -> tuple[LeaveTaken, ...]:
    """Days away on approved leave from `start` to `until`, by type, each type counting by its
    own rule; a leave reported back early counts up to the return."""
    if until < start:
        return ()
    first, last = half_slot(start, Half.AM), half_slot(until, Half.PM)
    days: dict[int, Decimal] = defaultdict(Decimal)
    names: dict[int, str] = {}
    for leave in (
        LeaveRequest.objects.filter(
            assignment=assignment,
            state__in=TAKEN_LEAVE_STATES,
            start_slot__lte=last,
            end_slot__gte=first,
        )
        .select_related("leave_type")
        .order_by("leave_type_id", "start_slot")
    ):
        covered_to = leave.end_slot
        if leave.returned_date is not None:
            back = half_slot(leave.returned_date, leave.returned_half or Half.AM)
            covered_to = min(covered_to, back - 1)
        taken = days_within(leave.leave_type.counting, leave.start_slot, covered_to, start, until)
        if taken:
            days[leave.leave_type_id] += taken
            names[leave.leave_type_id] = str(leave.leave_type)
    return tuple(LeaveTaken(names[pk], days[pk]) for pk in sorted(days))


def _checks(
    assignment: Assignment, start: dt.date, until: dt.date, today: dt.date
) -> CheckFindings:
    results = list(
        released_check_queryset(today=today)
        .filter(assignment=assignment, inspection__planned_on__range=(start, until))
        .order_by("inspection__planned_on", "pk")
        .values_list("result", "inspection__planned_on")
    )
    absent_days = tuple(sorted({day for result, day in results if result == CheckResult.ABSENT}))
    return CheckFindings(
        recorded=len(results),
        present=sum(1 for result, _day in results if result == CheckResult.PRESENT),
        on_leave=sum(1 for result, _day in results if result == CheckResult.ON_LEAVE),
        absent=sum(1 for result, _day in results if result == CheckResult.ABSENT),
        absent_days=absent_days,
    )


def _reports(
    actor: Any, assignment: Assignment, start: dt.date, end: dt.date, today: dt.date
) -> ReportRecord:
    rows = [
        row
        for row in person_report_rows(actor=actor, assignment=assignment, today=today)
        if row.period.start <= end and row.period.end >= start
    ]
    report_ids = [row.report.pk for row in rows if row.report is not None]
    returned_ids = set(
        ReportReview.objects.filter(report_id__in=report_ids, action=ReviewAction.RETURN)
        .values_list("report_id", flat=True)
        .distinct()
    )
    submitted_states = (ReportState.SUBMITTED, ReportState.RETURNED, ReportState.ACCEPTED)
    flagged = tuple(
        row
        for row in rows
        if row.late or (row.report is not None and row.report.pk in returned_ids)
    )
    return ReportRecord(
        periods=len(rows),
        submitted=sum(
            1
            for row in rows
            if row.report is not None
            and (row.state in submitted_states or row.report.submitted_at is not None)
        ),
        accepted=sum(1 for row in rows if row.state == ReportState.ACCEPTED),
        returned=sum(1 for row in rows if row.report is not None and row.report.pk in returned_ids),
        late=sum(1 for row in rows if row.late),
        missing=sum(1 for row in rows if row.state == MISSING),
        flagged=flagged,
    )


__all__ = [
    "CheckFindings",
    "Evidence",
    "LeaveTaken",
    "ReportRecord",
    "TaskProgress",
    "evaluee_evidence",
]
