"""The audit log names every action of the forms and commendations areas in words, every detail
key they record, and their objects."""

import ast
from pathlib import Path

from guazhi.core.views.audit import (
    ACTION_LABELS,
    DETAIL_KEYS,
    OBJECT_TYPES,
    action_label,
    compact_detail,
)

EVALUATION = Path(__file__).resolve().parents[2] / "src" / "guazhi" / "evaluation"
FILES = [EVALUATION / "views" / "forms.py", EVALUATION / "services" / "commendations.py"]
FILES += [EVALUATION / "views" / "commendations.py"]


def recorded() -> tuple[set[str], set[str]]:
    """Actions and literal detail keys of every audit_record call in the areas' modules."""
    actions: set[str] = set()
    keys: set[str] = set()
    for path in FILES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            # Approving and rejecting share one helper, which is given the action to record.
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "_decide":
                actions |= {
                    arg.value
                    for arg in node.args
                    if isinstance(arg, ast.Constant) and str(arg.value).startswith("commendation.")
                }
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
        "evaluation_form.download",
        "evaluation_form.batch_export",
        "evaluation_roster.export",
        "commendation.nominate",
        "commendation.approve",
        "commendation.reject",
        "commendation.withdraw",
        "commendation.decision_create",
        "commendation.decision_update",
        "commendation.decision_export",
    }
    assert sorted(a for a in actions if a not in ACTION_LABELS) == []
    assert sorted(k for k in keys if k not in DETAIL_KEYS) == []
    for model in ("evaluee", "evaluationround", "nomination", "commendationdecision"):
        assert f"evaluation.{model}" in OBJECT_TYPES


def test_a_detail_reads_in_words() -> None:
    assert action_label("commendation.approve") == "批准表彰提名"
    # Labelled as the area writing the action says: "name" is a person here, a unit elsewhere.
    assert compact_detail(
        {"form": "appraisal", "name": "张三"}, action="evaluation_form.download"
    ) == ("表格: 挂职锻炼干部总结鉴定表；姓名: 张三")
    assert compact_detail({"name": "张三"}, action="commendation.nominate") == "姓名: 张三"
    assert compact_detail({"changes": {"name": ["白鹿乡", "白鹿镇"]}}, action="org.update") == (
        "名称: 白鹿乡 → 白鹿镇"
    )
    assert compact_detail(
        {"commendation_kind": "third_class", "fields": ["number", "issued_on"]},
        action="commendation.decision_update",
    ) == ("表彰类型: 记三等功；修改的项目: 文号、印发日期")
