"""Attendance (在岗率): a person's month or term, a batch's month, and the monthly returns (考勤月报).

Presence is about working days, whatever a leave type counts for its balance: every working
half day of the period (by the work calendar, within the term, not after today) is exactly one
of
- on leave: approved leave covers it (approved, on leave, overdue or returned; a returned
  leave up to the half day before the person was back), by the leave's type;
- absent: an inspection found the person absent without leave that day (脱岗: the whole day,
  one day per day whatever the number of checks), or it falls after the end of a leave not
  reported back in time (逾期未销假: from the half day after the end until the return);
- present: the rest.
The rate is present / due, None when nothing is due. Leave comes first — a day covered by
approved leave is not also absent — with one exception: an emergency leave (事后补办) entered
after the day on which an inspection found the person absent does not cover that day. It was
approved after the inspectors had called, so it cannot undo what they found (the rule the
inspector weighs in selectors.inspections.day_leave); the absence stands for that day, and the
leave still covers its other days. A leave entered afterwards by the end of the day itself
(the person fell ill that morning) does cover it.

Only released checks count (selectors.inspections.released_check_queryset): an inspection is
unannounced, and figures that moved on the day would tell the host unit inspectors were out.

Working half days are counted here against the month's working days read once, the same
count as counting.days_within with the working-day rule, so a batch of thousands of people
costs a fixed handful of queries: the people, their leave, their checks, the calendar.
"""

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from guazhi.core.calendar import add_working_days, workdays_in
from guazhi.duty.models import (
    AttendanceReturn,
    AwayReport,
    AwayState,
    CheckResult,
    DutyTask,
    Half,
    HeartTalk,
    LeaveRequest,
    LeaveState,
    LeaveType,
    PeriodicReport,
    ReportState,
    TaskState,
    WorkLogEntry,
    half_slot,
    slot_day,
)
from guazhi.duty.periods import month_end, month_start, next_month, term_bounds
from guazhi.duty.selectors.away import host_leader_reaches
from guazhi.duty.selectors.inspections import released_check_queryset, visible_check_queryset
from guazhi.duty.selectors.scope import duty_assignment_queryset, is_own
from guazhi.duty.services.rules import duty_rules_of
from guazhi.orgs.models import Organisation, User
from guazhi.programmes.models import Assignment, Batch

HALF = Decimal("0.5")
RATE_PLACES = Decimal("0.0001")
DAY_PLACES = Decimal("0.1")
# Leave whose days are approved: on leave, not absent.
COUNTED_LEAVE_STATES = (
    LeaveState.APPROVED,
    LeaveState.ON_LEAVE,
    LeaveState.OVERDUE,
    LeaveState.RETURNED,
)


@dataclass(frozen=True)
class AttendanceFigures:
    assignment: Assignment
    start: dt.date  # the first day counted (the later of the period's start and the term's)
    end: dt.date  # the last day counted (the period's end, the term's end or today)
    due: Decimal  # working days due
    leave_by_type: dict[int, Decimal]  # LeaveType pk -> working days on that leave
    leave: Decimal
    absent: Decimal
    present: Decimal
    rate: Decimal | None  # present / due, 4 places; None when nothing is due
    # Days an inspection found the person absent that count as absent (working, not on leave).
    absent_days: tuple[dt.date, ...] = field(default=())

    @property
    def rate_percent(self) -> str:
        """ "87.5%" for the pages; "—" when nothing is due."""
        if self.rate is None:
            return "—"
        return f"{(self.rate * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def serving_in(first: dt.date, last: dt.date) -> Q:
    """Q over Assignment for terms that touch [first, last] (start and end as periods.term_bounds
    reads them)."""
    started = Q(start_date__lte=last) | Q(start_date__isnull=True, batch__term_start__lte=last)
    not_ended = Q(end_date__gte=first) | Q(end_date__isnull=True, batch__term_end__gte=first)
    return started & not_ended


# Counting ----------------------------------------------------------------------------------


def _emergency_entered(leave: LeaveRequest) -> dt.date | None:
    """For an emergency leave (事后补办), the day it was entered; None for leave asked for in
    advance. It does not cover an absence found on a day before that one."""
    if not leave.emergency:
        return None
    return timezone.localdate(leave.submitted_at or leave.created_at)


def _back_slot(leave: LeaveRequest) -> int | None:
    """The first half day back at work, when the person has reported back (销假)."""
    if leave.returned_date is None:
        return None
    return half_slot(leave.returned_date, leave.returned_half or Half.AM)


