"""A batch's on-duty rules, made with the defaults the first time anything asks for them, and
edited by the batch's coordinators (the 在岗规则 page): general rules, leave types, the chain."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guazhi.core.audit import audit_record, changed_fields
from guazhi.core.errors import Forbidden, ValidationFailed
from guazhi.duty.models import (
    DEFAULT_LOG_CATEGORIES,
    ApproverRole,
    CountingRule,
    DutyRules,
    LeaveApprovalRule,
    LeaveKind,
    LeaveRequest,
    LeaveState,
    LeaveType,
    PeriodicReport,
    ReportFrequency,
)
from guazhi.programmes.models import Batch
from guazhi.programmes.selectors.scope import can_manage_batch

# National rules (../shared/DOMAIN.md): annual leave by years of service, counted in working
# days; home-visit leave counted in calendar days (its days depend on family circumstances,
# so the batch sets an entitlement when it wants one). The others are recorded without a quota.
DEFAULT_LEAVE_TYPES = (
    (LeaveKind.ANNUAL, CountingRule.WORKING_DAYS, None, True, False),
    (LeaveKind.HOME_VISIT, CountingRule.CALENDAR_DAYS, None, False, False),
    (LeaveKind.PERSONAL, CountingRule.WORKING_DAYS, None, False, False),
    (LeaveKind.SICK, CountingRule.WORKING_DAYS, None, False, True),
    (LeaveKind.MARRIAGE_FUNERAL, CountingRule.CALENDAR_DAYS, None, False, False),
    (LeaveKind.COMPENSATORY, CountingRule.WORKING_DAYS, None, False, False),
)

# The default chain by length: the working days of the leave, whatever its type counts (the
# issue's tiers: up to 3 working days the host unit's leader, 4 to 7 also the dispatching unit,
# more also the coordinators; see services/leave_checks.py: chain_days).
DEFAULT_CHAIN = (
    (Decimal(3), [ApproverRole.HOST_LEADER]),
    (Decimal(7), [ApproverRole.HOST_LEADER, ApproverRole.DISPATCH_ADMIN]),
    (None, [ApproverRole.HOST_LEADER, ApproverRole.DISPATCH_ADMIN, ApproverRole.COORDINATOR]),
)


def duty_rules_of(batch: Batch) -> DutyRules:
    """The batch's rules; the first call makes them, with the leave types and the chain."""
    found = DutyRules.objects.filter(batch=batch).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            rules = DutyRules.objects.create(
                batch=batch, log_categories=list(DEFAULT_LOG_CATEGORIES)
            )
            for kind, counting, days, by_service, attachment in DEFAULT_LEAVE_TYPES:
                LeaveType.objects.create(
                    batch=batch,
                    kind=kind,
                    counting=counting,
                    entitlement_days=days,
                    entitlement_by_service=by_service,
                    attachment_required=attachment,
                )
            for max_days, steps in DEFAULT_CHAIN:
                LeaveApprovalRule.objects.create(
                    batch=batch, max_days=max_days, steps=[str(step) for step in steps]
                )
            return rules
    except IntegrityError:  # made meanwhile by a concurrent first request
        return DutyRules.objects.get(batch=batch)


# --- editing (the batch's 在岗规则 page) --------------------------------------------------------

LOG_CATEGORY_MAX_LENGTH = 20
LOG_CATEGORIES_MAX = 30
MAX_ENTITLEMENT = Decimal(365)
# (field, least, most, message): the numbers a coordinator sets, each within sense.
RULE_NUMBERS = (
    ("report_due_days", 0, 60, gettext_noop("汇报提交期限须在期末后0到60天之间。")),
    ("attendance_return_day", 1, 28, gettext_noop("考勤月报报送日须在每月1日到28日之间。")),
    (
        "overdue_after_working_days",
        1,
        30,
        gettext_noop("逾期未销假认定须在假期结束后1到30个工作日之间。"),
    ),
    (
        "accomplishment_reminder_day",
        1,
        28,
        gettext_noop("“做成一件事”提醒日须在每月1日到28日之间。"),
    ),
)


def _manage(actor: Any, batch: Batch) -> DutyRules:
    """The batch's rules, locked: one edit of them at a time. Only its coordinators edit."""
    if not can_manage_batch(actor=actor, batch=batch):
        raise Forbidden(_("只有本批次的组织部门可以修改在岗管理规则。"))
    duty_rules_of(batch)
    return DutyRules.objects.select_for_update().get(batch=batch)


