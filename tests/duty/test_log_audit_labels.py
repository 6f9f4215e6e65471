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
