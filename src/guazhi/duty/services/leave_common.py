"""What the leave services share: locking the rows a leave change depends on, the one place a
leave changes state, ledger rows, the audit entry and the notifications sent after commit."""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guazhi.core.audit import audit_record
from guazhi.core.errors import InvalidTransition, NotFound
from guazhi.core.i18n import Message, label_message
from guazhi.duty.models import (
    LEAVE_TRANSITIONS,
    LeaveKind,
    LeaveLedgerEntry,
    LeaveRequest,
    LeaveState,
)
from guazhi.duty.selectors.leave import step_approvers
from guazhi.duty.services.leave_checks import date_message, days_text
from guazhi.programmes.models import Assignment


def lock_assignment(assignment: Assignment) -> Assignment:
    """Lock the person's row for the rest of the transaction and refresh its state: every
    request of the person is checked under this lock. The caller's object keeps its joins.

    FOR NO KEY UPDATE (PostgreSQL; other databases lock as they do): the row's key never
    changes here, and a plain FOR UPDATE would also block the FOR KEY SHARE that every insert
    referencing the person takes to check its foreign key, so a page writing the term's grants
    beside a submit writing the same grants deadlocked (each waiting for the other)."""
    state = (
        Assignment.objects.select_for_update(no_key=True)
        .filter(pk=assignment.pk)
        .values_list("state", flat=True)
        .first()
    )
    if state is None:
        raise NotFound()
    assignment.state = state
    return assignment


def lock_leave(leave: LeaveRequest) -> LeaveRequest:
    """The leave's row as it is now, locked (FOR NO KEY UPDATE, as lock_assignment: decisions,
    ledger rows and extensions refer to it); joined objects taken from the caller's copy."""
    locked = LeaveRequest.objects.select_for_update(no_key=True).filter(pk=leave.pk).first()
    if locked is None:
        raise NotFound()
    locked.assignment = leave.assignment
    if locked.leave_type_id == leave.leave_type_id:
        locked.leave_type = leave.leave_type
    return locked


def move(leave: LeaveRequest, to_state: str) -> None:
    """The one place a leave changes state: refuses a move the table does not allow."""
    if to_state not in LEAVE_TRANSITIONS[leave.state]:
        raise InvalidTransition(
            _("请假当前为“%(state)s”，不能改为“%(to)s”。")
            % {"state": leave.get_state_display(), "to": LeaveState(to_state).label}
        )
    leave.state = to_state


def ledger_write(
    leave: LeaveRequest, kind: str, days: Decimal, *, actor: Any, note: str = ""
) -> LeaveLedgerEntry:
    entry = LeaveLedgerEntry(
        assignment_id=leave.assignment_id,
        leave_type_id=leave.leave_type_id,
        kind=kind,
        days=days,
        request=leave,
        note=note,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    entry.save()
    return entry


def leave_url(leave: LeaveRequest) -> str:
    return reverse("duty:leave_detail", kwargs={"leave_pk": leave.pk})


def _leave_message(msgid: str, leave: LeaveRequest, **params: Any) -> Message:
    return Message(
        msgid,
        name=leave.assignment.cadre.name,
        type=label_message(LeaveKind(leave.leave_type.kind).label),
        days=days_text(leave.days),
        start=date_message(leave.start_date),
        end=date_message(leave.end_date),
        **params,
    )


def notify_step(leave: LeaveRequest) -> None:
    """After commit: tell whoever acts on the leave's current step that it waits for them."""
    from guazhi.core.notifications import notify

    if leave.state != LeaveState.PENDING or not leave.awaiting_role:
        return
    message = _leave_message(
        gettext_noop("%(name)s的请假（%(type)s %(days)s天，%(start)s至%(end)s）等待您审批。"),
        leave,
    )
    for user in step_approvers(leave.assignment, leave.awaiting_role):
        notify(
            recipient=user,
            kind="leave.awaiting",
            key=f"leave:{leave.pk}:step:{leave.step}",
            message=message,
            url=leave_url(leave),
        )


def notify_person(leave: LeaveRequest, event: str) -> None:
    """After commit: tell the person (and whoever entered it for them) how their leave went."""
    from guazhi.core.notifications import notify

    messages = {
        "approved": gettext_noop("您的请假（%(type)s %(days)s天，%(start)s至%(end)s）已批准。"),
        "rejected": gettext_noop("您的请假（%(type)s %(days)s天，%(start)s至%(end)s）未获批准。"),
        "overdue": gettext_noop(
            "您的请假（%(type)s，%(start)s至%(end)s）已逾期未销假，请尽快返岗并销假。"
        ),
    }
    user = leave.assignment.cadre.user
    if user is None:
        return
    notify(
        recipient=user,
        kind=f"leave.{event}",
        key=f"leave:{leave.pk}:{event}",
        message=_leave_message(messages[event], leave),
        url=leave_url(leave),
    )


def after_commit(function: Any, *args: Any) -> None:
    """Run `function(*args)` once the transaction has committed. Robust: the leave is decided
    by then, so a notification that fails is logged, never turned into a failed request."""
    transaction.on_commit(lambda: function(*args), robust=True)


def audit_leave(actor: Any, action: str, leave: LeaveRequest, **detail: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=leave,
        detail={
            "assignment": leave.assignment_id,
            "leave_kind": leave.leave_type.kind,
            "leave_state": leave.state,
            "days": str(leave.days),
            **detail,
        },
    )
