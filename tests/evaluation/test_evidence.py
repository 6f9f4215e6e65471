"""The evidence beside the rating form, counted by hand from a real duty record.

The round covers October 2026. By the work calendar (tests/duty/test_attendance_rates.py):
National Day 1–7 October is a holiday and Saturday 10 October is worked, so the working days
are 8–10, 12–16, 19–23 and 26–30: 18 days. "Today" is 24 November 2026. 张三's term runs from
1 March 2026 to 28 February 2027.

His October: three log entries (two accomplishments; 走访企业 5 + 3 家), one more on 30
September that does not count; tasks for October ticked off in time, ticked off late, left
undone, and dropped; annual leave 12–13 October (2 working days), home-visit leave Friday 16
to Monday 19 October (4 calendar days, 2 working days), personal leave 29 October to 3 November
(2 working days in October), a draft leave that counts for nothing; an inspection found him
absent on 21 October and present on 22 October (one on 30 September is outside); his October
report was submitted on 8 November, after its due date of 5 November, returned once, then
accepted.

Attendance: 18 days due, 6 on leave, 1 absent, 11 present: 11/18 = 61.1%.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from guazhi.core.errors import NotFound
from guazhi.duty.models import (
    CheckResult,
    DutyTask,
    Inspection,
    InspectionCheck,
    InspectionState,
    LeaveRequest,
    LeaveType,
    LogQuantity,
    PeriodicReport,
    ReportReview,
    ReportState,
    ReviewAction,
    SamplingMode,
    TaskState,
    WorkLogEntry,
    half_slot,
)
from guazhi.evaluation.selectors.evidence import LeaveTaken, evaluee_evidence
from guazhi.evaluation.selectors.scope import access_evaluee
from guazhi.programmes.models import Assignment
from tests.evaluation.world import add_evaluee, evaluation_world, make_round
from tests.pages import as_user, page

OCTOBER = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
TODAY = dt.date(2026, 11, 24)
TERM = (dt.date(2026, 3, 1), dt.date(2027, 2, 28))


def _entry(assignment, day, title, *quantities, accomplishment=False):  # type: ignore[no-untyped-def]
    made = WorkLogEntry.objects.create(
        assignment=assignment,
        date=day,
        category="招商引资",
        title=title,
        content=title,
        accomplishment=accomplishment,
    )
    for label, value, unit in quantities:
        LogQuantity.objects.create(entry=made, label=label, value=Decimal(value), unit=unit)


def _leave(assignment, kind, start, end, state="approved", **fields):  # type: ignore[no-untyped-def]
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


def _check(assignment, day, result):  # type: ignore[no-untyped-def]
    inspection = Inspection.objects.create(
        batch=assignment.batch,
        planned_on=day,
        sampling=SamplingMode.ALL,
        state=InspectionState.COMPLETED,
    )
    InspectionCheck.objects.create(inspection=inspection, assignment=assignment, result=result)


def _task(assignment, month, state, done_month=None):  # type: ignore[no-untyped-def]
    DutyTask.objects.create(
        assignment=assignment,
        title=f"任务{month:%m}{state}",
        target_month=month,
        state=state,
        done_month=done_month,
    )


def october_record(world):  # type: ignore[no-untyped-def]
    """The evaluation world with 张三's October record, and his evaluee in an October round."""
    found = evaluation_world(world)
    Assignment.objects.filter(pk=found.duty.serving_a.pk).update(
        start_date=TERM[0], end_date=TERM[1]
    )
    person = Assignment.objects.select_related("batch").get(pk=found.duty.serving_a.pk)
    _entry(person, dt.date(2026, 9, 30), "九月走访", ("走访企业", "9", "家"), accomplishment=True)
    _entry(
        person,
        dt.date(2026, 10, 8),
        "引进农产品加工项目",
        ("走访企业", "5", "家"),
        ("引进资金", "120.5", "万元"),
        accomplishment=True,
    )
    _entry(person, dt.date(2026, 10, 15), "走访园区企业", ("走访企业", "3", "家"))
    _entry(person, dt.date(2026, 10, 20), "完成村道硬化", accomplishment=True)
    september, october, november = (dt.date(2026, m, 1) for m in (9, 10, 11))
    _task(person, september, TaskState.AGREED)  # overdue, but not October's
    _task(person, october, TaskState.DONE, done_month=october)
    _task(person, october, TaskState.DONE, done_month=november)
    _task(person, october, TaskState.AGREED)
    _task(person, october, TaskState.DROPPED)
    _task(person, november, TaskState.AGREED)
    _leave(
        person,
        "annual",
        (dt.date(2026, 10, 12), "am"),
        (dt.date(2026, 10, 13), "pm"),
        state="returned",
        returned_date=dt.date(2026, 10, 14),
        returned_half="am",
    )
    _leave(person, "home_visit", (dt.date(2026, 10, 16), "am"), (dt.date(2026, 10, 19), "pm"))
    _leave(person, "personal", (dt.date(2026, 10, 29), "am"), (dt.date(2026, 11, 3), "pm"))
    _leave(person, "sick", (dt.date(2026, 10, 26), "am"), (dt.date(2026, 10, 26), "pm"), "draft")
    _check(person, dt.date(2026, 9, 30), CheckResult.ABSENT)
    _check(person, dt.date(2026, 10, 21), CheckResult.ABSENT)
    _check(person, dt.date(2026, 10, 22), CheckResult.PRESENT)
    report = PeriodicReport.objects.create(
        assignment=person,
        frequency="monthly",
        period_start=october,
        period_end=OCTOBER[1],
        due_on=dt.date(2026, 11, 5),
        narrative="十月工作汇报。",
        state=ReportState.ACCEPTED,
        submitted_at=timezone.make_aware(dt.datetime(2026, 11, 8, 10, 0)),
    )
    for action in (ReviewAction.SUBMIT, ReviewAction.RETURN, ReviewAction.SUBMIT):
        ReportReview.objects.create(report=report, action=action)
    round = make_round(
        person.batch, period_start=OCTOBER[0], period_end=OCTOBER[1], name="2026年第四季度考核"
    )
    return found, add_evaluee(round, person)


