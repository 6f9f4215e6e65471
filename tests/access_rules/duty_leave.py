"""Who may open the leave pages: a person's leave, one request and its actions, the inbox."""

import datetime as dt

from tests.duty.world import duty_world
from tests.test_authorization_matrix import EVERY_ROLE, MANAGERS, Rule

APPROVERS = ("admin", "coordinator", "dispatch_admin", "host_leader")
PERSON = ("admin", "cadre")
PERSON_OR_HOST = ("admin", "host_leader", "cadre")
ON_DUTY = {"scoped": "assignment_pk", "objects": "duty_assignment"}

RULES = {
    "duty:approval_inbox": Rule(APPROVERS),
    "duty:leave_list": Rule(EVERY_ROLE, **ON_DUTY),
    # Only the person asks; an administrator passes the guard and is sent back with the reason.
    "duty:leave_create": Rule(PERSON, **ON_DUTY),
    "duty:leave_emergency": Rule(PERSON_OR_HOST, **ON_DUTY),
    "duty:leave_detail": Rule(EVERY_ROLE, scoped="leave_pk"),
    # The inside request waits for approval: editing, submitting, extending and reporting back
    # are refused with the reason (302); a decision without a choice shows the form again.
    "duty:leave_edit": Rule(PERSON, scoped="leave_pk"),
    "duty:leave_submit": Rule(PERSON, method="POST", scoped="leave_pk"),
    "duty:leave_decide": Rule(APPROVERS, method="POST", scoped="leave_pk"),
    "duty:leave_withdraw": Rule(PERSON_OR_HOST, method="POST", scoped="leave_pk"),
    "duty:leave_extend": Rule(PERSON, scoped="leave_pk"),
    "duty:leave_return": Rule(PERSON_OR_HOST, scoped="leave_pk"),
    "duty:leave_attachment_upload": Rule(PERSON_OR_HOST, method="POST", scoped="leave_pk"),
    "duty:rules_edit": Rule(MANAGERS, scoped="batch_pk", objects="duty_batch"),
}


def _leaves(world, role):  # type: ignore[no-untyped-def]
    """A request waiting for the host leader, of 张三 (inside) and of 周亮 (outside)."""
    from guazhi.duty.models import LeaveRequest, LeaveState, LeaveType, half_slot

    found = duty_world(world)
    start = found.today + dt.timedelta(days=7)

    def pending(assignment):  # type: ignore[no-untyped-def]
        return LeaveRequest.objects.create(
            assignment=assignment,
            leave_type=LeaveType.objects.get(batch=assignment.batch, kind="home_visit"),
            start_date=start,
            start_half="am",
            end_date=start,
            end_half="pm",
            start_slot=half_slot(start, "am"),
            end_slot=half_slot(start, "pm"),
            days=1,
            reason="探望父母",
            stand_in="李明",
            contact_phone="13912345678",
            state=LeaveState.PENDING,
            chain=["host_leader"],
            awaiting_role="host_leader",
        )

    return pending(found.serving_a), pending(found.serving_b)


SCOPED = {"leave_pk": _leaves}