def _count(
    assignment: Assignment,
    *,
    start: dt.date,
    end: dt.date,
    today: dt.date,
    workdays: Sequence[dt.date],
    leaves: Iterable[LeaveRequest],
    absent_checks: Iterable[dt.date],
) -> AttendanceFigures:
    """The figures of [start, end] for one person from rows already fetched. `workdays` are the
    working days of a span containing the window, in order."""
    term_start, term_end = term_bounds(assignment)
    start = max(start, term_start)
    end = min(end, term_end, today)
    if end < start:
        zero = Decimal("0.0")
        return AttendanceFigures(assignment, start, end, zero, {}, zero, zero, zero, None)
    days = workdays[bisect.bisect_left(workdays, start) : bisect.bisect_right(workdays, end)]
    slots = [half_slot(day, half) for day in days for half in (Half.AM, Half.PM)]
    first_slot, last_slot = half_slot(start, Half.AM), half_slot(end, Half.PM)

    def within(low: int, high: int) -> list[int]:
        low, high = max(low, first_slot), min(high, last_slot)
        return slots[bisect.bisect_left(slots, low) : bisect.bisect_right(slots, high)]

    checked_absent = sorted({day for day in absent_checks if start <= day <= end})
    absent_found = set(checked_absent)
    on_leave: dict[int, int] = {}  # slot -> leave type pk
    overdue: set[int] = set()
    for leave in leaves:
        back = _back_slot(leave)
        covered_to = leave.end_slot if back is None else min(leave.end_slot, back - 1)
        entered = _emergency_entered(leave)
        for slot in within(leave.start_slot, covered_to):
            if entered is not None:
                day = slot_day(slot)[0]
                if entered > day and day in absent_found:
                    continue  # entered after the inspectors had found the person absent
            on_leave.setdefault(slot, leave.leave_type_id)
        if leave.state == LeaveState.OVERDUE or leave.overdue_at is not None:
            overdue.update(within(leave.end_slot + 1, last_slot if back is None else back - 1))
    working = set(days)
    absent_slots = set(overdue)
    counted_days = []
    for day in checked_absent:
        halves = (half_slot(day, Half.AM), half_slot(day, Half.PM))
        if day in working and any(slot not in on_leave for slot in halves):
            absent_slots.update(halves)
            counted_days.append(day)
    leave_by_type: dict[int, Decimal] = defaultdict(Decimal)
    absent_halves = 0
    for slot in slots:
        type_pk = on_leave.get(slot)
        if type_pk is not None:
            leave_by_type[type_pk] += HALF
        elif slot in absent_slots:
            absent_halves += 1
    # Days to one place throughout (18.0, 2.5, 0.0), so pages and files line up.
    due = (HALF * len(slots)).quantize(DAY_PLACES)
    on_leave_days = sum(leave_by_type.values(), Decimal(0)).quantize(DAY_PLACES)
    absent = (HALF * absent_halves).quantize(DAY_PLACES)
    present = due - on_leave_days - absent
    rate = (present / due).quantize(RATE_PLACES, ROUND_HALF_UP) if due else None
    return AttendanceFigures(
        assignment,
        start,
        end,
        due,
        dict(leave_by_type),
        on_leave_days,
        absent,
        present,
        rate,
        tuple(counted_days),
    )


def _leave_in(start: dt.date, end: dt.date) -> Q:
    """Q over LeaveRequest for leave that counts in [start, end]: overlapping it, or overdue
    before it and not back until inside it."""
    first, last = half_slot(start, Half.AM), half_slot(end, Half.PM)
    return Q(state__in=COUNTED_LEAVE_STATES, start_slot__lte=last) & (
        Q(end_slot__gte=first)
        | Q(state=LeaveState.OVERDUE)
        | Q(overdue_at__isnull=False, returned_date__gte=start)
    )


def _attendance(
    people: Sequence[Assignment],
    scope: QuerySet[Assignment] | None,
    *,
    start: dt.date,
    end: dt.date,
    today: dt.date,
) -> list[AttendanceFigures]:
    """Figures of [start, end] for `people`, in their order. `scope` is a queryset of the same
    people for the leave and check queries (a subquery, not a list of thousands of ids)."""
    if not people:
        return []
    target: Any = scope.values("pk") if scope is not None else [p.pk for p in people]
    leaves: dict[int, list[LeaveRequest]] = defaultdict(list)
    for leave in LeaveRequest.objects.filter(_leave_in(start, end), assignment__in=target).only(
        "assignment_id",
        "leave_type_id",
        "state",
        "start_slot",
        "end_slot",
        "returned_date",
        "returned_half",
        "overdue_at",
        "emergency",
        "submitted_at",
        "created_at",
    ):
        leaves[leave.assignment_id].append(leave)
    checks: dict[int, list[dt.date]] = defaultdict(list)
    # Released checks only, whoever reads the figures: a coordinator's rates must match the
    # host unit's and the file sent on, not move on the day of an unannounced inspection.
    for assignment_id, day in (
        released_check_queryset(today=today)
        .filter(
            assignment__in=target,
            result=CheckResult.ABSENT,
            inspection__planned_on__range=(start, end),
        )
        .values_list("assignment_id", "inspection__planned_on")
    ):
        checks[assignment_id].append(day)
    workdays = workdays_in(start, min(end, today))
    return [
        _count(
            person,
            start=start,
            end=end,
            today=today,
            workdays=workdays,
            leaves=leaves.get(person.pk, ()),
            absent_checks=checks.get(person.pk, ()),
        )
        for person in people
    ]


