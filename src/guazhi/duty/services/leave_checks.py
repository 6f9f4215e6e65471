"""What a leave request must satisfy before it holds days: its fields, the term, no overlap, the
balance, and which approval chain it goes through; and the grants the balance starts from.

The lifecycle services (services/leave.py, services/leave_return.py) call these inside their
transaction, after locking the assignment row, so two requests made at the same moment are
checked one after the other and cannot both pass.
"""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guazhi.core.audit import audit_record
from guazhi.core.calendar import add_working_days, is_workday
from guazhi.core.errors import ValidationFailed
from guazhi.core.i18n import Message
from guazhi.core.jinja import format_date
from guazhi.duty.counting import leave_days, slot_days
from guazhi.duty.models import (
    HOLDING_STATES,
    ApproverRole,
    CountingRule,
    Half,
    LeaveApprovalRule,
    LeaveLedgerEntry,
    LeaveRequest,
    LeaveState,
    LeaveType,
    LedgerKind,
    half_slot,
    slot_day,
)
from guazhi.duty.periods import term_bounds
from guazhi.programmes.models import Assignment, AssignmentState

# When the batch's chain has no line for a request (the rules page forbids that, but a batch
# edited by hand might), the longest chain is the safe answer: more oversight, never less.
FALLBACK_CHAIN = [ApproverRole.HOST_LEADER, ApproverRole.DISPATCH_ADMIN, ApproverRole.COORDINATOR]

# States whose days are settled (approved or beyond): what a final approval re-checks against.
SETTLED_STATES = (
    LeaveState.APPROVED,
    LeaveState.ON_LEAVE,
    LeaveState.OVERDUE,
    LeaveState.RETURNED,
)

# Digits with the separators people write in phone numbers: 13912345678, 0792-8221234,
# +86 139 1234 5678.
PHONE = re.compile(r"^\+?[0-9][0-9\- ]{5,18}[0-9]$")

# National rule (DOMAIN.md): 5 / 10 / 15 days after 1 / 10 / 20 full years of service.
ANNUAL_BY_SERVICE = ((20, Decimal(15)), (10, Decimal(10)), (1, Decimal(5)))
ANNUAL_UNKNOWN_SERVICE = Decimal(5)


# --- text --------------------------------------------------------------------------------


def days_text(days: Decimal) -> str:
    """2 rather than 2.0, 1.5 as it is."""
    return str(int(days)) if days == days.to_integral_value() else str(days.normalize())


def date_message(day: dt.date) -> Message:
    """A date inside a message kept for later (a notification): 2026年6月9日, put in the
    reader's language when it is read."""
    return Message(
        gettext_noop("%(year)s年%(month)s月%(day)s日"), year=day.year, month=day.month, day=day.day
    )


def moment_text(day: dt.date, half: str) -> str:
    """2026年5月3日上午 (2026-05-03 morning in English)."""
    return _("%(date)s%(half)s") % {"date": format_date(day), "half": Half(half).label}


def leave_text(leave: LeaveRequest) -> str:
    """How a message names a leave: its type, its first and last half day, its state."""
    return _("%(type)s，%(start)s至%(end)s，%(state)s") % {
        "type": leave.leave_type,
        "start": moment_text(leave.start_date, leave.start_half),
        "end": moment_text(leave.end_date, leave.end_half),
        "state": leave.get_state_display(),
    }


def refuse(field: str | None, message: str) -> ValidationFailed:
    return ValidationFailed(message, detail={field: message} if field else None)


# --- the request's own fields ----------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A leave's first and last half day away, and the days they count by its type."""

    start_date: dt.date
    start_half: str
    end_date: dt.date
    end_half: str
    days: Decimal

    @property
    def start_slot(self) -> int:
        return half_slot(self.start_date, self.start_half)

    @property
    def end_slot(self) -> int:
        return half_slot(self.end_date, self.end_half)


def check_type(assignment: Assignment, leave_type: LeaveType | None) -> LeaveType:
    if leave_type is None:
        raise refuse("leave_type", _("请选择假别。"))
    if leave_type.batch_id != assignment.batch_id or not leave_type.active:
        raise refuse("leave_type", _("本批次没有启用“%(type)s”。") % {"type": leave_type})
    return leave_type


def check_period(
    leave_type: LeaveType,
    start_date: dt.date | None,
    start_half: str,
    end_date: dt.date | None,
    end_half: str,
) -> Period:
    """The period counted; refuses a missing date, an end before the start and zero days."""
    if start_date is None:
        raise refuse("start_date", _("请填写开始日期。"))
    if end_date is None:
        raise refuse("end_date", _("请填写结束日期。"))
    if start_half not in Half.values:
        raise refuse("start_half", _("请选择开始时段（上午或下午）。"))
    if end_half not in Half.values:
        raise refuse("end_half", _("请选择结束时段（上午或下午）。"))
    if half_slot(end_date, end_half) < half_slot(start_date, start_half):
        raise refuse("end_date", _("结束时间不能早于开始时间。"))
    days = leave_days(leave_type.counting, start_date, start_half, end_date, end_half)
    if days <= 0:
        raise refuse(
            "end_date",
            _("所选时段内没有需计入%(type)s的工作日（%(rule)s），无需请假。")
            % {"type": leave_type, "rule": leave_type.get_counting_display()},
        )
    return Period(start_date, start_half, end_date, end_half, days)


