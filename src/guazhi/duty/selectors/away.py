"""Reading away-from-post reports (外出报备): a person's list, one report, the host leaders' inbox.

A report is read by whoever sees the person's duty record (selectors.scope). Acknowledging it is
the host unit's act: it needs the host-leader role itself over the assignment's host unit (a
grant limited to one batch counts only for that batch), so a system administrator sees every
report but acknowledges none, as with leave approval.
"""

import datetime as dt

from django.db.models import Q, QuerySet

from guazhi.core.errors import NotFound
from guazhi.duty.models import AwayReport, AwayState
from guazhi.duty.selectors.scope import DUTY_STATES, duty_assignment_queryset, is_own
from guazhi.orgs.models import Role, User
from guazhi.orgs.scopes import scopes_of
from guazhi.programmes.models import Assignment, AssignmentState

# What a list row and the inbox show: the person, where they serve, the batch (for the link).
_RELATED = (
    "assignment__cadre",
    "assignment__host_unit",
    "assignment__post",
    "assignment__batch",
    "acknowledged_by",
)


def host_leader_reaches(*, actor: User, assignment: Assignment) -> bool:
    """Whether the actor holds the host-leader role itself over the assignment's host unit."""
    path = assignment.host_unit.path
    return any(
        grant.role == Role.HOST_LEADER
        and path.startswith(grant.path)
        and grant.batch_id in (None, assignment.batch_id)
        for grant in scopes_of(actor).grants
    )


def acknowledges_away(*, actor: User, assignment: Assignment) -> bool:
    """A host leader over the person's host unit who is not the person: a seconded cadre who
    also leads their host unit (a 挂职副镇长 with the role) never confirms their own trip."""
    return assignment.cadre.user_id != actor.pk and host_leader_reaches(
        actor=actor, assignment=assignment
    )


def _host_leader_condition(actor: User, prefix: str = "assignment__") -> Q:
    """Q over rows hanging off an assignment (via `prefix`) whose host unit the actor leads."""
    condition = Q(pk__in=[])
    for grant in scopes_of(actor).grants:
        if grant.role != Role.HOST_LEADER:
            continue
        reach = Q(**{f"{prefix}host_unit__path__startswith": grant.path})
        if grant.batch_id is not None:
            reach &= Q(**{f"{prefix}batch_id": grant.batch_id})
        condition |= reach
    return condition


def away_awaiting_acknowledgement(actor: User) -> QuerySet[AwayReport]:
    """Submitted reports of people on duty whose host unit the actor leads, earliest trip first.

    The leave area's approval inbox lists these beside the leave waiting for the actor; one
    query whatever the length (the person, unit, post and batch come joined)."""
    return (
        AwayReport.objects.filter(
            _host_leader_condition(actor),
            state=AwayState.SUBMITTED,
            assignment__state=AssignmentState.ACTIVE,
        )
        .exclude(assignment__cadre__user=actor)  # their own trips are not theirs to confirm
        .select_related(*_RELATED)
        .order_by("leave_date", "id")
    )


def away_report_list(*, actor: User, assignment: Assignment) -> QuerySet[AwayReport]:
    """The reports of one person's record (the caller has checked the record with
    access_duty_assignment), latest trip first."""
    return (
        AwayReport.objects.filter(assignment=assignment)
        .select_related("acknowledged_by")
        .order_by("-leave_date", "-id")
    )


def access_away_report(*, actor: User, pk: int) -> AwayReport:
    """The report when the actor sees its person's duty record; NotFound otherwise, as for a
    missing one."""
    report = (
        AwayReport.objects.filter(
            pk=pk, assignment__in=duty_assignment_queryset(actor).values("pk")
        )
        .select_related(
            "assignment__batch__coordinating_org",
            "assignment__cadre__user",
            "assignment__post",
            "assignment__host_unit",
            "assignment__home_unit",
            "acknowledged_by",
        )
        .first()
    )
    if report is None:
        raise NotFound()
    return report


def can_acknowledge_away(*, actor: User, report: AwayReport) -> bool:
    """Whether the page offers 确认: a submitted report, a host leader over the person's unit."""
    return (
        report.state == AwayState.SUBMITTED
        and report.assignment.state in DUTY_STATES
        and acknowledges_away(actor=actor, assignment=report.assignment)
    )


def can_withdraw_away(*, actor: User, report: AwayReport, today: dt.date) -> bool:
    """Whether the page offers 撤回: the person's own report, not yet begun."""
    return (
        report.state in (AwayState.SUBMITTED, AwayState.ACKNOWLEDGED)
        and report.leave_date >= today
        and is_own(actor=actor, assignment=report.assignment)
    )
