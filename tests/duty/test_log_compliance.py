"""The monthly accomplishment rule (每月做成一件事): per person, per group, per batch, by scope."""

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from guazhi.duty.models import DutyRules, LogQuantity, WorkLogEntry
from guazhi.duty.periods import month_end, month_start
from guazhi.duty.selectors.logs import (
    Compliance,
    accomplishment_missing,
    log_batch_month,
    log_months,
)
from guazhi.programmes.models import Assignment, AssignmentState, Group
from tests.duty.world import duty_world
from tests.factories import CadreFactory, UnitFactory
from tests.programmes.factories import PostFactory, assign


def log(assignment, day, *, accomplishment=False, quantities=(), category="走访"):  # type: ignore[no-untyped-def]
    entry = WorkLogEntry.objects.create(
        assignment=assignment,
        date=day,
        category=category,
        title="纪实",
        content="内容",
        accomplishment=accomplishment,
    )
    for label, value, unit in quantities:
        LogQuantity.objects.create(entry=entry, label=label, value=value, unit=unit)
    return entry


def months_back(today: dt.date, count: int) -> dt.date:
    """The first day of the calendar month `count` months before today's. Counted from the
    first of this month: today − 60 days is last month on 31 May (1 April), not two back."""
    month = month_start(today)
    for _step in range(count):
        month = month_start(month - dt.timedelta(days=1))
    return month


def test_months_back_counts_calendar_months() -> None:
    assert months_back(dt.date(2026, 5, 31), 2) == dt.date(2026, 3, 1)
    assert months_back(dt.date(2026, 3, 1), 2) == dt.date(2026, 1, 1)
    assert months_back(dt.date(2026, 1, 15), 2) == dt.date(2025, 11, 1)


def hand_built_month(world):  # type: ignore[no-untyped-def]
    """The month two calendar months back, over for good: 张三 and 王五 in 第一组 (张三 did
    something, 王五 only logged), 赵六 in 第二组 at 石门乡 (did something), 钱七 in no group, who
    came after it."""
    found = duty_world(world)
    month = months_back(found.today, 2)
    first = Group.objects.create(batch=found.batch_a, name="第一组")
    second = Group.objects.create(batch=found.batch_a, name="第二组")
    shimen = UnitFactory(name="石门乡", kind="township", level="township", parent=world.district_a)
    start = found.serving_a.start_date
    wang = assign(
        PostFactory(batch=found.batch_a, host_unit=world.township_a, title="镇长助理"),
        CadreFactory(name="王五", home_unit=world.school_a),
        AssignmentState.ACTIVE,
        start_date=start,
        group=first,
    )
    zhao = assign(
        PostFactory(batch=found.batch_a, host_unit=shimen, title="乡长助理"),
        CadreFactory(name="赵六", home_unit=world.school_a),
        AssignmentState.ACTIVE,
        start_date=start,
        group=second,
    )
    qian = assign(
        PostFactory(batch=found.batch_a, host_unit=world.township_a, title="党政办副主任"),
        CadreFactory(name="钱七", home_unit=world.school_a),
        AssignmentState.ACTIVE,
        start_date=found.today - dt.timedelta(days=10),
    )
    Assignment.objects.filter(pk=found.serving_a.pk).update(group=first)
    zhang = Assignment.objects.get(pk=found.serving_a.pk)
    log(
        zhang,
        month + dt.timedelta(days=3),
        accomplishment=True,
        quantities=[("走访企业", 13, "家")],
    )
    log(zhang, month + dt.timedelta(days=4), category="会议")
    log(
        wang,
        month + dt.timedelta(days=5),
        quantities=[("走访企业", 2, "家"), ("争取资金", 100000, "元")],
    )
    log(wang, month_end(month) + dt.timedelta(days=1), accomplishment=True)  # the next month
    log(zhao, month_end(month), accomplishment=True)
    return month, zhang, wang, zhao, qian


def test_compliance_per_person_and_group_for_a_hand_built_month(world):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    month, *_people = hand_built_month(world)
    summary = log_batch_month(
        actor=world.users["coordinator"], batch=found.batch_a, month=month, today=found.today
    )
    people = {
        p.assignment.cadre.name: (p.entries, p.accomplishments, p.status) for p in summary.people
    }
    assert people == {
        "张三": (2, 1, Compliance.MET),
        "王五": (1, 0, Compliance.MISSED),
        "赵六": (1, 1, Compliance.MET),
        "钱七": (0, 0, Compliance.EXEMPT),
    }
    groups = [
        (g.group.name if g.group else None, g.people, g.compliant, g.required)
        for g in summary.groups
    ]
    assert groups == [("第一组", 2, 1, 2), ("第二组", 1, 1, 1), (None, 1, 0, 0)]
    totals = summary.totals
    assert (totals.people, totals.compliant, totals.required, totals.entries) == (4, 2, 3, 4)
    assert totals.accomplishments == 2
    assert [(q.label, q.unit, q.total) for q in summary.quantities] == [
        ("争取资金", "元", Decimal("100000.00")),
        ("走访企业", "家", Decimal("15.00")),
    ]
    by_person = {p.assignment.cadre.name: [str(q) for q in p.quantities] for p in summary.people}
    assert by_person["王五"] == ["争取资金 100000 元", "走访企业 2 家"]
    # One group at a time.
    first = Group.objects.get(name="第一组")
    only_first = log_batch_month(
        actor=world.users["coordinator"],
        batch=found.batch_a,
        month=month,
        group=str(first.pk),
        today=found.today,
    )
    assert [p.assignment.cadre.name for p in only_first.people] == ["王五", "张三"]
    assert [str(q) for q in only_first.quantities] == ["争取资金 100000 元", "走访企业 15 家"]