def check_particulars(reason: str, stand_in: str, contact_phone: str) -> None:
    """Reason, stand-in and phone: all required; the phone must look like one."""
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = _("请填写请假事由。")
    if not stand_in.strip():
        errors["stand_in"] = _("请填写工作代理人。")
    elif len(stand_in.strip()) > 50:
        errors["stand_in"] = _("工作代理人不能超过50个字。")
    phone = contact_phone.strip()
    if not phone:
        errors["contact_phone"] = _("请填写请假期间的联系电话。")
    elif not PHONE.match(phone):
        errors["contact_phone"] = _(
            "联系电话“%(phone)s”格式不对：请填写手机号码或区号-座机号码。"
        ) % {"phone": phone}
    if errors:
        raise ValidationFailed(next(iter(errors.values())), detail=errors)


def check_assignment_on_duty(assignment: Assignment) -> None:
    if assignment.state != AssignmentState.ACTIVE:
        raise refuse(
            None,
            _("%(name)s当前不在岗（%(state)s），不能请假。")
            % {"name": assignment.cadre.name, "state": assignment.get_state_display()},
        )


def check_in_term(assignment: Assignment, period: Period) -> None:
    first, last = term_bounds(assignment)
    if period.start_date < first:
        raise refuse(
            "start_date",
            _("开始日期不能早于挂职开始日期%(date)s。") % {"date": format_date(first)},
        )
    if period.end_date > last:
        raise refuse(
            "end_date",
            _("结束日期不能晚于挂职期满日期%(date)s。") % {"date": format_date(last)},
        )


def check_start(period: Period, *, today: dt.date, emergency: bool) -> None:
    """Leave is asked in advance (from today on); leave entered afterwards has begun."""
    if emergency and period.start_date > today:
        raise refuse(
            "start_date",
            _("事后补办只用于已经开始的请假；尚未开始的请假请正常提交申请。"),
        )
    if not emergency and period.start_date < today:
        raise refuse(
            "start_date",
            _("开始日期不能早于今天。已经开始的请假请使用“事后补办”并说明原因。"),
        )


def overlapping(
    assignment: Assignment,
    start_slot: int,
    end_slot: int,
    *,
    exclude: list[int] | None = None,
    states: tuple[str, ...] = HOLDING_STATES,
) -> LeaveRequest | None:
    """The first leave of the assignment in `states` sharing a half day with the period."""
    return (
        LeaveRequest.objects.filter(
            assignment=assignment,
            state__in=states,
            start_slot__lte=end_slot,
            end_slot__gte=start_slot,
        )
        .exclude(pk__in=exclude or [])
        .select_related("leave_type")
        .order_by("start_slot", "pk")
        .first()
    )


def check_no_overlap(
    assignment: Assignment,
    period: Period,
    *,
    exclude: list[int] | None = None,
    states: tuple[str, ...] = HOLDING_STATES,
) -> None:
    other = overlapping(
        assignment, period.start_slot, period.end_slot, exclude=exclude, states=states
    )
    if other is not None:
        raise refuse(
            "start_date",
            _("与已有的请假时间重叠（%(other)s），请调整日期。") % {"other": leave_text(other)},
        )


# --- balance and grants --------------------------------------------------------------------


def ledger_remaining(assignment: Assignment, leave_type: LeaveType) -> Decimal | None:
    """Granted minus taken (net of days given back), from the ledger; None: no entitlement."""
    rows = LeaveLedgerEntry.objects.filter(assignment=assignment, leave_type=leave_type)
    if not rows.filter(kind=LedgerKind.GRANT).exists():
        return None
    return rows.aggregate(total=Sum("days"))["total"] or Decimal(0)


def check_balance(
    assignment: Assignment,
    leave_type: LeaveType,
    days: Decimal,
    *,
    exclude: list[int] | None = None,
    count_pending: bool = True,
) -> None:
    """Refuses a request beyond what is left: the ledger's balance less the days other requests
    of the type are waiting for (`count_pending`, at submission), so two requests waiting at
    once cannot together spend more than the grant."""
    remaining = ledger_remaining(assignment, leave_type)
    if remaining is None:
        return
    if count_pending:
        waiting = LeaveRequest.objects.filter(
            assignment=assignment, leave_type=leave_type, state=LeaveState.PENDING
        ).exclude(pk__in=exclude or []).aggregate(total=Sum("days"))["total"] or Decimal(0)
        remaining -= waiting
    if days > remaining:
        raise refuse(
            "end_date",
            _("%(type)s余额不足：本次%(days)s天，可用%(left)s天。")
            % {
                "type": leave_type,
                "days": days_text(days),
                "left": days_text(max(remaining, Decimal(0))),
            },
        )


