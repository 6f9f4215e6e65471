"""Away-from-post reports (外出报备): submitted by the person, acknowledged by the host unit.

Leaving the area on a weekend or holiday needs a report even without leave. The report covers
rest days only: the half days from leaving to returning, both included (as a leave's first and
last half day away), are checked against the work calendar, and a working half day in them
must be covered by approved leave. Otherwise the person is told to ask for leave instead, since
a report is not a way around the approval chain.
"""

import datetime as dt
import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guazhi.core.audit import audit_record, history_by
from guazhi.core.calendar import workdays_in
from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.jinja import format_date
from guazhi.core.text import join_list
from guazhi.duty.models import AwayReport, AwayState, Half, LeaveRequest, LeaveState, half_slot
from guazhi.duty.periods import term_bounds
from guazhi.duty.selectors.away import acknowledges_away
from guazhi.duty.selectors.scope import is_own
from guazhi.orgs.models import User
from guazhi.programmes.models import Assignment, AssignmentState

# The one table of allowed moves. A withdrawn report stays on record.
AWAY_TRANSITIONS: dict[str, frozenset[str]] = {
    AwayState.SUBMITTED: frozenset({AwayState.ACKNOWLEDGED, AwayState.WITHDRAWN}),
    AwayState.ACKNOWLEDGED: frozenset({AwayState.WITHDRAWN}),
    AwayState.WITHDRAWN: frozenset(),
}
# Leave whose days are approved: it covers working half days inside a trip. A returned leave
# covers up to the actual return (the leave area writes it back into end_slot).
COVERING_STATES = (
    LeaveState.APPROVED,
    LeaveState.ON_LEAVE,
    LeaveState.OVERDUE,
    LeaveState.RETURNED,
)
LIVE_STATES = (AwayState.SUBMITTED, AwayState.ACKNOWLEDGED)
REASON_MAX = 500
DESTINATION_MAX = 100
STAND_IN_MAX = 50
PHONE_MAX = 20
PHONE = re.compile(r"^[0-9+\-() ]{5,20}$")
UNCOVERED_SHOWN = 3  # working days named in the refusal; more are summarised


def _half_text(day: dt.date, half: str) -> str:
    return f"{format_date(day)}{Half(half).label}"


