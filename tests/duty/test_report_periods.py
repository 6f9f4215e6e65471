"""Report periods: months or quarters of the term, clipped to it, due some days after; late marks."""

import datetime as dt

from django.utils import timezone, translation

from guazhi.duty.models import DutyRules, PeriodicReport, ReportFrequency, ReportState
from guazhi.duty.selectors.reports import (
    is_late,
    person_report_rows,
    report_periods,
)
from guazhi.programmes.models import Assignment
from tests.duty.world import duty_world


def fixed_term(world, start: dt.date, end: dt.date, **rules) -> Assignment:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    Assignment.objects.filter(pk=found.serving_a.pk).update(start_date=start, end_date=end)
    if rules:
        DutyRules.objects.filter(pk=found.rules_a.pk).update(**rules)
    return Assignment.objects.select_related("batch").get(pk=found.serving_a.pk)


def spans(periods) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return [(f"{p.start:%m-%d}", f"{p.end:%m-%d}", f"{p.due_on:%m-%d}") for p in periods]


def test_monthly_periods_are_calendar_months_clipped_to_the_term(world) -> None:  # type: ignore[no-untyped-def]
    assignment = fixed_term(world, dt.date(2026, 1, 12), dt.date(2026, 5, 20))

    periods = report_periods(assignment=assignment)

    # Due 5 days (the default) after each period's end.
    assert spans(periods) == [
        ("01-12", "01-31", "02-05"),
        ("02-01", "02-28", "03-05"),
        ("03-01", "03-31", "04-05"),
        ("04-01", "04-30", "05-05"),
        ("05-01", "05-20", "05-25"),
    ]
    assert [p.clipped for p in periods] == [True, False, False, False, True]
    with translation.override("zh-hans"):
        assert [str(p.label) for p in periods[:2]] == ["2026年1月", "2026年2月"]


def test_quarterly_periods_are_calendar_quarters_clipped_to_the_term(world) -> None:  # type: ignore[no-untyped-def]
    assignment = fixed_term(
        world,
        dt.date(2026, 2, 16),
        dt.date(2027, 2, 15),
        report_frequency=ReportFrequency.QUARTERLY,
        report_due_days=10,
    )

    periods = report_periods(assignment=assignment)

    assert [(p.start, p.end, p.due_on) for p in periods] == [
        (dt.date(2026, 2, 16), dt.date(2026, 3, 31), dt.date(2026, 4, 10)),
        (dt.date(2026, 4, 1), dt.date(2026, 6, 30), dt.date(2026, 7, 10)),
        (dt.date(2026, 7, 1), dt.date(2026, 9, 30), dt.date(2026, 10, 10)),
        (dt.date(2026, 10, 1), dt.date(2026, 12, 31), dt.date(2027, 1, 10)),
        (dt.date(2027, 1, 1), dt.date(2027, 2, 15), dt.date(2027, 2, 25)),
    ]
    with translation.override("zh-hans"):
        assert [str(p.label) for p in periods] == [
            "2026年第一季度",
            "2026年第二季度",
            "2026年第三季度",
            "2026年第四季度",
            "2027年第一季度",
        ]


def test_a_term_inside_one_month_has_one_period(world) -> None:  # type: ignore[no-untyped-def]
    assignment = fixed_term(world, dt.date(2026, 6, 3), dt.date(2026, 6, 24))
    assert spans(report_periods(assignment=assignment)) == [("06-03", "06-24", "06-29")]


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def test_late_means_submitted_after_the_due_day_or_still_unsubmitted_past_it() -> None:
    due = dt.date(2026, 4, 5)
    today = dt.date(2026, 4, 20)
    assert not is_late(due_on=due, submitted_at=at(due, 23), today=today)  # on the day
    assert is_late(due_on=due, submitted_at=at(dt.date(2026, 4, 6), 0), today=today)
    assert not is_late(due_on=due, submitted_at=None, today=due)
    assert is_late(due_on=due, submitted_at=None, today=dt.date(2026, 4, 6))