def years_of_service(started: dt.date, on: dt.date) -> int:
    """Full years from `started` to `on`."""
    years = on.year - started.year
    if (on.month, on.day) < (started.month, started.day):
        years -= 1
    return max(years, 0)


@dataclass(frozen=True)
class Entitlement:
    days: Decimal
    note: str  # stored on the grant row, in Chinese like every stored record
    service_unknown: bool = False


def entitlement_of(assignment: Assignment, leave_type: LeaveType) -> Entitlement | None:
    """What the type grants this assignment for its term; None: no entitlement."""
    if leave_type.entitlement_by_service:
        started = assignment.cadre.work_started_on
        if started is None:
            return Entitlement(
                ANNUAL_UNKNOWN_SERVICE, "参加工作时间未登记，暂按5天计", service_unknown=True
            )
        years = years_of_service(started, term_bounds(assignment)[0])
        days = next((days for least, days in ANNUAL_BY_SERVICE if years >= least), Decimal(0))
        return Entitlement(days, f"按工龄{years}年确定")
    if leave_type.entitlement_days is not None:
        return Entitlement(leave_type.entitlement_days, "按批次规定的每期额度")
    return None


def leave_grants_ensure(assignment: Assignment, *, actor: Any = None) -> list[LeaveLedgerEntry]:
    """One GRANT row per active type with an entitlement, written once per term; the rows made
    now (none when all were there). Safe to call at any time and from two places at once: the
    ledger's unique grant constraint lets only one of two concurrent grants in. A grant follows
    from the batch's rules, so callers pass no actor unless a person really granted it."""
    granted = set(
        LeaveLedgerEntry.objects.filter(assignment=assignment, kind=LedgerKind.GRANT).values_list(
            "leave_type_id", flat=True
        )
    )
    made = []
    for leave_type in LeaveType.objects.filter(batch_id=assignment.batch_id, active=True):
        if leave_type.pk in granted:
            continue
        entitlement = entitlement_of(assignment, leave_type)
        if entitlement is None:
            continue
        try:
            with transaction.atomic():
                entry = LeaveLedgerEntry(
                    assignment=assignment,
                    leave_type=leave_type,
                    kind=LedgerKind.GRANT,
                    days=entitlement.days,
                    note=entitlement.note,
                    created_by=actor if getattr(actor, "is_authenticated", False) else None,
                )
                entry.save()
                audit_record(
                    actor=actor,
                    action="leave.grant",
                    obj=entry,
                    detail={
                        "assignment": assignment.pk,
                        "leave_kind": leave_type.kind,
                        "days": str(entitlement.days),
                    },
                )
        except IntegrityError:  # granted meanwhile by a concurrent call
            continue
        made.append(entry)
    return made


# --- the approval chain --------------------------------------------------------------------


def chain_days(start_slot: int, end_slot: int) -> Decimal:
    """The days that choose a leave's approval chain: its working days, whatever the type
    counts. The tiers are "up to 3 working days the host unit's leader, …", so four days of
    home-visit leave over a weekend (two working days) are the host leader's alone."""
    return slot_days(CountingRule.WORKING_DAYS, start_slot, end_slot)


def next_working_slot(slot: int) -> int:
    """The first working half day after `slot`: where someone whose leave ended then is due
    back (Friday afternoon's leave → Monday morning, or the morning after a holiday)."""
    day, half = slot_day(slot + 1)
    if half == Half.PM:
        if is_workday(day):
            return slot + 1
        day += dt.timedelta(days=1)
    # The first working day from `day` on (add_working_days counts from the day before it).
    return half_slot(add_working_days(day - dt.timedelta(days=1), 1), Half.AM)


def chain_for(assignment: Assignment, leave_type: LeaveType, days: Decimal) -> list[str]:
    """The batch's steps for this type and length (`days`: working days, see chain_days):
    type-specific lines first, then general ones, each by ascending day limit (blank: no
    limit); the first line that fits."""
    rules = LeaveApprovalRule.objects.filter(batch_id=assignment.batch_id)
    ordered = sorted(
        rules,
        key=lambda rule: (
            rule.leave_type_id is None,
            rule.max_days is None,
            rule.max_days or Decimal(0),
            rule.pk,
        ),
    )
    for rule in ordered:
        if rule.leave_type_id not in (None, leave_type.pk):
            continue
        if (rule.max_days is None or days <= rule.max_days) and rule.steps:
            return [str(step) for step in rule.steps]
    return [str(step) for step in FALLBACK_CHAIN]