def _text_errors(
    *, reason: str, destination: str, stand_in: str, contact_phone: str
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = _("请填写外出事由。")
    elif len(reason) > REASON_MAX:
        errors["reason"] = _("外出事由不能超过%(n)s个字。") % {"n": REASON_MAX}
    if not destination:
        errors["destination"] = _("请填写去向。")
    elif len(destination) > DESTINATION_MAX:
        errors["destination"] = _("去向不能超过%(n)s个字。") % {"n": DESTINATION_MAX}
    if not stand_in:
        errors["stand_in"] = _("请填写外出期间的工作代理人。")
    elif len(stand_in) > STAND_IN_MAX:
        errors["stand_in"] = _("工作代理人不能超过%(n)s个字。") % {"n": STAND_IN_MAX}
    if not contact_phone:
        errors["contact_phone"] = _("请填写外出期间的联系电话。")
    elif not PHONE.match(contact_phone):
        errors["contact_phone"] = _("联系电话只能包含数字和“-”，如 13800000000 或 0792-8888888。")
    return errors


def _uncovered_working_halves(
    assignment: Assignment, first_slot: int, last_slot: int
) -> list[tuple[dt.date, str]]:
    """The working half days in [first_slot, last_slot] that no approved leave covers."""
    first_day, last_day = dt.date.fromordinal(first_slot // 2), dt.date.fromordinal(last_slot // 2)
    covering = list(
        LeaveRequest.objects.filter(
            assignment=assignment,
            state__in=COVERING_STATES,
            start_slot__lte=last_slot,
            end_slot__gte=first_slot,
        ).values_list("start_slot", "end_slot")
    )
    uncovered = []
    for day in workdays_in(first_day, last_day):
        for half in (Half.AM, Half.PM):
            slot = half_slot(day, half)
            if first_slot <= slot <= last_slot and not any(
                start <= slot <= end for start, end in covering
            ):
                uncovered.append((day, str(half)))
    return uncovered


def _span_errors(
    assignment: Assignment,
    *,
    leave_date: dt.date,
    leave_half: str,
    return_date: dt.date,
    return_half: str,
    today: dt.date,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    first, last = half_slot(leave_date, leave_half), half_slot(return_date, return_half)
    if last < first:
        errors["return_date"] = _("返回时间不能早于离开时间。")
        return errors
    start = assignment.start_date
    if start is not None and leave_date < start:
        errors["leave_date"] = _("离开日期不能早于到岗日期%(date)s。") % {
            "date": format_date(start)
        }
    _start, term_end = term_bounds(assignment)
    if return_date > term_end:
        errors["return_date"] = _("返回日期不能晚于期满日期%(date)s。") % {
            "date": format_date(term_end)
        }
    if return_date < today:
        errors["return_date"] = _("返回日期已过：外出报备应在外出前或外出期间填报。")
    if errors:
        return errors
    uncovered = _uncovered_working_halves(assignment, first, last)
    if uncovered:
        shown = [_half_text(day, half) for day, half in uncovered[:UNCOVERED_SHOWN]]
        if len(uncovered) > UNCOVERED_SHOWN:
            shown.append(_("等%(n)s个工作时段") % {"n": len(uncovered)})
        errors["leave_date"] = _(
            "离开至返回期间含工作日（%(halves)s），外出报备只适用于周末和节假日；"
            "工作日离岗请先请假，请假获批后再报备。"
        ) % {"halves": join_list(shown)}
        return errors
    others = AwayReport.objects.filter(
        assignment=assignment,
        state__in=LIVE_STATES,
        leave_date__lte=return_date,
        return_date__gte=leave_date,
    )
    for other in others:
        if (
            half_slot(other.leave_date, other.leave_half) <= last
            and half_slot(other.return_date, other.return_half) >= first
        ):
            errors["leave_date"] = _("与%(date)s离开的外出报备时间重叠。") % {
                "date": format_date(other.leave_date)
            }
            break
    return errors


def _move(report: AwayReport, to_state: str) -> None:
    if to_state not in AWAY_TRANSITIONS[report.state]:
        raise InvalidTransition(
            _("该外出报备当前为“%(state)s”，不能改为“%(to)s”。")
            % {"state": report.get_state_display(), "to": AwayState(to_state).label}
        )
    report.state = to_state


@transaction.atomic
def away_report_submit(
    *,
    actor: User,
    assignment: Assignment,
    reason: str,
    destination: str,
    leave_date: dt.date,
    leave_half: str,
    return_date: dt.date,
    return_half: str,
    stand_in: str,
    contact_phone: str,
    today: dt.date | None = None,
) -> AwayReport:
    """The person reports leaving the area from `leave_date` (`leave_half`) to `return_date`
    (`return_half`), both half days away. Only rest days, or working days under approved leave."""
    today = today or timezone.localdate()
    # The person's row is the lock: two submissions of one form meet here, and the second
    # sees the first as an overlapping report.
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("batch", "cadre")
        .get(pk=assignment.pk)
    )
    if not is_own(actor=actor, assignment=assignment):
        raise Forbidden(_("只有挂职干部本人可以填报外出报备。"))
    if assignment.state != AssignmentState.ACTIVE:
        raise InvalidTransition(
            _("挂职安排当前为“%(state)s”，不能填报外出报备。")
            % {"state": assignment.get_state_display()}
        )
    if leave_half not in Half.values or return_half not in Half.values:
        raise ValidationFailed(_("时段只能是上午或下午。"))
    reason, destination = reason.strip(), destination.strip()
    stand_in, contact_phone = stand_in.strip(), contact_phone.strip()
    errors = _text_errors(
        reason=reason, destination=destination, stand_in=stand_in, contact_phone=contact_phone
    )
    errors = {
        **_span_errors(
            assignment,
            leave_date=leave_date,
            leave_half=leave_half,
            return_date=return_date,
            return_half=return_half,
            today=today,
        ),
        **errors,
    }
    if errors:
        raise ValidationFailed(_("外出报备填写有误。"), detail=errors)
    report = AwayReport(
        assignment=assignment,
        reason=reason,
        destination=destination,
        leave_date=leave_date,
        leave_half=leave_half,
        return_date=return_date,
        return_half=return_half,
        stand_in=stand_in,
        contact_phone=contact_phone,
        state=AwayState.SUBMITTED,
    )
    history_by(actor, report)
    report.save()
    audit_record(
        actor=actor,
        action="away.submit",
        obj=report,
        detail={
            "leave": f"{leave_date.isoformat()} {leave_half}",
            "return": f"{return_date.isoformat()} {return_half}",
            "destination": destination,
        },
    )
    return report


def _locked(report: AwayReport) -> AwayReport:
    return (
        AwayReport.objects.select_for_update(of=("self",))
        .select_related("assignment__host_unit", "assignment__batch", "assignment__cadre")
        .get(pk=report.pk)
    )


@transaction.atomic
def away_report_acknowledge(*, actor: User, report: AwayReport) -> AwayReport:
    """The host unit's leader has seen the report (确认). Once; two leaders at the same moment
    give one acknowledgement, the second is told it is done."""
    report = _locked(report)
    if not acknowledges_away(actor=actor, assignment=report.assignment):
        raise Forbidden(_("只有挂职干部所在接收单位的领导可以确认外出报备。"))
    if report.state == AwayState.ACKNOWLEDGED:
        raise InvalidTransition(_("该外出报备已经确认过了。"))
    _move(report, AwayState.ACKNOWLEDGED)
    report.acknowledged_by = actor
    report.acknowledged_at = timezone.now()
    history_by(actor, report)
    report.save(update_fields=["state", "acknowledged_by", "acknowledged_at", "updated_at"])
    audit_record(
        actor=actor,
        action="away.acknowledge",
        obj=report,
        detail={"person": report.assignment.cadre.name},
    )
    return report


@transaction.atomic
def away_report_withdraw(
    *, actor: User, report: AwayReport, today: dt.date | None = None
) -> AwayReport:
    """The person no longer goes: the report is withdrawn (kept on record). Not once the trip
    has begun."""
    today = today or timezone.localdate()
    report = _locked(report)
    if not is_own(actor=actor, assignment=report.assignment):
        raise Forbidden(_("只有挂职干部本人可以撤回外出报备。"))
    if report.state in LIVE_STATES and report.leave_date < today:
        raise InvalidTransition(_("外出已经开始，不能撤回报备。"))
    before = report.state
    _move(report, AwayState.WITHDRAWN)
    history_by(actor, report)
    report.save(update_fields=["state", "updated_at"])
    audit_record(
        actor=actor,
        action="away.withdraw",
        obj=report,
        detail={"away_state": [before, report.state]},
    )
    return report
