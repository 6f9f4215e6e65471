"""The audit log names every action the results area records, and every key it records with
it, in words (the audit page merges guazhi.evaluation.audit_labels)."""

import ast
import re
from pathlib import Path

from guazhi.core.views.audit import ACTION_LABELS, DETAIL_KEYS, OBJECT_TYPES

SERVICES = Path(__file__).resolve().parents[2] / "src" / "guazhi" / "evaluation" / "services"
SOURCES = [SERVICES / name for name in ("aggregate.py", "decisions.py", "publicity.py")]


def test_every_action_of_the_results_area_has_a_label() -> None:
    actions = {
        action
        for source in SOURCES
        for action in re.findall(r'action="([a-z_.]+)"', source.read_text(encoding="utf-8"))
    }
    assert {"result.compute", "result.decide", "result.publish", "result.acknowledge"} <= actions
    assert sorted(actions - ACTION_LABELS.keys()) == []
    for model in ("evaluee", "ratingflag", "objection", "evaluationround"):
        assert f"evaluation.{model}" in OBJECT_TYPES


def test_every_detail_key_has_a_label() -> None:
    keys: set[str] = set()
    for source in SOURCES:
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "audit_record":
                for keyword in node.keywords:
                    if keyword.arg == "detail":
                        for inner in ast.walk(keyword.value):
                            if isinstance(inner, ast.Dict):
                                keys |= {k.value for k in inner.keys if isinstance(k, ast.Constant)}
    assert {"excellent_limit", "changed", "reason", "agrees"} <= keys
    assert sorted(keys - DETAIL_KEYS.keys()) == []
