"""The task list: proposed by the cadre, agreed by the host leader, ticked off with proof."""

import datetime as dt

import pytest

from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.models import AuditEvent
from guazhi.duty.models import DutyTask, TaskState, WorkLogEntry
from guazhi.duty.periods import month_start
from guazhi.duty.selectors.tasks import TaskStatus, task_board
from guazhi.duty.services.tasks import (
    task_agree,
    task_agree_all,
    task_drop,
    task_propose,
    task_tick_off,
)
from guazhi.orgs.models import Role, User
from tests.duty.world import duty_world
from tests.factories import grant


def months(world) -> tuple[dt.date, dt.date, dt.date]:  # type: ignore[no-untyped-def]
    """Last month, this month and next month (first days)."""
    today = duty_world(world).today
    this = month_start(today)
    return month_start(this - dt.timedelta(days=1)), this, month_start(this + dt.timedelta(days=31))


def propose(world, title: str = "组织一次用工对接会", **fields):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    arguments = {
        "actor": world.users["cadre"],
        "assignment": found.serving_a,
        "title": title,
        "description": "对接园区企业与本地求职人员。",
        "target_month": months(world)[2] + dt.timedelta(days=9),  # any day of the month
        "today": found.today,
        **fields,
    }
    return task_propose(**arguments)


def entry(assignment, day: dt.date, title: str = "召开用工对接会") -> WorkLogEntry:  # type: ignore[no-untyped-def]
    return WorkLogEntry.objects.create(
        assignment=assignment, date=day, category="活动", title=title, content="内容"
    )


def test_a_proposal_is_checked_and_kept_for_agreement(world):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    last, _this, following = months(world)
    with pytest.raises(ValidationFailed) as refused:
        propose(world, title=" ", target_month=last)
    assert refused.value.detail == {
        "title": "请填写任务。",
        "target_month": "计划完成月份不能早于本月。",
    }
    after_term = found.serving_a.end_date + dt.timedelta(days=40)
    with pytest.raises(ValidationFailed) as refused:
        propose(world, target_month=after_term)
    assert list(refused.value.detail) == ["target_month"]
    assert refused.value.detail["target_month"].startswith("计划完成月份须在挂职期内（")
    with pytest.raises(Forbidden):
        propose(world, actor=world.users["host_leader"])
    assert DutyTask.objects.count() == 0
    task = propose(world)
    assert (task.state, task.target_month, task.title) == (
        TaskState.PROPOSED,
        following,
        "组织一次用工对接会",
    )
    event = AuditEvent.objects.get(action="task.propose")
    assert event.detail == {
        "title": "组织一次用工对接会",
        "target_month": following.strftime("%Y-%m"),
    }


def test_the_host_leader_agrees_one_by_one_or_all_at_once(world):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    first, second, third = (propose(world, title=t) for t in ("对接会", "产业调研", "招商推介"))
    for role in ("dispatch_admin", "coordinator", "admin"):
        with pytest.raises(Forbidden):
            task_agree(actor=world.users[role], task=first)
    assert DutyTask.objects.filter(state=TaskState.PROPOSED).count() == 3
    task_agree(actor=world.users["host_leader"], task=first)
    first.refresh_from_db()
    assert (first.state, first.agreed_by) == (TaskState.AGREED, world.users["host_leader"])
    with pytest.raises(InvalidTransition) as refused:
        task_agree(actor=world.users["host_leader"], task=first)
    assert refused.value.message == "任务“对接会”当前为“已确认”，不能确认。"
    agreed = task_agree_all(actor=world.users["host_leader"], assignment=found.serving_a)
    assert [t.title for t in agreed] == ["产业调研", "招商推介"]
    assert set(DutyTask.objects.values_list("state", flat=True)) == {TaskState.AGREED}
    assert AuditEvent.objects.filter(action="task.agree").count() == 3
    with pytest.raises(InvalidTransition) as refused:
        task_agree_all(actor=world.users["host_leader"], assignment=found.serving_a)
    assert refused.value.message == "没有待确认的任务。"
    assert {second.pk, third.pk} == {t.pk for t in agreed}


