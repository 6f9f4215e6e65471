"""The inspection pages: a coordinator plans one (also through htmx), sees the sample with its
seed, records each person's result, completes it; the person's 检查记录 tab shows the result."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guazhi.duty.models import CheckResult, Inspection, InspectionCheck, InspectionState
from guazhi.duty.services.inspections import inspection_complete
from guazhi.programmes.models import Batch, BatchState
from tests.duty.test_inspection_services import (
    leave,
    one_check,
    plan,
    record,
    serving,
    three_townships,
    zh,
)
from tests.duty.world import duty_world
from tests.factories import UserFactory, grant
from tests.pages import as_user, field_error, page


def list_url(batch: Batch) -> str:
    return reverse("duty:inspection_list", kwargs={"batch_pk": batch.pk})


def detail_url(inspection: Inspection) -> str:
    return reverse("duty:inspection_detail", kwargs={"inspection_pk": inspection.pk})


def record_url(check: InspectionCheck) -> str:
    return reverse("duty:check_record", kwargs={"check_pk": check.pk})


def checks_url(assignment) -> str:  # type: ignore[no-untyped-def]
    return reverse("duty:check_list", kwargs={"assignment_pk": assignment.pk})


def test_a_coordinator_plans_a_random_inspection_through_the_page(world, client) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    three_townships(world)
    client = as_user(client, world, "coordinator")
    batch_page = page(
        client.get(reverse("programmes:batch_detail", kwargs={"batch_pk": found.batch_a.pk}))
    )
    assert list_url(found.batch_a) in batch_page  # the batch tab 不定期检查
    shown = page(client.get(list_url(found.batch_a)))
    assert "尚未安排不定期检查。" in shown
    assert "新港镇" in shown and "周伟（永安乡 镇长助理）" in shown  # scope and people offered
    response = client.post(
        list_url(found.batch_a),
        {
            "planned_on": found.today.isoformat(),
            "sampling_mode": "random",
            "sample_size": "3",
            "spread_across_hosts": "on",
            "inspectors": "组织部王科长、党校李老师",
            "note": "",
        },
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(inspection)
    assert inspection.checks.count() == 3
    assert inspection.spread_across_hosts is True
    assert inspection.seed is not None
    shown = page(client.get(detail_url(inspection)))
    assert f"<code>{inspection.seed}</code>" in shown
    assert "用这个种子对当天检查范围内的在岗名单重新抽取，得到的人员与本名单相同" in shown
    assert "核验：按记录的种子对当时6名在岗人员重新抽取，结果与本名单一致。" in shown
    assert "抽取名单（3人）" in shown
    for check in inspection.checks.select_related("assignment__cadre"):
        assert check.assignment.cadre.name in shown
        assert record_url(check) in shown
    listed = page(client.get(list_url(found.batch_a)))
    assert detail_url(inspection) in listed
    assert "随机抽取 · 3人" in listed
    assert "全部接收单位" in listed


def test_a_plan_with_mistakes_comes_back_as_the_form_alone_through_htmx(world, client) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    client = as_user(client, world, "coordinator")
    response = client.post(
        list_url(found.batch_a),
        {"planned_on": found.today.isoformat(), "sampling_mode": "random", "sample_size": ""},
        HTTP_HX_REQUEST="true",
    )
    body = page(response)
    assert response.status_code == 200
    assert body.lstrip().startswith('<form id="plan-form"')
    assert "<html" not in body
    assert field_error("sample_size", "随机抽取须填写抽查人数（至少1人）。") in body
    assert Inspection.objects.count() == 0
    response = client.post(
        list_url(found.batch_a),
        {"planned_on": found.today.isoformat(), "sampling_mode": "all"},
        HTTP_HX_REQUEST="true",
    )
    inspection = Inspection.objects.get()
    assert response["HX-Redirect"] == detail_url(inspection)


def test_a_coordinator_of_another_district_cannot_open_or_plan_in_the_batch(world, client) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    grant(UserFactory(username="coordinator_b"), "coordinator", world.district_b)
    client.force_login(UserFactory(username="coordinator_b"))
    assert client.get(list_url(found.batch_a)).status_code == 404
    response = client.post(
        list_url(found.batch_a), {"planned_on": found.today.isoformat(), "sampling_mode": "all"}
    )
    assert response.status_code == 404
    assert Inspection.objects.count() == 0


def test_a_plan_is_not_offered_once_the_batch_is_no_longer_on_duty(world, client) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    Batch.objects.filter(pk=found.batch_a.pk).update(state=BatchState.CLOSED)
    client = as_user(client, world, "coordinator")
    shown = page(client.get(list_url(found.batch_a)))
    assert "批次当前为“已结束”，在岗阶段才能安排不定期检查。" in shown
    assert 'id="plan-form"' not in shown


def test_an_absence_recorded_on_the_page_is_flagged_on_the_persons_check_list(
    world, client
) -> None:  # type: ignore[no-untyped-def]
    found, check = one_check(world)
    client = as_user(client, world, "coordinator")
    due = found.today + dt.timedelta(days=7)
    response = client.post(
        record_url(check),
        {
            f"c{check.pk}-result": "absent",
            f"c{check.pk}-findings": "上午10时到镇政府检查，本人不在岗，未请假。",
            f"c{check.pk}-rectification": "作出书面说明",
            f"c{check.pk}-rectification_due": due.isoformat(),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{detail_url(check.inspection)}#check-{check.pk}"
    check.refresh_from_db()
    assert check.result == CheckResult.ABSENT
    complete_url = reverse(
        "duty:inspection_complete", kwargs={"inspection_pk": check.inspection_id}
    )
    assert client.post(complete_url).status_code == 302  # over: shown to the people concerned
    client.logout()
    for role in ("cadre", "host_leader", "dispatch_admin", "group_leader"):
        shown = page(as_user(client, world, role).get(checks_url(found.serving_a)))
        assert "不定期检查中有1次脱岗（未经批准）记录。" in shown, role
        assert '<span class="badge bad">脱岗（未经批准）</span>' in shown
        assert "上午10时到镇政府检查，本人不在岗，未请假。" in shown
        assert "作出书面说明" in shown
        assert f"期限：{due.year}年{due.month}月{due.day}日" in shown
        assert '<span class="badge warn">待整改</span>' in shown
        client.logout()


def test_an_on_leave_claim_without_leave_is_refused_on_the_form(world, client) -> None:  # type: ignore[no-untyped-def]
    found, check = one_check(world)
    client = as_user(client, world, "coordinator")
    response = client.post(record_url(check), {f"c{check.pk}-result": "on_leave"})
    assert response.status_code == 200
    message = (
        f"张三在{zh(found.today)}没有经批准的请假，不能登记为“请假（已批准）”；"
        "请登记为“脱岗（未经批准）”，或登记为“其他”并写明情况。"
    )
    assert field_error(f"c{check.pk}-result", message) in page(response)
    check.refresh_from_db()
    assert check.result == ""
    leave(found.serving_a, found.today, found.today)
    response = client.post(record_url(check), {f"c{check.pk}-result": "on_leave"})
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.result == CheckResult.ON_LEAVE


def test_the_inspection_is_completed_and_a_rectification_closed_on_the_page(world, client) -> None:  # type: ignore[no-untyped-def]
    found, check = one_check(world)
    client = as_user(client, world, "coordinator")
    complete_url = reverse(
        "duty:inspection_complete", kwargs={"inspection_pk": check.inspection_id}
    )
    response = client.post(complete_url, follow=True)
    assert "还有1人未登记检查结果：张三。登记完毕后才能完成检查。" in page(response)
    record(
        world,
        check,
        result=CheckResult.PRESENT,
        findings="工作日志未按周填写",
        rectification="补填近一个月的工作日志",
        rectification_due=found.today + dt.timedelta(days=10),
    )
    response = client.post(complete_url, follow=True)
    assert "检查已完成，结果不再修改。" in page(response)
    assert Inspection.objects.get().state == InspectionState.COMPLETED
    shown = page(response)
    assert record_url(check) not in shown  # results are final
    rectified_url = reverse("duty:check_rectified", kwargs={"check_pk": check.pk})
    assert rectified_url in shown
    response = client.post(rectified_url, {f"r{check.pk}-note": ""})
    assert field_error(f"r{check.pk}-note", "请写明整改情况。") in page(response)
    response = client.post(rectified_url, {f"r{check.pk}-note": "已补填并经镇党委审核"})
    assert response.status_code == 302
    shown = page(as_user(client, world, "cadre").get(checks_url(found.serving_a)))
    assert '<span class="badge ok">已销号</span> 已补填并经镇党委审核' in shown


def test_a_future_inspection_shows_its_sample_without_forms_until_the_day(world, client) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    serving(world, world.township_a, "陈明")
    inspection = plan(world, planned_on=found.today + dt.timedelta(days=3), sampling_mode="all")
    shown = page(as_user(client, world, "coordinator").get(detail_url(inspection)))
    assert "检查日期当天起才能登记检查结果。" in shown
    assert "陈明" in shown and "张三" in shown
    assert "/record/" not in shown


def test_a_result_posted_after_completion_comes_back_with_the_reason(world, client) -> None:  # type: ignore[no-untyped-def]
    _found, check = one_check(world)
    record(world, check, result=CheckResult.PRESENT)
    Inspection.objects.filter(pk=check.inspection_id).update(state=InspectionState.COMPLETED)
    client = as_user(client, world, "coordinator")
    response = client.post(record_url(check), {f"c{check.pk}-result": "absent"})
    assert response.status_code == 200
    assert "本次检查已完成，不能再修改检查结果。" in page(response)
    check.refresh_from_db()
    assert check.result == CheckResult.PRESENT


def test_the_plan_forms_own_refusals_name_the_field_in_chinese(world, client) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    client = as_user(client, world, "coordinator")
    response = client.post(
        list_url(found.batch_a),
        {
            "planned_on": "2026-13-45",
            "host_units": ["999998"],
            "sampling_mode": "lottery",
            "sample_size": "三",
            "chosen": ["999999"],
        },
    )
    shown = page(response)
    assert response.status_code == 200
    assert field_error("planned_on", "请填写正确的检查日期。") in shown
    assert field_error("host_units", "所选接收单位已不在本批次，请刷新后重选。") in shown
    assert field_error("sampling_mode", "请选择抽查方式。") in shown
    assert field_error("sample_size", "抽查人数须为整数。") in shown
    assert field_error("chosen", "所选人员已不在岗，请刷新后重选。") in shown
    assert "999999" not in shown and "这个字段是必填项。" not in shown
    assert Inspection.objects.count() == 0
    # No mode chosen at all: said together with the service's other findings.
    response = client.post(list_url(found.batch_a), {"planned_on": ""})
    shown = page(response)
    assert field_error("sampling_mode", "请选择抽查方式。") in shown
    assert field_error("planned_on", "请填写检查日期。") in shown


def test_a_record_forms_own_refusals_name_the_field_in_chinese(world, client) -> None:  # type: ignore[no-untyped-def]
    _found, check = one_check(world)
    client = as_user(client, world, "coordinator")
    response = client.post(
        record_url(check),
        {f"c{check.pk}-result": "asleep", f"c{check.pk}-rectification_due": "明天"},
    )
    shown = page(response)
    assert field_error(f"c{check.pk}-result", "请选择检查结果。") in shown
    assert field_error(f"c{check.pk}-rectification_due", "请填写正确的整改期限。") in shown
    check.refresh_from_db()
    assert check.result == ""


def test_a_plan_sent_twice_from_the_page_makes_one_inspection(world, client) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    three_townships(world)
    client = as_user(client, world, "coordinator")
    posted = {
        "planned_on": found.today.isoformat(),
        "sampling_mode": "random",
        "sample_size": "2",
    }
    first = client.post(list_url(found.batch_a), posted, follow=True)
    inspection = Inspection.objects.get()
    assert first.redirect_chain == [(detail_url(inspection), 302)]
    assert f"已安排{zh(found.today)}的检查，抽取2人。" in page(first)
    second = client.post(list_url(found.batch_a), posted)
    assert second.status_code == 200
    assert "已安排了同样的检查" in page(second)
    assert "本次提交没有再安排" in page(second)
    assert Inspection.objects.count() == 1
    assert inspection.checks.count() == 2


def test_a_result_recorded_meanwhile_comes_back_to_be_checked_before_correcting(
    world, client
) -> None:  # type: ignore[no-untyped-def]
    _found, check = one_check(world)
    client = as_user(client, world, "coordinator")
    shown = page(client.get(detail_url(check.inspection)))
    # Nothing recorded yet: the form is based on no result (an empty value).
    hidden = f'<input type="hidden" name="c{check.pk}-based_on" id="id_c{check.pk}-based_on">'
    assert hidden in shown
    other = grant(
        UserFactory(username="coordinator2", full_name="组织部李干事"),
        "coordinator",
        world.district_a,
    )
    record(world, check, actor=other, result=CheckResult.ABSENT, findings="本人不在岗")
    posted = {f"c{check.pk}-result": "present", f"c{check.pk}-based_on": ""}
    response = client.post(record_url(check), posted)
    shown = page(response)
    assert response.status_code == 200
    assert "张三的检查结果已由组织部李干事登记为“脱岗（未经批准）”，请核对后再更正。" in shown
    check.refresh_from_db()
    assert (check.result, check.checked_by) == (CheckResult.ABSENT, other)
    # The form came back based on what the page now shows: sent again, it corrects that.
    version = check.checked_at.isoformat() if check.checked_at else ""
    assert f'name="c{check.pk}-based_on" value="{version}"' in shown
    response = client.post(record_url(check), {**posted, f"c{check.pk}-based_on": version})
    assert response.status_code == 302
    check.refresh_from_db()
    assert (check.result, check.checked_by) == (CheckResult.PRESENT, world.users["coordinator"])


def test_the_inspector_sees_leave_on_the_day_and_leave_entered_afterwards(world, client) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    chen = serving(world, world.township_a, "陈明")
    inspection = plan(world, sampling_mode="all")
    leave(found.serving_a, found.today, found.today)
    later = found.today + dt.timedelta(days=1)
    leave(chen, found.today, found.today, end_half="am", entered_afterwards_on=later)
    shown = page(as_user(client, world, "coordinator").get(detail_url(inspection)))
    assert "当天全天有经批准的请假。" in shown
    assert (
        f'<span class="badge warn">事后补办</span> 覆盖当天的请假于{zh(later)}事后补办，'
        "不计为检查当天已批准的请假。"
    ) in shown


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    """The page's queries, less the session's refresh (once a minute, whatever the page)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum(
        1
        for query in queries.captured_queries
        if "django_session" not in query["sql"] and "SAVEPOINT" not in query["sql"]
    )


