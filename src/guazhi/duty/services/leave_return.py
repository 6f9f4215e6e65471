"""Coming back from leave (销假) and the daily move of leave through its dates.

One absence may be several requests: a leave and its extensions (续假). Reporting back on any of
them settles them all: the pieces before the return end where they ended (each continued by
the next), the piece the person came back from ends the half day before the return (an early
return recounts its days and gives the difference back in the ledger), pieces starting at or
after the return are withdrawn with their days given back (begun by date or not: nobody was
away for them), and an extension still waiting is withdrawn. A return on the half day the leave
began says it was not taken at all: every piece is withdrawn and its days given back.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guazhi.core.audit import audit_record
from guazhi.core.calendar import add_working_days
from guazhi.core.errors import Forbidden, InvalidTransition
from guazhi.core.i18n import Message
from guazhi.duty.counting import slot_days
from guazhi.duty.models import Half, LeaveRequest, LeaveState, LedgerKind, half_slot, slot_day
from guazhi.duty.selectors.leave import (
    host_leader_over,
    is_leave_owner,
    leave_chain_of,
    leave_is_continued,
    step_approvers,
)
from guazhi.duty.services.leave_checks import date_message, days_text, moment_text, refuse
from guazhi.duty.services.leave_common import (
    after_commit,
    audit_leave,
    leave_url,
    ledger_write,
    lock_assignment,
    move,
    notify_person,
)
from guazhi.duty.services.rules import duty_rules_of

# The pieces of an absence that hold days and are not yet settled by a return.
OPEN_STATES = (LeaveState.APPROVED, LeaveState.ON_LEAVE, LeaveState.OVERDUE)


def notify_returned(leave: LeaveRequest, returned: dt.date) -> None:
    """After commit: the return is reported to the approver (the chain's first step); a leave
    not taken at all (withdrawn on the return) is reported as such."""
    from guazhi.core.notifications import notify

    if not leave.chain:
        return
    if leave.state == LeaveState.WITHDRAWN:
        message = Message(
            gettext_noop("%(name)s已销假：%(date)s起的请假未休，已撤回，%(days)s天退回额度。"),
            name=leave.assignment.cadre.name,
            date=date_message(leave.start_date),
            days=days_text(leave.days),
        )
    else:
        message = Message(
            gettext_noop("%(name)s已销假：%(date)s返岗，实际休假%(days)s天。"),
            name=leave.assignment.cadre.name,
            date=date_message(returned),
            days=days_text(leave.days),
        )
    for user in step_approvers(leave.assignment, leave.chain[0]):
        notify(
            recipient=user,
            kind="leave.returned",
            key=f"leave:{leave.pk}:returned",
            message=message,
            url=leave_url(leave),
        )


def notify_overdue(leave: LeaveRequest) -> None:
    """After commit: the person and the approver of the chain's first step are told."""
    from guazhi.core.notifications import notify

    notify_person(leave, "overdue")
    if not leave.chain:
        return
    message = Message(
        gettext_noop("%(name)s的请假已于%(end)s结束，至今未销假，已认定为逾期未销假。"),
        name=leave.assignment.cadre.name,
        end=date_message(leave.end_date),
    )
    for user in step_approvers(leave.assignment, leave.chain[0]):
        notify(
            recipient=user,
            kind="leave.overdue",
            key=f"leave:{leave.pk}:overdue",
            message=message,
            url=leave_url(leave),
        )


@transaction.atomic
def leave_return(
    *,
    actor: Any,
    leave: LeaveRequest,
    returned_date: dt.date | None,
    returned_half: str = Half.AM,
    today: dt.date | None = None,
) -> LeaveRequest:
    """销假: the person (or the host unit's leader for them) reports the day and half they were
    back at work. Returns the request the person came back from; when they were back on the
    half day the leave began (not taken at all), the first request, withdrawn."""
    today = today or timezone.localdate()
    if not (
        is_leave_owner(actor=actor, leave=leave)
        or host_leader_over(actor=actor, assignment=leave.assignment)
    ):
        raise Forbidden(_("只有本人或接收单位领导可以销假。"))
    if returned_date is None:
        raise refuse("returned_date", _("请填写实际返岗日期。"))
    if returned_half not in Half.values:
        raise refuse("returned_half", _("请选择返岗时段（上午或下午）。"))
    if returned_date > today:
        raise refuse("returned_date", _("实际返岗日期不能晚于今天：请在返岗当天销假。"))
    assignment = lock_assignment(leave.assignment)
    ids = [piece.pk for piece in leave_chain_of(leave)]
    pieces = list(
        LeaveRequest.objects.select_for_update(no_key=True, of=("self",))
        .filter(pk__in=ids)
        .select_related("leave_type")
        .order_by("start_slot", "pk")
    )
    for piece in pieces:
        piece.assignment = assignment
    open_pieces = [piece for piece in pieces if piece.state in OPEN_STATES]
    begun = [piece for piece in open_pieces if piece.start_date <= today]
    if not begun:
        raise InvalidTransition(
            _("请假当前为“%(state)s”，不能销假。") % {"state": leave.get_state_display()}
        )
    back = half_slot(returned_date, returned_half)
    if back < open_pieces[0].start_slot:
        raise refuse(
            "returned_date",
            _("返岗时间不能早于请假开始时间（%(start)s）；请假没有休的，返岗时间填开始的那个半天。")
            % {"start": moment_text(open_pieces[0].start_date, open_pieces[0].start_half)},
        )
    away_for = [piece for piece in open_pieces if piece.start_slot < back]
    came_back_from = (
        max(away_for, key=lambda piece: piece.start_slot) if away_for else open_pieces[0]
    )
    now = timezone.now()
    for piece in pieces:
        if piece.state == LeaveState.PENDING:  # an extension nobody needs any more
            move(piece, LeaveState.WITHDRAWN)
            piece.awaiting_role = ""
            piece.save(update_fields=["state", "awaiting_role", "updated_at"])
            audit_leave(
                actor, "leave.withdraw", piece, previous_state=LeaveState.PENDING, on_return=True
            )
            continue
        if piece.state not in OPEN_STATES:
            continue
        if piece.start_slot >= back:
            _withdraw_unbegun(piece, actor=actor)
            continue
        _settle(piece, back=back, last=piece is came_back_from, actor=actor, now=now)
    after_commit(notify_returned, came_back_from, returned_date)
    return came_back_from


def _withdraw_unbegun(piece: LeaveRequest, *, actor: Any) -> None:
    """A piece the person was back before (an extension, or the whole leave not taken):
    nothing of it was taken, even if its first day has come (on leave by the daily move)."""
    was = piece.state
    if was not in (LeaveState.APPROVED, LeaveState.ON_LEAVE):
        # Overdue: the person did not report back for days after it ended; a return dated
        # before it began contradicts that, and is more likely a slip than the truth.
        raise refuse(
            "returned_date",
            _("返岗时间早于已逾期请假的开始时间（%(start)s），请核对返岗日期。")
            % {"start": moment_text(piece.start_date, piece.start_half)},
        )
    move(piece, LeaveState.WITHDRAWN)
    piece.save(update_fields=["state", "updated_at"])
    note = "提前返岗，续假未休" if piece.extends_id is not None else "请假未休"
    ledger_write(piece, LedgerKind.GIVE_BACK, piece.days, actor=actor, note=note)
    audit_leave(actor, "leave.withdraw", piece, previous_state=was, on_return=True)


def _settle(piece: LeaveRequest, *, back: int, last: bool, actor: Any, now: dt.datetime) -> None:
    """A piece the person was away for: it ends the half day before they were back (never
    later than it was approved to), with the days recounted and the difference given back."""
    was_days = piece.days
    end = min(piece.end_slot, back - 1)
    given_back = None
    if end < piece.end_slot:
        piece.end_date, piece.end_half = slot_day(end)
        piece.end_slot = end
        piece.days = slot_days(piece.leave_type.counting, piece.start_slot, end)
        given_back = was_days - piece.days
    piece.returned_date, piece.returned_half = slot_day(back if last else piece.end_slot + 1)
    piece.returned_at = now
    move(piece, LeaveState.RETURNED)
    piece.save(
        update_fields=[
            "state",
            "end_date",
            "end_half",
            "end_slot",
            "days",
            "returned_date",
            "returned_half",
            "returned_at",
            "updated_at",
        ]
    )
    if given_back:
        ledger_write(piece, LedgerKind.GIVE_BACK, given_back, actor=actor, note="提前返岗")
    assert piece.returned_date is not None
    audit_leave(
        actor,
        "leave.return",
        piece,
        returned=f"{piece.returned_date.isoformat()} {piece.returned_half}",
        given_back=str(given_back or 0),
        overdue=piece.overdue_at is not None,
    )


def leave_advance(*, today: dt.date | None = None) -> dict[str, int]:
    """The daily move: approved leave whose first day has come is on leave; leave not reported
    back by the batch's number of working days after its end is overdue (flagged, and the
    person and the approver told). Each leave moves in its own short transaction, re-read
    under lock, so a run beside a return, or a second run, moves nothing twice."""
    today = today or timezone.localdate()
    started = 0
    due = LeaveRequest.objects.filter(state=LeaveState.APPROVED, start_date__lte=today)
    for pk in due.values_list("pk", flat=True).order_by("pk"):
        with transaction.atomic():
            leave = (
                LeaveRequest.objects.select_for_update(no_key=True)
                .filter(pk=pk, state=LeaveState.APPROVED, start_date__lte=today)
                .first()
            )
            if leave is None:
                continue
            move(leave, LeaveState.ON_LEAVE)
            leave.save(update_fields=["state", "updated_at"])
            audit_record(
                actor=None,
                action="leave.start",
                obj=leave,
                detail={"assignment": leave.assignment_id, "leave_state": leave.state},
            )
            started += 1
    overdue = 0
    thresholds: dict[int, int] = {}
    late = (
        LeaveRequest.objects.filter(
            state__in=(LeaveState.APPROVED, LeaveState.ON_LEAVE), end_date__lt=today
        )
        .select_related("assignment__batch", "assignment__cadre__user", "leave_type")
        .select_related("assignment__host_unit", "assignment__home_unit")
        .select_related("assignment__batch__coordinating_org")
        .order_by("pk")
    )
    for candidate in late:
        batch = candidate.assignment.batch
        if batch.pk not in thresholds:
            thresholds[batch.pk] = duty_rules_of(batch).overdue_after_working_days
        if today <= add_working_days(candidate.end_date, thresholds[batch.pk]):
            continue
        # An approved extension moves the day the person is due back: it is the one to report
        # back on. One still waiting does not: until it is approved, the leave ends as it was.
        if leave_is_continued(candidate, approved_only=True):
            continue
        with transaction.atomic():
            leave = (
                LeaveRequest.objects.select_for_update(no_key=True)
                .filter(pk=candidate.pk, state__in=(LeaveState.APPROVED, LeaveState.ON_LEAVE))
                .first()
            )
            if leave is None:
                continue
            leave.assignment = candidate.assignment
            leave.leave_type = candidate.leave_type
            move(leave, LeaveState.OVERDUE)
            leave.overdue_at = timezone.now()
            leave.save(update_fields=["state", "overdue_at", "updated_at"])
            audit_record(
                actor=None,
                action="leave.overdue",
                obj=leave,
                detail={"assignment": leave.assignment_id, "end": leave.end_date.isoformat()},
            )
            after_commit(notify_overdue, leave)
            overdue += 1
    return {"started": started, "overdue": overdue}
