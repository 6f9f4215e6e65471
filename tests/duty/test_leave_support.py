"""What the leave tests share (no tests here): 张三's record with a fixed term, asking for leave
with everything filled in, and deciding a request's whole chain as the world's approvers."""

import datetime as dt
from decimal import Decimal
from typing import Any

from guazhi.duty.models import ApproverRole, LeaveLedgerEntry, LeaveRequest, LeaveType
from guazhi.duty.selectors.leave import access_leave
from guazhi.duty.selectors.scope import access_duty_assignment
from guazhi.duty.services.leave import leave_request_submit
from guazhi.duty.services.leave_decide import leave_decide
from guazhi.orgs.models import CadreProfile
from guazhi.programmes.models import Assignment
from tests.duty.world import DutyWorld, duty_world

# A fixed term, so days count over known holidays: 2026 is in the calendar package (National Day
# 1–7 October, 10 October a make-up Saturday), 2027 needs the admins' overrides.
TERM_START = dt.date(2026, 3, 1)
TERM_END = dt.date(2027, 2, 28)
# A Monday inside the term with nothing special around it.
MONDAY = dt.date(2026, 6, 8)

APPROVER_OF = {
    ApproverRole.HOST_LEADER: "host_leader",
    ApproverRole.DISPATCH_ADMIN: "dispatch_admin",
    ApproverRole.COORDINATOR: "coordinator",
}


# 张三 started work in August 2008: 17 full years at the term's start, 10 days' annual leave.
WORK_STARTED = dt.date(2008, 8, 1)


def fixed_term(world: Any, *, work_started: dt.date | None = WORK_STARTED) -> DutyWorld:
    """The duty world with 张三's term fixed to TERM_START–TERM_END and his start of work."""
    found = duty_world(world)
    CadreProfile.objects.filter(pk=world.cadre_a.pk).update(work_started_on=work_started)
    Assignment.objects.filter(pk=found.serving_a.pk).update(
        start_date=TERM_START, end_date=TERM_END
    )
    found.serving_a.start_date, found.serving_a.end_date = TERM_START, TERM_END
    return found


def record(world: Any, role: str = "cadre") -> Assignment:
    """张三's record as the views fetch it for `role`."""
    return access_duty_assignment(actor=world.users[role], pk=duty_world(world).serving_a.pk)


def leave_type(world: Any, kind: str) -> LeaveType:
    return LeaveType.objects.get(batch=duty_world(world).batch_a, kind=kind)


def ask(
    world: Any,
    start: dt.date,
    end: dt.date,
    *,
    kind: str = "personal",
    start_half: str = "am",
    end_half: str = "pm",
    today: dt.date | None = None,
    **fields: Any,
) -> LeaveRequest:
    """张三 asks for leave with every field filled in (`fields` overrides any)."""
    arguments: dict[str, Any] = {
        "reason": "家中老人住院，需回家照顾",
        "stand_in": "李明",
        "contact_phone": "13912345678",
        **fields,
    }
    return leave_request_submit(
        actor=world.users["cadre"],
        assignment=record(world),
        leave_type=leave_type(world, kind),
        start_date=start,
        start_half=start_half,
        end_date=end,
        end_half=end_half,
        today=today or start,
        **arguments,
    )


def fresh(world: Any, leave: LeaveRequest, role: str = "cadre") -> LeaveRequest:
    """The request as a page would load it for `role`."""
    return access_leave(actor=world.users[role], pk=leave.pk)


def decide(
    world: Any,
    leave: LeaveRequest,
    role: str,
    decision: str = "approve",
    *,
    comment: str = "",
    today: dt.date | None = None,
) -> LeaveRequest:
    loaded = fresh(world, leave, role)
    return leave_decide(
        actor=world.users[role],
        leave=loaded,
        decision=decision,
        comment=comment,
        step=loaded.step,
        today=today or loaded.start_date,
    )


def approve_all(world: Any, leave: LeaveRequest, *, today: dt.date | None = None) -> LeaveRequest:
    """Every step of the chain approved by the world's approver of that step."""
    leave.refresh_from_db()
    for role in list(leave.chain[leave.step :]):
        leave = decide(world, leave, APPROVER_OF[ApproverRole(role)], today=today)
    return leave


def ledger(leave: LeaveRequest) -> list[tuple[str, Decimal]]:
    return [
        (entry.kind, entry.days)
        for entry in LeaveLedgerEntry.objects.filter(request=leave).order_by("id")
    ]