def test_the_inspection_pages_cost_the_same_queries_however_many_checks(world, client) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    client = as_user(client, world, "coordinator")
    yesterday = found.today - dt.timedelta(days=1)

    def inspect_all(**arguments) -> Inspection:  # type: ignore[no-untyped-def]
        inspection = plan(
            world, sampling_mode="all", planned_on=yesterday, today=yesterday, **arguments
        )
        for check in inspection.checks.all():
            record(
                world,
                check,
                result=CheckResult.PRESENT,
                findings="工作日志未按周填写",
                rectification="补填工作日志",
                rectification_due=found.today,
            )
        return inspection

    first = inspect_all()
    small = (
        _queries(client, list_url(found.batch_a)),
        _queries(client, detail_url(first)),
        _queries(client, checks_url(found.serving_a)),
    )
    units = three_townships(world)
    inspect_all(note="第二次")
    bigger = inspect_all(note="第三次", host_units=[units["新港镇"][0].host_unit])
    inspection_complete(actor=world.users["coordinator"], inspection=bigger)
    many = plan(world, sampling_mode="all", note="第四次")  # today: forms for 6 people
    assert many.checks.count() == 6
    large = (
        _queries(client, list_url(found.batch_a)),
        _queries(client, detail_url(many)),
        _queries(client, checks_url(found.serving_a)),
    )
    assert large == small
