"""The task list pages: propose, agree all, tick off with proof, drop with a reason."""

import datetime as dt

from django.urls import reverse

from guazhi.duty.models import DutyTask, TaskState, WorkLogEntry
from guazhi.duty.periods import month_start
from tests.duty.world import duty_world
from tests.pages import as_user, field_error, page


def list_url(found) -> str:  # type: ignore[no-untyped-def]
    return reverse("duty:task_list", kwargs={"assignment_pk": found.serving_a.pk})


def test_a_month_by_month_list_from_proposal_to_tick_off(world, client):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    this = month_start(found.today)
    following = month_start(this + dt.timedelta(days=31))
    client = as_user(client, world, "cadre")
    body = page(client.get(list_url(found)))
    assert "还没有任务。" in body and "提出任务" in body
    # The months offered start with this one.
    assert f'<option value="{this:%Y-%m}">{this.year}年{this.month}月</option>' in body
    previous = month_start(this - dt.timedelta(days=1))
    assert f'value="{previous:%Y-%m}"' not in body
    response = client.post(list_url(found), {"title": "", "target_month": ""})
    assert field_error("title", "请填写任务。") in page(response)
    assert field_error("target_month", "请选择计划完成月份。") in page(response)
    for title, month in (("技能培训", this), ("用工对接会", following)):
        response = client.post(
            list_url(found), {"title": title, "description": "", "target_month": f"{month:%Y-%m}"}
        )
        assert response["Location"] == list_url(found)
    body = page(client.get(list_url(found)))
    assert "已提出任务“用工对接会”，待接收单位领导确认。" in body
    assert f"<h2>{this.year}年{this.month}月</h2>" in body
    assert "全部确认" not in body  # the cadre agrees nothing
    client = as_user(client, world, "host_leader")
    body = page(client.get(list_url(found)))
    assert "全部确认（2项）" in body
    response = client.post(
        reverse("duty:task_agree_all", kwargs={"assignment_pk": found.serving_a.pk})
    )
    assert "已确认2项任务。" in page(client.get(response["Location"]))
    task = DutyTask.objects.get(title="技能培训")
    proof = WorkLogEntry.objects.create(
        assignment=found.serving_a,
        date=found.today,
        category="学习",
        title="举办电商技能培训班",
        content="培训40人。",
    )
    client = as_user(client, world, "cadre")
    tick = reverse("duty:task_tick_off", kwargs={"task_pk": task.pk})
    assert f'href="{tick}"' in page(client.get(list_url(found)))
    body = page(client.get(tick))
    assert f'value="{proof.pk}"' in body and "举办电商技能培训班" in body
    response = client.post(
        tick, {"month": f"{this:%Y-%m}", "note": "培训40人", "evidence": [str(proof.pk)]}
    )
    assert response["Location"] == list_url(found)
    body = page(client.get(list_url(found)))
    assert "任务“技能培训”已销号。" in body
    assert "应完成 1 项，已销号 1 项，逾期 0 项" in body
    detail = reverse("duty:log_entry_detail", kwargs={"log_entry_pk": proof.pk})
    assert f'<a href="{detail}">' in body
    assert '<span class="badge ok">已销号</span>' in body


def test_an_overdue_task_shows_and_is_dropped_with_a_reason(world, client):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    last = month_start(month_start(found.today) - dt.timedelta(days=1))
    task = DutyTask.objects.create(
        assignment=found.serving_a, title="招商推介", target_month=last, state=TaskState.AGREED
    )
    client = as_user(client, world, "coordinator")
    body = page(client.get(list_url(found)))
    assert '<span class="badge bad">逾期未销号</span>' in body
    assert "应完成 1 项，已销号 0 项，逾期 1 项" in body
    drop = reverse("duty:task_drop", kwargs={"task_pk": task.pk})
    assert f'href="{drop}"' in body
    assert field_error("reason", "请填写取消原因。") in page(client.post(drop, {"reason": ""}))
    client.post(drop, {"reason": "项目已由县里统一组织"})
    body = page(client.get(list_url(found)))
    assert "取消原因：项目已由县里统一组织" in body
    task.refresh_from_db()
    assert task.state == TaskState.DROPPED


def test_an_administrator_reads_the_list_but_agrees_nothing(world, client):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    task = DutyTask.objects.create(
        assignment=found.serving_a, title="招商推介", target_month=month_start(found.today)
    )
    client = as_user(client, world, "admin")
    body = page(client.get(list_url(found)))
    assert "招商推介" in body and "全部确认" not in body
    response = client.post(reverse("duty:task_agree", kwargs={"task_pk": task.pk}))
    assert "任务清单须由接收单位领导确认。" in page(client.get(response["Location"]))
    task.refresh_from_db()
    assert task.state == TaskState.PROPOSED


def test_ticking_off_offers_every_entry_of_the_term_by_month(world, client):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    this = month_start(found.today)
    task = DutyTask.objects.create(
        assignment=found.serving_a, title="产业调研", target_month=this, state=TaskState.AGREED
    )
    early_day = found.serving_a.start_date + dt.timedelta(days=1)
    early = WorkLogEntry.objects.create(
        assignment=found.serving_a,
        date=early_day,
        category="调研",
        title="到岗首周产业摸底",
        content="走访",
    )
    last_month = month_start(this - dt.timedelta(days=1))
    for day, title in ((last_month, "座谈"), (found.today, "形成调研报告")):
        recent = WorkLogEntry.objects.create(
            assignment=found.serving_a, date=day, category="调研", title=title, content="内容"
        )
    client = as_user(client, world, "cadre")
    tick = reverse("duty:task_tick_off", kwargs={"task_pk": task.pk})
    body = page(client.get(tick))
    early_month = month_start(early_day)
    # The first week of the term is offered, folded under its month; the latest months open.
    assert (
        f"<details>\n        <summary>{early_month.year}年{early_month.month}月（1条）</summary>"
    ) in body
    assert f"<details open>\n        <summary>{this.year}年{this.month}月（1条）</summary>" in body
    assert (
        f'<label><input type="checkbox" name="evidence" value="{early.pk}"> '
        f"{early_day.year}年{early_day.month}月{early_day.day}日 到岗首周产业摸底</label>"
    ) in body
    # An id that is not one of the person's entries is named, not a bare "invalid choice".
    response = client.post(
        tick, {"month": f"{this:%Y-%m}", "note": "已完成", "evidence": [str(recent.pk), "999999"]}
    )
    assert field_error(
        "evidence", "所选的工作纪实（编号999999）已不在本人的挂职期纪实中，请重新选择。"
    ) in page(response)
    # What was ticked stays ticked.
    assert f'value="{recent.pk}" checked>' in page(response)
    # A digit only to str.isdigit() ("²") is refused like any other bad choice, not a 500.
    response = client.post(tick, {"month": f"{this:%Y-%m}", "note": "已完成", "evidence": ["²"]})
    assert response.status_code == 200 and 'name="evidence"' in page(response)
    response = client.post(
        tick,
        {"month": f"{this:%Y-%m}", "note": "已完成", "evidence": [str(early.pk), str(recent.pk)]},
    )
    assert response["Location"] == list_url(found)
    task.refresh_from_db()
    assert sorted(e.pk for e in task.evidence.all()) == sorted([early.pk, recent.pk])
