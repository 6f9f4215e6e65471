"""After approval: the leave starts, is reported back (销假), extended (续假), or goes overdue;
and leave entered afterwards (事后补办)."""

import datetime as dt
from decimal import Decimal

import pytest

from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.models import AuditEvent, Notification
from guazhi.duty.models import DutyRules, LeaveRequest, LeaveState
from guazhi.duty.services.leave import leave_emergency_record, leave_extend
from guazhi.duty.services.leave_return import leave_advance, leave_return
from tests.duty.test_leave_support import (
    MONDAY,
    approve_all,
    ask,
    decide,
    fixed_term,
    fresh,
    leave_type,
    ledger,
    record,
)

pytestmark = pytest.mark.django_db

TUESDAY, WEDNESDAY, THURSDAY, FRIDAY = (MONDAY + dt.timedelta(days=n) for n in range(1, 5))


def approved(world, start: dt.date, end: dt.date, **fields) -> LeaveRequest:  # type: ignore[no-untyped-def]
    """Leave asked a week ahead and approved then."""
    ahead = start - dt.timedelta(days=7)
    leave = ask(world, start, end, today=ahead, **fields)
    return approve_all(world, leave, today=ahead)


def back(world, leave, day: dt.date, half: str = "am", *, role: str = "cadre", today=None):  # type: ignore[no-untyped-def]
    return leave_return(
        actor=world.users[role],
        leave=fresh(world, leave, role),
        returned_date=day,
        returned_half=half,
        today=today or day,
    )


# --- the daily move ------------------------------------------------------------------------------


