"""A quarterly report from end to end through the services: the batch reports by quarter, 张三
drafts the second quarter from three months of log, submits once the quarter has ended, 李明
(his group's leader) returns it, 张三 adds to the log and submits again, and it is accepted."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from docx import Document

from guazhi.core.errors import ValidationFailed
from guazhi.core.models import Notification
from guazhi.duty.models import DutyRules, PeriodicReport, ReportFrequency, ReportState
from guazhi.duty.selectors.reports import person_report_rows, report_periods
from guazhi.duty.services.reports import (
    report_accept,
    report_draft,
    report_return,
    report_submit,
    report_update_narrative,
)
from guazhi.programmes.models import Assignment
from tests.duty.test_report_services import log, reload, report_world
from tests.pages import page

TERM_START = dt.date(2026, 2, 16)
TERM_END = dt.date(2027, 2, 15)


def test_a_quarterly_report_from_draft_to_acceptance(  # type: ignore[no-untyped-def]
    world, client, django_capture_on_commit_callbacks
) -> None:
    found = report_world(world)
    DutyRules.objects.filter(batch=found.duty.batch_a).update(
        report_frequency=ReportFrequency.QUARTERLY, report_due_days=10
    )
    Assignment.objects.filter(pk=found.zhang.pk).update(start_date=TERM_START, end_date=TERM_END)
    zhang = Assignment.objects.select_related("batch").get(pk=found.zhang.pk)
    cadre, leader = found.user("cadre"), found.user("liming")

    quarters = report_periods(assignment=zhang, until=dt.date(2026, 7, 2))
    assert [(q.start, q.end, q.due_on) for q in quarters] == [
        (dt.date(2026, 2, 16), dt.date(2026, 3, 31), dt.date(2026, 4, 10)),
        (dt.date(2026, 4, 1), dt.date(2026, 6, 30), dt.date(2026, 7, 10)),
        (dt.date(2026, 7, 1), dt.date(2026, 9, 30), dt.date(2026, 10, 10)),
    ]
    log(zhang, dt.date(2026, 3, 31), "上季度的事")
    log(zhang, dt.date(2026, 4, 8), "走访企业", quantities=[("走访企业", "5", "家")])
    log(zhang, dt.date(2026, 5, 20), "招商洽谈", category="招商引资", accomplishment=True)
    log(zhang, dt.date(2026, 6, 30), "再走访", quantities=[("走访企业", "8", "家")])
    log(zhang, dt.date(2026, 7, 1), "下季度的事")

    # Drafted on the last day of the quarter; submitting that day is refused.
    report = report_draft(
        actor=cadre, assignment=zhang, period_start=dt.date(2026, 4, 1), today=dt.date(2026, 6, 30)
    )
    report = report_update_narrative(actor=cadre, report=report, narrative="第二季度工作。")
    assert (report.frequency, report.period_end, report.due_on) == (
        ReportFrequency.QUARTERLY,
        dt.date(2026, 6, 30),
        dt.date(2026, 7, 10),
    )
    with pytest.raises(ValidationFailed) as refused:
        report_submit(actor=cadre, report=reload(report), today=dt.date(2026, 6, 30))
    assert (
        refused.value.message == "2026年第二季度至2026年6月30日结束，定期汇报请在本期结束后提交。"
    )
    assert PeriodicReport.objects.get(pk=report.pk).state == ReportState.DRAFT

    with django_capture_on_commit_callbacks(execute=True):
        report_submit(actor=cadre, report=reload(report), today=dt.date(2026, 7, 2))
    submitted = PeriodicReport.objects.get(pk=report.pk)
    assert submitted.state == ReportState.SUBMITTED
    assert submitted.compiled["entry_count"] == 3
    assert submitted.compiled["by_category"] == [
        {"category": "走访", "count": 2},
        {"category": "招商引资", "count": 1},
    ]
    assert submitted.compiled["quantities"] == [
        {"label": "走访企业", "unit": "家", "total": "13.00"}
    ]
    assert list(Notification.objects.values_list("recipient__username", "text")) == [
        ("liming", "张三提交了2026年第二季度定期汇报，请审阅。")
    ]

    with django_capture_on_commit_callbacks(execute=True):
        report_return(actor=leader, report=reload(report), comment="请补充六月的走访。")
    assert Notification.objects.get(recipient=cadre).text == (
        "您的2026年第二季度定期汇报被退回，请按意见修改后重新提交。"
    )
    # Returned after its due day has passed: late again until submitted again.
    rows = person_report_rows(actor=cadre, assignment=zhang, today=dt.date(2026, 7, 11))
    assert [(r.period.start, r.state, r.late) for r in rows[:2]] == [
        (dt.date(2026, 7, 1), "missing", False),
        (dt.date(2026, 4, 1), "returned", True),
    ]

    log(zhang, dt.date(2026, 6, 12), "补记的走访", quantities=[("走访企业", "2", "家")])
    report_submit(
        actor=cadre,
        report=reload(report),
        narrative="第二季度工作，补充了六月的走访。",
        today=dt.date(2026, 7, 11),
    )
    report_accept(actor=leader, report=reload(report), comment="同意。")

    final = PeriodicReport.objects.get(pk=report.pk)
    assert final.state == ReportState.ACCEPTED
    # What the reviewer accepted is the log as it was resubmitted.
    assert final.compiled["entry_count"] == 4
    assert final.compiled["quantities"] == [{"label": "走访企业", "unit": "家", "total": "15.00"}]
    assert list(final.reviews.order_by("id").values_list("action", "actor__username")) == [
        ("submit", "cadre"),
        ("return", "liming"),
        ("submit", "cadre"),
        ("accept", "liming"),
    ]

    client.force_login(cadre)
    shown = page(client.get(reverse("duty:report_list", kwargs={"assignment_pk": zhang.pk})))
    assert "2026年第二季度" in shown and "本批次每季度汇报一次" in shown
    word = client.get(reverse("duty:report_export", kwargs={"report_pk": report.pk}))
    texts = [p.text for p in Document(io.BytesIO(word.content)).paragraphs if p.text]
    assert texts[0] == "2026年第二季度挂职工作汇报"
    assert "汇报期间：2026年4月1日至2026年6月30日" in texts
