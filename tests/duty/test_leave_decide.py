"""Deciding leave step by step, withdrawing it, and who may do either."""

import datetime as dt
from decimal import Decimal

import pytest

from guazhi.core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from guazhi.core.models import AuditEvent, Notification
from guazhi.duty.models import (
    LEAVE_TRANSITIONS,
    LeaveDecision,
    LeaveLedgerEntry,
    LeaveRequest,
    LeaveState,
)
from guazhi.duty.selectors.leave import access_leave, approval_inbox
from guazhi.duty.services.leave import leave_withdraw
from guazhi.duty.services.leave_common import move
from guazhi.duty.services.leave_decide import leave_decide
from tests.duty.test_leave_support import (
    MONDAY,
    approve_all,
    ask,
    decide,
    fixed_term,
    fresh,
    ledger,
)
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


def test_every_state_has_its_moves_in_the_table() -> None:
    assert set(LEAVE_TRANSITIONS) == set(LeaveState.values)
    finals = {state for state, moves in LEAVE_TRANSITIONS.items() if not moves}
    assert finals == {LeaveState.REJECTED, LeaveState.WITHDRAWN, LeaveState.RETURNED}


@pytest.mark.parametrize("was", LeaveState.values)
def test_a_leave_moves_only_as_the_table_allows(was: str) -> None:
    for to in LeaveState.values:
        leave = LeaveRequest(state=was)
        if to in LEAVE_TRANSITIONS[was]:
            move(leave, to)
            assert leave.state == to
        else:
            with pytest.raises(InvalidTransition):
                move(leave, to)
            assert leave.state == was


