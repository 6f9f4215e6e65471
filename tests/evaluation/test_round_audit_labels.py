"""The audit log names every action the rounds area records, and every key it records with it,
in words (the audit page merges guazhi.evaluation.audit_labels)."""

import ast
import re
from pathlib import Path

from django.utils import translation

from guazhi.core.views.audit import ACTION_LABELS, DETAIL_KEYS, OBJECT_TYPES, compact_detail

SOURCE = (
    Path(__file__).resolve().parents[2] / "src" / "guazhi" / "evaluation" / "services" / "rounds.py"
)


def test_every_action_of_the_rounds_area_has_a_label() -> None:
    text = SOURCE.read_text(encoding="utf-8")
    actions = set(re.findall(r'action="([a-z_.]+)"', text))
    actions |= set(re.findall(r'"(round\.[a-z_]+)" if', text))
    actions |= set(re.findall(r'else "(round\.[a-z_]+)"', text))
    assert {"round.create", "round.open", "round.self_submit", "round.self_save"} <= actions
    assert sorted(actions - ACTION_LABELS.keys()) == []
    assert OBJECT_TYPES["evaluation.evaluationround"] == "考核轮次"


def test_every_detail_key_has_a_label() -> None:
    tree = ast.parse(SOURCE.read_text(encoding="utf-8"))
    keys: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "audit_record":
            for keyword in node.keywords:
                if keyword.arg == "detail":
                    for inner in ast.walk(keyword.value):
                        if isinstance(inner, ast.Dict):
                            keys |= {k.value for k in inner.keys if isinstance(k, ast.Constant)}
    assert {"reason", "early", "changes", "person"} <= keys
    assert sorted(keys - DETAIL_KEYS.keys()) == []


def test_a_weights_change_reads_in_words() -> None:
    with translation.override("zh-hans"):
        assert (
            compact_detail(
                {"changes": {"host_leadership": ["40", "50"], "civil_servant:优秀": ["90", "85"]}}
            )
            == "接收单位领导班子: 40 → 50；公务员（优秀/称职/基本称职/不称职）·优秀: 90 → 85"
        )