def _clean_categories(lines: list[str]) -> list[str]:
    categories: list[str] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        name = line.strip()
        if not name:
            continue
        if len(name) > LOG_CATEGORY_MAX_LENGTH:
            raise _field_error(
                "log_categories",
                _("工作纪实类别第%(n)s行“%(name)s”超过%(max)s个字。")
                % {"n": number, "name": name, "max": LOG_CATEGORY_MAX_LENGTH},
            )
        if name in seen:
            raise _field_error(
                "log_categories",
                _("工作纪实类别“%(name)s”重复（第%(first)s行和第%(n)s行）。")
                % {"name": name, "first": seen[name], "n": number},
            )
        seen[name] = number
        categories.append(name)
    if not categories:
        raise _field_error("log_categories", _("请至少填写一个工作纪实类别，每行一个。"))
    if len(categories) > LOG_CATEGORIES_MAX:
        raise _field_error(
            "log_categories",
            _("工作纪实类别最多%(max)s个。") % {"max": LOG_CATEGORIES_MAX},
        )
    return categories


def _field_error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, detail={field: message})


@transaction.atomic
def duty_rules_update(
    *,
    actor: Any,
    batch: Batch,
    log_categories: list[str],
    monthly_accomplishment_required: bool,
    report_frequency: str,
    report_due_days: int | None,
    attendance_return_day: int | None,
    overdue_after_working_days: int | None,
    accomplishment_reminder_day: int | None,
) -> DutyRules:
    """The batch's general rules: log categories, the monthly accomplishment, reports, the
    attendance return, the overdue threshold."""
    rules = _manage(actor, batch)
    values: dict[str, Any] = {
        "log_categories": _clean_categories(log_categories),
        "monthly_accomplishment_required": bool(monthly_accomplishment_required),
        "report_due_days": report_due_days,
        "attendance_return_day": attendance_return_day,
        "overdue_after_working_days": overdue_after_working_days,
        "accomplishment_reminder_day": accomplishment_reminder_day,
    }
    if report_frequency not in ReportFrequency.values:
        raise _field_error("report_frequency", _("请选择定期汇报频次。"))
    # Reports are kept by the start of their period: once one exists, another frequency would
    # draw periods (a quarter from 1 January) that collide with the reports already written.
    if (
        report_frequency != rules.report_frequency
        and PeriodicReport.objects.filter(assignment__batch=batch).exists()
    ):
        raise _field_error(
            "report_frequency", _("本批次已有人提交或起草定期汇报，汇报频次不能再更改。")
        )
    values["report_frequency"] = report_frequency
    errors = {}
    for field, least, most, message in RULE_NUMBERS:
        number = values[field]
        if number is None or not least <= number <= most:
            errors[field] = _(message)
    if errors:
        raise ValidationFailed(next(iter(errors.values())), detail=errors)
    before = {name: getattr(rules, name) for name in values}
    for name, value in values.items():
        setattr(rules, name, value)
    changes = changed_fields(rules, before, list(values))
    if changes:
        rules.save(update_fields=[*changes, "updated_at"])
        audit_record(
            actor=actor, action="duty_rules.update", obj=rules, detail={"changes": changes}
        )
    return rules


@dataclass(frozen=True)
class LeaveTypeChange:
    leave_type: LeaveType
    counting: str
    entitlement_days: Decimal | None
    entitlement_by_service: bool
    attachment_required: bool
    active: bool


def _has_requests(leave_type: LeaveType) -> bool:
    """Requests of the type beyond drafts (a draft is counted again when submitted)."""
    return (
        LeaveRequest.objects.filter(leave_type=leave_type).exclude(state=LeaveState.DRAFT).exists()
    )


def _is_half_days(days: Decimal) -> bool:
    return (days * 2) == (days * 2).to_integral_value()


@transaction.atomic
def leave_types_update(
    *, actor: Any, batch: Batch, changes: list[LeaveTypeChange]
) -> list[LeaveType]:
    """The batch's leave types: how each counts, its entitlement, whether it needs a document
    and whether it is offered. A changed entitlement applies to people not yet granted theirs
    (a grant, once in the ledger, is corrected by an adjustment, never rewritten). How a type
    counts is fixed once it has requests beyond drafts: their days, taken from the ledger and
    given back on an early return, were counted by it, and would be recounted by another."""
    _manage(actor, batch)
    errors: dict[str, str] = {}
    for number, change in enumerate(changes, start=1):
        label = change.leave_type
        key = f"types.{number}"
        if change.leave_type.batch_id != batch.pk:
            raise _field_error(key, _("假别不属于本批次。"))
        if change.counting not in CountingRule.values:
            errors[f"{key}.counting"] = _("“%(type)s”请选择计算方式。") % {"type": label}
        elif change.counting != change.leave_type.counting and _has_requests(change.leave_type):
            errors[f"{key}.counting"] = _(
                "“%(type)s”已有提交过的请假，计算方式不能再更改（已计的天数须按原方式核算）。"
            ) % {"type": label}
        days = change.entitlement_days
        if days is not None and not (Decimal(0) <= days <= MAX_ENTITLEMENT and _is_half_days(days)):
            errors[f"{key}.entitlement_days"] = _(
                "“%(type)s”的每期额度须为0到365天、以半天为单位。"
            ) % {"type": label}
        elif days is not None and change.entitlement_by_service:
            errors[f"{key}.entitlement_days"] = _("“%(type)s”按工龄确定额度时，不填每期额度。") % {
                "type": label
            }
    if errors:
        raise ValidationFailed(next(iter(errors.values())), detail=errors)
    if changes and not any(change.active for change in changes):
        raise ValidationFailed(_("请至少启用一种假别。"))
    fields = [
        "counting",
        "entitlement_days",
        "entitlement_by_service",
        "attachment_required",
        "active",
    ]
    saved = []
    for change in changes:
        leave_type = change.leave_type
        before = {name: getattr(leave_type, name) for name in fields}
        for name in fields:
            setattr(leave_type, name, getattr(change, name))
        diff = changed_fields(leave_type, before, fields)
        if diff:
            leave_type.save(update_fields=[*diff, "updated_at"])
            audit_record(
                actor=actor,
                action="leave_type.update",
                obj=leave_type,
                detail={"leave_kind": leave_type.kind, "changes": diff},
            )
        saved.append(leave_type)
    return saved


