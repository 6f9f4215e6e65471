"""The audit log names every action the programmes app records, in words, never as a code;
and every key of what it records with the action (detail keys, changed fields) too."""

import ast
import re
from pathlib import Path

from django.utils import translation

from guazhi.core.views.audit import (
    ACTION_LABELS,
    DETAIL_KEYS,
    OBJECT_TYPES,
    action_label,
    compact_detail,
)
from guazhi.programmes.audit_labels import DETAIL_VALUES
from guazhi.programmes.models import AttendanceStatus
from guazhi.programmes.services.batches import BATCH_FIELDS
from guazhi.programmes.services.call import NOTICE_FIELDS
from guazhi.programmes.services.groups import SESSION_FIELDS
from guazhi.programmes.services.posts import POST_FIELDS

SOURCES = Path(__file__).resolve().parents[2] / "src" / "guazhi"
SCANNED = [*(SOURCES / "programmes").rglob("*.py"), SOURCES / "core" / "attachments.py"]


def recorded_actions() -> set[str]:
    found: set[str] = set()
    for path in SCANNED:
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'action="([a-z_.]+)"', text))
        # Chosen by a condition: action = "a.b" if … else "a.c", or action, detail = "a.b", {…}
        found |= set(re.findall(r'action(?:, detail)? = "([a-z_.]+)"', text))
        found |= set(re.findall(r'(?:if|else) "([a-z_]+\.[a-z_]+)"', text))
    return found


def _literal_keys(node: ast.AST) -> set[str]:
    if isinstance(node, ast.Dict):
        return {k.value for k in node.keys if isinstance(k, ast.Constant)}
    if isinstance(node, ast.Tuple):  # action, detail = "x.y", {...}
        return set().union(*(_literal_keys(item) for item in node.elts))
    return set()


def recorded_detail_keys() -> set[str]:
    """Keys of every detail dict passed to audit_record: written as a literal in the call, or
    built in a variable named `detail` (a literal, then `detail["key"] = …`)."""
    found: set[str] = set()
    for path in SCANNED:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "audit_record":
                for keyword in node.keywords:
                    if keyword.arg == "detail":
                        found |= _literal_keys(keyword.value)
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
                if "detail" in names and node.value is not None:
                    found |= _literal_keys(node.value)
                for target in targets:
                    if (
                        isinstance(target, ast.Subscript)
                        and getattr(target.value, "id", "") == "detail"
                        and isinstance(target.slice, ast.Constant)
                    ):
                        found.add(target.slice.value)
    return found


def test_every_recorded_action_has_a_label() -> None:
    actions = recorded_actions()
    assert len(actions) > 30  # the scan sees the services, not an empty tree
    assert {"application.change", "selection_step.confirm", "notice.update"} <= actions
    assert sorted(actions - ACTION_LABELS.keys()) == []


def test_every_recorded_detail_key_and_changed_field_has_a_label() -> None:
    keys = recorded_detail_keys()
    assert {"received_on", "open_objections", "confirms_recommendation"} <= keys  # scan works
    # training.attendance spreads its counts per status into the detail.
    keys |= set(AttendanceStatus.values)
    fields = {*BATCH_FIELDS, *POST_FIELDS, *NOTICE_FIELDS, *SESSION_FIELDS}
    fields |= {"state", "start_date", "end_date", "party_transfer_on", "outcome", "held_on"}
    assert sorted((keys | fields) - DETAIL_KEYS.keys()) == []


def test_a_programme_detail_reads_as_words_in_both_languages() -> None:
    detail = {"changed": 2, "present": 3, "excused": 1, "absent": 0}
    with translation.override("zh-hans"):
        assert compact_detail(detail) == "变更人数: 2；出席: 3；请假: 1；缺席: 0"
        assert str(DETAIL_VALUES["from"]["proposed"]) == "拟任"
    with translation.override("en"):
        assert compact_detail(detail) == "Changed: 2; Present: 3; Excused: 1; Absent: 0"
        assert str(DETAIL_VALUES["channel"]["来信"]) == "Letter"


def test_programme_records_read_as_words_in_both_languages() -> None:
    with translation.override("zh-hans"):
        assert action_label("run.adopt") == "采纳匹配方案"
        assert str(OBJECT_TYPES["programmes.batch"]) == "批次"
    with translation.override("en"):
        assert action_label("run.adopt") != "采纳匹配方案"