def test_a_cadre_who_also_leads_the_host_unit_neither_agrees_nor_drops_their_own_tasks(world):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    task = propose(world)
    grant(world.users["cadre"], Role.HOST_LEADER, found.serving_a.host_unit)
    cadre = User.objects.get(username="cadre")  # as the next request reads them
    with pytest.raises(Forbidden):
        task_agree(actor=cadre, task=task)
    with pytest.raises(Forbidden):
        task_agree_all(actor=cadre, assignment=found.serving_a)
    with pytest.raises(Forbidden):
        task_drop(actor=cadre, task=task, reason="不做了")
    task.refresh_from_db()
    assert task.state == TaskState.PROPOSED
    task_agree(actor=world.users["host_leader"], task=task)  # the unit's other leader does


def test_a_task_is_dropped_with_a_reason_everyone_reads(world):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    task = propose(world)
    with pytest.raises(Forbidden):
        task_drop(actor=world.users["group_leader"], task=task, reason="不再需要")
    with pytest.raises(ValidationFailed) as refused:
        task_drop(actor=world.users["coordinator"], task=task, reason="  ")
    assert refused.value.detail == {"reason": "请填写取消原因。"}
    task.refresh_from_db()
    assert task.state == TaskState.PROPOSED
    task_drop(actor=world.users["coordinator"], task=task, reason="与园区招聘会合并举办")
    task.refresh_from_db()
    assert task.state == TaskState.DROPPED
    board = task_board(actor=world.users["cadre"], assignment=found.serving_a, today=found.today)
    (month,) = board.months
    (row,) = month.rows
    assert (row.status, row.drop_reason) == (TaskStatus.DROPPED, "与园区招聘会合并举办")
    assert (month.due, month.dropped, board.due) == (0, 1, 0)
    assert AuditEvent.objects.get(action="task.drop").detail == {
        "title": "组织一次用工对接会",
        "task_state": "proposed",
        "reason": "与园区招聘会合并举办",
    }


def test_ticking_off_needs_the_persons_own_entries_as_proof(world):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    task = propose(world)
    own = entry(found.serving_a, found.today)
    others = entry(found.serving_b, found.today, title="莲花镇用工对接会")
    with pytest.raises(InvalidTransition) as refused:
        task_tick_off(
            actor=world.users["cadre"],
            task=task,
            note="已召开",
            evidence=[own.pk],
            today=found.today,
        )
    assert refused.value.message == "任务“组织一次用工对接会”尚未经接收单位领导确认，不能销号。"
    task_agree(actor=world.users["host_leader"], task=task)
    with pytest.raises(ValidationFailed) as refused:
        task_tick_off(
            actor=world.users["cadre"],
            task=task,
            note="已召开",
            evidence=[own.pk, others.pk],
            today=found.today,
        )
    assert refused.value.detail == {
        "evidence": "佐证只能是本人的工作纪实，所选记录中有不属于本人的。"
    }
    with pytest.raises(ValidationFailed) as refused:
        task_tick_off(
            actor=world.users["cadre"], task=task, note="", evidence=[], today=found.today
        )
    assert refused.value.detail == {
        "note": "请填写完成情况。",
        "evidence": "请选择至少一条证明完成情况的工作纪实。",
    }
    with pytest.raises(Forbidden):
        task_tick_off(actor=world.users["host_leader"], task=task, note="已召开", evidence=[own.pk])
    task.refresh_from_db()
    assert (task.state, task.done_month, list(task.evidence.all())) == (TaskState.AGREED, None, [])
    task_tick_off(
        actor=world.users["cadre"],
        task=task,
        note="10家企业、60名求职人员参加",
        evidence=[own.pk],
        today=found.today,
    )
    task.refresh_from_db()
    assert (task.state, task.done_month, task.done_note) == (
        TaskState.DONE,
        month_start(found.today),
        "10家企业、60名求职人员参加",
    )
    assert list(task.evidence.all()) == [own]
    assert AuditEvent.objects.get(action="task.tick_off").detail == {
        "title": "组织一次用工对接会",
        "month": month_start(found.today).strftime("%Y-%m"),
        "done_note": "10家企业、60名求职人员参加",
        "evidence": [f"{found.today.isoformat()} 召开用工对接会"],
    }


