"""The periodic report pages: the person's list and editor, the reviewer's form, the batch's
overview with its queue, and the Word copy opened back."""

import datetime as dt
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document

from guazhi.duty.models import DutyRules, PeriodicReport, ReportReview, ReportState, ReviewAction
from guazhi.duty.selectors.reports import report_periods
from guazhi.programmes.models import Assignment, AssignmentState, Group
from tests.duty.test_report_services import ReportWorld, log, report_world
from tests.factories import CadreFactory, UserFactory
from tests.pages import as_user, field_error, page
from tests.programmes.factories import PostFactory, assign


def list_url(found: ReportWorld) -> str:
    return reverse("duty:report_list", kwargs={"assignment_pk": found.zhang.pk})


def detail_url(report: PeriodicReport) -> str:
    return reverse("duty:report_detail", kwargs={"report_pk": report.pk})


def started(client, found: ReportWorld) -> PeriodicReport:  # type: ignore[no-untyped-def]
    response = client.post(
        reverse("duty:report_start", kwargs={"assignment_pk": found.zhang.pk}),
        {"period": found.period.start.isoformat()},
    )
    report = PeriodicReport.objects.get(assignment=found.zhang, period_start=found.period.start)
    assert response.status_code == 302
    assert response["Location"] == detail_url(report)
    return report


def test_the_cadre_writes_and_submits_a_report_on_their_list(world, client) -> None:  # type: ignore[no-untyped-def]
    found = report_world(world)
    log(
        found.zhang,
        found.period.start,
        "走访白鹿镇企业",
        quantities=[("走访企业", "5", "家")],
        accomplishment=True,
    )
    log(found.zhang, found.period.end, "走访园区", quantities=[("走访企业", "8", "家")])
    as_user(client, world, "cadre")

    listed = page(client.get(list_url(found)))
    assert "撰写汇报" in listed
    assert f'name="period" value="{found.period.start.isoformat()}"' in listed

    report = started(client, found)
    shown = page(client.get(detail_url(report)))
    assert '<td data-label="事项">走访企业</td><td data-label="数量" class="num">13</td>' in shown
    assert "走访白鹿镇企业" in shown
    assert "本期共记录工作纪实 2 条，做成一件事 1 件。" in shown

    # Submitting without a narrative: the message under the field, nothing submitted.
    refused = client.post(detail_url(report), {"narrative": "", "then": "submit"})
    assert refused.status_code == 200
    assert field_error("narrative", "请填写汇报正文后再提交。") in page(refused)
    assert PeriodicReport.objects.get(pk=report.pk).state == ReportState.DRAFT

    saved = client.post(detail_url(report), {"narrative": "本月走访企业13家。", "then": "save"})
    assert saved.status_code == 302
    assert PeriodicReport.objects.get(pk=report.pk).narrative == "本月走访企业13家。"

    client.post(
        detail_url(report), {"narrative": "本月走访企业13家。\n下月继续。", "then": "submit"}
    )
    submitted = PeriodicReport.objects.get(pk=report.pk)
    assert (submitted.state, submitted.narrative) == (
        ReportState.SUBMITTED,
        "本月走访企业13家。\n下月继续。",
    )
    after = page(client.get(detail_url(report)))
    assert "<p>本月走访企业13家。</p><p>下月继续。</p>" in after
    assert 'name="then"' not in after  # no editor once submitted
    # A late POST of the editor is refused and changes nothing.
    client.post(detail_url(report), {"narrative": "改了", "then": "save"})
    assert PeriodicReport.objects.get(pk=report.pk).narrative == "本月走访企业13家。\n下月继续。"


def test_refreshing_the_summary_keeps_what_is_being_written(world, client) -> None:  # type: ignore[no-untyped-def]
    found = report_world(world)
    as_user(client, world, "cadre")
    report = started(client, found)
    log(found.zhang, found.period.end, "补记的走访", quantities=[("走访企业", "4", "家")])

    response = client.post(detail_url(report), {"narrative": "写了一半", "then": "refresh"})

    assert response.status_code == 302
    fresh = PeriodicReport.objects.get(pk=report.pk)
    assert fresh.narrative == "写了一半"
    assert fresh.compiled["quantities"] == [{"label": "走访企业", "unit": "家", "total": "4.00"}]
    assert fresh.state == ReportState.DRAFT


