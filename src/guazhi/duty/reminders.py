"""The daily reminder run (`guazhi remind`): who is told what about life on duty, once.

For every batch on duty (BatchState.ACTIVE) and every person on duty in it (AssignmentState
.ACTIVE) the run tells:

- the approvers of a leave's current step that it waits for them (once per step);
- the host leaders that an away-from-post report waits for acknowledgement;
- the person that their leave ends today (report back: 销假), and once it is overdue, the person
  and the approvers of its first step (the host leader);
- the person, from the batch's reminder day (25th), that the month has no accomplishment yet,
  when the batch requires one a month;
- the person that a periodic report is due within REPORT_DUE_NOTICE_DAYS, or late (by the
  report's own due date once drafted); a late report also its group leaders (who review it). A
  returned report is outstanding until submitted again, and each return is reminded anew;
- the host leaders of each host unit that last month's attendance return (考勤月报) is due by
  the batch's return day, or late.

Each notification has a key naming the record and the occasion (the step, the month, the
period), and a person is told once per key (core.notifications): running twice on one day, or
two runs at once, sends nothing twice. Leave states move first (the leave area's leave_advance:
approved leave begins, unreturned leave becomes overdue), then the notifications are made, then
every email not yet sent goes out over one connection, earlier failures included.

The work is a query or two per kind and one for all the leaders' grants, never one per person;
a notification made before costs nothing but its share of one lookup of existing keys.
"""

import calendar
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_noop

from guazhi.core.audit import audit_record
from guazhi.core.i18n import Message, label_message
from guazhi.core.models import Notification
from guazhi.core.notifications import notification_create, notifications_email_pending
from guazhi.duty.models import (
    ApproverRole,
    AttendanceReturn,
    AwayReport,
    AwayState,
    DutyRules,
    LeaveRequest,
    LeaveState,
    PeriodicReport,
    ReportState,
    ReviewAction,
)
from guazhi.duty.periods import term_bounds
from guazhi.duty.selectors.attendance import return_due_date
from guazhi.duty.selectors.logs import accomplishment_missing
from guazhi.duty.selectors.recipients import Recipients, cadre_user_of
from guazhi.duty.selectors.reports import period_label, periods_between
from guazhi.duty.services.leave_return import leave_advance
from guazhi.duty.services.rules import duty_rules_of
from guazhi.orgs.models import Organisation, Role, User
from guazhi.programmes.models import Assignment, AssignmentState, Batch, BatchState

# A report is announced as due this many days before its due date.
REPORT_DUE_NOTICE_DAYS = 3
# The attendance return is announced as due this many days before the return day.
ATTENDANCE_DUE_NOTICE_DAYS = 2
# Existing keys are looked up this many at a time (SQLite limits the parameters of one query).
KEY_CHUNK = 500

LEAVE_PENDING = "leave.awaiting"
AWAY_PENDING = "away.awaiting"
LEAVE_RETURN_DUE = "leave.return_due"
LEAVE_OVERDUE = "leave.overdue"
ACCOMPLISHMENT_MISSING = "log.accomplishment_missing"
REPORT_DUE = "report.due"
REPORT_LATE = "report.late"
ATTENDANCE_DUE = "attendance.due"
ATTENDANCE_LATE = "attendance.late"
KINDS = (
    LEAVE_PENDING,
    AWAY_PENDING,
    LEAVE_RETURN_DUE,
    LEAVE_OVERDUE,
    ACCOMPLISHMENT_MISSING,
    REPORT_DUE,
    REPORT_LATE,
    ATTENDANCE_DUE,
    ATTENDANCE_LATE,
)

# Leave that has not ended while a 续假 of it is still live: its end is not the day back.
_LIVE_EXTENSION = (LeaveState.PENDING, LeaveState.APPROVED, LeaveState.ON_LEAVE)


