"""The audit log names every action the meetings area records, every key of what it records
with it, and the meeting's kind, in words, never as a code."""

import ast
import re
from pathlib import Path

from django.utils import translation

from guazhi.core.views.audit import ACTION_LABELS, DETAIL_KEYS, OBJECT_TYPES, compact_detail
from guazhi.summaries.services import meetings

SOURCE = Path(meetings.__file__)


def recorded_actions() -> set[str]:
    return set(re.findall(r'action="([a-z_.]+)"', SOURCE.read_text(encoding="utf-8")))


def recorded_keys() -> set[str]:
    """Keys of the detail dicts written as literals in audit_record calls, and the names the
    changes of a meeting are recorded under."""
    found: set[str] = set(meetings._AUDITED.values())
    for node in ast.walk(ast.parse(SOURCE.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "audit_record":
            for keyword in node.keywords:
                if keyword.arg == "detail" and isinstance(keyword.value, ast.Dict):
                    found |= {k.value for k in keyword.value.keys if isinstance(k, ast.Constant)}
    return found


def test_every_meeting_action_and_detail_key_has_a_label() -> None:
    actions = recorded_actions()
    assert actions == {
        "meeting.create",
        "meeting.update",
        "meeting.delete",
        "meeting.minutes",
        "meeting.speakers",
        "meeting.summaries",
    }
    assert sorted(actions - ACTION_LABELS.keys()) == []
    keys = recorded_keys()
    assert {"meeting_date", "participants_added", "summaries_linked", "changes"} <= keys
    assert sorted(keys - DETAIL_KEYS.keys()) == []
    assert "summaries.meeting" in OBJECT_TYPES


def test_a_meeting_change_reads_as_words() -> None:
    detail = {
        "changes": {"meeting_kind": ["exchange", "symposium"], "meeting_place": ["甲", "乙"]},
        "participants_added": ["赵敏"],
    }
    with translation.override("zh-hans"):
        assert compact_detail(detail) == (
            "会议类型: 交流会 → 座谈会；会议地点: 甲 → 乙；新增参会人员: 赵敏"
        )