def attendance_month(
    assignment: Assignment, month: dt.date, *, today: dt.date | None = None
) -> AttendanceFigures:
    """One person's attendance in the month of `month` (the caller has checked scope): within
    the term, and not after `today` (default: today) for the month under way."""
    today = today or timezone.localdate()
    return _attendance(
        [assignment], None, start=month_start(month), end=month_end(month), today=today
    )[0]


def attendance_period(
    assignment: Assignment, start: dt.date, end: dt.date, *, today: dt.date | None = None
) -> AttendanceFigures:
    """One person's attendance over [start, end] (an evaluation round's period): within the
    term, and not after `today` (default: today)."""
    today = today or timezone.localdate()
    return _attendance([assignment], None, start=start, end=end, today=today)[0]


def attendance_term(assignment: Assignment, *, today: dt.date | None = None) -> AttendanceFigures:
    """One person's attendance over the term so far."""
    today = today or timezone.localdate()
    start, end = term_bounds(assignment)
    return _attendance([assignment], None, start=start, end=end, today=today)[0]


def attendance_people(
    *, actor: User, batch: Batch, month: dt.date, host_unit: Organisation | None = None
) -> QuerySet[Assignment]:
    """The batch's people in the actor's scope whose term touches the month, by host unit and
    pinyin of the name."""
    first, last = month_start(month), month_end(month)
    people = duty_assignment_queryset(actor).filter(serving_in(first, last), batch=batch)
    if host_unit is not None:
        people = people.filter(host_unit=host_unit)
    return people.select_related("batch", "cadre", "host_unit", "home_unit", "post").order_by(
        "host_unit__path", "cadre__name_pinyin", "id"
    )


def attendance_batch_month(
    actor: User,
    batch: Batch,
    month: dt.date,
    host_unit: Organisation | None = None,
    *,
    today: dt.date | None = None,
) -> list[AttendanceFigures]:
    """Every person of the batch in the actor's scope (of one host unit when given) for the
    month, in a fixed number of queries whatever their number."""
    today = today or timezone.localdate()
    people = attendance_people(actor=actor, batch=batch, month=month, host_unit=host_unit)
    return _attendance(
        list(people), people, start=month_start(month), end=month_end(month), today=today
    )


# The monthly return (考勤月报) ----------------------------------------------------------------


def return_due_date(month: dt.date, return_day: int) -> dt.date:
    """The return for `month` is due on `return_day` of the next month (the last day of that
    month when it is shorter), or the next working day when that day is a rest day or holiday:
    the 5th is in the National Day or May Day holiday some years (2026: 5 October, 5 May)."""
    following = next_month(month_start(month))
    due = following.replace(day=max(1, min(return_day, month_end(following).day)))
    return add_working_days(due - dt.timedelta(days=1), 1)


def attendance_return_due(batch: Batch, month: dt.date) -> dt.date:
    """The batch's due date of the return for `month` (see return_due_date)."""
    return return_due_date(month, duty_rules_of(batch).attendance_return_day)


def can_submit_return(*, actor: User, batch: Batch, host_unit: Organisation) -> bool:
    """The host unit's leader sends its return (a system administrator does not)."""
    probe = Assignment(batch=batch, host_unit=host_unit)
    return host_leader_reaches(actor=actor, assignment=probe)


@dataclass
class UnitReturn:
    """One host unit's return for a month: its people's figures and whether it was sent."""

    host_unit: Organisation
    people: list[AttendanceFigures]
    submitted: AttendanceReturn | None
    due: dt.date
    late: bool  # sent after the due date, or not sent and the due date has passed
    can_submit: bool  # the actor may send it now


def attendance_returns(
    *, actor: User, batch: Batch, month: dt.date, today: dt.date | None = None
) -> list[UnitReturn]:
    """The month's return of every host unit the actor sees people of, by unit."""
    today = today or timezone.localdate()
    first = month_start(month)
    figures = attendance_batch_month(actor, batch, first, today=today)
    by_unit: dict[int, list[AttendanceFigures]] = {}
    units: dict[int, Organisation] = {}
    for row in figures:
        unit = row.assignment.host_unit
        units.setdefault(unit.pk, unit)
        by_unit.setdefault(unit.pk, []).append(row)
    sent = {
        row.host_unit_id: row
        for row in AttendanceReturn.objects.filter(
            batch=batch, month=first, host_unit_id__in=list(units)
        ).select_related("submitted_by")
    }
    due = attendance_return_due(batch, first)
    month_over = today > month_end(first)
    sections = []
    for unit_pk, rows in by_unit.items():
        found = sent.get(unit_pk)
        late = timezone.localdate(found.submitted_at) > due if found is not None else today > due
        sections.append(
            UnitReturn(
                host_unit=units[unit_pk],
                people=rows,
                submitted=found,
                due=due,
                late=late,
                can_submit=found is None
                and month_over
                and can_submit_return(actor=actor, batch=batch, host_unit=units[unit_pk]),
            )
        )
    return sections