@dataclass(frozen=True)
class ApprovalLine:
    """One line of the chain as edited: which type (None: all), up to how many working days
    (None: no limit), and the steps in order ("" for a step left empty on the page, so that a
    gap before a later step is refused rather than closed up silently)."""

    leave_type: LeaveType | None
    max_days: Decimal | None
    steps: list[str]

    @property
    def blank(self) -> bool:
        return self.leave_type is None and self.max_days is None and not any(self.steps)


def _first_gap(steps: list[str]) -> int | None:
    """The number (from 1) of the first empty step that a later step follows, if any."""
    last = max((index for index, step in enumerate(steps) if step), default=-1)
    return next((index + 1 for index in range(last) if not steps[index]), None)


@transaction.atomic
def leave_approval_rules_update(
    *, actor: Any, batch: Batch, lines: list[ApprovalLine]
) -> list[LeaveApprovalRule]:
    """Replace the batch's approval chain with `lines` (blank lines dropped). Requests already
    submitted keep the chain they were given."""
    _manage(actor, batch)
    errors: dict[str, str] = {}
    seen: dict[tuple[int | None, Decimal | None], int] = {}
    kept = []
    for number, line in enumerate(lines, start=1):
        if line.blank:
            continue
        key = f"lines.{number}"
        if line.leave_type is not None and line.leave_type.batch_id != batch.pk:
            raise _field_error(f"{key}.leave_type", _("假别不属于本批次。"))
        steps = [step for step in line.steps if step]
        gap = _first_gap(line.steps)
        if not steps:
            errors[f"{key}.step_1"] = _("第%(n)s行：请至少选择一个审批环节。") % {"n": number}
        elif gap is not None:
            errors[f"{key}.step_{gap}"] = _(
                "第%(n)s行：审批环节须从第一步起依次填写，第%(step)s步不能空着。"
            ) % {"n": number, "step": gap}
        elif any(step not in ApproverRole.values for step in steps):
            errors[f"{key}.step_1"] = _("第%(n)s行：审批环节无效。") % {"n": number}
        elif len(set(steps)) != len(steps):
            errors[f"{key}.step_1"] = _("第%(n)s行：同一审批环节不能出现两次。") % {"n": number}
        days = line.max_days
        if days is not None and not (Decimal(0) < days <= MAX_ENTITLEMENT and _is_half_days(days)):
            errors[f"{key}.max_days"] = _(
                "第%(n)s行：工作日上限须大于0、不超过365天、以半天为单位；不设上限请留空。"
            ) % {"n": number}
        identity = (line.leave_type.pk if line.leave_type else None, days)
        if identity in seen and f"{key}.max_days" not in errors:
            errors[f"{key}.max_days"] = _(
                "第%(n)s行与第%(first)s行的假别和工作日上限相同，请合并。"
            ) % {"n": number, "first": seen[identity]}
        seen.setdefault(identity, number)
        kept.append(ApprovalLine(line.leave_type, days, steps))
    if errors:
        raise ValidationFailed(next(iter(errors.values())), detail=errors)
    if not any(line.leave_type is None and line.max_days is None for line in kept):
        raise ValidationFailed(
            _("须有一行适用于全部假别、不设工作日上限的审批规则，兜底审批超出其他各行的请假。")
        )
    before = [str(rule) for rule in LeaveApprovalRule.objects.filter(batch=batch)]
    LeaveApprovalRule.objects.filter(batch=batch).delete()
    saved = [
        LeaveApprovalRule.objects.create(
            batch=batch, leave_type=line.leave_type, max_days=line.max_days, steps=line.steps
        )
        for line in kept
    ]
    after = [str(rule) for rule in saved]
    if before != after:
        audit_record(
            actor=actor,
            action="leave_rules.update",
            obj=batch,
            detail={"before": before, "after": after},
        )
    return saved