def test_a_short_leave_is_approved_by_the_host_leader_and_taken_from_the_ledger(
    world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    leave = ask(world, MONDAY + dt.timedelta(days=7), MONDAY + dt.timedelta(days=8), today=MONDAY)
    with django_capture_on_commit_callbacks(execute=True):
        decided = decide(world, leave, "host_leader", comment="同意", today=MONDAY)
    assert (decided.state, decided.step, decided.awaiting_role) == (LeaveState.APPROVED, 1, "")
    assert decided.decided_at is not None
    assert ledger(decided) == [("take", Decimal("-2"))]
    assert [
        (d.step, d.role, d.decision, d.comment, d.decided_by.username)
        for d in LeaveDecision.objects.filter(request=leave)
    ] == [(0, "host_leader", "approve", "同意", "host")]
    assert AuditEvent.objects.filter(action="leave.approve", object_id=str(leave.pk)).count() == 1
    note = Notification.objects.get(key=f"leave:{leave.pk}:approved")
    assert (note.recipient.username, note.text) == (
        "cadre",
        "您的请假（事假 2天，2026年6月15日至2026年6月16日）已批准。",
    )


def test_a_long_leave_goes_through_each_step_in_order(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    leave = ask(world, dt.date(2026, 8, 3), dt.date(2026, 8, 12))  # 8 working days
    first = decide(world, leave, "host_leader", today=dt.date(2026, 8, 1))
    assert (first.state, first.step, first.awaiting_role) == (
        LeaveState.PENDING,
        1,
        "dispatch_admin",
    )
    assert LeaveLedgerEntry.objects.filter(request=leave).count() == 0
    with pytest.raises(Forbidden) as error:  # the host leader has had their say
        decide(world, leave, "host_leader", today=dt.date(2026, 8, 1))
    assert str(error.value.message) == "当前环节由派出单位组织人事部门审批，您不能办理。"
    second = decide(world, leave, "dispatch_admin", today=dt.date(2026, 8, 1))
    assert second.awaiting_role == "coordinator"
    third = decide(world, leave, "coordinator", today=dt.date(2026, 8, 1))
    assert (third.state, third.step) == (LeaveState.APPROVED, 3)
    assert list(
        LeaveDecision.objects.filter(request=leave).values_list(
            "step", "role", "decided_by__username"
        )
    ) == [
        (0, "host_leader", "host"),
        (1, "dispatch_admin", "dispatch"),
        (2, "coordinator", "coordinator"),
    ]


def test_the_next_approver_is_notified(world, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    leave = ask(world, dt.date(2026, 7, 6), dt.date(2026, 7, 10))  # 5 days: 2 steps
    with django_capture_on_commit_callbacks(execute=True):
        decide(world, leave, "host_leader", today=dt.date(2026, 7, 1))
    assert list(
        Notification.objects.filter(key=f"leave:{leave.pk}:step:1").values_list(
            "recipient__username", flat=True
        )
    ) == ["dispatch"]


def test_a_rejection_needs_a_reason_and_ends_the_request(
    world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    leave = ask(world, dt.date(2026, 7, 6), dt.date(2026, 7, 10))
    with pytest.raises(ValidationFailed) as error:
        decide(world, leave, "host_leader", "reject", today=dt.date(2026, 7, 1))
    assert error.value.detail == {"comment": "不同意时请填写审批意见，说明理由。"}
    assert LeaveDecision.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        rejected = decide(
            world,
            leave,
            "host_leader",
            "reject",
            comment="汛期防汛值班，暂缓休假",
            today=dt.date(2026, 7, 1),
        )
    assert (rejected.state, rejected.awaiting_role) == (LeaveState.REJECTED, "")
    assert ledger(rejected) == []
    assert Notification.objects.get(key=f"leave:{leave.pk}:rejected").recipient.username == "cadre"
    # Rejected leave holds no days: the same days may be asked again.
    again = ask(world, dt.date(2026, 7, 6), dt.date(2026, 7, 7), today=dt.date(2026, 7, 1))
    assert again.state == LeaveState.PENDING


def test_a_stale_form_is_refused_not_applied_to_the_next_step(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    leave = ask(world, dt.date(2026, 7, 6), dt.date(2026, 7, 10))
    seen = fresh(world, leave, "host_leader")
    decide(world, leave, "host_leader", today=dt.date(2026, 7, 1))
    with pytest.raises(InvalidTransition) as error:
        leave_decide(
            actor=world.users["host_leader"],
            leave=seen,
            decision="approve",
            step=0,
            today=dt.date(2026, 7, 1),
        )
    assert (
        str(error.value.message)
        == "这一审批环节已经处理过了（可能由其他审批人办理），请查看最新状态。"
    )
    assert LeaveDecision.objects.filter(request=leave).count() == 1


def test_an_approver_outside_the_unit_does_not_see_the_leave(world) -> None:  # type: ignore[no-untyped-def]
    from guazhi.orgs.models import Role

    fixed_term(world)
    leave = ask(world, MONDAY, MONDAY)
    outsider = grant(UserFactory(username="lianhua"), Role.HOST_LEADER, world.township_b)
    with pytest.raises(NotFound):
        access_leave(actor=outsider, pk=leave.pk)
    assert approval_inbox(actor=outsider).count() == 0
    # Even handed the request, they cannot act on it.
    with pytest.raises(Forbidden):
        leave_decide(actor=outsider, leave=fresh(world, leave, "host_leader"), decision="approve")
    leave.refresh_from_db()
    assert (leave.state, leave.step) == (LeaveState.PENDING, 0)


def test_an_administrator_sees_but_does_not_approve(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    leave = ask(world, MONDAY, MONDAY)
    with pytest.raises(Forbidden):
        decide(world, leave, "admin")
    assert LeaveDecision.objects.count() == 0


def test_the_inbox_lists_what_waits_for_each_approver(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    short = ask(world, dt.date(2026, 6, 1), dt.date(2026, 6, 2))
    long = ask(world, dt.date(2026, 7, 6), dt.date(2026, 7, 10))
    decide(world, long, "host_leader", today=dt.date(2026, 6, 1))

    def waiting(role: str) -> list[int]:
        return list(approval_inbox(actor=world.users[role]).values_list("pk", flat=True))

    assert waiting("host_leader") == [short.pk]
    assert waiting("dispatch_admin") == [long.pk]
    assert waiting("coordinator") == []
    assert waiting("admin") == []


def test_a_cadre_does_not_see_anothers_leave(world) -> None:  # type: ignore[no-untyped-def]
    from guazhi.duty.models import LeaveType, half_slot
    from tests.duty.world import duty_world

    found = fixed_term(world)
    theirs = LeaveRequest.objects.create(
        assignment=found.serving_b,
        leave_type=LeaveType.objects.get(batch=found.batch_b, kind="personal"),
        start_date=MONDAY,
        end_date=MONDAY,
        start_slot=half_slot(MONDAY, "am"),
        end_slot=half_slot(MONDAY, "pm"),
        days=1,
        reason="事由",
        stand_in="李明",
        contact_phone="13912345678",
        state=LeaveState.PENDING,
    )
    assert duty_world(world).serving_b.cadre.name == "周亮"
    with pytest.raises(NotFound):
        access_leave(actor=world.users["cadre"], pk=theirs.pk)


# --- withdrawal ----------------------------------------------------------------------------------


def test_a_waiting_request_is_withdrawn_and_leaves_the_inbox(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    leave = ask(world, MONDAY, MONDAY)
    withdrawn = leave_withdraw(actor=world.users["cadre"], leave=fresh(world, leave), today=MONDAY)
    assert (withdrawn.state, withdrawn.awaiting_role) == (LeaveState.WITHDRAWN, "")
    assert approval_inbox(actor=world.users["host_leader"]).count() == 0
    with pytest.raises(InvalidTransition):
        decide(world, leave, "host_leader")


def test_approved_leave_withdrawn_before_it_starts_gives_its_days_back(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    leave = ask(world, MONDAY + dt.timedelta(days=7), MONDAY + dt.timedelta(days=8), today=MONDAY)
    approve_all(world, leave, today=MONDAY)
    withdrawn = leave_withdraw(actor=world.users["cadre"], leave=fresh(world, leave), today=MONDAY)
    assert withdrawn.state == LeaveState.WITHDRAWN
    assert ledger(withdrawn) == [("take", Decimal("-2")), ("give_back", Decimal("2"))]


def test_leave_that_has_begun_is_not_withdrawn(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    leave = ask(world, MONDAY, MONDAY + dt.timedelta(days=1))
    approve_all(world, leave, today=MONDAY)
    with pytest.raises(InvalidTransition) as error:
        leave_withdraw(actor=world.users["cadre"], leave=fresh(world, leave), today=MONDAY)
    assert str(error.value.message) == "请假当前为“休假中”，不能撤回。"
    leave.refresh_from_db()
    assert leave.state == LeaveState.ON_LEAVE


def test_nobody_else_withdraws_a_persons_leave(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    leave = ask(world, MONDAY, MONDAY)
    with pytest.raises(Forbidden):
        leave_withdraw(actor=world.users["host_leader"], leave=fresh(world, leave, "host_leader"))
    leave.refresh_from_db()
    assert leave.state == LeaveState.PENDING


def test_nobody_decides_their_own_leave_even_holding_the_steps_role(
    world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from guazhi.orgs.models import Role

    fixed_term(world)
    # 张三 is also made a leader of 白鹿镇, where he serves.
    grant(world.users["cadre"], Role.HOST_LEADER, world.township_a)
    with django_capture_on_commit_callbacks(execute=True):
        leave = ask(world, MONDAY, MONDAY)
    # Told to the other leader of the unit, not to himself.
    assert list(
        Notification.objects.filter(key=f"leave:{leave.pk}:step:0").values_list(
            "recipient__username", flat=True
        )
    ) == ["host"]
    with pytest.raises(Forbidden) as error:
        leave_decide(
            actor=world.users["cadre"],
            leave=fresh(world, leave),
            decision="approve",
            step=0,
            today=MONDAY,
        )
    assert str(error.value.message) == "不能审批本人的请假。"
    leave.refresh_from_db()
    assert (leave.state, leave.step, leave.awaiting_role) == (LeaveState.PENDING, 0, "host_leader")
    assert LeaveDecision.objects.count() == 0
    assert ledger(leave) == []


def test_withdrawing_approved_leave_withdraws_its_extension_and_gives_all_days_back(world) -> None:  # type: ignore[no-untyped-def]
    from guazhi.duty.services.leave import leave_extend

    fixed_term(world)
    next_monday = MONDAY + dt.timedelta(days=7)
    leave = approve_all(
        world,
        ask(world, next_monday, next_monday + dt.timedelta(days=1), today=MONDAY),
        today=MONDAY,
    )
    extension = leave_extend(
        actor=world.users["cadre"],
        leave=fresh(world, leave),
        end_date=next_monday + dt.timedelta(days=2),
        reason="事情未办完",
        stand_in="李明",
        contact_phone="13912345678",
        today=MONDAY,
    )
    approve_all(world, extension, today=MONDAY)
    leave_withdraw(actor=world.users["cadre"], leave=fresh(world, leave), today=MONDAY)
    leave.refresh_from_db()
    extension.refresh_from_db()
    assert (leave.state, extension.state) == (LeaveState.WITHDRAWN, LeaveState.WITHDRAWN)
    assert ledger(leave) == [("take", Decimal("-2")), ("give_back", Decimal("2"))]
    assert ledger(extension) == [("take", Decimal("-1")), ("give_back", Decimal("1"))]
    assert (
        AuditEvent.objects.filter(action="leave.withdraw", object_id=str(extension.pk)).count() == 1
    )
    # The days are free again.
    assert (
        ask(
            world,
            next_monday + dt.timedelta(days=2),
            next_monday + dt.timedelta(days=2),
            today=MONDAY,
        ).state
        == LeaveState.PENDING
    )


def test_withdrawing_approved_leave_withdraws_an_extension_still_waiting(world) -> None:  # type: ignore[no-untyped-def]
    from guazhi.duty.services.leave import leave_extend

    fixed_term(world)
    next_monday = MONDAY + dt.timedelta(days=7)
    leave = approve_all(world, ask(world, next_monday, next_monday, today=MONDAY), today=MONDAY)
    extension = leave_extend(
        actor=world.users["cadre"],
        leave=fresh(world, leave),
        end_date=next_monday + dt.timedelta(days=1),
        reason="事情未办完",
        stand_in="李明",
        contact_phone="13912345678",
        today=MONDAY,
    )
    leave_withdraw(actor=world.users["cadre"], leave=fresh(world, leave), today=MONDAY)
    extension.refresh_from_db()
    assert (extension.state, extension.awaiting_role) == (LeaveState.WITHDRAWN, "")
    assert ledger(extension) == []
    assert approval_inbox(actor=world.users["host_leader"]).count() == 0


def test_approved_leave_whose_day_has_come_is_reported_back_not_withdrawn(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    leave = approve_all(
        world,
        ask(world, MONDAY, MONDAY, today=MONDAY - dt.timedelta(days=3)),
        today=MONDAY - dt.timedelta(days=3),
    )
    with pytest.raises(InvalidTransition) as error:
        leave_withdraw(actor=world.users["cadre"], leave=fresh(world, leave), today=MONDAY)
    assert str(error.value.message) == (
        "请假已经开始，不能撤回：请销假；没有休的，返岗时间填请假开始的那个半天。"
    )
    leave.refresh_from_db()
    assert leave.state == LeaveState.APPROVED
