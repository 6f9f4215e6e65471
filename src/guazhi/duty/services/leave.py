"""Asking for leave (请假): draft, submit, leave entered afterwards (事后补办), extension (续假),
withdrawal and supporting documents. Decisions are in services/leave_decide.py, return (销假)
and the daily move in services/leave_return.py, the checks every request passes in
services/leave_checks.py.

Every service here runs in one transaction that first locks the assignment row: two requests
of one person (a form sent twice, two tabs) are checked one after the other, so the second sees
the first and is refused as overlapping.
"""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guazhi.core.attachments import attachment_store, attachments_of
from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.jinja import format_date
from guazhi.duty.models import (
    Half,
    LeaveRequest,
    LeaveState,
    LeaveType,
    LedgerKind,
    half_slot,
    slot_day,
)
from guazhi.duty.selectors.leave import (
    can_record_emergency,
    can_request_leave,
    is_leave_owner,
    leave_chain_of,
    leave_is_continued,
)
from guazhi.duty.services.leave_checks import (
    SETTLED_STATES,
    Period,
    chain_days,
    chain_for,
    check_assignment_on_duty,
    check_balance,
    check_in_term,
    check_no_overlap,
    check_particulars,
    check_period,
    check_start,
    check_type,
    leave_grants_ensure,
    moment_text,
    refuse,
)
from guazhi.duty.services.leave_common import (
    after_commit,
    audit_leave,
    ledger_write,
    lock_assignment,
    lock_leave,
    move,
    notify_step,
)
from guazhi.programmes.models import Assignment

# --- draft and submission --------------------------------------------------------------------


def _fill(
    leave: LeaveRequest,
    leave_type: LeaveType,
    period: Period,
    reason: str,
    stand_in: str,
    contact_phone: str,
) -> None:
    leave.leave_type = leave_type
    leave.start_date, leave.start_half = period.start_date, period.start_half
    leave.end_date, leave.end_half = period.end_date, period.end_half
    leave.start_slot, leave.end_slot = period.start_slot, period.end_slot
    leave.days = period.days
    leave.reason = reason.strip()
    leave.stand_in = stand_in.strip()
    leave.contact_phone = contact_phone.strip()


def _store_uploads(actor: Any, leave: LeaveRequest, uploads: Sequence[Any]) -> None:
    for upload in uploads:
        attachment_store(actor=actor, owner=leave, upload=upload)


def _check_request(leave: LeaveRequest, *, actor: Any, today: dt.date, period: Period) -> None:
    """What a request must satisfy to be sent (checked under the assignment's lock); the
    attachment a type requires is checked by the caller, which knows where the files are."""
    assignment = leave.assignment
    check_assignment_on_duty(assignment)
    check_type(assignment, leave.leave_type)
    check_particulars(leave.reason, leave.stand_in, leave.contact_phone)
    if leave.emergency and not leave.emergency_reason.strip():
        raise refuse("emergency_reason", _("请说明未能事先请假的原因。"))
    if leave.extends_id is None:
        check_start(period, today=today, emergency=leave.emergency)
    check_in_term(assignment, period)
    exclude = [leave.pk] if leave.pk else []
    check_no_overlap(assignment, period, exclude=exclude)
    leave_grants_ensure(assignment)
    check_balance(assignment, leave.leave_type, leave.days, exclude=exclude)


def _attachment_missing(leave_type: LeaveType) -> ValidationFailed:
    return refuse(
        "file",
        _("%(type)s须上传证明材料（如病假条），请添加附件后再提交。") % {"type": leave_type},
    )


def _chain_of(leave: LeaveRequest) -> list[str]:
    """The steps the request goes through, chosen by its working days. An extension is part
    of one absence with the leave it continues: its chain is chosen by the whole absence (the
    days already approved and its own), and is never shorter than the leave's own chain, so
    nobody reaches a long absence through short requests each a lower approver may grant."""
    days = chain_days(leave.start_slot, leave.end_slot)
    floor: list[str] = []
    parent = leave.extends
    if parent is not None:
        days += sum(
            (
                chain_days(piece.start_slot, piece.end_slot)
                for piece in leave_chain_of(parent)
                if piece.state in SETTLED_STATES
            ),
            start=Decimal(0),
        )
        floor = [str(step) for step in parent.chain]
    chain = chain_for(leave.assignment, leave.leave_type, days)
    return floor if len(chain) < len(floor) else chain


