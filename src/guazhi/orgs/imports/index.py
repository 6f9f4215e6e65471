"""Units an actor may name in a sheet, found by name or by a chain of names."""

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_noop

from guazhi.core.i18n import Message
from guazhi.core.spreadsheets import (
    CellError,
)
from guazhi.orgs import selectors
from guazhi.orgs.models import Organisation, User

# Below this many units a drop-down of every unit in scope helps; above, it only gets in the way.
MAX_UNIT_CHOICES = 2000

Key = tuple[str, int]  # ("db", organisation pk) or ("row", Excel row number of a new unit)


@dataclass
class _Node:
    name: str
    parent: Key | None
    usable: bool


class UnitIndex:
    """Units an actor may use, found by name, or by a chain of names ("浔阳区/白鹿镇") when
    the name alone is ambiguous. New units of an import join it as their rows are checked."""

    def __init__(self, units: Iterable[Organisation]) -> None:
        self.units: dict[int, Organisation] = {}
        self.nodes: dict[Key, _Node] = {}
        self.by_name: dict[str, list[Key]] = defaultdict(list)
        self._chains: dict[Key, tuple[str, ...]] = {}
        self._labels: dict[Key, str] = {}
        for unit in units:
            self.units[unit.pk] = unit
            self.add(("db", unit.pk), unit.name, ("db", unit.parent_id) if unit.parent_id else None)
        # Units above the actor's scope are not usable, but their names make chains readable.
        above = {
            pk
            for unit in self.units.values()
            for pk in Organisation.ids_on(unit.path)
            if pk not in self.units
        }
        for pk, name, parent_id in Organisation.objects.filter(pk__in=above).values_list(
            "pk", "name", "parent_id"
        ):
            parent = ("db", parent_id) if parent_id else None
            self.nodes[("db", pk)] = _Node(name, parent, usable=False)

    def add(self, key: Key, name: str, parent: Key | None) -> None:
        self.nodes[key] = _Node(name, parent, usable=True)
        self.by_name[name].append(key)
        self._labels.clear()  # a new namesake can make a short label ambiguous

    def chain(self, key: Key) -> tuple[str, ...]:
        if key not in self._chains:
            node = self.nodes[key]
            above = self.chain(node.parent) if node.parent in self.nodes else ()
            self._chains[key] = (*above, node.name)  # type: ignore[arg-type]
        return self._chains[key]

    def _matching(self, parts: Sequence[str]) -> list[Key]:
        return [
            key
            for key in self.by_name.get(parts[-1], [])
            if self.chain(key)[-len(parts) :] == tuple(parts)
        ]

    def find(self, text: str) -> Key:
        parts = [part.strip() for part in re.split(r"[/／]", text) if part.strip()]
        found = self._matching(parts) if parts else []
        if not found:
            raise CellError(
                Message(gettext_noop("单位“%(name)s”不存在或不在您的管辖范围内。"), name=text)
            )
        if len(found) > 1:
            raise CellError(
                Message(
                    gettext_noop(
                        "有%(n)s个单位名为“%(name)s”，请连同上级单位写出，如“%(example)s”。"
                    ),
                    n=len(found),
                    name=parts[-1],
                    example=self.label(found[0]),
                )
            )
        return found[0]

    def label(self, key: Key) -> str:
        """The shortest chain of names that `find` reads back as this unit."""
        if key not in self._labels:
            chain = self.chain(key)
            length = next(
                (n for n in range(1, len(chain)) if len(self._matching(chain[-n:])) == 1),
                len(chain),
            )
            self._labels[key] = "/".join(chain[-length:])
        return self._labels[key]

    def child(self, parent: Key | None, name: str) -> Key | None:
        for key in self.by_name.get(name, []):
            if self.nodes[key].parent == parent:
                return key
        return None

    def labels(self) -> list[str]:
        usable = [key for key in self.nodes if key[0] == "db" and self.nodes[key].usable]
        return [self.label(key) for key in usable[:MAX_UNIT_CHOICES]]


def manageable_units(actor: User) -> UnitIndex:
    """Units under which a coordinator may create units (unit import)."""
    return UnitIndex(selectors.unit_choices_for(actor=actor, manage=True).only(*_UNIT_ONLY))


def roster_units(actor: User) -> UnitIndex:
    """Units whose roster the actor manages: the home units a cadre row may name."""
    return UnitIndex(selectors.cadre_home_unit_choices(actor=actor).only(*_UNIT_ONLY))


_UNIT_ONLY = ("id", "name", "parent_id", "path")
