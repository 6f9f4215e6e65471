"""The monthly attendance return (考勤月报): sent once per unit and month, after the month, by the
host unit's leader; due on the batch's return day of the next month (5th by default)."""

import datetime as dt

import pytest

from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.models import AuditEvent, WorkdayOverride
from guazhi.duty.models import AttendanceReturn, DutyRules
from guazhi.duty.selectors.attendance import (
    attendance_return_due,
    attendance_returns,
    return_due_date,
)
from guazhi.duty.services.attendance import attendance_return_submit
from guazhi.programmes.models import Assignment
from tests.duty.world import DutyWorld, duty_world

OCTOBER = dt.date(2026, 10, 1)
TERM = (dt.date(2026, 3, 1), dt.date(2027, 2, 28))


def on_duty(world) -> DutyWorld:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    Assignment.objects.filter(pk=found.serving_a.pk).update(start_date=TERM[0], end_date=TERM[1])
    found.serving_a.refresh_from_db()
    return found


def send(world, found: DutyWorld, role: str = "host_leader", **fields):  # type: ignore[no-untyped-def]
    arguments = {
        "actor": world.users[role],
        "batch": found.batch_a,
        "host_unit": world.township_a,
        "month": dt.date(2026, 10, 17),  # any day of the month names it
        "today": dt.date(2026, 11, 3),
    }
    arguments.update(fields)
    return attendance_return_submit(**arguments)


def test_the_host_leader_sends_the_return_once(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    sent = send(world, found, note="无异常")
    assert (
        sent.batch,
        sent.host_unit,
        sent.month,
        sent.submitted_by,
        sent.note,
        sent.submitted_at.date(),
    ) == (
        found.batch_a,
        world.township_a,
        OCTOBER,
        world.users["host_leader"],
        "无异常",
        dt.date(2026, 11, 3),
    )
    event = AuditEvent.objects.get(action="attendance.return_submit")
    assert event.detail == {
        "month": "2026-10",
        "host_unit": "白鹿镇",
        "due": "2026-11-05",
        "timeliness": "on_time",
    }
    with pytest.raises(
        InvalidTransition, match="白鹿镇2026年10月的考勤月报已经报送，不能重复报送。"
    ):
        send(world, found, today=dt.date(2026, 11, 4))
    assert AttendanceReturn.objects.count() == 1
    assert AuditEvent.objects.filter(action="attendance.return_submit").count() == 1


def test_a_month_is_not_sent_before_it_has_ended(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    with pytest.raises(ValidationFailed) as raised:
        send(world, found, today=dt.date(2026, 10, 31))
    assert raised.value.message == "2026年10月尚未结束，月末之后才能报送该月的考勤月报。"
    assert AttendanceReturn.objects.count() == 0


@pytest.mark.parametrize(
    "role", ["admin", "coordinator", "dispatch_admin", "group_leader", "cadre"]
)
def test_only_the_host_leader_sends(world, role: str) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    with pytest.raises(Forbidden):
        send(world, found, role=role)
    assert AttendanceReturn.objects.count() == 0


def test_a_host_leader_sends_no_return_for_another_unit(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    with pytest.raises(Forbidden):
        send(world, found, batch=found.batch_b, host_unit=world.township_b)
    assert AttendanceReturn.objects.count() == 0


def test_a_month_without_anyone_on_duty_needs_no_return(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    with pytest.raises(ValidationFailed) as raised:
        send(world, found, month=dt.date(2026, 1, 1), today=dt.date(2026, 3, 3))
    assert raised.value.message == "白鹿镇在2026年1月没有本批次的在岗人员，无需报送考勤月报。"
    assert AttendanceReturn.objects.count() == 0


def test_a_return_sent_after_the_due_day_is_marked_late(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    leader = world.users["host_leader"]
    (section,) = attendance_returns(
        actor=leader, batch=found.batch_a, month=OCTOBER, today=dt.date(2026, 11, 5)
    )
    assert (section.host_unit, section.due, section.late, section.can_submit) == (
        world.township_a,
        dt.date(2026, 11, 5),
        False,
        True,
    )
    (section,) = attendance_returns(
        actor=leader, batch=found.batch_a, month=OCTOBER, today=dt.date(2026, 11, 6)
    )
    assert (section.submitted, section.late) == (None, True)
    send(world, found, today=dt.date(2026, 11, 6))
    assert AuditEvent.objects.get(action="attendance.return_submit").detail["timeliness"] == "late"
    (section,) = attendance_returns(
        actor=leader, batch=found.batch_a, month=OCTOBER, today=dt.date(2026, 11, 20)
    )
    assert (section.submitted is not None, section.late, section.can_submit) == (True, True, False)


def test_the_return_is_offered_to_the_host_leader_only_once_the_month_is_over(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    (during,) = attendance_returns(
        actor=world.users["host_leader"],
        batch=found.batch_a,
        month=OCTOBER,
        today=dt.date(2026, 10, 30),
    )
    (coordinator,) = attendance_returns(
        actor=world.users["coordinator"],
        batch=found.batch_a,
        month=OCTOBER,
        today=dt.date(2026, 11, 2),
    )
    assert (during.can_submit, during.late, coordinator.can_submit) == (False, False, False)
    assert [row.assignment for row in coordinator.people] == [found.serving_a]


def test_the_due_day_is_the_batchs_and_fits_a_short_month(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    assert attendance_return_due(found.batch_a, OCTOBER) == dt.date(2026, 11, 5)
    DutyRules.objects.filter(batch=found.batch_a).update(attendance_return_day=31)
    assert attendance_return_due(found.batch_a, dt.date(2026, 3, 1)) == dt.date(2026, 4, 30)
    assert attendance_return_due(found.batch_a, dt.date(2026, 10, 1)) == dt.date(2026, 11, 30)
    # 28 February 2026 is a Saturday but a make-up working day (春节调休): due that day.
    assert attendance_return_due(found.batch_a, dt.date(2026, 1, 1)) == dt.date(2026, 2, 28)


def test_a_due_day_on_a_holiday_or_weekend_moves_to_the_next_working_day(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    due = {
        month: attendance_return_due(found.batch_a, dt.date(2026, month, 1))
        for month in (4, 6, 9, 11)
    }
    assert due == {
        4: dt.date(2026, 5, 6),  # 1–5 May is the May Day holiday
        6: dt.date(2026, 7, 6),  # 5 July is a Sunday
        9: dt.date(2026, 10, 8),  # 1–7 October is the National Day holiday
        11: dt.date(2026, 12, 7),  # 5 December is a Saturday
    }
    # The rule without a batch, for the reminders: the same days.
    assert return_due_date(dt.date(2026, 9, 30), 5) == dt.date(2026, 10, 8)
    # A day the admins made a rest day moves too.
    WorkdayOverride.objects.create(date=dt.date(2026, 11, 5), is_workday=False, note="本地节日")
    assert attendance_return_due(found.batch_a, OCTOBER) == dt.date(2026, 11, 6)
    # A return for September sent on 8 October is on time, and the page says so.
    (section,) = attendance_returns(
        actor=world.users["host_leader"],
        batch=found.batch_a,
        month=dt.date(2026, 9, 1),
        today=dt.date(2026, 10, 8),
    )
    assert (section.due, section.late) == (dt.date(2026, 10, 8), False)
