"""The audit log names every action of the summaries flow in words, and every detail key."""

import ast
from pathlib import Path

from django.utils import translation

from guazhi.core.views.audit import ACTION_LABELS, DETAIL_KEYS, OBJECT_TYPES, compact_detail

SERVICES = Path(__file__).resolve().parents[2] / "src" / "guazhi" / "summaries" / "services"
FILES = [SERVICES / f"{area}.py" for area in ("summaries", "templates")]


def recorded() -> tuple[set[str], set[str]]:
    """Actions and literal detail keys of every audit_record call (and _detail(...) helper)."""
    actions: set[str] = set()
    keys: set[str] = set()
    for path in FILES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", "")
            if name == "_detail":
                keys.add("summary_kind")
                keys |= {keyword.arg for keyword in node.keywords if keyword.arg}
            if name != "audit_record":
                continue
            for keyword in node.keywords:
                if keyword.arg == "action" and isinstance(keyword.value, ast.Constant):
                    actions.add(keyword.value.value)
                if keyword.arg == "detail" and isinstance(keyword.value, ast.Dict):
                    keys |= {k.value for k in keyword.value.keys if isinstance(k, ast.Constant)}
        # Keys added after the dict is built: detail["summary_title"] = …
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Subscript)
                and getattr(node.value, "id", "") == "detail"
                and isinstance(node.slice, ast.Constant)
            ):
                keys.add(node.slice.value)
    return actions, keys


def test_every_action_and_detail_key_has_a_label() -> None:
    actions, keys = recorded()
    assert actions == {
        "summary.draft",
        "summary.save",
        "summary.submit",
        "summary.accept",
        "summary.return",
        "summary.appraise",
        "summary.archive",
        "summary_template.update",
    }
    assert keys == {
        "summary_kind",
        "summary_version",
        "summary_title",
        "sections",
        "resubmission",
        "comment",
        "appraisal",
    }
    assert sorted(a for a in actions if a not in ACTION_LABELS) == []
    assert sorted(k for k in keys if k not in DETAIL_KEYS) == []
    for model in ("summary", "summarytemplate"):
        assert f"summaries.{model}" in OBJECT_TYPES


def test_a_detail_reads_in_words() -> None:
    with translation.override("zh-hans"):
        assert (
            compact_detail(
                {"summary_kind": "final", "summary_version": 3, "sections": ["心得体会"]}
            )
            == "总结类型: 期满总结；版本: 3；栏目: 心得体会"
        )
