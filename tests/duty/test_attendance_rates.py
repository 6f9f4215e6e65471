"""Attendance (在岗率), hand-counted on October 2026.

October 2026 by the work calendar: National Day 1–7 October is a holiday and Saturday 10 October
is worked, so the working days are 8–10, 12–16, 19–23 and 26–30: 18 days. 张三's term runs
from 1 March 2026 to 28 February 2027.
"""

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guazhi.duty.counting import days_within
from guazhi.duty.models import (
    CheckResult,
    Inspection,
    InspectionCheck,
    LeaveRequest,
    LeaveType,
    SamplingMode,
    half_slot,
)
from guazhi.duty.selectors.attendance import (
    attendance_batch_month,
    attendance_month,
    attendance_term,
)
from guazhi.programmes.models import Assignment, AssignmentState
from tests.duty.world import DutyWorld, duty_world
from tests.factories import CadreFactory
from tests.programmes.factories import PostFactory, assign

OCTOBER = dt.date(2026, 10, 1)
AFTER = dt.date(2026, 11, 24)  # "today" for figures of a finished October
TERM = (dt.date(2026, 3, 1), dt.date(2027, 2, 28))


def on_duty(world) -> DutyWorld:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    Assignment.objects.filter(pk=found.serving_a.pk).update(start_date=TERM[0], end_date=TERM[1])
    found.serving_a.refresh_from_db()
    return found


def leave(
    assignment: Assignment,
    kind: str,
    start: tuple[dt.date, str],
    end: tuple[dt.date, str],
    state: str = "approved",
    **fields: object,
) -> LeaveRequest:
    return LeaveRequest.objects.create(
        assignment=assignment,
        leave_type=LeaveType.objects.get(batch=assignment.batch, kind=kind),
        start_date=start[0],
        start_half=start[1],
        end_date=end[0],
        end_half=end[1],
        start_slot=half_slot(*start),
        end_slot=half_slot(*end),
        days=Decimal(1),
        reason="家中有事",
        stand_in="李明",
        contact_phone="13800000000",
        state=state,
        **fields,
    )


def absent_on(assignment: Assignment, day: dt.date) -> InspectionCheck:
    inspection = Inspection.objects.create(
        batch=assignment.batch, planned_on=day, sampling=SamplingMode.ALL
    )
    return InspectionCheck.objects.create(
        inspection=inspection, assignment=assignment, result=CheckResult.ABSENT
    )


def at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def types(found: DutyWorld) -> dict[str, int]:
    return {t.kind: t.pk for t in LeaveType.objects.filter(batch=found.batch_a)}