def test_the_host_leader_counts_only_the_people_of_the_host_unit(world):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    month, *_people = hand_built_month(world)
    summary = log_batch_month(
        actor=world.users["host_leader"], batch=found.batch_a, month=month, today=found.today
    )
    assert sorted(p.assignment.cadre.name for p in summary.people) == ["张三", "王五", "钱七"]
    assert [
        (g.group.name if g.group else None, g.compliant, g.required) for g in summary.groups
    ] == [
        ("第一组", 1, 2),
        (None, 0, 0),
    ]
    assert [str(q) for q in summary.quantities] == ["争取资金 100000 元", "走访企业 15 家"]


def test_a_batch_that_does_not_ask_marks_nobody(world):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    month, *_people = hand_built_month(world)
    DutyRules.objects.filter(batch=found.batch_a).update(monthly_accomplishment_required=False)
    summary = log_batch_month(
        actor=world.users["coordinator"], batch=found.batch_a, month=month, today=found.today
    )
    assert {p.status for p in summary.people} == {Compliance.EXEMPT}
    assert (summary.required, summary.totals.required, summary.totals.compliant) == (False, 0, 0)


def test_the_batch_month_is_a_fixed_number_of_queries(world):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    month = months_back(found.today, 2)
    log(found.serving_a, month, accomplishment=True, quantities=[("走访企业", 1, "家")])
    log_batch_month(actor=world.users["coordinator"], batch=found.batch_a, month=month)
    with CaptureQueriesContext(connection) as one:
        log_batch_month(actor=world.users["coordinator"], batch=found.batch_a, month=month)
    hand_built_month(world)
    with CaptureQueriesContext(connection) as four:
        summary = log_batch_month(
            actor=world.users["coordinator"], batch=found.batch_a, month=month
        )
        shown = [
            (p.assignment.cadre.name, p.assignment.group, p.assignment.host_unit.name)
            for p in summary.people
        ]
    assert len(shown) == 4
    assert len(four) == len(one)


def test_a_persons_months_so_far(world):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    month, zhang, *_rest = hand_built_month(world)
    marks = {
        m.month: m.status
        for m in log_months(actor=world.users["cadre"], assignment=zhang, today=found.today)
    }
    assert marks[month] == Compliance.MET
    assert marks[month_start(found.today)] == Compliance.OPEN
    previous = month_start(month_start(found.today) - dt.timedelta(days=1))
    assert marks[previous] == Compliance.MISSED
    assert max(marks) == month_start(found.today)
    assert min(marks) == month_start(zhang.start_date)


def test_who_has_no_accomplishment_this_month(world):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    month, *_people = hand_built_month(world)
    missing = accomplishment_missing(
        assignments=Assignment.objects.filter(batch=found.batch_a), month=month
    )
    assert sorted(a.cadre.name for a in missing) == ["王五", "钱七"]


def test_quantity_totals_sort_by_pinyin_as_the_report_summary_does(world):  # type: ignore[no-untyped-def]
    """安置 (an) before 培训 (pei), though 培 comes before 安 in code points; one person's totals
    and the batch's alike, in the order a periodic report's summary (log_summary) gives."""
    from guazhi.duty.selectors.log_summary import log_summary

    found = duty_world(world)
    month = months_back(found.today, 1)
    log(
        found.serving_a,
        month + dt.timedelta(days=2),
        quantities=[("培训", 20, "人次"), ("安置就业", 3, "人"), ("培训", 5, "人次")],
    )
    summary = log_batch_month(
        actor=world.users["coordinator"], batch=found.batch_a, month=month, today=found.today
    )
    assert [str(q) for q in summary.quantities] == ["安置就业 3 人", "培训 25 人次"]
    (person,) = summary.people
    assert [str(q) for q in person.quantities] == ["安置就业 3 人", "培训 25 人次"]
    report = log_summary(found.serving_a, month, month_end(month))
    assert list(report.quantities) == summary.quantities
