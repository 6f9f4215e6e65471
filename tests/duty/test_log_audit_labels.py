"""The audit log names every action of the work-record area in words, and every detail key."""

import ast
from pathlib import Path

from guazhi.core.views.audit import ACTION_LABELS, DETAIL_KEYS, OBJECT_TYPES, compact_detail

SERVICES = Path(__file__).resolve().parents[2] / "src" / "guazhi" / "duty" / "services"
FILES = [SERVICES / f"{area}.py" for area in ("logs", "tasks", "talks")]


def recorded() -> tuple[set[str], set[str]]:
    """Actions and literal detail keys of every audit_record call in the area's services."""
    actions: set[str] = set()
    keys: set[str] = set()
    for path in FILES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "audit_record"):
                continue
            for keyword in node.keywords:
                if keyword.arg == "action" and isinstance(keyword.value, ast.Constant):
                    actions.add(keyword.value.value)
                if keyword.arg == "detail" and isinstance(keyword.value, ast.Dict):
                    keys |= {k.value for k in keyword.value.keys if isinstance(k, ast.Constant)}
    return actions, keys


def test_every_action_and_detail_key_has_a_label() -> None:
    actions, keys = recorded()
    assert actions == {
        "log_entry.create",
        "log_entry.update",
        "log_entry.delete",
        "task.propose",
        "task.agree",
        "task.drop",
        "task.tick_off",
        "talk.record",
        "talk.update",
    }
    assert sorted(a for a in actions if a not in ACTION_LABELS) == []
    assert sorted(k for k in keys if k not in DETAIL_KEYS) == []
    for model in ("worklogentry", "dutytask", "hearttalk"):
        assert f"duty.{model}" in OBJECT_TYPES


def test_a_detail_reads_in_words() -> None:
    assert (
        compact_detail({"task_state": "agreed", "reason": "合并举办"})
        == "原状态: 已确认；原因: 合并举办"
    )
    assert compact_detail({"fields": ["follow_up", "topics"]}) == "修改的项目: 后续跟进、谈话内容"


def test_records_name_their_dates_as_people_write_them(world) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from guazhi.core.models import AuditEvent
    from guazhi.duty.models import HeartTalk
    from guazhi.duty.services.logs import log_entry_create
    from guazhi.duty.services.talks import talk_record
    from tests.duty.world import duty_world

    found = duty_world(world)
    day = found.today - dt.timedelta(days=1)
    entry = log_entry_create(
        actor=world.users["cadre"],
        assignment=found.serving_a,
        date=day,
        category="走访",
        title="走访辖区企业",
        content="走访。",
        today=found.today,
    )
    talk = talk_record(
        actor=world.users["host_leader"],
        assignment=found.serving_a,
        held_on=day,
        talker="赵书记",
        topics="了解情况。",
        today=found.today,
    )
    written = f"{day.year}年{day.month}月{day.day}日"
    assert str(entry) == f"{written} 走访辖区企业"
    assert str(HeartTalk.objects.get(pk=talk.pk)) == f"张三 · {written}"
    assert (
        AuditEvent.objects.get(action="log_entry.create").object_repr == f"{written} 走访辖区企业"
    )
    assert AuditEvent.objects.get(action="talk.record").object_repr == f"张三 · {written}"