def _start_chain(leave: LeaveRequest) -> None:
    move(leave, LeaveState.PENDING)
    leave.chain = _chain_of(leave)
    leave.step = 0
    leave.awaiting_role = leave.chain[0]
    leave.submitted_at = timezone.now()


@transaction.atomic
def leave_draft_save(
    *,
    actor: Any,
    assignment: Assignment,
    leave: LeaveRequest | None = None,
    leave_type: LeaveType | None,
    start_date: dt.date | None,
    start_half: str = Half.AM,
    end_date: dt.date | None,
    end_half: str = Half.PM,
    reason: str = "",
    stand_in: str = "",
    contact_phone: str = "",
    uploads: Sequence[Any] = (),
) -> LeaveRequest:
    """Keep an unfinished request (草稿): only its type and dates must make sense yet, within
    the term (a mistyped year would count more days than a request can hold)."""
    if not can_request_leave(actor=actor, assignment=assignment):
        raise Forbidden(_("只有本人可以请假。"))
    lock_assignment(assignment)
    check_assignment_on_duty(assignment)
    leave_type = check_type(assignment, leave_type)
    period = check_period(leave_type, start_date, start_half, end_date, end_half)
    check_in_term(assignment, period)
    if leave is None:
        leave = LeaveRequest(assignment=assignment, created_by=actor, state=LeaveState.DRAFT)
    else:
        leave = lock_leave(leave)
        if leave.state != LeaveState.DRAFT:
            raise InvalidTransition(_("请假已提交，不能再作为草稿修改。"))
    _fill(leave, leave_type, period, reason, stand_in, contact_phone)
    leave.save()
    _store_uploads(actor, leave, uploads)
    audit_leave(actor, "leave.draft", leave)
    return leave


@transaction.atomic
def leave_submit(*, actor: Any, leave: LeaveRequest, today: dt.date | None = None) -> LeaveRequest:
    """Send a draft into its approval chain."""
    today = today or timezone.localdate()
    if not is_leave_owner(actor=actor, leave=leave):
        raise Forbidden(_("只有本人可以提交自己的请假。"))
    lock_assignment(leave.assignment)
    leave = lock_leave(leave)
    if leave.state != LeaveState.DRAFT:
        raise InvalidTransition(_("这份请假已经提交过了。"))
    # Counted again now: the work calendar (an admin's override) or the type's counting rule
    # may have changed since the draft was saved, and the days are fixed from submission on.
    period = check_period(
        leave.leave_type, leave.start_date, leave.start_half, leave.end_date, leave.end_half
    )
    leave.days = period.days
    _check_request(leave, actor=actor, today=today, period=period)
    if leave.leave_type.attachment_required and not attachments_of(leave).exists():
        raise _attachment_missing(leave.leave_type)
    _start_chain(leave)
    leave.save(
        update_fields=[
            "state",
            "days",
            "chain",
            "step",
            "awaiting_role",
            "submitted_at",
            "updated_at",
        ]
    )
    audit_leave(actor, "leave.submit", leave, chain=leave.chain)
    after_commit(notify_step, leave)
    return leave


def _create_and_submit(
    *,
    actor: Any,
    assignment: Assignment,
    leave_type: LeaveType | None,
    start_date: dt.date | None,
    start_half: str,
    end_date: dt.date | None,
    end_half: str,
    reason: str,
    stand_in: str,
    contact_phone: str,
    uploads: Sequence[Any],
    today: dt.date,
    emergency_reason: str = "",
    extends: LeaveRequest | None = None,
) -> LeaveRequest:
    leave_type = check_type(assignment, leave_type)
    period = check_period(leave_type, start_date, start_half, end_date, end_half)
    leave = LeaveRequest(
        assignment=assignment,
        created_by=actor,
        state=LeaveState.DRAFT,
        emergency=bool(emergency_reason.strip()),
        emergency_reason=emergency_reason.strip(),
        extends=extends,
    )
    _fill(leave, leave_type, period, reason, stand_in, contact_phone)
    _check_request(leave, actor=actor, today=today, period=period)
    if leave_type.attachment_required and not uploads:
        raise _attachment_missing(leave_type)
    _start_chain(leave)
    leave.save()
    _store_uploads(actor, leave, uploads)
    return leave


