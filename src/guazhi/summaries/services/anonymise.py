"""Anonymising a summary for the experience library: names of people and units replaced, the
same name always by the same placeholder, different names by different ones.

The names come from the record, not from guessing: the person, their home and host units and
the units above those (by name), the coordinating unit, the members of the person's group, the
holders of leading roles over those units, the appraiser, and whatever extra names the
coordinator types (a village, a company, a colleague mentioned by name).

The placeholders read as Chinese anonymised case material does:

- the author is 某同志; every other person, in order of first appearance, 甲同志, 乙同志, 丙同志…;
  "张三同志" becomes 某同志, not 某同志同志;
- a unit keeps the kind its name ends with: 白鹿镇 → 某镇, 浔阳区 → 某区, 青山村 → 某村; when two
  units of one kind appear, they become 甲镇, 乙镇 in order of first appearance; a name that does
  not end in a known kind becomes 某单位 (甲单位, 乙单位…);
- a unit whose name begins with another listed name keeps that name's placeholder and the rest
  of its own name (浔阳区委党校 → 某区委党校, 白鹿镇人民政府 → 某镇人民政府), so a text reads the
  same whichever form it used.

Replacement is one pass over the text with the longest name winning at each position
(白鹿镇人民政府 before 白鹿镇, 张三丰 before 张三), so a placeholder is never replaced again.
Only names that occur in the text get a placeholder: the letters are given in the order the
reader meets them.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from guazhi.orgs.models import Organisation, Role, RoleAssignment
from guazhi.programmes.models import Assignment

AUTHOR = "某同志"
PERSON_SUFFIX = "同志"
# Heavenly stems, then earthly branches: enough for any summary; past them, numbers.
LETTERS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"
# What a unit's name ends with, longest first: the kind its placeholder keeps.
UNIT_SUFFIXES = (
    "人民政府",
    "办事处",
    "委员会",
    "管委会",
    "居委会",
    "村委会",
    "党工委",
    "组织部",
    "宣传部",
    "统战部",
    "开发区",
    "示范区",
    "合作社",
    "党校",
    "大学",
    "学院",
    "中学",
    "小学",
    "学校",
    "医院",
    "公司",
    "集团",
    "银行",
    "街道",
    "社区",
    "中心",
    "园区",
    "自治区",
    "自治州",
    "自治县",
    "省",
    "市",
    "区",
    "县",
    "旗",
    "州",
    "盟",
    "乡",
    "镇",
    "村",
    "局",
    "厅",
    "委",
    "办",
    "院",
    "所",
    "站",
    "部",
)
GENERIC_UNIT = "单位"
# A name this short is a word more often than a name (a one-character surname-less nickname).
MIN_NAME_LENGTH = 2


@dataclass
class Names:
    """The names to replace: people (the author apart) and units."""

    author: str = ""
    people: set[str] = field(default_factory=set)
    units: set[str] = field(default_factory=set)

    def add_people(self, names: Iterable[str]) -> None:
        self.people.update(_clean(name) for name in names)
        self.people.discard("")

    def add_units(self, names: Iterable[str]) -> None:
        self.units.update(_clean(name) for name in names)
        self.units.discard("")


def _clean(name: str) -> str:
    name = "".join(name.split())
    return name if len(name) >= MIN_NAME_LENGTH else ""


def names_of_record(assignment: Assignment, *, extra: Iterable[str] = ()) -> Names:
    """Every name the record of `assignment` gives (see the module's docstring), plus `extra`:
    an extra name counts as a unit when it ends with a unit's kind, else as a person."""
    names = Names(author=_clean(assignment.cadre.name))
    units = [assignment.host_unit, assignment.home_unit, assignment.batch.coordinating_org]
    unit_ids: set[int] = set()
    for unit in units:
        unit_ids.update(Organisation.ids_on(unit.path))
    names.add_units(Organisation.objects.filter(pk__in=unit_ids).values_list("name", flat=True))
    if assignment.group_id is not None:
        names.add_people(
            Assignment.objects.filter(group_id=assignment.group_id).values_list(
                "cadre__name", flat=True
            )
        )
    # Holders of leading roles over the person's units (at the unit or above it).
    leaders = RoleAssignment.objects.filter(
        organisation_id__in=unit_ids,
        role__in=(Role.COORDINATOR, Role.DISPATCH_ADMIN, Role.HOST_LEADER, Role.GROUP_LEADER),
    ).filter(Q(batch__isnull=True) | Q(batch_id=assignment.batch_id))
    names.add_people(leaders.values_list("user__full_name", flat=True))
    for extra_name in extra:
        cleaned = _clean(extra_name)
        if cleaned and _unit_suffix(cleaned):
            names.units.add(cleaned)
        elif cleaned:
            names.people.add(cleaned)
    names.people.discard(names.author)
    # A name given as both (a leader's account named after their unit): the unit wins.
    names.people -= names.units
    return names


def _unit_suffix(name: str) -> str:
    for suffix in UNIT_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return suffix
    return ""


def _lettered(index: int) -> str:
    return LETTERS[index] if index < len(LETTERS) else str(index + 1)


def placeholders(names: Names, text: str) -> dict[str, str]:
    """{name: placeholder} for the names that occur in `text` (see the module's docstring)."""
    present_people = {name for name in names.people if name in text}
    present_units = {name for name in names.units if name in text}
    author_present = bool(names.author) and names.author in text
    mapping: dict[str, str] = {}
    if author_present:
        mapping[names.author] = AUTHOR

    def first_seen(name: str) -> tuple[int, int]:
        return (text.find(name), -len(name))

    for index, name in enumerate(sorted(present_people, key=first_seen)):
        mapping[name] = _lettered(index) + PERSON_SUFFIX

    # Units: a name beginning with a shorter listed unit name is composed from it; the others
    # are grouped by kind and lettered when a kind has several.
    composed: dict[str, tuple[str, str]] = {}
    for name in present_units:
        prefixes = [
            other
            for other in names.units
            if other != name and name.startswith(other) and len(other) >= MIN_NAME_LENGTH
        ]
        if prefixes:
            prefix = max(prefixes, key=len)
            composed[name] = (prefix, name[len(prefix) :])
    base = sorted(
        {name for name in present_units if name not in composed}
        | {prefix for prefix, _rest in composed.values()},
        key=lambda name: first_seen(name) if name in text else (len(text), -len(name)),
    )
    by_kind: dict[str, list[str]] = {}
    for name in base:
        by_kind.setdefault(_unit_suffix(name) or GENERIC_UNIT, []).append(name)
    for kind, members in by_kind.items():
        if len(members) == 1:
            mapping[members[0]] = "某" + kind
        else:
            for index, name in enumerate(members):
                mapping[name] = _lettered(index) + kind
    for name in sorted(composed, key=len):
        prefix, rest = composed[name]
        mapping[name] = mapping[prefix] + rest
    # Keep only what occurs (a prefix used only inside longer names is harmless to keep).
    return mapping


def replace_names(text: str, mapping: dict[str, str]) -> str:
    """`text` with every name of `mapping` replaced, longest first, in one pass; a person's
    name followed by 同志 takes the 同志 with it."""
    if not mapping or not text:
        return text
    people = {
        placeholder for placeholder in mapping.values() if placeholder.endswith(PERSON_SUFFIX)
    }
    alternatives = sorted(mapping, key=len, reverse=True)
    pattern = re.compile(
        "(" + "|".join(re.escape(name) for name in alternatives) + ")(" + PERSON_SUFFIX + ")?"
    )

    def substitute(match: re.Match[str]) -> str:
        placeholder = mapping[match.group(1)]
        if match.group(2) and placeholder not in people:
            return placeholder + match.group(2)
        return placeholder

    return pattern.sub(substitute, text)


@dataclass(frozen=True)
class Anonymised:
    title: str
    sections: list[dict[str, str]]
    mapping: dict[str, str]  # name -> placeholder, for the audit trail and the keywords

    @property
    def placeholders(self) -> set[str]:
        return set(self.mapping.values())


def anonymise(title: str, sections: list[dict[str, Any]], names: Names) -> Anonymised:
    """Title and sections with the names replaced consistently across all of them."""
    whole = "\n".join([title, *(f"{s.get('heading', '')}\n{s.get('body', '')}" for s in sections)])
    mapping = placeholders(names, whole)
    return Anonymised(
        title=replace_names(title, mapping),
        sections=[
            {
                "heading": replace_names(str(section.get("heading", "")), mapping),
                "body": replace_names(str(section.get("body", "")), mapping),
            }
            for section in sections
        ],
        mapping=mapping,
    )


def parse_extra_names(raw: str) -> list[str]:
    """The coordinator's extra names: one a line, or separated by commas, 、 or semicolons."""
    parts = re.split(r"[\n\r,，、;；]+", raw or "")
    seen: list[str] = []
    for part in parts:
        cleaned = "".join(part.split())
        if cleaned and cleaned not in seen:
            seen.append(cleaned)
    return seen