def test_the_group_leader_returns_with_a_comment_and_the_cadre_sees_it(world, client) -> None:  # type: ignore[no-untyped-def]
    found = report_world(world)
    as_user(client, world, "cadre")
    report = started(client, found)
    client.post(detail_url(report), {"narrative": "本月工作。", "then": "submit"})
    client.logout()
    client.force_login(found.user("liming"))
    review_url = reverse("duty:report_review", kwargs={"report_pk": report.pk})

    assert 'action="' + review_url + '"' in page(client.get(detail_url(report)))
    refused = client.post(review_url, {"decision": "return", "comment": ""})
    assert refused.status_code == 200
    assert field_error("comment", "退回汇报时请填写意见，说明需要修改的地方。") in page(refused)
    assert PeriodicReport.objects.get(pk=report.pk).state == ReportState.SUBMITTED

    returned = client.post(review_url, {"decision": "return", "comment": "请补充数据。"})
    assert returned.status_code == 302
    assert PeriodicReport.objects.get(pk=report.pk).state == ReportState.RETURNED

    client.logout()
    as_user(client, world, "cadre")
    shown = page(client.get(detail_url(report)))
    assert '<td data-label="意见">请补充数据。</td>' in shown
    assert "汇报已被退回，请按下方审阅意见修改后重新提交。" in shown
    assert "修改后重新提交" in page(client.get(list_url(found)))


def test_a_leader_of_another_group_is_not_offered_the_review(world, client) -> None:  # type: ignore[no-untyped-def]
    found = report_world(world)
    as_user(client, world, "cadre")
    report = started(client, found)
    client.post(detail_url(report), {"narrative": "本月工作。", "then": "submit"})
    client.logout()
    client.force_login(found.user("wangwu"))
    review_url = reverse("duty:report_review", kwargs={"report_pk": report.pk})
    assert client.get(detail_url(report)).status_code == 404
    assert client.post(review_url, {"decision": "accept"}).status_code == 404
    assert PeriodicReport.objects.get(pk=report.pk).state == ReportState.SUBMITTED


def test_leaders_see_a_draft_exists_but_not_its_text(world, client) -> None:  # type: ignore[no-untyped-def]
    found = report_world(world)
    as_user(client, world, "cadre")
    report = started(client, found)
    client.post(detail_url(report), {"narrative": "还没写完的草稿", "then": "save"})
    client.logout()
    as_user(client, world, "coordinator")
    listed = page(client.get(list_url(found)))
    assert "草稿" in listed
    assert detail_url(report) not in listed
    assert "撰写汇报" not in listed
    assert client.get(detail_url(report)).status_code == 404


def batch_url(found: ReportWorld) -> str:
    return reverse("duty:report_batch", kwargs={"batch_pk": found.duty.batch_a.pk})


def test_the_batch_tab_shows_the_queue_and_late_reports(world, client) -> None:  # type: ignore[no-untyped-def]
    found = report_world(world)
    as_user(client, world, "cadre")
    report = started(client, found)
    client.post(detail_url(report), {"narrative": "本月工作。", "then": "submit"})
    client.logout()

    client.force_login(found.user("liming"))
    assert f'href="{detail_url(report)}#review"' in page(client.get(batch_url(found)))
    client.logout()
    client.force_login(found.user("wangwu"))
    assert f"{detail_url(report)}#review" not in page(client.get(batch_url(found)))
    client.logout()

    as_user(client, world, "coordinator")
    shown = page(client.get(batch_url(found)))
    assert "<h3>第一组</h3>" in shown and "<h3>第二组</h3>" in shown
    # The three began together 120 days ago. Every period whose due day has passed is late for
    # each of them: unwritten, or (张三's last month) submitted today, after that day.
    today = found.duty.today
    past_due = [p for p in report_periods(assignment=found.zhang, until=today) if p.due_on < today]
    assert len(past_due) >= 3
    late = 3 * len(past_due)
    assert shown.count('<span class="badge bad">逾期</span>') == late
    assert f'<span class="value">{late}</span><span class="label">逾期汇报</span>' in shown
    assert '<span class="value">1</span><span class="label">待我审阅</span>' in shown


def count_queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_batch_tab_reads_a_bounded_number_of_queries(world, client) -> None:  # type: ignore[no-untyped-def]
    found = report_world(world)
    as_user(client, world, "coordinator")
    client.get(batch_url(found))  # warm the caches a first request fills

    few = count_queries(client, batch_url(found))
    post = PostFactory(batch=found.duty.batch_a, host_unit=world.township_a, capacity=10)
    # Six more people in three more groups, each led by one of them, each with a report in the
    # coordinator's queue: the overview and the queue both show their group's name.
    group = None
    for number in range(6):
        person = assign(
            post,
            CadreFactory(name=f"干部{number}", home_unit=world.school_a),
            AssignmentState.ACTIVE,
            start_date=found.zhang.start_date,
        )
        if number % 2 == 0:
            group = Group.objects.create(
                batch=found.duty.batch_a, name=f"第{'三四五'[number // 2]}组", leader=person
            )
        Assignment.objects.filter(pk=person.pk).update(group=group)
        PeriodicReport.objects.create(
            assignment=person,
            frequency="monthly",
            period_start=found.period.start,
            period_end=found.period.end,
            due_on=found.period.due_on,
            narrative="汇报",
            state=ReportState.SUBMITTED,
        )
    shown = page(client.get(batch_url(found)))
    assert all(f"<h3>第{n}组</h3>" in shown for n in "一二三四五")
    assert shown.count('<td data-label="小组">第三组</td>') == 2
    assert count_queries(client, batch_url(found)) == few