@dataclass
class RemindReport:
    today: dt.date
    # Notifications made, per kind (every kind listed, 0 included).
    sent: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    # What the leave area's leave_advance moved: {"started": n, "overdue": n}.
    advanced: dict[str, int] = field(default_factory=dict)
    emailed: int = 0

    @property
    def total(self) -> int:
        return sum(self.sent.values())


@dataclass(frozen=True)
class _Planned:
    recipient: User
    key: str
    message: Message
    url: str


def remind(*, today: dt.date, progress: Callable[[int, int], None] | None = None) -> RemindReport:
    """Move leave states, make the day's notifications, send the emails not yet sent."""
    report = RemindReport(today=today)
    report.advanced = leave_advance(today=today)
    context = _Context(today)
    steps: tuple[Callable[[_Context], dict[str, list[_Planned]]], ...] = (
        _leave_pending,
        _away_pending,
        _leave_return_due,
        _leave_overdue,
        _accomplishment_missing,
        _reports,
        _attendance,
    )
    for done, step in enumerate(steps, start=1):
        for kind, planned in step(context).items():
            report.sent[kind] += _send(kind, planned)
        if progress is not None:
            progress(done, len(steps) + 1)
    report.emailed = notifications_email_pending()
    if progress is not None:
        progress(len(steps) + 1, len(steps) + 1)
    audit_record(
        actor=None,
        actor_name="system",
        action="remind.run",
        detail={
            "date": today.isoformat(),
            "sent": {kind: count for kind, count in report.sent.items() if count},
            "advanced": report.advanced,
            "emailed": report.emailed,
        },
    )
    return report


def _send(kind: str, planned: list[_Planned]) -> int:
    """Make the notifications not made before; emails go out together at the end of the run."""
    existing: set[tuple[int, str]] = set()
    for start in range(0, len(planned), KEY_CHUNK):
        chunk = planned[start : start + KEY_CHUNK]
        # By recipient and key, whatever the kind: a notification the leave area sent when the
        # step began (same key) is the one this reminder would have been. Both columns lead
        # the unique index, so this is an index lookup.
        existing.update(
            Notification.objects.filter(
                recipient_id__in={item.recipient.pk for item in chunk},
                key__in={item.key for item in chunk},
            ).values_list("recipient_id", "key")
        )
    made = 0
    for item in planned:
        if (item.recipient.pk, item.key) in existing:
            continue
        existing.add((item.recipient.pk, item.key))  # one recipient told twice in one plan
        _notification, created = notification_create(
            recipient=item.recipient,
            kind=kind,
            key=item.key,
            message=item.message,
            url=item.url,
            email=False,
        )
        made += created
    return made


