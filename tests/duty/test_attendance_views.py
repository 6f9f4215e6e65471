"""The attendance pages: a person's overview (the first tab) and the batch's monthly return."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from guazhi.duty.models import AttendanceReturn, AwayReport, HeartTalk, LeaveRequest
from tests.duty.test_attendance_rates import absent_on, leave, on_duty
from tests.pages import as_user, page


def october_record(world):  # type: ignore[no-untyped-def]
    found = on_duty(world)
    person = found.serving_a
    leave(person, "personal", (dt.date(2026, 10, 13), "am"), (dt.date(2026, 10, 13), "am"))
    overdue = leave(
        person, "annual", (dt.date(2026, 10, 29), "am"), (dt.date(2026, 11, 3), "pm"), "overdue"
    )
    LeaveRequest.objects.filter(pk=overdue.pk).update(overdue_at=timezone.now())
    check = absent_on(person, dt.date(2026, 10, 20))
    check.findings = "连续两日不在岗"
    check.save()
    return found


def test_the_overview_shows_the_record_flags_balances_and_the_other_tabs(client, world) -> None:  # type: ignore[no-untyped-def]
    found = october_record(world)
    AwayReport.objects.create(
        assignment=found.serving_a,
        reason="探亲",
        destination="南昌",
        leave_date=dt.date(2026, 9, 12),
        return_date=dt.date(2026, 9, 13),
        stand_in="李明",
        contact_phone="13800000000",
    )
    as_user(client, world, "cadre")
    url = reverse("duty:assignment_overview", kwargs={"assignment_pk": found.serving_a.pk})
    text = page(client.get(url))
    assert "2026年3月1日至2027年2月28日" in text
    assert "本月在岗率" in text and "挂职以来在岗率" in text
    assert "2026年10月20日不定期检查发现未经批准离岗。" in text and "连续两日不在岗" in text
    assert "年休假应于2026年11月3日结束，未按时销假。" in text
    assert "共2次，待审批0次" in text  # the two leave requests
    assert "共1次，待确认1次" in text  # the away report
    assert "被检查1次，脱岗1次" in text
    assert reverse("duty:ledger_export", kwargs={"assignment_pk": found.serving_a.pk}) in text
    # Talks are leaders' records: not on one's own overview.
    assert "谈心谈话" not in text


def test_leaders_see_the_talks_count(client, world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    HeartTalk.objects.create(
        assignment=found.serving_a,
        held_on=dt.date(2026, 10, 9),
        talker="王科长",
        topics="工作适应情况",
    )
    as_user(client, world, "coordinator")
    url = reverse("duty:assignment_overview", kwargs={"assignment_pk": found.serving_a.pk})
    text = page(client.get(url))
    assert "谈心谈话" in text and "最近：2026年10月9日" in text


def test_a_leave_draft_counts_on_the_persons_overview_only(client, world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    leave(found.serving_a, "personal", (dt.date(2026, 10, 9), "am"), (dt.date(2026, 10, 9), "pm"))
    draft = (dt.date(2026, 12, 21), "am")
    leave(found.serving_a, "personal", draft, (dt.date(2026, 12, 21), "pm"), state="draft")
    url = reverse("duty:assignment_overview", kwargs={"assignment_pk": found.serving_a.pk})

    as_user(client, world, "cadre")
    own = page(client.get(url))
    as_user(client, world, "host_leader")
    leaders = page(client.get(url))

    assert "共2次" in own and "最近：2026年12月21日" in own
    # The leader counts the request sent, and sees nothing of the draft's dates.
    assert "共1次" in leaders and "最近：2026年10月9日" in leaders
    assert "2026年12月21日" not in leaders


def test_the_months_return_lists_people_by_unit_and_the_host_leader_sends_it(client, world) -> None:  # type: ignore[no-untyped-def]
    found = october_record(world)
    url = reverse("duty:attendance_batch", kwargs={"batch_pk": found.batch_a.pk})
    send = reverse("duty:attendance_return_submit", kwargs={"batch_pk": found.batch_a.pk})
    as_user(client, world, "coordinator")
    text = page(client.get(url, {"month": "2026-10"}))
    assert "白鹿镇" in text and "张三" in text and "未报送" in text
    assert "80.6%" in text  # 14.5 present of 18 due: 2.5 on leave, 1 absent
    assert send not in text
    client.logout()
    as_user(client, world, "host_leader")
    assert send in page(client.get(url, {"month": "2026-10"}))
    response = client.post(
        send, {"host_unit": world.township_a.pk, "month": "2026-10", "note": "无异常"}
    )
    assert response["Location"] == f"{url}?month=2026-10"
    sent = AttendanceReturn.objects.get()
    assert (sent.host_unit, sent.month, sent.note) == (
        world.township_a,
        dt.date(2026, 10, 1),
        "无异常",
    )
    text = page(client.get(response["Location"]))
    assert "已报送白鹿镇2026年10月的考勤月报。" in text
    assert "已报送" in text and "白鹿镇赵书记于" in text
    # Sent after 5 November, the due day: the unit's badge (the page's hint also says 逾期).
    assert '<span class="badge bad">逾期</span>' in text
    again = client.post(send, {"host_unit": world.township_a.pk, "month": "2026-10"})
    assert "白鹿镇2026年10月的考勤月报已经报送，不能重复报送。" in page(
        client.get(again["Location"])
    )
    assert AttendanceReturn.objects.count() == 1


def test_the_page_opens_on_last_month(client, world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    last = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    as_user(client, world, "dispatch_admin")
    url = reverse("duty:attendance_batch", kwargs={"batch_pk": found.batch_a.pk})
    for query in ({}, {"month": "2026-13"}, {"month": "十月"}):
        text = page(client.get(url, query))
        assert f'value="{last:%Y-%m}"' in text
        assert f"{last.year}年{last.month}月考勤月报" in text