def test_the_persons_list_reads_a_bounded_number_of_queries(world, client) -> None:  # type: ignore[no-untyped-def]
    found = report_world(world)
    as_user(client, world, "cadre")
    started(client, found)
    client.get(list_url(found))

    few = count_queries(client, list_url(found))
    # A report for every other begun period, in every state.
    states = [ReportState.SUBMITTED, ReportState.RETURNED, ReportState.ACCEPTED, ReportState.DRAFT]
    periods = [
        p
        for p in report_periods(assignment=found.zhang, until=found.duty.today)
        if p.start != found.period.start
    ]
    for number, period in enumerate(periods):
        PeriodicReport.objects.create(
            assignment=found.zhang,
            frequency="monthly",
            period_start=period.start,
            period_end=period.end,
            due_on=period.due_on,
            narrative="汇报",
            state=states[number % len(states)],
        )
    assert page(client.get(list_url(found))).count("/duty/reports/") == len(periods) + 1
    assert count_queries(client, list_url(found)) == few


def test_a_report_reads_a_bounded_number_of_queries_however_long_its_trail(world, client) -> None:  # type: ignore[no-untyped-def]
    found = report_world(world)
    as_user(client, world, "cadre")
    report = started(client, found)
    client.post(detail_url(report), {"narrative": "本月工作。", "then": "submit"})
    client.logout()
    as_user(client, world, "coordinator")
    client.get(detail_url(report))

    few = count_queries(client, detail_url(report))
    # Returned and submitted again three times, by reviewers who each read it once.
    for number in range(3):
        reviewer = UserFactory(username=f"reviewer{number}", full_name=f"审阅人{number}")
        ReportReview.objects.create(
            report=report, action=ReviewAction.RETURN, comment=f"意见{number}", actor=reviewer
        )
        ReportReview.objects.create(
            report=report, action=ReviewAction.SUBMIT, actor=found.user("cadre")
        )
    shown = page(client.get(detail_url(report)))
    assert shown.count('<td data-label="操作人">审阅人') == 3
    assert count_queries(client, detail_url(report)) == few


def test_the_word_copy_opens_with_the_summary_narrative_and_review(world, client) -> None:  # type: ignore[no-untyped-def]
    found = report_world(world)
    log(found.zhang, found.period.start, "走访企业", quantities=[("走访企业", "13", "家")])
    log(
        found.zhang,
        found.period.end,
        "争取省级资金",
        category="招商引资",
        quantities=[("争取资金", "100000", "元")],
        accomplishment=True,
    )
    as_user(client, world, "cadre")
    report = started(client, found)
    client.post(detail_url(report), {"narrative": "第一段。\n第二段。", "then": "submit"})
    client.logout()
    client.force_login(found.user("liming"))
    client.post(
        reverse("duty:report_review", kwargs={"report_pk": report.pk}),
        {"decision": "accept", "comment": "同意。"},
    )

    response = client.get(reverse("duty:report_export", kwargs={"report_pk": report.pk}))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs if p.text]
    label = f"{found.period.start.year}年{found.period.start.month}月"
    assert texts[0] == f"{label}挂职工作汇报"
    assert texts[1] == "汇报人：张三（浔阳区委党校，挂职白鹿镇党委副书记）"
    assert "本期共记录工作纪实2条，做成一件事1件。" in texts
    # Each table under its own subheading, numbered in order.
    summary = texts[texts.index("一、工作纪实汇总") : texts.index("二、工作汇报")]
    assert [t for t in summary if t.startswith("（")] == [
        "（一）按类别统计",
        "（二）工作量合计",
        "（三）做成的事",
    ]
    assert texts[texts.index("二、工作汇报") + 1 : texts.index("二、工作汇报") + 3] == [
        "第一段。",
        "第二段。",
    ]
    assert texts[texts.index("三、审阅意见") + 1].endswith("李明通过：同意。")
    assert texts[-2] == "张三"
    tables = [
        [[cell.text for cell in row.cells] for row in table.rows] for table in document.tables
    ]
    assert tables[0] == [["类别", "条数"], ["招商引资", "1"], ["走访", "1"]]
    assert tables[1] == [
        ["事项", "数量", "单位"],
        ["争取资金", "100000", "元"],
        ["走访企业", "13", "家"],
    ]
    assert tables[2][1][1:] == ["争取省级资金", "招商引资"]