def test_a_month_with_a_holiday_a_half_day_a_leave_over_the_month_end_and_an_absence(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    person = found.serving_a
    # 事假 on the morning of Tuesday 13 October only: half a day.
    leave(person, "personal", (dt.date(2026, 10, 13), "am"), (dt.date(2026, 10, 13), "am"))
    # 年休假 Thursday 29 October to Tuesday 3 November: 29 and 30 October in October (the 31st
    # is a Saturday), 2 and 3 November in November.
    leave(person, "annual", (dt.date(2026, 10, 29), "am"), (dt.date(2026, 11, 3), "pm"))
    absent_on(person, dt.date(2026, 10, 20))
    figures = attendance_month(person, OCTOBER, today=AFTER)
    kinds = types(found)
    assert (
        figures.due,
        figures.leave_by_type,
        figures.leave,
        figures.absent,
        figures.present,
        figures.rate,
        figures.rate_percent,
        figures.absent_days,
    ) == (
        Decimal(18),
        {kinds["personal"]: Decimal("0.5"), kinds["annual"]: Decimal(2)},
        Decimal("2.5"),
        Decimal(1),
        Decimal("14.5"),
        Decimal("0.8056"),  # 14.5 / 18
        "80.6%",
        (dt.date(2026, 10, 20),),
    )


def test_the_leave_counts_only_its_part_in_each_month_like_days_within(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    annual = leave(
        found.serving_a, "annual", (dt.date(2026, 10, 29), "am"), (dt.date(2026, 11, 3), "pm")
    )
    october = attendance_month(found.serving_a, OCTOBER, today=AFTER)
    november = attendance_month(found.serving_a, dt.date(2026, 11, 15), today=AFTER)
    assert (october.leave, november.leave) == (Decimal(2), Decimal(2))
    assert days_within(
        "working", annual.start_slot, annual.end_slot, OCTOBER, dt.date(2026, 10, 31)
    ) == Decimal(2)
    # November up to the 24th: 17 working days, 2 of them on leave.
    assert (november.due, november.present, november.rate) == (
        Decimal(17),
        Decimal(15),
        Decimal("0.8824"),
    )


def test_calendar_day_leave_over_the_holiday_takes_only_working_days(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    # 探亲假 counts calendar days for its balance (9 days), but presence is about working days:
    # only 8 and 9 October were due.
    leave(found.serving_a, "home_visit", (dt.date(2026, 10, 1), "am"), (dt.date(2026, 10, 9), "pm"))
    figures = attendance_month(found.serving_a, OCTOBER, today=AFTER)
    assert (figures.leave, figures.present) == (Decimal(2), Decimal(16))


def test_only_approved_leave_counts_and_a_return_ends_it(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    person = found.serving_a
    for state in ("pending", "rejected", "withdrawn", "draft"):
        leave(
            person, "personal", (dt.date(2026, 10, 12), "am"), (dt.date(2026, 10, 12), "pm"), state
        )
    # Back at work on the afternoon of the 15th: the 14th and the morning of the 15th on leave.
    leave(
        person,
        "sick",
        (dt.date(2026, 10, 14), "am"),
        (dt.date(2026, 10, 16), "pm"),
        "returned",
        returned_date=dt.date(2026, 10, 15),
        returned_half="pm",
    )
    figures = attendance_month(person, OCTOBER, today=AFTER)
    assert (figures.leave, figures.absent, figures.present) == (
        Decimal("1.5"),
        Decimal(0),
        Decimal("16.5"),
    )


def test_days_after_an_overdue_leave_are_absent_until_the_return(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    person = found.serving_a
    overdue = leave(
        person,
        "personal",
        (dt.date(2026, 10, 19), "am"),
        (dt.date(2026, 10, 20), "pm"),
        "overdue",
        overdue_at=timezone.now(),
    )
    friday = dt.date(2026, 10, 23)
    # Up to Friday the 23rd: 13 working days; 19–20 on leave; 21, 22, 23 absent.
    figures = attendance_month(person, OCTOBER, today=friday)
    assert (figures.due, figures.leave, figures.absent, figures.present, figures.rate) == (
        Decimal(13),
        Decimal(2),
        Decimal(3),
        Decimal(8),
        Decimal("0.6154"),
    )
    # Reported back on the morning of the 22nd: only the 21st was absent.
    LeaveRequest.objects.filter(pk=overdue.pk).update(
        state="returned", returned_date=dt.date(2026, 10, 22), returned_half="am"
    )
    figures = attendance_month(person, OCTOBER, today=friday)
    assert (figures.leave, figures.absent, figures.present) == (Decimal(2), Decimal(1), Decimal(10))


def test_an_absence_counts_once_a_day_and_not_on_rest_days_or_leave(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    person = found.serving_a
    absent_on(person, dt.date(2026, 10, 20))
    absent_on(person, dt.date(2026, 10, 20))  # a second inspection the same day
    absent_on(person, dt.date(2026, 10, 3))  # a holiday
    absent_on(person, dt.date(2026, 10, 27))
    # Emergency leave (事后补办) for the 27th entered on the 28th, after the inspectors had found
    # the person absent: it does not erase the absence.
    leave(
        person,
        "sick",
        (dt.date(2026, 10, 27), "am"),
        (dt.date(2026, 10, 27), "pm"),
        emergency=True,
        submitted_at=at(dt.date(2026, 10, 28), 9),
    )
    InspectionCheck.objects.create(
        inspection=Inspection.objects.create(
            batch=person.batch, planned_on=dt.date(2026, 10, 21), sampling=SamplingMode.ALL
        ),
        assignment=person,
        result=CheckResult.PRESENT,
    )
    figures = attendance_month(person, OCTOBER, today=AFTER)
    assert (figures.absent, figures.leave, figures.present, figures.absent_days) == (
        Decimal(2),
        Decimal(0),
        Decimal(16),
        (dt.date(2026, 10, 20), dt.date(2026, 10, 27)),
    )


def test_leave_entered_in_time_covers_an_absence_and_a_late_one_only_its_other_days(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    person = found.serving_a
    for day in (dt.date(2026, 10, 14), dt.date(2026, 10, 22), dt.date(2026, 10, 27)):
        absent_on(person, day)
    # Asked for in advance: the approved leave stands over the inspector's finding.
    leave(person, "personal", (dt.date(2026, 10, 14), "am"), (dt.date(2026, 10, 14), "pm"))
    # Entered afterwards the same evening (fell ill that morning): on leave.
    leave(
        person,
        "sick",
        (dt.date(2026, 10, 22), "am"),
        (dt.date(2026, 10, 22), "pm"),
        emergency=True,
        submitted_at=at(dt.date(2026, 10, 22), 18),
    )
    # Entered on the 29th for 27–28: the 27th stays absent, the 28th (no finding) is leave.
    leave(
        person,
        "sick",
        (dt.date(2026, 10, 27), "am"),
        (dt.date(2026, 10, 28), "pm"),
        emergency=True,
        submitted_at=at(dt.date(2026, 10, 29), 10),
    )
    figures = attendance_month(person, OCTOBER, today=AFTER)
    kinds = types(found)
    assert (
        figures.leave_by_type,
        figures.absent,
        figures.present,
        figures.absent_days,
    ) == (
        {kinds["personal"]: Decimal(1), kinds["sick"]: Decimal(2)},
        Decimal(1),
        Decimal(14),
        (dt.date(2026, 10, 27),),
    )


def test_a_term_starting_mid_month_is_due_from_its_first_day(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    Assignment.objects.filter(pk=found.serving_a.pk).update(start_date=dt.date(2026, 10, 15))
    found.serving_a.refresh_from_db()
    figures = attendance_month(found.serving_a, OCTOBER, today=AFTER)
    assert (figures.start, figures.due, figures.rate) == (
        dt.date(2026, 10, 15),
        Decimal(12),
        Decimal(1),
    )


def test_nothing_is_due_before_the_term_or_in_the_future(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    before = attendance_month(found.serving_a, dt.date(2026, 2, 1), today=AFTER)
    future = attendance_month(found.serving_a, dt.date(2026, 12, 1), today=AFTER)
    assert (before.due, before.rate, before.rate_percent) == (Decimal(0), None, "—")
    assert (future.due, future.rate) == (Decimal(0), None)


def test_the_term_rate_runs_from_the_start_to_today(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    Assignment.objects.filter(pk=found.serving_a.pk).update(start_date=dt.date(2026, 10, 1))
    found.serving_a.refresh_from_db()
    absent_on(found.serving_a, dt.date(2026, 10, 20))
    leave(found.serving_a, "annual", (dt.date(2026, 11, 2), "am"), (dt.date(2026, 11, 3), "pm"))
    figures = attendance_term(found.serving_a, today=AFTER)
    # 18 working days in October and 17 in November up to the 24th.
    assert (figures.due, figures.leave, figures.absent, figures.present, figures.rate) == (
        Decimal(35),
        Decimal(2),
        Decimal(1),
        Decimal(32),
        Decimal("0.9143"),
    )


# A batch's month -----------------------------------------------------------------------------


def test_a_batch_month_covers_the_people_in_scope_only(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    absent_on(found.serving_b, dt.date(2026, 10, 20))
    rows = attendance_batch_month(world.users["coordinator"], found.batch_a, OCTOBER, today=AFTER)
    assert [(row.assignment.cadre.name, row.due, row.rate) for row in rows] == [
        ("张三", Decimal(18), Decimal(1))
    ]
    assert attendance_batch_month(world.users["coordinator"], found.batch_b, OCTOBER) == []
    # A cadre reaches only their own record.
    assert [
        r.assignment
        for r in attendance_batch_month(world.users["cadre"], found.batch_a, OCTOBER, today=AFTER)
    ] == [found.serving_a]


def test_a_batch_month_costs_the_same_queries_for_one_person_or_many(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    coordinator = world.users["coordinator"]
    leave(found.serving_a, "personal", (dt.date(2026, 10, 13), "am"), (dt.date(2026, 10, 13), "am"))

    def count() -> tuple[int, list[tuple[str, Decimal | None]]]:
        attendance_batch_month(coordinator, found.batch_a, OCTOBER, today=AFTER)  # warm caches
        with CaptureQueriesContext(connection) as queries:
            rows = attendance_batch_month(coordinator, found.batch_a, OCTOBER, today=AFTER)
            shown = [(row.assignment.cadre.name, row.rate) for row in rows]
            [(row.assignment.host_unit.name, row.assignment.post.title) for row in rows]
        return len(queries), shown

    one, _rows = count()
    post = PostFactory(batch=found.batch_a, host_unit=world.township_a, title="镇长助理")
    for name in ("王芳", "刘洋", "陈静"):
        person = assign(
            post,
            CadreFactory(name=name, home_unit=world.school_a),
            AssignmentState.ACTIVE,
            start_date=TERM[0],
        )
        leave(person, "sick", (dt.date(2026, 10, 14), "am"), (dt.date(2026, 10, 14), "pm"))
        absent_on(person, dt.date(2026, 10, 21))
    many, rows = count()
    assert many == one
    assert rows == [
        ("陈静", Decimal("0.8889")),  # 16 / 18
        ("刘洋", Decimal("0.8889")),
        ("王芳", Decimal("0.8889")),
        ("张三", Decimal("0.9722")),  # 17.5 / 18
    ]


def test_an_unrecorded_start_counts_from_the_batchs_start(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    Assignment.objects.filter(pk=found.serving_a.pk).update(start_date=None)
    found.batch_a.term_start = dt.date(2026, 10, 15)
    found.batch_a.save(update_fields=["term_start"])
    found.serving_a.refresh_from_db()
    figures = attendance_month(found.serving_a, OCTOBER, today=AFTER)
    rows = attendance_batch_month(world.users["coordinator"], found.batch_a, OCTOBER, today=AFTER)
    assert (figures.start, figures.due) == (dt.date(2026, 10, 15), Decimal(12))
    assert [(row.assignment, row.due) for row in rows] == [(found.serving_a, Decimal(12))]
    september = dt.date(2026, 9, 1)
    assert attendance_batch_month(world.users["coordinator"], found.batch_a, september) == []
