"""The audit log names every action the programmes app records, in words, never as a code."""

import re
from pathlib import Path

from django.utils import translation

from guazhi.core.views.audit import ACTION_LABELS, OBJECT_TYPES, action_label

SOURCES = Path(__file__).resolve().parents[2] / "src" / "guazhi"


def recorded_actions() -> set[str]:
    found: set[str] = set()
    for path in [*(SOURCES / "programmes").rglob("*.py"), SOURCES / "core" / "attachments.py"]:
        found |= set(re.findall(r'action="([a-z_.]+)"', path.read_text(encoding="utf-8")))
    return found


def test_every_recorded_action_has_a_label() -> None:
    actions = recorded_actions()
    assert len(actions) > 30  # the scan sees the services, not an empty tree
    assert sorted(actions - ACTION_LABELS.keys()) == []


def test_programme_records_read_as_words_in_both_languages() -> None:
    with translation.override("zh-hans"):
        assert action_label("run.adopt") == "采纳匹配方案"
        assert str(OBJECT_TYPES["programmes.batch"]) == "批次"
    with translation.override("en"):
        assert action_label("run.adopt") != "采纳匹配方案"
