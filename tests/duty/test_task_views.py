"""The task list pages: propose, agree all, tick off with proof, drop with a reason."""

import datetime as dt

from django.urls import reverse

from guazhi.duty.models import DutyTask, TaskState, WorkLogEntry
from guazhi.duty.selectors.logs import month_start
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