def test_a_reports_own_due_date_decides_late_on_every_page(world, client) -> None:  # type: ignore[no-untyped-def]
    found = report_world(world)
    as_user(client, world, "cadre")
    report = started(client, found)
    client.post(detail_url(report), {"narrative": "本月工作。", "then": "save"})
    # Drafted when due yesterday; the batch has since given 200 days: the report keeps its own.
    yesterday = found.duty.today - dt.timedelta(days=1)
    PeriodicReport.objects.filter(pk=report.pk).update(due_on=yesterday)
    DutyRules.objects.filter(batch=found.duty.batch_a).update(report_due_days=200)
    late = '<span class="badge bad">逾期</span>'

    listed = page(client.get(list_url(found)))
    cell = f'<td data-label="应交日期">{yesterday.year}年{yesterday.month}月{yesterday.day}日</td>'
    assert cell in listed
    # The only late period: every other one is due 200 days after its end.
    assert listed.count(late) == 1
    assert late in page(client.get(detail_url(report)))
    client.logout()
    as_user(client, world, "coordinator")
    overview = page(client.get(batch_url(found)))
    assert overview.count(late) == 1


def test_a_returned_report_is_late_again_once_past_due_until_resubmitted(world, client) -> None:  # type: ignore[no-untyped-def]
    found = report_world(world)
    as_user(client, world, "cadre")
    report = started(client, found)
    client.post(detail_url(report), {"narrative": "本月工作。", "then": "submit"})
    client.logout()
    client.force_login(found.user("liming"))
    client.post(
        reverse("duty:report_review", kwargs={"report_pk": report.pk}),
        {"decision": "return", "comment": "请补充数据。"},
    )
    # Submitted in time, before the due day, which has passed since.
    submitted = timezone.now() - dt.timedelta(days=2)
    PeriodicReport.objects.filter(pk=report.pk).update(
        submitted_at=submitted, due_on=found.duty.today - dt.timedelta(days=1)
    )
    DutyRules.objects.filter(batch=found.duty.batch_a).update(report_due_days=200)
    late = '<span class="badge bad">逾期</span>'

    assert late in page(client.get(detail_url(report)))
    client.logout()
    as_user(client, world, "cadre")
    assert page(client.get(list_url(found))).count(late) == 1
    client.post(detail_url(report), {"narrative": "补充了数据。", "then": "submit"})
    assert PeriodicReport.objects.get(pk=report.pk).state == ReportState.SUBMITTED
    assert late not in page(client.get(detail_url(report)))
    assert late not in page(client.get(list_url(found)))


def test_the_editor_offers_submitting_once_the_period_has_ended(world, client) -> None:  # type: ignore[no-untyped-def]
    found = report_world(world)
    current = report_periods(assignment=found.zhang, until=found.duty.today)[-1]
    as_user(client, world, "cadre")
    client.post(
        reverse("duty:report_start", kwargs={"assignment_pk": found.zhang.pk}),
        {"period": current.start.isoformat()},
    )
    report = PeriodicReport.objects.get(assignment=found.zhang, period_start=current.start)
    end = f"{current.end.year}年{current.end.month}月{current.end.day}日"

    shown = page(client.get(detail_url(report)))
    assert f"本期至{end}结束，结束后即可提交汇报。" in shown
    assert 'value="submit"' not in shown
    # A submission posted anyway (an old tab): refused above the form, the text kept.
    refused = page(client.post(detail_url(report), {"narrative": "写好了", "then": "submit"}))
    label = f"{current.start.year}年{current.start.month}月"
    assert f"{label}至{end}结束，定期汇报请在本期结束后提交。" in refused
    assert PeriodicReport.objects.get(pk=report.pk).state == ReportState.DRAFT

    # Last month's report has ended: the button is there.
    assert 'value="submit"' in page(client.get(detail_url(started(client, found))))


def test_the_word_copy_numbers_only_the_tables_it_has(world, client) -> None:  # type: ignore[no-untyped-def]
    found = report_world(world)
    log(found.zhang, found.period.start, "走访企业", accomplishment=True)
    as_user(client, world, "cadre")
    report = started(client, found)

    response = client.get(reverse("duty:report_export", kwargs={"report_pk": report.pk}))

    document = Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs if p.text]
    # No quantities were logged: no table of them, and the accomplishments come second.
    summary = texts[texts.index("一、工作纪实汇总") : texts.index("二、工作汇报")]
    assert [t for t in summary if t.startswith("（")] == ["（一）按类别统计", "（二）做成的事"]
    assert len(document.tables) == 2