def test_approved_leave_starts_on_its_first_day_and_the_move_is_idempotent(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    leave = approved(world, MONDAY, TUESDAY)
    assert leave_advance(today=MONDAY - dt.timedelta(days=1)) == {"started": 0, "overdue": 0}
    assert leave_advance(today=MONDAY) == {"started": 1, "overdue": 0}
    assert leave_advance(today=MONDAY) == {"started": 0, "overdue": 0}
    leave.refresh_from_db()
    assert leave.state == LeaveState.ON_LEAVE


def test_leave_not_reported_back_a_working_day_after_its_end_is_overdue(
    world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    # Thursday–Friday; back on Monday: overdue only once Monday has passed without a return.
    leave = approved(world, THURSDAY, FRIDAY)
    next_monday = MONDAY + dt.timedelta(days=7)
    assert leave_advance(today=next_monday) == {"started": 1, "overdue": 0}
    with django_capture_on_commit_callbacks(execute=True):
        assert leave_advance(today=next_monday + dt.timedelta(days=1)) == {
            "started": 0,
            "overdue": 1,
        }
        assert leave_advance(today=next_monday + dt.timedelta(days=1)) == {
            "started": 0,
            "overdue": 0,
        }
    leave.refresh_from_db()
    assert leave.state == LeaveState.OVERDUE and leave.overdue_at is not None
    assert sorted(
        Notification.objects.filter(key__startswith=f"leave:{leave.pk}:overdue").values_list(
            "recipient__username", flat=True
        )
    ) == ["cadre", "host"]
    assert AuditEvent.objects.filter(action="leave.overdue", object_id=str(leave.pk)).count() == 1


def test_the_batch_sets_how_many_working_days_before_overdue(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed_term(world)
    DutyRules.objects.filter(batch=found.batch_a).update(overdue_after_working_days=3)
    leave = approved(world, THURSDAY, FRIDAY)
    # Due back Monday; three working days' grace runs to Wednesday.
    assert leave_advance(today=WEDNESDAY + dt.timedelta(days=7))["overdue"] == 0
    assert leave_advance(today=THURSDAY + dt.timedelta(days=7))["overdue"] == 1
    leave.refresh_from_db()
    assert leave.state == LeaveState.OVERDUE


# --- reporting back ------------------------------------------------------------------------------


def test_reporting_back_on_time_settles_the_leave(
    world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    leave = approved(world, MONDAY, TUESDAY)
    leave_advance(today=MONDAY)
    with django_capture_on_commit_callbacks(execute=True):
        settled = back(world, leave, WEDNESDAY)
    assert (settled.state, settled.days, settled.returned_date, settled.returned_half) == (
        LeaveState.RETURNED,
        Decimal("2"),
        WEDNESDAY,
        "am",
    )
    assert ledger(settled) == [("take", Decimal("-2"))]
    note = Notification.objects.get(key=f"leave:{leave.pk}:returned")
    assert (note.recipient.username, note.text) == (
        "host",
        "张三已销假：2026年6月10日返岗，实际休假2天。",
    )


def test_an_early_return_shortens_the_leave_and_gives_the_days_back(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    leave = approved(world, MONDAY, FRIDAY)  # 5 days
    leave_advance(today=MONDAY)
    settled = back(world, leave, WEDNESDAY, "pm")  # away Mon, Tue and Wed morning
    assert (settled.days, settled.end_date, settled.end_half) == (Decimal("2.5"), WEDNESDAY, "am")
    assert ledger(settled) == [("take", Decimal("-5")), ("give_back", Decimal("2.5"))]
    assert settled.state == LeaveState.RETURNED
    # The freed days may be asked again.
    assert ask(world, THURSDAY, FRIDAY, today=WEDNESDAY).state == LeaveState.PENDING


def test_a_return_after_overdue_keeps_the_flag(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    leave = approved(world, THURSDAY, FRIDAY)
    leave_advance(today=THURSDAY)
    leave_advance(today=WEDNESDAY + dt.timedelta(days=7))
    leave.refresh_from_db()
    flagged = leave.overdue_at
    assert leave.state == LeaveState.OVERDUE
    settled = back(world, leave, WEDNESDAY + dt.timedelta(days=7))
    assert (settled.state, settled.overdue_at) == (LeaveState.RETURNED, flagged)
    assert settled.days == Decimal("2")  # overstaying does not add approved days


def test_the_host_leader_may_report_back_for_the_person(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    leave = approved(world, MONDAY, TUESDAY)
    settled = back(world, leave, WEDNESDAY, role="host_leader")
    assert settled.state == LeaveState.RETURNED


def test_return_checks(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    leave = approved(world, TUESDAY, THURSDAY)
    with pytest.raises(InvalidTransition):  # not begun: withdraw instead
        back(world, leave, MONDAY, today=MONDAY)
    with pytest.raises(ValidationFailed) as error:
        back(world, leave, FRIDAY, today=WEDNESDAY)
    assert error.value.detail == {"returned_date": "实际返岗日期不能晚于今天：请在返岗当天销假。"}
    with pytest.raises(ValidationFailed) as error:
        back(world, leave, MONDAY, "pm", today=WEDNESDAY)
    assert error.value.detail == {
        "returned_date": "返岗时间不能早于请假开始时间（2026年6月9日上午）；"
        "请假没有休的，返岗时间填开始的那个半天。"
    }
    with pytest.raises(Forbidden):
        back(world, leave, WEDNESDAY, role="dispatch_admin")
    leave.refresh_from_db()
    assert (leave.state, leave.returned_date) == (LeaveState.APPROVED, None)


# --- extension -----------------------------------------------------------------------------------


def extend(world, leave, end: dt.date, half: str = "pm", *, today: dt.date):  # type: ignore[no-untyped-def]
    return leave_extend(
        actor=world.users["cadre"],
        leave=fresh(world, leave),
        end_date=end,
        end_half=half,
        reason="病情未愈，需继续治疗",
        stand_in="李明",
        contact_phone="13912345678",
        today=today,
    )


def test_an_extension_continues_the_leave_through_the_chain_of_the_whole_absence(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    leave = approved(world, MONDAY, TUESDAY)
    leave_advance(today=MONDAY)
    extension = extend(world, leave, FRIDAY, today=TUESDAY)
    # Three days more, five in all: the chain for five days, not the host leader's for three.
    assert (
        extension.extends_id,
        extension.start_date,
        extension.start_half,
        extension.days,
        extension.chain,
        extension.leave_type_id,
    ) == (
        leave.pk,
        WEDNESDAY,
        "am",
        Decimal("3"),
        ["host_leader", "dispatch_admin"],
        leave.leave_type_id,
    )
    approve_all(world, extension, today=TUESDAY)
    # Past the first leave's end, nothing is overdue: the person is on leave until Friday.
    leave_advance(today=WEDNESDAY)
    assert leave_advance(today=THURSDAY)["overdue"] == 0
    states = dict(LeaveRequest.objects.values_list("pk", "state"))
    assert (states[leave.pk], states[extension.pk]) == (LeaveState.ON_LEAVE, LeaveState.ON_LEAVE)


def test_an_extension_must_be_asked_before_the_end(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    leave = approved(world, MONDAY, TUESDAY)
    leave_advance(today=MONDAY)
    with pytest.raises(InvalidTransition) as error:
        extend(world, leave, FRIDAY, today=WEDNESDAY)
    assert "续假须在原请假结束" in str(error.value.message)
    assert LeaveRequest.objects.count() == 1


def test_one_extension_at_a_time_and_it_must_go_beyond_the_leave(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    leave = approved(world, MONDAY, TUESDAY)
    with pytest.raises(ValidationFailed):
        extend(world, leave, TUESDAY, today=MONDAY)
    extend(world, leave, WEDNESDAY, today=MONDAY)
    with pytest.raises(InvalidTransition) as error:
        extend(world, leave, FRIDAY, today=MONDAY)
    assert str(error.value.message) == "这份请假已有续假申请，请在续假上继续办理。"


def test_reporting_back_early_settles_the_leave_and_its_extension(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    leave = approved(world, MONDAY, TUESDAY)
    leave_advance(today=MONDAY)
    extension = approve_all(world, extend(world, leave, FRIDAY, today=MONDAY), today=MONDAY)
    leave_advance(today=WEDNESDAY)
    settled = back(world, leave, THURSDAY)  # reported on the first leave: the absence is one
    assert settled.pk == extension.pk
    leave.refresh_from_db()
    extension.refresh_from_db()
    assert (leave.state, leave.days, leave.returned_date) == (
        LeaveState.RETURNED,
        Decimal("2"),
        WEDNESDAY,
    )
    assert (extension.state, extension.days, extension.returned_date) == (
        LeaveState.RETURNED,
        Decimal("1"),
        THURSDAY,
    )
    assert ledger(extension) == [("take", Decimal("-3")), ("give_back", Decimal("2"))]


def test_back_before_an_approved_extension_begins_withdraws_it(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    leave = approved(world, MONDAY, TUESDAY)
    leave_advance(today=MONDAY)
    extension = approve_all(world, extend(world, leave, FRIDAY, today=MONDAY), today=MONDAY)
    back(world, leave, TUESDAY, "pm")
    leave.refresh_from_db()
    extension.refresh_from_db()
    assert (leave.state, leave.days) == (LeaveState.RETURNED, Decimal("1.5"))
    assert extension.state == LeaveState.WITHDRAWN
    assert ledger(extension) == [("take", Decimal("-3")), ("give_back", Decimal("3"))]


# --- leave entered afterwards ------------------------------------------------------------------


def emergency(world, role: str, start: dt.date, end: dt.date, *, today: dt.date, **fields):  # type: ignore[no-untyped-def]
    arguments = {
        "reason": "急性肠胃炎就医",
        "stand_in": "李明",
        "contact_phone": "13912345678",
        "emergency_reason": "夜间突发疾病，当天无法提前请假",
        **fields,
    }
    return leave_emergency_record(
        actor=world.users[role],
        assignment=record(world, role),
        leave_type=leave_type(world, "personal"),
        start_date=start,
        end_date=end,
        today=today,
        **arguments,
    )


def test_leave_entered_afterwards_by_the_host_leader_goes_through_the_chain(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    leave = emergency(world, "host_leader", MONDAY, MONDAY, today=TUESDAY)
    assert (leave.state, leave.emergency, leave.created_by.username, leave.chain) == (
        LeaveState.PENDING,
        True,
        "host",
        ["host_leader"],
    )
    assert leave.emergency_reason == "夜间突发疾病，当天无法提前请假"
    # Already over when approved: the entry afterwards is its report back.
    done = decide(world, leave, "host_leader", today=TUESDAY)
    assert (done.state, done.returned_date, done.returned_half) == (
        LeaveState.RETURNED,
        TUESDAY,
        "am",
    )
    assert ledger(done) == [("take", Decimal("-1"))]


def test_leave_entered_afterwards_still_running_starts_at_once(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    leave = emergency(world, "cadre", MONDAY, WEDNESDAY, today=TUESDAY)
    assert decide(world, leave, "host_leader", today=TUESDAY).state == LeaveState.ON_LEAVE


def test_leave_entered_afterwards_needs_its_reason_and_to_have_begun(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    with pytest.raises(ValidationFailed) as error:
        emergency(world, "cadre", MONDAY, MONDAY, today=TUESDAY, emergency_reason=" ")
    assert error.value.detail == {"emergency_reason": "请说明未能事先请假的原因。"}
    with pytest.raises(ValidationFailed) as error:
        emergency(world, "cadre", WEDNESDAY, WEDNESDAY, today=TUESDAY)
    assert error.value.detail == {
        "start_date": "事后补办只用于已经开始的请假；尚未开始的请假请正常提交申请。"
    }
    with pytest.raises(Forbidden):
        emergency(world, "dispatch_admin", MONDAY, MONDAY, today=TUESDAY)
    assert LeaveRequest.objects.count() == 0


# --- review findings: leave not taken, extensions, overdue, dates ---------------------------------


def test_leave_begun_but_not_taken_is_reported_back_on_its_first_half_day(
    world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    leave = approved(world, MONDAY, TUESDAY)
    leave_advance(today=MONDAY)  # on leave by date; the person stayed at work
    with django_capture_on_commit_callbacks(execute=True):
        settled = back(world, leave, MONDAY, "am")
    assert (settled.pk, settled.state) == (leave.pk, LeaveState.WITHDRAWN)
    assert ledger(settled) == [("take", Decimal("-2")), ("give_back", Decimal("2"))]
    note = Notification.objects.get(key=f"leave:{leave.pk}:returned")
    assert (note.recipient.username, note.text) == (
        "host",
        "张三已销假：2026年6月8日起的请假未休，已撤回，2天退回额度。",
    )
    # The days are free again.
    assert ask(world, TUESDAY, TUESDAY, today=MONDAY).state == LeaveState.PENDING


def test_a_return_on_the_morning_an_extension_begins_withdraws_the_extension(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    leave = approved(world, MONDAY, TUESDAY)
    leave_advance(today=MONDAY)
    extension = approve_all(world, extend(world, leave, FRIDAY, today=MONDAY), today=MONDAY)
    leave_advance(today=WEDNESDAY)  # the extension is on leave by date too
    settled = back(world, extension, WEDNESDAY, "am")
    assert settled.pk == leave.pk
    leave.refresh_from_db()
    extension.refresh_from_db()
    assert (leave.state, leave.days, leave.returned_date, leave.returned_half) == (
        LeaveState.RETURNED,
        Decimal("2"),
        WEDNESDAY,
        "am",
    )
    assert extension.state == LeaveState.WITHDRAWN
    assert ledger(extension) == [("take", Decimal("-3")), ("give_back", Decimal("3"))]


def test_an_extension_still_waiting_does_not_stop_the_overdue_flag(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    leave = approved(world, THURSDAY, FRIDAY)
    extend(world, leave, FRIDAY + dt.timedelta(days=3), today=FRIDAY)  # never decided
    next_monday = MONDAY + dt.timedelta(days=7)
    assert leave_advance(today=next_monday)["overdue"] == 0
    assert leave_advance(today=next_monday + dt.timedelta(days=1))["overdue"] == 1
    leave.refresh_from_db()
    assert leave.state == LeaveState.OVERDUE
    # The person reports back on the leave itself: the waiting extension is withdrawn.
    assert leave_actions_of(world, leave).report_back


def leave_actions_of(world, leave):  # type: ignore[no-untyped-def]
    from guazhi.duty.selectors.leave import leave_actions

    return leave_actions(actor=world.users["cadre"], leave=fresh(world, leave))


def test_an_extension_is_never_given_a_shorter_chain_than_its_leave(world) -> None:  # type: ignore[no-untyped-def]
    from guazhi.duty.models import LeaveApprovalRule

    found = fixed_term(world)
    personal = leave_type(world, "personal")
    # An odd batch: short personal leave goes through two steps, a longer one through one.
    LeaveApprovalRule.objects.create(
        batch=found.batch_a,
        leave_type=personal,
        max_days=Decimal(2),
        steps=["host_leader", "dispatch_admin"],
    )
    LeaveApprovalRule.objects.create(
        batch=found.batch_a, leave_type=personal, max_days=Decimal(10), steps=["host_leader"]
    )
    leave = approved(world, MONDAY, TUESDAY)
    assert leave.chain == ["host_leader", "dispatch_admin"]
    extension = extend(world, leave, FRIDAY, today=MONDAY)
    assert extension.chain == ["host_leader", "dispatch_admin"]


def test_extension_refusals_give_dates_as_people_write_them(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    leave = approved(world, MONDAY, TUESDAY, end_half="am")
    with pytest.raises(ValidationFailed) as error:
        extend(world, leave, TUESDAY, "am", today=MONDAY)
    assert error.value.detail == {
        "end_date": "续假须从原请假结束后接续，结束时间不能早于2026年6月9日下午。"
    }
    with pytest.raises(InvalidTransition) as late:
        extend(world, leave, FRIDAY, today=WEDNESDAY)
    assert str(late.value.message) == (
        "续假须在原请假结束（2026年6月9日）前提出；已超过的请先销假，或补办请假。"
    )
    assert LeaveRequest.objects.count() == 1


def test_overdue_notifications_give_dates_as_people_write_them(
    world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    leave = approved(world, THURSDAY, FRIDAY)
    with django_capture_on_commit_callbacks(execute=True):
        leave_advance(today=WEDNESDAY + dt.timedelta(days=7))
    texts = dict(
        Notification.objects.filter(key__startswith=f"leave:{leave.pk}:overdue").values_list(
            "recipient__username", "text"
        )
    )
    assert texts == {
        "cadre": "您的请假（事假，2026年6月11日至2026年6月12日）已逾期未销假，请尽快返岗并销假。",
        "host": "张三的请假已于2026年6月12日结束，至今未销假，已认定为逾期未销假。",
    }


def test_leave_entered_afterwards_ending_before_a_weekend_is_back_on_monday(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    leave = emergency(world, "host_leader", FRIDAY, FRIDAY, today=FRIDAY + dt.timedelta(days=4))
    done = decide(world, leave, "host_leader", today=FRIDAY + dt.timedelta(days=4))
    assert (done.state, done.returned_date, done.returned_half) == (
        LeaveState.RETURNED,
        FRIDAY + dt.timedelta(days=3),
        "am",
    )
    # A morning's leave on a working day: back that afternoon.
    morning = emergency(world, "cadre", THURSDAY, THURSDAY, today=FRIDAY, end_half="am")
    done = decide(world, morning, "host_leader", today=FRIDAY)
    assert (done.returned_date, done.returned_half) == (THURSDAY, "pm")
