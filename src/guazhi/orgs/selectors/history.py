"""The change history of units and cadre profiles, field by field, for display."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from guazhi.core.errors import NotFound
from guazhi.core.text import join_list
from guazhi.orgs import vocab
from guazhi.orgs.models import (
    CadreProfile,
    Organisation,
    OrgKind,
    OrgLevel,
    User,
)
from guazhi.orgs.scopes import scopes_of
from guazhi.orgs.selectors.cadres import can_see_sensitive
from guazhi.orgs.selectors.units import UNIT_ROLES
from guazhi.orgs.services.cadres import CADRE_FIELDS

UNIT_HISTORY_FIELDS = ("name", "kind", "level", "region_name", "region_code", "parent")


def unit_history(*, actor, unit: Organisation, limit: int = 10) -> "list[HistoryEntry]":  # type: ignore[no-untyped-def]
    """The newest changes to a unit (simple-history), field by field, newest first.

    Records that moved only bookkeeping fields (the path written right after a create, paths
    rewritten when an ancestor moves, pinyin keys) are left out: nobody changed anything.
    """
    if not scopes_of(actor).covers(unit.path, UNIT_ROLES):
        raise NotFound()
    # Bookkeeping records are skipped, so fetch extra; one more than that to diff the oldest.
    history = unit.history.select_related("history_user").order_by("-history_date", "-history_id")
    records = list(history[: limit * 2 + 1])
    deltas = []
    for record, older in zip(records, [*records[1:], None], strict=True):
        delta = record.diff_against(older, included_fields=UNIT_HISTORY_FIELDS) if older else None
        deltas.append((record, delta.changes if delta else []))
    parent_ids = {
        v for _, changes in deltas for c in changes if c.field == "parent" for v in (c.old, c.new)
    }
    parents = Organisation.objects.in_bulk(parent_ids - {None})
    labels = {f.name: str(f.verbose_name) for f in Organisation._meta.fields}
    choice_labels: dict[str, dict[Any, Any]] = {
        "kind": dict(OrgKind.choices),
        "level": dict(OrgLevel.choices),
        "parent": {pk: parent.name for pk, parent in parents.items()},
    }
    kinds = {"+": gettext("创建"), "~": gettext("修改"), "-": gettext("删除")}

    def shown(field: str, value: object) -> str:
        if value in (None, ""):
            return ""
        return str(choice_labels.get(field, {}).get(value, value))

    entries: list[HistoryEntry] = []
    for record, changes in deltas:
        if record.history_type == "~" and not changes:
            continue  # bookkeeping only, or the oldest fetched, whose predecessor is not here
        shown_changes = [
            HistoryChange(
                label=labels[c.field],
                old=shown(c.field, c.old),
                new=shown(c.field, c.new),
            )
            for c in sorted(changes, key=lambda c: UNIT_HISTORY_FIELDS.index(c.field))
        ]
        who = record.history_user.get_full_name() if record.history_user else ""
        kind = kinds.get(record.history_type, "")
        entries.append(HistoryEntry(record.history_date, who, kind, shown_changes))
        if len(entries) == limit:
            break
    return entries


@dataclass(frozen=True)
class HistoryChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: dt.datetime
    who: str
    kind: str
    changes: list[HistoryChange]
    created: bool = False


# The profile fields as the services define them, then the account link.
CADRE_HISTORY_FIELDS = (*CADRE_FIELDS, "user")
SENSITIVE_FIELDS = frozenset({"id_number", "phone"})


def cadre_history(  # type: ignore[no-untyped-def]
    *, actor, profile: CadreProfile, limit: int = 20
) -> list[HistoryEntry]:
    """The newest changes to a profile, field by field. The history table keeps raw ID and
    phone numbers, so for viewers who may not see them the values never leave this function."""
    sensitive = can_see_sensitive(actor=actor, profile=profile)
    # One record more than shown: the oldest shown change needs its predecessor to diff against.
    records = list(
        profile.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    deltas = [
        (record, older and record.diff_against(older, included_fields=CADRE_HISTORY_FIELDS).changes)
        for record, older in zip(records[:limit], [*records[1:], None], strict=False)
    ]
    ids: dict[str, set] = {"home_unit": set(), "user": set()}
    for _, changes in deltas:
        for change in changes or []:
            if change.field in ids:
                ids[change.field] |= {change.old, change.new} - {None}
    names = {
        "home_unit": {
            pk: o.name for pk, o in Organisation.objects.in_bulk(ids["home_unit"]).items()
        },
        "user": {pk: u.username for pk, u in User.objects.in_bulk(ids["user"]).items()},
    }
    kinds = {"+": gettext("创建"), "~": gettext("修改"), "-": gettext("删除")}
    entries = []
    for record, changes in deltas:
        shown = [
            HistoryChange(
                label=str(
                    getattr(
                        CadreProfile._meta.get_field(change.field), "verbose_name", change.field
                    )
                ),
                old=_history_value(change.field, change.old, names, sensitive),
                new=_history_value(change.field, change.new, names, sensitive),
            )
            for change in sorted(changes or [], key=lambda c: CADRE_HISTORY_FIELDS.index(c.field))
        ]
        if record.history_type == "~" and not shown:
            continue  # only pinyin keys or timestamps moved: nothing a reader would call a change
        who = record.history_user.get_full_name() if record.history_user else ""
        kind = kinds.get(record.history_type, "")
        created = record.history_type == "+"
        entries.append(HistoryEntry(record.history_date, who, kind, shown, created=created))
    return entries


def _history_value(field: str, value: object, names: dict[str, dict], sensitive: bool) -> str:
    if value in (None, "", []):
        return ""
    if field in SENSITIVE_FIELDS and not sensitive:
        return gettext("（不显示）")
    if field in names:
        return names[field].get(value, str(value))
    if field == "ethnicity" and value in vocab.ETHNICITIES:
        return gettext(str(value))  # stored in Chinese, the standard's name: a msgid
    if isinstance(value, list):
        return join_list(str(item) for item in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