def test_the_persons_list_shows_every_begun_period_with_state_and_late_mark(world) -> None:  # type: ignore[no-untyped-def]
    assignment = fixed_term(world, dt.date(2026, 1, 12), dt.date(2026, 12, 31))
    cadre = world.users["cadre"]

    def report(start, end, state, submitted=None):  # type: ignore[no-untyped-def]
        return PeriodicReport.objects.create(
            assignment=assignment,
            frequency=ReportFrequency.MONTHLY,
            period_start=start,
            period_end=end,
            due_on=end + dt.timedelta(days=5),
            state=state,
            submitted_at=submitted,
        )

    # January on time and accepted; February submitted late; March still a draft.
    report(
        dt.date(2026, 1, 12), dt.date(2026, 1, 31), ReportState.ACCEPTED, at(dt.date(2026, 2, 3))
    )
    report(
        dt.date(2026, 2, 1), dt.date(2026, 2, 28), ReportState.SUBMITTED, at(dt.date(2026, 3, 9))
    )
    report(dt.date(2026, 3, 1), dt.date(2026, 3, 31), ReportState.DRAFT)

    rows = person_report_rows(actor=cadre, assignment=assignment, today=dt.date(2026, 5, 3))

    with translation.override("zh-hans"):
        assert [(str(r.period.label), r.state, r.state_label, r.late) for r in rows] == [
            ("2026年5月", "missing", "未提交", False),  # begun, not yet due
            ("2026年4月", "missing", "未提交", False),  # due 5 May
            ("2026年3月", "draft", "草稿", True),  # due 5 April, not submitted
            ("2026年2月", "submitted", "待审阅", True),  # submitted 9 March, due the 5th
            ("2026年1月", "accepted", "已通过", False),
        ]


def test_a_returned_report_is_outstanding_late_once_past_due_until_submitted_again() -> None:
    due = dt.date(2026, 4, 5)
    on_time = at(dt.date(2026, 4, 3))
    assert not is_late(due_on=due, submitted_at=on_time, today=due, returned=True)
    assert is_late(due_on=due, submitted_at=on_time, today=dt.date(2026, 4, 6), returned=True)
    # Submitted again: the first submission decides, as before the return.
    assert not is_late(due_on=due, submitted_at=on_time, today=dt.date(2026, 4, 6))


def test_the_list_takes_a_reports_own_due_date_and_counts_a_returned_one_late(world) -> None:  # type: ignore[no-untyped-def]
    assignment = fixed_term(world, dt.date(2026, 1, 1), dt.date(2026, 12, 31))

    def report(month: int, state: str, submitted: dt.date | None) -> PeriodicReport:
        start = dt.date(2026, month, 1)
        end = dt.date(2026, month + 1, 1) - dt.timedelta(days=1)
        return PeriodicReport.objects.create(
            assignment=assignment,
            frequency=ReportFrequency.MONTHLY,
            period_start=start,
            period_end=end,
            due_on=end + dt.timedelta(days=5),  # drafted under the default of 5 days
            state=state,
            submitted_at=at(submitted) if submitted else None,
        )

    # January submitted on 3 February and returned; February a draft; March not begun.
    report(1, ReportState.RETURNED, dt.date(2026, 2, 3))
    report(2, ReportState.DRAFT, None)
    # The batch now gives 30 days: the periods without a report follow it, the reports do not.
    DutyRules.objects.filter(batch=assignment.batch).update(report_due_days=30)

    rows = person_report_rows(
        actor=world.users["cadre"], assignment=assignment, today=dt.date(2026, 3, 10)
    )

    assert [(r.period.start.month, r.state, r.due_on, r.late) for r in rows] == [
        (3, "missing", dt.date(2026, 4, 30), False),
        (2, "draft", dt.date(2026, 3, 5), True),
        (1, "returned", dt.date(2026, 2, 5), True),
    ]