def test_the_evidence_of_october_counted_by_hand(world) -> None:  # type: ignore[no-untyped-def]
    _found, evaluee = october_record(world)
    leader = world.users["host_leader"]
    evidence = evaluee_evidence(
        actor=leader, evaluee=access_evaluee(actor=leader, pk=evaluee.pk), today=TODAY
    )

    assert (evidence.start, evidence.end, evidence.until) == (*OCTOBER, OCTOBER[1])
    assert evidence.log.entry_count == 3
    assert [(a.date, a.title) for a in evidence.log.accomplishments] == [
        (dt.date(2026, 10, 8), "引进农产品加工项目"),
        (dt.date(2026, 10, 20), "完成村道硬化"),
    ]
    assert [(q.label, q.total, q.unit) for q in evidence.log.quantities] == [
        ("引进资金", Decimal("120.50"), "万元"),
        ("走访企业", Decimal("8.00"), "家"),
    ]
    tasks = evidence.tasks
    assert (tasks.due, tasks.done, tasks.done_late, tasks.overdue, tasks.pending) == (3, 2, 1, 1, 0)
    assert tasks.done_text == "2/3"
    figures = evidence.attendance
    assert (figures.due, figures.leave, figures.absent, figures.present) == (
        Decimal("18.0"),
        Decimal("6.0"),
        Decimal("1.0"),
        Decimal("11.0"),
    )
    assert (figures.rate, figures.rate_percent) == (Decimal("0.6111"), "61.1%")
    assert evidence.leave == (
        LeaveTaken("年休假", Decimal("2")),
        LeaveTaken("探亲假", Decimal("4")),
        LeaveTaken("事假", Decimal("2")),
    )
    assert evidence.leave_total == Decimal("8")
    checks = evidence.checks
    assert (checks.recorded, checks.present, checks.absent) == (2, 1, 1)
    assert checks.absent_days == (dt.date(2026, 10, 21),)
    reports = evidence.reports
    assert (
        reports.periods,
        reports.submitted,
        reports.accepted,
        reports.returned,
        reports.late,
        reports.missing,
    ) == (1, 1, 1, 1, 1, 0)
    assert [str(row.period.label) for row in reports.flagged] == ["2026年10月"]


def test_a_rater_outside_the_persons_scope_reads_nothing(world) -> None:  # type: ignore[no-untyped-def]
    _found, evaluee = october_record(world)
    from tests.factories import UserFactory, grant

    elsewhere = grant(UserFactory(username="host.b"), "host_leader", world.township_b)
    with pytest.raises(NotFound):
        evaluee_evidence(actor=elsewhere, evaluee=evaluee, today=TODAY)


def test_the_evidence_page_shows_the_figures(world, client) -> None:  # type: ignore[no-untyped-def]
    _found, evaluee = october_record(world)
    as_user(client, world, "coordinator")
    # The page counts to the real today; October 2026 is over by then only from November on,
    # so compare what does not move: the log and the tasks.
    text = page(client.get(f"/evaluation/evaluees/{evaluee.pk}/evidence/"))
    assert "考核期间的表现记录" in text
    assert "引进农产品加工项目" in text
    assert '<span class="value">2</span><span class="label">做成的事（件）</span>' in text
    assert '<span class="value">3</span><span class="label">工作纪实（条）</span>' in text
    assert "本人尚未提交个人总结。" in text