def test_the_monthly_reconciliation(world):  # type: ignore[no-untyped-def]
    """Last month: one ticked off in time, one left undone (overdue), one ticked off this month
    (late); this month: one agreed, one still proposed."""
    found = duty_world(world)
    last, this, _following = months(world)

    def task(title: str, month: dt.date, state: str, done: dt.date | None = None) -> DutyTask:
        return DutyTask.objects.create(
            assignment=found.serving_a,
            title=title,
            target_month=month,
            state=state,
            done_month=done,
            done_note="完成" if done else "",
        )

    task("产业调研", last, TaskState.DONE, last)
    task("招商推介", last, TaskState.AGREED)
    task("用工对接", last, TaskState.DONE, this)
    task("技能培训", this, TaskState.AGREED)
    task("走访企业", this, TaskState.PROPOSED)
    board = task_board(
        actor=world.users["host_leader"], assignment=found.serving_a, today=found.today
    )
    assert [
        (m.month, m.due, m.done, m.overdue, [r.status for r in m.rows]) for m in board.months
    ] == [
        (last, 3, 2, 1, [TaskStatus.DONE, TaskStatus.OVERDUE, TaskStatus.DONE_LATE]),
        (this, 2, 0, 0, [TaskStatus.AGREED, TaskStatus.PROPOSED]),
    ]
    assert (board.due, board.done, board.overdue, board.proposed) == (5, 2, 1, 1)


def test_evidence_dated_after_the_tick_off_month_is_refused(world):  # type: ignore[no-untyped-def]
    """Ticked off for last month, a task is proved by what was done by the end of last month:
    an entry of this month is named and refused."""
    found = duty_world(world)
    last, this, _following = months(world)
    task = DutyTask.objects.create(
        assignment=found.serving_a, title="招商推介", target_month=last, state=TaskState.AGREED
    )
    in_time = entry(found.serving_a, last + dt.timedelta(days=3), title="推介会筹备")
    too_late = entry(found.serving_a, this, title="签约仪式")
    with pytest.raises(ValidationFailed) as refused:
        task_tick_off(
            actor=world.users["cadre"],
            task=task,
            note="已推介",
            evidence=[in_time.pk, too_late.pk],
            month=last,
            today=found.today,
        )
    assert refused.value.detail == {
        "evidence": f"佐证纪实“{this.year}年{this.month}月1日 签约仪式”晚于销号月份"
        f"（{last.year}年{last.month}月），不能作为这个月的佐证。"
    }
    task.refresh_from_db()
    assert (task.state, list(task.evidence.all())) == (TaskState.AGREED, [])
    task_tick_off(
        actor=world.users["cadre"],
        task=task,
        note="已推介",
        evidence=[in_time.pk],
        month=last,
        today=found.today,
    )
    task.refresh_from_db()
    assert (task.state, task.done_month, list(task.evidence.all())) == (
        TaskState.DONE,
        last,
        [in_time],
    )


def test_a_proposal_sent_twice_makes_one_task(world):  # type: ignore[no-untyped-def]
    first = propose(world)
    assert propose(world).pk == first.pk
    assert DutyTask.objects.count() == 1
    assert AuditEvent.objects.filter(action="task.propose").count() == 1
    assert propose(world, description="另一种做法").pk != first.pk
    assert DutyTask.objects.count() == 2


def test_the_drop_reason_is_kept_on_the_task_itself(world) -> None:  # type: ignore[no-untyped-def]
    from guazhi.duty.models import DutyTask
    from guazhi.duty.services.tasks import task_drop, task_propose

    found = duty_world(world)
    task = task_propose(
        actor=world.users["cadre"],
        assignment=found.serving_a,
        title="举办园区招聘会",
        description="",
        target_month=found.today.replace(day=1),
    )
    task_drop(actor=world.users["host_leader"], task=task, reason="与镇里的招聘会合并举办")
    assert DutyTask.objects.get(pk=task.pk).drop_reason == "与镇里的招聘会合并举办"