@transaction.atomic
def leave_request_submit(
    *,
    actor: Any,
    assignment: Assignment,
    leave_type: LeaveType | None,
    start_date: dt.date | None,
    start_half: str = Half.AM,
    end_date: dt.date | None,
    end_half: str = Half.PM,
    reason: str = "",
    stand_in: str = "",
    contact_phone: str = "",
    uploads: Sequence[Any] = (),
    today: dt.date | None = None,
) -> LeaveRequest:
    """Ask for leave in advance: made and sent into its approval chain in one step."""
    today = today or timezone.localdate()
    if not can_request_leave(actor=actor, assignment=assignment):
        raise Forbidden(_("只有本人可以请假。"))
    lock_assignment(assignment)
    leave = _create_and_submit(
        actor=actor,
        assignment=assignment,
        leave_type=leave_type,
        start_date=start_date,
        start_half=start_half,
        end_date=end_date,
        end_half=end_half,
        reason=reason,
        stand_in=stand_in,
        contact_phone=contact_phone,
        uploads=uploads,
        today=today,
    )
    audit_leave(actor, "leave.submit", leave, chain=leave.chain)
    after_commit(notify_step, leave)
    return leave


@transaction.atomic
def leave_emergency_record(
    *,
    actor: Any,
    assignment: Assignment,
    leave_type: LeaveType | None,
    start_date: dt.date | None,
    start_half: str = Half.AM,
    end_date: dt.date | None,
    end_half: str = Half.PM,
    reason: str = "",
    stand_in: str = "",
    contact_phone: str = "",
    emergency_reason: str = "",
    uploads: Sequence[Any] = (),
    today: dt.date | None = None,
) -> LeaveRequest:
    """Leave entered afterwards (事后补办), by the person or by the host unit's leader on their
    behalf, with the reason it was not asked in advance; it goes through the chain like any."""
    today = today or timezone.localdate()
    if not can_record_emergency(actor=actor, assignment=assignment):
        raise Forbidden(_("只有本人或接收单位领导可以补办请假。"))
    if not emergency_reason.strip():
        raise refuse("emergency_reason", _("请说明未能事先请假的原因。"))
    lock_assignment(assignment)
    leave = _create_and_submit(
        actor=actor,
        assignment=assignment,
        leave_type=leave_type,
        start_date=start_date,
        start_half=start_half,
        end_date=end_date,
        end_half=end_half,
        reason=reason,
        stand_in=stand_in,
        contact_phone=contact_phone,
        uploads=uploads,
        today=today,
        emergency_reason=emergency_reason,
    )
    audit_leave(actor, "leave.emergency", leave, chain=leave.chain)
    after_commit(notify_step, leave)
    return leave


@transaction.atomic
def leave_extend(
    *,
    actor: Any,
    leave: LeaveRequest,
    end_date: dt.date | None,
    end_half: str = Half.PM,
    reason: str = "",
    stand_in: str = "",
    contact_phone: str = "",
    uploads: Sequence[Any] = (),
    today: dt.date | None = None,
) -> LeaveRequest:
    """续假: more leave of the same type, from the half day after `leave` ends, asked before
    that end; its chain is chosen by the whole absence (see _chain_of). Once approved, the
    person is on leave until the extension's end and reports back on it."""
    today = today or timezone.localdate()
    if not is_leave_owner(actor=actor, leave=leave):
        raise Forbidden(_("只有本人可以续假。"))
    assignment = lock_assignment(leave.assignment)
    parent = lock_leave(leave)
    if parent.state not in (LeaveState.APPROVED, LeaveState.ON_LEAVE):
        raise InvalidTransition(
            _("请假当前为“%(state)s”，只有已批准或休假中的请假可以续假。")
            % {"state": parent.get_state_display()}
        )
    if today > parent.end_date:
        raise InvalidTransition(
            _("续假须在原请假结束（%(end)s）前提出；已超过的请先销假，或补办请假。")
            % {"end": format_date(parent.end_date)}
        )
    if leave_is_continued(parent):
        raise InvalidTransition(_("这份请假已有续假申请，请在续假上继续办理。"))
    start_date, start_half = slot_day(parent.end_slot + 1)
    if end_date is not None and half_slot(end_date, end_half) < half_slot(start_date, start_half):
        raise refuse(
            "end_date",
            _("续假须从原请假结束后接续，结束时间不能早于%(date)s。")
            % {"date": moment_text(start_date, start_half)},
        )
    extension = _create_and_submit(
        actor=actor,
        assignment=assignment,
        leave_type=parent.leave_type,
        start_date=start_date,
        start_half=start_half,
        end_date=end_date,
        end_half=end_half,
        reason=reason,
        stand_in=stand_in,
        contact_phone=contact_phone,
        uploads=uploads,
        today=today,
        extends=parent,
    )
    audit_leave(actor, "leave.extend", extension, extends=parent.pk, chain=extension.chain)
    after_commit(notify_step, extension)
    return extension