class _Context:
    """What every kind reads: the day, the leaders' grants, the batches on duty and their rules."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.recipients = Recipients()
        self.batches = list(
            Batch.objects.filter(state=BatchState.ACTIVE).select_related("coordinating_org")
        )
        rules = {r.batch_id: r for r in DutyRules.objects.filter(batch__in=self.batches)}
        # Rules are made with the defaults on first use, as any page would make them.
        self.rules = {
            batch.pk: rules.get(batch.pk) or duty_rules_of(batch) for batch in self.batches
        }

    def on_duty(self) -> QuerySet[Assignment]:
        return Assignment.objects.filter(
            state=AssignmentState.ACTIVE, batch__state=BatchState.ACTIVE
        )


# --- message parts ------------------------------------------------------------------------


def _date(day: dt.date) -> Message:
    return Message(
        gettext_noop("%(year)s年%(month)s月%(day)s日"), year=day.year, month=day.month, day=day.day
    )


def _month(day: dt.date) -> Message:
    return Message(gettext_noop("%(year)s年%(month)s月"), year=day.year, month=day.month)


def _leave_url(assignment_id: int) -> str:
    return reverse("duty:leave_list", kwargs={"assignment_pk": assignment_id})


_LEAVE_RELATED = (
    "leave_type",
    "assignment__cadre__user",
    "assignment__host_unit",
    "assignment__home_unit",
    "assignment__batch__coordinating_org",
)


def _plan(
    planned: list[_Planned], recipients: Iterable[User | None], key: str, message: Message, url: str
) -> None:
    for recipient in recipients:
        if recipient is not None:
            planned.append(_Planned(recipient, key, message, url))


# --- the kinds ----------------------------------------------------------------------------


def _leave_pending(context: _Context) -> dict[str, list[_Planned]]:
    planned: list[_Planned] = []
    inbox = reverse("duty:approval_inbox")
    leaves = (
        LeaveRequest.objects.filter(state=LeaveState.PENDING, assignment__in=context.on_duty())
        .exclude(awaiting_role="")
        .select_related(*_LEAVE_RELATED)
        .order_by("submitted_at", "id")
    )
    for leave in leaves:
        message = Message(
            gettext_noop("%(name)s申请%(leave_type)s%(days)s天（%(start)s起），等待您审批。"),
            name=leave.assignment.cadre.name,
            leave_type=label_message(leave.leave_type.get_kind_display()),
            days=_days(leave.days),
            start=_date(leave.start_date),
        )
        key = f"leave:{leave.pk}:step:{leave.step}"
        _plan(planned, context.recipients.approvers_of(leave), key, message, inbox)
    return {LEAVE_PENDING: planned}


def _away_pending(context: _Context) -> dict[str, list[_Planned]]:
    planned: list[_Planned] = []
    inbox = reverse("duty:approval_inbox")
    reports = (
        AwayReport.objects.filter(state=AwayState.SUBMITTED, assignment__in=context.on_duty())
        .select_related("assignment__cadre", "assignment__host_unit")
        .order_by("leave_date", "id")
    )
    for away in reports:
        message = Message(
            gettext_noop("%(name)s报备外出（%(start)s至%(end)s，去向：%(destination)s），请确认。"),
            name=away.assignment.cadre.name,
            start=_date(away.leave_date),
            end=_date(away.return_date),
            destination=away.destination,
        )
        leaders = context.recipients.host_leaders_of(away.assignment)
        _plan(planned, leaders, f"away:{away.pk}:awaiting", message, inbox)
    return {AWAY_PENDING: planned}


def _leave_return_due(context: _Context) -> dict[str, list[_Planned]]:
    planned: list[_Planned] = []
    leaves = (
        LeaveRequest.objects.filter(
            state__in=(LeaveState.APPROVED, LeaveState.ON_LEAVE),
            end_date=context.today,
            assignment__in=context.on_duty(),
        )
        .exclude(
            Exists(LeaveRequest.objects.filter(extends=OuterRef("pk"), state__in=_LIVE_EXTENSION))
        )
        .select_related(*_LEAVE_RELATED)
    )
    for leave in leaves:
        message = Message(
            gettext_noop("您的%(leave_type)s今天（%(end)s）结束，返岗当天请及时销假。"),
            leave_type=label_message(leave.leave_type.get_kind_display()),
            end=_date(leave.end_date),
        )
        key = f"leave:{leave.pk}:return_due:{leave.end_date.isoformat()}"
        _plan(
            planned,
            [cadre_user_of(leave.assignment)],
            key,
            message,
            _leave_url(leave.assignment_id),
        )
    return {LEAVE_RETURN_DUE: planned}


def _leave_overdue(context: _Context) -> dict[str, list[_Planned]]:
    planned: list[_Planned] = []
    leaves = LeaveRequest.objects.filter(
        state=LeaveState.OVERDUE, assignment__in=context.on_duty()
    ).select_related(*_LEAVE_RELATED)
    for leave in leaves:
        leave_type = label_message(leave.leave_type.get_kind_display())
        url = _leave_url(leave.assignment_id)
        key = f"leave:{leave.pk}:overdue"
        own = Message(
            gettext_noop("您的%(leave_type)s已于%(end)s结束，至今未销假，已记为逾期。请尽快销假。"),
            leave_type=leave_type,
            end=_date(leave.end_date),
        )
        _plan(planned, [cadre_user_of(leave.assignment)], key, own, url)
        about = Message(
            gettext_noop("%(name)s的%(leave_type)s已于%(end)s结束，至今未销假，已记为逾期。"),
            name=leave.assignment.cadre.name,
            leave_type=leave_type,
            end=_date(leave.end_date),
        )
        # The first step's approvers: the host unit that approved the leave and sees the post.
        first = leave.chain[0] if leave.chain else None
        leaders = context.recipients.approvers_of(leave, role=first or ApproverRole.HOST_LEADER)
        _plan(planned, leaders, key, about, url)
    return {LEAVE_OVERDUE: planned}


def _accomplishment_missing(context: _Context) -> dict[str, list[_Planned]]:
    planned: list[_Planned] = []
    today = context.today
    last_day = calendar.monthrange(today.year, today.month)[1]
    batch_ids = [
        batch.pk
        for batch in context.batches
        if context.rules[batch.pk].monthly_accomplishment_required
        and today.day >= min(context.rules[batch.pk].accomplishment_reminder_day, last_day)
    ]
    if not batch_ids:
        return {ACCOMPLISHMENT_MISSING: planned}
    people = (
        context.on_duty()
        .filter(batch_id__in=batch_ids)
        .exclude(start_date__gt=today)
        .exclude(end_date__lt=today.replace(day=1))
    )
    month = _month(today)
    for assignment in accomplishment_missing(assignments=people, month=today).select_related(
        "cadre__user"
    ):
        message = Message(
            gettext_noop("%(month)s您还没有记录“做成一件事”，请在月底前记入工作纪实。"),
            month=month,
        )
        url = reverse("duty:log_list", kwargs={"assignment_pk": assignment.pk})
        key = f"accomplishment:{assignment.pk}:{today:%Y-%m}"
        _plan(planned, [cadre_user_of(assignment)], key, message, url)
    return {ACCOMPLISHMENT_MISSING: planned}


@dataclass(frozen=True)
class _Written:
    """What the run needs of an existing report: its state, its own due date, its returns."""

    state: str
    due_on: dt.date
    returns: int


def _written_reports(context: _Context) -> dict[tuple[int, dt.date], _Written]:
    rows = (
        PeriodicReport.objects.filter(assignment__in=context.on_duty())
        .order_by()
        .annotate(returns=Count("reviews", filter=Q(reviews__action=ReviewAction.RETURN)))
        .values_list("assignment_id", "period_start", "state", "due_on", "returns")
    )
    return {
        (assignment_id, start): _Written(state, due_on, returns)
        for assignment_id, start, state, due_on, returns in rows
    }


def _reports(context: _Context) -> dict[str, list[_Planned]]:
    """Periods whose report is outstanding: none yet, a draft, or returned and not submitted
    again. A report's own due date counts once it exists. A returned report's keys carry how
    many times it was returned, so each return is reminded (once) again."""
    due: list[_Planned] = []
    late: list[_Planned] = []
    today = context.today
    people = list(
        context.on_duty()
        .exclude(start_date__gt=today)
        .select_related(
            "cadre__user",
            "batch__coordinating_org",
            "group__leader__cadre__user",
            "group__deputy__cadre__user",
        )
    )
    written = _written_reports(context)
    for assignment in people:
        rules = context.rules[assignment.batch_id]
        start, end = term_bounds(assignment)
        url = reverse("duty:report_list", kwargs={"assignment_pk": assignment.pk})
        for period in periods_between(
            frequency=rules.report_frequency,
            due_days=rules.report_due_days,
            start=start,
            end=end,
        ):
            if period.start > today:
                break
            report = written.get((assignment.pk, period.start))
            if report is not None and report.state not in (ReportState.DRAFT, ReportState.RETURNED):
                continue
            returned = report is not None and report.state == ReportState.RETURNED
            due_on = report.due_on if report is not None else period.due_on
            occasion = period.start.isoformat()
            if returned and report is not None:
                occasion += f":returned:{report.returns}"
            label = period_label(period.frequency, period.start)
            if due_on < today:
                key = f"report.late:{assignment.pk}:{occasion}"
                own = Message(
                    gettext_noop(
                        "%(period)s的定期汇报被退回后尚未重新提交，已过提交期限（%(due)s），请尽快修改提交。"
                    )
                    if returned
                    else gettext_noop("%(period)s的定期汇报已过提交期限（%(due)s），请尽快提交。"),
                    period=label,
                    due=_date(due_on),
                )
                _plan(late, [cadre_user_of(assignment)], key, own, url)
                about = Message(
                    gettext_noop(
                        "%(name)s%(period)s的定期汇报被退回后尚未重新提交，已过提交期限（%(due)s）。"
                    )
                    if returned
                    else gettext_noop(
                        "%(name)s%(period)s的定期汇报已过提交期限（%(due)s），尚未提交。"
                    ),
                    name=assignment.cadre.name,
                    period=label,
                    due=_date(due_on),
                )
                leaders = context.recipients.group_leaders_of(assignment)
                _plan(late, leaders, key, about, url)
            elif (due_on - today).days <= REPORT_DUE_NOTICE_DAYS:
                key = f"report.due:{assignment.pk}:{occasion}"
                message = Message(
                    gettext_noop("%(period)s的定期汇报被退回，请修改后于%(due)s前重新提交。")
                    if returned
                    else gettext_noop("%(period)s的定期汇报请于%(due)s前提交。"),
                    period=label,
                    due=_date(due_on),
                )
                _plan(due, [cadre_user_of(assignment)], key, message, url)
    return {REPORT_DUE: due, REPORT_LATE: late}


def _attendance(context: _Context) -> dict[str, list[_Planned]]:
    """Last month's return of each host unit with people on duty in it last month."""
    due: list[_Planned] = []
    late: list[_Planned] = []
    today = context.today
    month_end = today.replace(day=1) - dt.timedelta(days=1)
    month = month_end.replace(day=1)
    sent_in = set(
        AttendanceReturn.objects.filter(batch__in=context.batches, month=month).values_list(
            "batch_id", "host_unit_id"
        )
    )
    # (batch, host unit) of people who were on duty last month (a person whose day of
    # reporting for duty is unrecorded served from the batch's start).
    served = (
        context.on_duty()
        .exclude(start_date__gt=month_end)
        .exclude(start_date__isnull=True, batch__term_start__gt=month_end)
        .exclude(end_date__lt=month)
        .values_list("batch_id", "host_unit_id")
        .distinct()
    )
    pairs = sorted(set(served) - sent_in)
    units = Organisation.objects.in_bulk({unit_id for _batch, unit_id in pairs})
    for batch_id, unit_id in pairs:
        unit = units[unit_id]
        rules = context.rules[batch_id]
        due_on = return_due_date(month, rules.attendance_return_day)
        if today > due_on:
            kind_list, key_kind = late, "attendance.late"
            message = Message(
                gettext_noop("%(unit)s%(month)s的考勤月报已过报送期限（%(due)s），尚未报送。"),
                unit=unit.name,
                month=_month(month),
                due=_date(due_on),
            )
        elif (due_on - today).days <= ATTENDANCE_DUE_NOTICE_DAYS:
            kind_list, key_kind = due, "attendance.due"
            message = Message(
                gettext_noop("%(unit)s%(month)s的考勤月报请于%(due)s前报送组织部门。"),
                unit=unit.name,
                month=_month(month),
                due=_date(due_on),
            )
        else:
            continue
        leaders = context.recipients.holders(Role.HOST_LEADER, unit.path, batch_id)
        key = f"{key_kind}:{batch_id}:{unit_id}:{month:%Y-%m}"
        url = reverse("duty:attendance_batch", kwargs={"batch_pk": batch_id})
        _plan(kind_list, leaders, key, message, url)
    return {ATTENDANCE_DUE: due, ATTENDANCE_LATE: late}


def _days(days: Any) -> str:
    """2 rather than 2.0, 1.5 as it is."""
    return str(int(days)) if days == days.to_integral_value() else str(days.normalize())
