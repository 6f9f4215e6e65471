"""The log summary a report is compiled from: counts by category, quantity totals, accomplishments."""

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from guazhi.duty.models import LogQuantity, WorkLogEntry
from guazhi.duty.selectors.log_summary import (
    Accomplishment,
    CategoryCount,
    LogSummary,
    QuantityTotal,
    format_quantity,
    log_summary,
)
from tests.duty.world import duty_world

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def entry(assignment, day, category, title, *quantities, accomplishment=False):  # type: ignore[no-untyped-def]
    made = WorkLogEntry.objects.create(
        assignment=assignment,
        date=day,
        category=category,
        title=title,
        content=title,
        accomplishment=accomplishment,
    )
    for label, value, unit in quantities:
        LogQuantity.objects.create(entry=made, label=label, value=Decimal(value), unit=unit)
    return made


def march_log(assignment) -> None:  # type: ignore[no-untyped-def]
    """A month of log with totals worked out by hand in the test below."""
    entry(assignment, dt.date(2026, 3, 2), "走访", "走访白鹿镇企业", ("走访企业", "5", "家"))
    entry(
        assignment,
        dt.date(2026, 3, 9),
        "走访",
        "走访工业园区",
        ("走访企业", "8", "家"),
        ("走访企业", "2", "次"),
    )
    entry(
        assignment,
        dt.date(2026, 3, 16),
        "招商引资",
        "争取省级乡村振兴资金",
        ("争取资金", "60000", "元"),
        accomplishment=True,
    )
    entry(
        assignment,
        dt.date(2026, 3, 23),
        "招商引资",
        "对接市农业银行",
        ("争取资金", "40000.00", "元"),
        ("培训人数", "2.5", "人次"),
    )
    entry(assignment, dt.date(2026, 3, 30), "会议", "镇党委会", accomplishment=False)
    entry(assignment, dt.date(2026, 3, 5), "调研", "茶叶产业调研报告", accomplishment=True)
    # Outside March, or someone else's: not counted.
    entry(assignment, dt.date(2026, 2, 28), "走访", "二月走访", ("走访企业", "100", "家"))
    entry(assignment, dt.date(2026, 4, 1), "走访", "四月走访", ("走访企业", "100", "家"))


def test_a_month_is_summed_by_category_quantity_and_accomplishment(world) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    march_log(found.serving_a)
    entry(found.serving_b, dt.date(2026, 3, 10), "走访", "别人的走访", ("走访企业", "7", "家"))

    summary = log_summary(found.serving_a, *MARCH)

    assert summary.entry_count == 6
    assert summary.by_category == (
        CategoryCount("招商引资", 2),
        CategoryCount("走访", 2),
        CategoryCount("调研", 1),  # diao before hui
        CategoryCount("会议", 1),
    )
    # 5 + 8 家; 2 次 apart; 60000 + 40000.00 元; by the label's pinyin, then the unit's.
    assert [(row.label, row.shown, row.unit) for row in summary.quantities] == [
        ("培训人数", "2.5", "人次"),
        ("争取资金", "100000", "元"),
        ("走访企业", "2", "次"),
        ("走访企业", "13", "家"),
    ]
    assert [str(row) for row in summary.quantities] == [
        "培训人数 2.5 人次",
        "争取资金 100000 元",
        "走访企业 2 次",
        "走访企业 13 家",
    ]
    assert summary.accomplishments == (
        Accomplishment(dt.date(2026, 3, 5), "茶叶产业调研报告", "调研"),
        Accomplishment(dt.date(2026, 3, 16), "争取省级乡村振兴资金", "招商引资"),
    )


def test_the_timeline_lists_every_month_of_the_period(world) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    entry(found.serving_a, dt.date(2026, 1, 20), "活动", "春节慰问", accomplishment=True)
    entry(found.serving_a, dt.date(2026, 3, 3), "调研", "调研报告", accomplishment=True)
    entry(found.serving_a, dt.date(2026, 3, 1), "学习", "专题学习", accomplishment=True)

    summary = log_summary(found.serving_a, dt.date(2026, 1, 10), dt.date(2026, 3, 31))

    assert [(month.month, [item.title for item in month.items]) for month in summary.timeline] == [
        (dt.date(2026, 1, 1), ["春节慰问"]),
        (dt.date(2026, 2, 1), []),
        (dt.date(2026, 3, 1), ["专题学习", "调研报告"]),
    ]


def test_an_empty_period_says_so(world) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    summary = log_summary(found.serving_a, *MARCH)
    assert summary.is_empty
    assert (summary.entry_count, summary.by_category, summary.quantities) == (0, (), ())
    assert [month.month for month in summary.timeline] == [dt.date(2026, 3, 1)]


def test_the_summary_is_read_in_three_queries_however_long_the_log(world) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    for day in range(1, 29):
        entry(
            found.serving_a,
            dt.date(2026, 2, day),
            "走访",
            f"走访{day}",
            ("走访企业", "1", "家"),
            accomplishment=day % 7 == 0,
        )
    with CaptureQueriesContext(connection) as queries:
        summary = log_summary(found.serving_a, dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert len(queries) == 3
    assert summary.quantities == (QuantityTotal("走访企业", "家", Decimal("28.00")),)
    assert len(summary.accomplishments) == 4


def test_the_json_snapshot_reads_back_the_same(world) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    march_log(found.serving_a)
    summary = log_summary(found.serving_a, *MARCH)

    kept = summary.as_json()

    assert kept["quantities"][1] == {"label": "争取资金", "unit": "元", "total": "100000.00"}
    assert LogSummary.from_json({**kept, "compiled_at": "2026-04-01T09:00:00+08:00"}) == summary


def test_quantities_show_without_trailing_zeros_or_exponents() -> None:
    assert [
        format_quantity(Decimal(text)) for text in ("13.00", "100000.00", "2.50", "0.00", "1E+5")
    ] == ["13", "100000", "2.5", "0", "100000"]