# --- withdrawal and decisions ------------------------------------------------------------------


@transaction.atomic
def leave_withdraw(
    *, actor: Any, leave: LeaveRequest, today: dt.date | None = None
) -> LeaveRequest:
    """Withdraw a draft, a request waiting for approval, or approved leave not yet begun (its
    days go back to the balance). The leave's extensions, none of them begun either, are
    withdrawn with it (approved ones give their days back): an absence that is not taken
    cannot be continued."""
    today = today or timezone.localdate()
    if not (is_leave_owner(actor=actor, leave=leave) or leave.created_by_id == actor.pk):
        raise Forbidden(_("只有本人或填报人可以撤回请假。"))
    lock_assignment(leave.assignment)
    leave = lock_leave(leave)
    was = leave.state
    if was == LeaveState.APPROVED and leave.start_date <= today:
        raise InvalidTransition(
            _("请假已经开始，不能撤回：请销假；没有休的，返岗时间填请假开始的那个半天。")
        )
    if was not in (LeaveState.DRAFT, LeaveState.PENDING, LeaveState.APPROVED):
        raise InvalidTransition(
            _("请假当前为“%(state)s”，不能撤回。") % {"state": leave.get_state_display()}
        )
    move(leave, LeaveState.WITHDRAWN)
    leave.awaiting_role = ""
    leave.save(update_fields=["state", "awaiting_role", "updated_at"])
    if was == LeaveState.APPROVED:
        ledger_write(leave, LedgerKind.GIVE_BACK, leave.days, actor=actor, note="撤回已批准的请假")
    audit_leave(actor, "leave.withdraw", leave, previous_state=was)
    if was == LeaveState.APPROVED:
        _withdraw_extensions(leave, actor=actor)
    return leave


def _withdraw_extensions(leave: LeaveRequest, *, actor: Any) -> None:
    """The extensions that continue a withdrawn leave (and theirs), withdrawn with it."""
    later = [piece.pk for piece in leave_chain_of(leave) if piece.start_slot > leave.start_slot]
    pieces = (
        LeaveRequest.objects.select_for_update(no_key=True, of=("self",))
        .filter(pk__in=later, state__in=(LeaveState.PENDING, LeaveState.APPROVED))
        .select_related("leave_type")
        .order_by("start_slot", "pk")
    )
    for piece in pieces:
        piece.assignment = leave.assignment
        was = piece.state
        move(piece, LeaveState.WITHDRAWN)
        piece.awaiting_role = ""
        piece.save(update_fields=["state", "awaiting_role", "updated_at"])
        if was == LeaveState.APPROVED:
            ledger_write(piece, LedgerKind.GIVE_BACK, piece.days, actor=actor, note="原请假已撤回")
        audit_leave(actor, "leave.withdraw", piece, previous_state=was, extends=piece.extends_id)


@transaction.atomic
def leave_attachment_add(*, actor: Any, leave: LeaveRequest, upload: Any) -> Any:
    """A supporting document (a sick note) added by the person or whoever entered the leave."""
    if not (is_leave_owner(actor=actor, leave=leave) or leave.created_by_id == actor.pk):
        raise Forbidden(_("只有本人或填报人可以上传证明材料。"))
    leave = lock_leave(leave)
    if leave.state in (LeaveState.WITHDRAWN, LeaveState.REJECTED):
        raise InvalidTransition(
            _("请假当前为“%(state)s”，不能再上传材料。") % {"state": leave.get_state_display()}
        )
    attachment = attachment_store(actor=actor, owner=leave, upload=upload)
    audit_leave(actor, "leave.attach", leave, file=attachment.name)
    return attachment
