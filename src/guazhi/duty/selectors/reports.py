"""Reading periodic reports (定期汇报): the periods a person owes, their reports, who reviews them,
the reviewer's queue and a batch's overview (see selectors.scope for who reads which record).

Periods come from the batch's DutyRules: calendar months or quarters, clipped to the person's
term, each due `report_due_days` after it ends. Once a report exists its own `due_on` (fixed
when it was drafted) is the due date everywhere: the rules may change since. A report is late
when it was first submitted after its due date, or when it is outstanding and the due date has
passed: still unsubmitted, or returned and not yet submitted again. A report may be submitted
once its period has ended (or the person's term, when the term ends inside the period). A draft
is the person's own until submitted: others see that one exists (its state), never its text.

Reviewing (accept, or return with a comment) belongs to the leader or deputy of the person's
group holding a group-leader grant for the person's batch (or one not limited to a batch), to a
group-leader grant over the batch's coordinating unit that is not limited to one batch, and to
the coordinators over the batch; never to the person, and not to a system administrator (who
sees everything and decides nothing), as with leave approval.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from guazhi.core.errors import NotFound
from guazhi.core.i18n import Message
from guazhi.core.text import pinyin_key, text_syllables
from guazhi.duty.models import (
    DutyRules,
    PeriodicReport,
    ReportFrequency,
    ReportReview,
    ReportState,
)
from guazhi.duty.periods import term_bounds
from guazhi.duty.selectors.scope import duty_assignment_queryset, is_own
from guazhi.duty.services.rules import duty_rules_of
from guazhi.orgs.models import Role
from guazhi.orgs.scopes import scopes_of
from guazhi.programmes.models import Assignment, Batch
from guazhi.programmes.selectors.scope import cadre_profile_for

EDITABLE_STATES = (ReportState.DRAFT, ReportState.RETURNED)
# The state shown for a period that has no report yet.
MISSING = "missing"

QUARTER_NAMES = (
    gettext_noop("第一季度"),
    gettext_noop("第二季度"),
    gettext_noop("第三季度"),
    gettext_noop("第四季度"),
)


# --- periods ----------------------------------------------------------------------------------


def period_label(frequency: str, start: dt.date) -> Message:
    """2026年3月 or 2026年第一季度: the calendar period `start` falls in, kept translatable
    (a notification stores it and shows it in its reader's language)."""
    if frequency == ReportFrequency.QUARTERLY:
        quarter = Message(QUARTER_NAMES[(start.month - 1) // 3])
        return Message(gettext_noop("%(year)s年%(quarter)s"), year=start.year, quarter=quarter)
    return Message(gettext_noop("%(year)s年%(month)s月"), year=start.year, month=start.month)


def calendar_period_start(frequency: str, day: dt.date) -> dt.date:
    """The first day of the month or quarter `day` falls in."""
    if frequency == ReportFrequency.QUARTERLY:
        return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return day.replace(day=1)


def _next_period_start(frequency: str, start: dt.date) -> dt.date:
    months = 3 if frequency == ReportFrequency.QUARTERLY else 1
    index = start.year * 12 + start.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class ReportPeriod:
    frequency: str
    start: dt.date  # clipped to the term
    end: dt.date  # clipped to the term
    due_on: dt.date

    @property
    def key(self) -> dt.date:
        """The unclipped month or quarter: the same column for people who started apart."""
        return calendar_period_start(self.frequency, self.start)

    @property
    def label(self) -> Message:
        return period_label(self.frequency, self.start)

    @property
    def clipped(self) -> bool:
        """Whether the term cuts the month or quarter short (the page then shows the dates)."""
        return self.start != self.key or self.end != _next_period_start(
            self.frequency, self.key
        ) - dt.timedelta(days=1)


def periods_between(
    *, frequency: str, due_days: int, start: dt.date, end: dt.date
) -> list[ReportPeriod]:
    """The months or quarters from `start` to `end`, the first and last clipped to them."""
    periods = []
    current = calendar_period_start(frequency, start)
    while current <= end:
        following = _next_period_start(frequency, current)
        clipped_end = min(end, following - dt.timedelta(days=1))
        periods.append(
            ReportPeriod(
                frequency=frequency,
                start=max(start, current),
                end=clipped_end,
                due_on=clipped_end + dt.timedelta(days=due_days),
            )
        )
        current = following
    return periods


def report_periods(
    *, assignment: Assignment, rules: DutyRules | None = None, until: dt.date | None = None
) -> list[ReportPeriod]:
    """The periods the person reports on, oldest first; with `until`, only those begun by then."""
    rules = rules or duty_rules_of(assignment.batch)
    start, end = term_bounds(assignment)
    periods = periods_between(
        frequency=rules.report_frequency, due_days=rules.report_due_days, start=start, end=end
    )
    if until is not None:
        periods = [period for period in periods if period.start <= until]
    return periods


def period_starting(
    *, assignment: Assignment, start: dt.date, rules: DutyRules | None = None
) -> ReportPeriod | None:
    """The person's period that begins on `start`, None when no period does."""
    for period in report_periods(assignment=assignment, rules=rules):
        if period.start == start:
            return period
    return None


def period_of_report(report: PeriodicReport) -> ReportPeriod:
    """The period a report was written for, as it was when drafted (rules may change since)."""
    return ReportPeriod(report.frequency, report.period_start, report.period_end, report.due_on)


def _pinyin(text: str) -> str:
    return pinyin_key(text_syllables(text))


def is_late(
    *, due_on: dt.date, submitted_at: dt.datetime | None, today: dt.date, returned: bool = False
) -> bool:
    """Submitted after `due_on`, or outstanding past it; a `returned` report is outstanding
    again until it is submitted again, whenever it was first submitted."""
    if submitted_at is not None and not returned:
        return timezone.localtime(submitted_at).date() > due_on
    return today > due_on


def report_is_late(report: PeriodicReport, today: dt.date) -> bool:
    """Whether the report is late, by its own due date."""
    return is_late(
        due_on=report.due_on,
        submitted_at=report.submitted_at,
        today=today,
        returned=report.state == ReportState.RETURNED,
    )


@dataclass(frozen=True)
class SubmissionWindow:
    """When a report may be submitted: the day after `ends_on`, the end of its month or
    quarter, or the end of the person's term when the term ends inside it (`term_ends`)."""

    ends_on: dt.date
    term_ends: bool

    def is_open(self, today: dt.date) -> bool:
        return today > self.ends_on


def submission_window(report: PeriodicReport) -> SubmissionWindow:
    """The report's window, by the calendar period and the person's term as they are now (a
    term ended early opens it sooner). Reads report.assignment with its batch."""
    _start, term_end = term_bounds(report.assignment)
    period_key = calendar_period_start(report.frequency, report.period_start)
    calendar_end = _next_period_start(report.frequency, period_key) - dt.timedelta(days=1)
    return SubmissionWindow(min(term_end, calendar_end), term_end < calendar_end)


# --- one person's reports -----------------------------------------------------------------


@dataclass(frozen=True)
class PeriodRow:
    """One period of a person's list: its report (if any), the state shown, the late mark."""

    period: ReportPeriod
    report: PeriodicReport | None
    state: str  # a ReportState, or MISSING
    late: bool

    @property
    def state_label(self) -> str:
        if self.report is None:
            return gettext("未提交")
        return str(self.report.get_state_display())

    @property
    def due_on(self) -> dt.date:
        """The report's own due date once it exists, else the period's by the current rules."""
        return self.report.due_on if self.report is not None else self.period.due_on


def _row(period: ReportPeriod, report: PeriodicReport | None, today: dt.date) -> PeriodRow:
    return PeriodRow(
        period=period,
        report=report,
        state=report.state if report is not None else MISSING,
        late=report_is_late(report, today)
        if report is not None
        else is_late(due_on=period.due_on, submitted_at=None, today=today),
    )


def person_report_rows(
    *, actor: Any, assignment: Assignment, today: dt.date | None = None
) -> list[PeriodRow]:
    """The person's periods begun by `today`, newest first, each with its report; a report
    kept from an earlier frequency of the batch keeps its own row. `assignment` comes from
    access_duty_assignment(actor=…), which has checked the actor may read it."""
    today = today or timezone.localdate()
    reports = {
        report.period_start: report
        for report in PeriodicReport.objects.filter(assignment=assignment)
    }
    rows = []
    for period in report_periods(assignment=assignment, until=today):
        rows.append(_row(period, reports.pop(period.start, None), today))
    rows += [_row(period_of_report(report), report, today) for report in reports.values()]
    rows.sort(key=lambda row: row.period.start, reverse=True)
    return rows


def access_report(*, actor: Any, pk: int) -> PeriodicReport:
    """The report if the actor reads the person's record and, for a draft, is the person;
    else NotFound, the same for missing and forbidden."""
    report = (
        PeriodicReport.objects.filter(pk=pk, assignment__in=duty_assignment_queryset(actor))
        .select_related(
            "assignment__batch__coordinating_org",
            "assignment__cadre__user",
            "assignment__post",
            "assignment__host_unit",
            "assignment__home_unit",
            "assignment__group__leader__cadre__user",
            "assignment__group__deputy__cadre__user",
        )
        .first()
    )
    if report is None:
        raise NotFound()
    if report.state == ReportState.DRAFT and not is_own(actor=actor, assignment=report.assignment):
        raise NotFound()
    return report


def report_trail(report: PeriodicReport) -> list[ReportReview]:
    """Submissions, returns (with their comments) and the acceptance, oldest first."""
    return list(report.reviews.select_related("actor").order_by("created_at", "id"))


def can_edit_report(*, actor: Any, report: PeriodicReport) -> bool:
    return report.state in EDITABLE_STATES and is_own(actor=actor, assignment=report.assignment)


# --- reviewing ----------------------------------------------------------------------------


def can_review_assignment(*, actor: Any, assignment: Assignment) -> bool:
    """Whether the actor may accept or return this person's reports (see the module note).
    Reads assignment.group's leader and deputy: load them with the assignment."""
    if is_own(actor=actor, assignment=assignment):
        return False
    scopes = scopes_of(actor)
    coordinating = assignment.batch.coordinating_org.path
    leads_this_batch = False
    for grant in scopes.grants:
        if (
            grant.role == Role.COORDINATOR
            and coordinating.startswith(grant.path)
            and grant.batch_id in (None, assignment.batch_id)
        ):
            return True
        if grant.role == Role.GROUP_LEADER:
            if grant.batch_id is None and coordinating.startswith(grant.path):
                return True
            # A grant limited to another batch (a leader there) says nothing about this group.
            leads_this_batch |= grant.batch_id in (None, assignment.batch_id)
    if not leads_this_batch or assignment.group is None:
        return False
    leaders = (assignment.group.leader, assignment.group.deputy)
    return any(leader is not None and leader.cadre.user_id == actor.pk for leader in leaders)


def can_review_report(*, actor: Any, report: PeriodicReport) -> bool:
    return report.state == ReportState.SUBMITTED and can_review_assignment(
        actor=actor, assignment=report.assignment
    )


def reviewer_condition(actor: Any) -> Q:
    """Q over PeriodicReport for the reports whose person the actor reviews (any state): the
    same rule as can_review_assignment, for lists."""
    scopes = scopes_of(actor)
    condition = Q(pk__in=[])
    for grant in scopes.grants:
        if grant.role == Role.COORDINATOR:
            reach = Q(assignment__batch__coordinating_org__path__startswith=grant.path)
            if grant.batch_id is not None:
                reach &= Q(assignment__batch_id=grant.batch_id)
            condition |= reach
        elif grant.role == Role.GROUP_LEADER and grant.batch_id is None:
            condition |= Q(assignment__batch__coordinating_org__path__startswith=grant.path)
    leader_grants = [grant for grant in scopes.grants if grant.role == Role.GROUP_LEADER]
    if leader_grants:
        leads = Q(assignment__group__leader__cadre__user=actor) | Q(
            assignment__group__deputy__cadre__user=actor
        )
        batches = {grant.batch_id for grant in leader_grants if grant.batch_id is not None}
        if all(grant.batch_id is not None for grant in leader_grants):
            # Grants limited to batches: the groups the actor leads in those batches only.
            leads &= Q(assignment__batch_id__in=sorted(batches))
        condition |= leads
    profile = cadre_profile_for(actor)
    if profile is not None:
        condition &= ~Q(assignment__cadre=profile)
    return condition


def review_queue(*, actor: Any, batch: Batch | None = None) -> list[PeriodicReport]:
    """Reports submitted and waiting for this actor's review, the longest waiting first."""
    reports = PeriodicReport.objects.filter(
        reviewer_condition(actor),
        state=ReportState.SUBMITTED,
        assignment__in=duty_assignment_queryset(actor),
    )
    if batch is not None:
        reports = reports.filter(assignment__batch=batch)
    return list(
        reports.select_related(
            "assignment__cadre", "assignment__host_unit", "assignment__post", "assignment__group"
        ).order_by("due_on", "period_start", "id")
    )


# --- a batch's overview ---------------------------------------------------------------------


@dataclass(frozen=True)
class OverviewCell:
    """One person in one period: None `period` when the period lies outside their term."""

    period: ReportPeriod | None
    report_id: int | None = None
    state: str = MISSING
    state_label: str = ""
    late: bool = False


@dataclass
class OverviewRow:
    assignment: Assignment
    cells: list[OverviewCell]

    @property
    def late_count(self) -> int:
        return sum(1 for cell in self.cells if cell.late)


@dataclass
class OverviewGroup:
    name: str  # the group's name, "" for people in no group
    rows: list[OverviewRow] = field(default_factory=list)


@dataclass
class BatchOverview:
    frequency: str
    columns: list[ReportPeriod]  # unclipped months or quarters, oldest first
    groups: list[OverviewGroup]

    @property
    def late_total(self) -> int:
        return sum(row.late_count for group in self.groups for row in group.rows)

    @property
    def people(self) -> int:
        return sum(len(group.rows) for group in self.groups)


def batch_report_overview(
    *, actor: Any, batch: Batch, today: dt.date | None = None
) -> BatchOverview:
    """Every person of the batch the actor reaches, by group, and each period begun by
    `today`: the report's state and the late mark. Three queries whatever the batch's size."""
    today = today or timezone.localdate()
    rules = duty_rules_of(batch)
    people = sorted(
        duty_assignment_queryset(actor)
        .filter(batch=batch)
        .select_related("cadre", "host_unit", "post", "group", "batch"),
        # Groups by name as Chinese sorts, the people in no group last; names by pinyin.
        key=lambda person: (
            person.group is None,
            _pinyin(person.group.name) if person.group is not None else "",
            person.group_id or 0,
            person.cadre.name_pinyin,
            person.pk,
        ),
    )
    if not people:
        return BatchOverview(rules.report_frequency, [], [])
    terms = {person.pk: term_bounds(person) for person in people}
    columns = [
        period
        for period in periods_between(
            frequency=rules.report_frequency,
            due_days=rules.report_due_days,
            start=min(start for start, _end in terms.values()),
            end=max(end for _start, end in terms.values()),
        )
        if period.start <= today
    ]
    reports: dict[tuple[int, dt.date], PeriodicReport] = {}
    for found in PeriodicReport.objects.filter(assignment__in=[p.pk for p in people]).only(
        "pk", "assignment_id", "frequency", "period_start", "state", "submitted_at", "due_on"
    ):
        if found.frequency == rules.report_frequency:
            key = calendar_period_start(found.frequency, found.period_start)
            reports[(found.assignment_id, key)] = found
    groups: list[OverviewGroup] = []
    group_ids: list[int | None] = []
    for person in people:
        if not groups or group_ids[-1] != person.group_id:
            groups.append(OverviewGroup(person.group.name if person.group is not None else ""))
            group_ids.append(person.group_id)
        own_periods = {
            period.key: period
            for period in periods_between(
                frequency=rules.report_frequency,
                due_days=rules.report_due_days,
                start=terms[person.pk][0],
                end=terms[person.pk][1],
            )
        }
        cells = []
        for column in columns:
            period = own_periods.get(column.key)
            if period is None:
                cells.append(OverviewCell(None))
                continue
            report = reports.get((person.pk, column.key))
            row = _row(period, report, today)
            cells.append(
                OverviewCell(
                    period=period,
                    report_id=report.pk if report is not None else None,
                    state=row.state,
                    state_label=row.state_label,
                    late=row.late,
                )
            )
        groups[-1].rows.append(OverviewRow(person, cells))
    return BatchOverview(rules.report_frequency, columns, groups)
