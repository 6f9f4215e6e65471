"""Deciding leave: one approver's decision on the current step of a request's chain.

The decision locks the person's row and then the leave's, and names the step the approver saw:
two approvers acting on one step at the same moment give one decision and one move, and the
other is told the step was decided; the unique (request, step) constraint stands behind the
lock on any database. The last approval re-checks overlap and balance against leave settled
meanwhile, under the same lock.
"""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.duty.models import (
    ApproverRole,
    LeaveDecision,
    LeaveDecisionKind,
    LeaveRequest,
    LeaveState,
    LedgerKind,
    slot_day,
)
from guazhi.duty.selectors.leave import is_leave_owner
from guazhi.duty.selectors.scope import can_act_on_step
from guazhi.duty.services.leave_checks import (
    SETTLED_STATES,
    Period,
    check_balance,
    check_no_overlap,
    next_working_slot,
    refuse,
)
from guazhi.duty.services.leave_common import (
    after_commit,
    audit_leave,
    ledger_write,
    lock_assignment,
    lock_leave,
    move,
    notify_person,
    notify_step,
)
from guazhi.programmes.models import Assignment


@transaction.atomic
def leave_decide(
    *,
    actor: Any,
    leave: LeaveRequest,
    decision: str,
    comment: str = "",
    step: int | None = None,
    today: dt.date | None = None,
) -> LeaveRequest:
    """One approver's decision on the leave's current step. `step` is the step the approver
    saw: if someone else decided it meanwhile, this one is refused rather than applied to the
    next step. Approving the last step approves the leave (its days taken in the ledger);
    rejecting any step rejects it."""
    today = today or timezone.localdate()
    if decision not in LeaveDecisionKind.values:
        raise refuse("decision", _("请选择同意或不同意。"))
    comment = comment.strip()
    if decision == LeaveDecisionKind.REJECT and not comment:
        raise refuse("comment", _("不同意时请填写审批意见，说明理由。"))
    assignment = lock_assignment(leave.assignment)
    locked = lock_leave(leave)
    if locked.state != LeaveState.PENDING or (step is not None and locked.step != step):
        raise InvalidTransition(
            _("这一审批环节已经处理过了（可能由其他审批人办理），请查看最新状态。")
        )
    # Behind the scope rules, which leave a person out of their own leave's steps: a leader
    # who is also seconded never decides their own request, whatever roles they hold.
    if is_leave_owner(actor=actor, leave=locked):
        raise Forbidden(_("不能审批本人的请假。"))
    if not can_act_on_step(actor=actor, leave=locked):
        raise Forbidden(
            _("当前环节由%(role)s审批，您不能办理。")
            % {"role": ApproverRole(locked.awaiting_role).label}
        )
    try:
        with transaction.atomic():
            LeaveDecision.objects.create(
                request=locked,
                step=locked.step,
                role=locked.awaiting_role,
                decision=decision,
                comment=comment,
                decided_by=actor,
            )
    except IntegrityError as error:  # the constraint behind the lock, on any database
        raise InvalidTransition(
            _("这一审批环节已经处理过了（可能由其他审批人办理），请查看最新状态。")
        ) from error
    decided_step = locked.step
    fields = ["state", "step", "awaiting_role", "updated_at"]
    if decision == LeaveDecisionKind.REJECT:
        move(locked, LeaveState.REJECTED)
        locked.awaiting_role = ""
        locked.decided_at = timezone.now()
        fields.append("decided_at")
        after_commit(notify_person, locked, "rejected")
    elif decided_step + 1 < len(locked.chain):
        locked.step = decided_step + 1
        locked.awaiting_role = locked.chain[locked.step]
        after_commit(notify_step, locked)
    else:
        _approve(locked, assignment=assignment, actor=actor, today=today)
        fields += ["decided_at", "returned_date", "returned_half", "returned_at"]
        after_commit(notify_person, locked, "approved")
    locked.save(update_fields=fields)
    action = "leave.approve" if decision == LeaveDecisionKind.APPROVE else "leave.reject"
    audit_leave(actor, action, locked, step=decided_step, comment=comment)
    return locked


def _approve(leave: LeaveRequest, *, assignment: Assignment, actor: Any, today: dt.date) -> None:
    """The last approval: re-checked against leave settled meanwhile (an overlapping request
    approved a moment ago, a balance spent), then the days are taken. Leave already begun
    starts at once; leave entered afterwards that is already over counts as reported back, on
    the first working half day after it ended."""
    period = Period(leave.start_date, leave.start_half, leave.end_date, leave.end_half, leave.days)
    try:
        check_no_overlap(assignment, period, exclude=[leave.pk], states=SETTLED_STATES)
        check_balance(
            assignment, leave.leave_type, leave.days, exclude=[leave.pk], count_pending=False
        )
    except ValidationFailed as error:
        raise InvalidTransition(
            _("不能批准：%(reason)s") % {"reason": error.message}, detail=error.detail
        ) from error
    move(leave, LeaveState.APPROVED)
    leave.step = len(leave.chain)
    leave.awaiting_role = ""
    leave.decided_at = timezone.now()
    ledger_write(leave, LedgerKind.TAKE, -leave.days, actor=actor)
    if leave.start_date <= today:
        if leave.end_date < today and leave.emergency:
            leave.returned_date, leave.returned_half = slot_day(next_working_slot(leave.end_slot))
            leave.returned_at = timezone.now()
            move(leave, LeaveState.RETURNED)
        else:
            move(leave, LeaveState.ON_LEAVE)