def batch_leave_types(batch: Batch) -> list[LeaveType]:
    """The batch's leave types in order: the columns of leave by type."""
    duty_rules_of(batch)
    return list(LeaveType.objects.filter(batch=batch).order_by("id"))


# The person's overview (在岗概况) -----------------------------------------------------------


@dataclass(frozen=True)
class Flag:
    """Something on the record a leader must see: an absence found, a leave not reported back."""

    kind: str  # "absent" or "overdue"
    day: dt.date
    text: str


@dataclass(frozen=True)
class TabSummary:
    """One other tab's latest state, as counts: the overview links there for the details."""

    key: str
    count: int  # the tab's records
    waiting: int  # those waiting for someone (pending leave, unacknowledged reports, ...)
    latest: dt.date | dt.datetime | None  # the latest record's date (tasks: last change)


@dataclass(frozen=True)
class DutyOverview:
    month: AttendanceFigures
    term: AttendanceFigures
    flags: list[Flag]
    summaries: dict[str, TabSummary]


def duty_overview(
    *, actor: User, assignment: Assignment, today: dt.date | None = None
) -> DutyOverview:
    """The person's record at a glance (the caller has checked scope with
    access_duty_assignment). Reads the other areas' models directly, as counts only; checks
    only as far as they are released to the actor (selectors.inspections)."""
    today = today or timezone.localdate()
    checks = visible_check_queryset(actor, today=today).filter(assignment=assignment)
    flags = [
        Flag("absent", check.inspection.planned_on, check.findings)
        for check in checks.filter(result=CheckResult.ABSENT)
        .select_related("inspection")
        .order_by("-inspection__planned_on")
    ]
    for leave in (
        LeaveRequest.objects.filter(assignment=assignment)
        .filter(Q(state=LeaveState.OVERDUE) | Q(overdue_at__isnull=False))
        .select_related("leave_type")
        .order_by("-end_slot")
    ):
        flags.append(Flag("overdue", leave.end_date, leave.leave_type.get_kind_display()))
    flags.sort(key=lambda flag: flag.day, reverse=True)

    def summary(key: str, rows: QuerySet, waiting: Q, date_field: str) -> TabSummary:  # type: ignore[type-arg]
        found = rows.aggregate(
            count=Count("pk"), waiting=Count("pk", filter=waiting), latest=Max(date_field)
        )
        return TabSummary(key, found["count"], found["waiting"], found["latest"])

    # Drafts (leave, reports) are the person's alone: nobody else counts them nor sees a
    # draft's dates as the latest.
    own = is_own(actor=actor, assignment=assignment)
    requests = LeaveRequest.objects.filter(assignment=assignment)
    reports = PeriodicReport.objects.filter(assignment=assignment)
    if not own:
        requests = requests.exclude(state=LeaveState.DRAFT)
        reports = reports.exclude(state=ReportState.DRAFT)
    summaries = {
        "leave": summary(
            "leave",
            requests,
            Q(state=LeaveState.PENDING),
            "start_date",
        ),
        "away": summary(
            "away",
            AwayReport.objects.filter(assignment=assignment),
            Q(state=AwayState.SUBMITTED),
            "leave_date",
        ),
        "log": summary(
            "log",
            WorkLogEntry.objects.filter(assignment=assignment),
            Q(accomplishment=True, date__gte=month_start(today)),
            "date",
        ),
        "tasks": summary(
            "tasks",
            DutyTask.objects.filter(assignment=assignment).exclude(state=TaskState.DROPPED),
            ~Q(state=TaskState.DONE),
            "updated_at",
        ),
        "reports": summary(
            "reports",
            reports,
            Q(state=ReportState.SUBMITTED),
            "period_start",
        ),
        # Recorded checks released to the actor: an inspection is not announced in advance.
        "checks": summary(
            "checks",
            checks,
            Q(result=CheckResult.ABSENT),
            "inspection__planned_on",
        ),
    }
    if not own:
        summaries["talks"] = summary(
            "talks", HeartTalk.objects.filter(assignment=assignment), Q(pk__in=[]), "held_on"
        )
    return DutyOverview(
        month=attendance_month(assignment, today, today=today),
        term=attendance_term(assignment, today=today),
        flags=flags,
        summaries=summaries,
    )
