"""The units sheet: its columns, and the import job that creates and updates units."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, pgettext_lazy

from guazhi.core.i18n import Message, msgid_of
from guazhi.core.jobs import Progress, job_kind
from guazhi.core.models import Job
from guazhi.core.spreadsheets import (
    CellError,
    Column,
    Row,
    SheetSpec,
    parse_text,
)
from guazhi.orgs import services
from guazhi.orgs.imports.columns import _coded_column, _digits_column, _import_upload
from guazhi.orgs.imports.index import Key, manageable_units
from guazhi.orgs.models import Organisation, OrgKind, OrgLevel, User
from guazhi.orgs.scopes import scopes_of

UNIT_IMPORT = "orgs.unit_import"
# Sheet titles follow the reader's language; the importer reads the first sheet, whatever its title.
UNIT_SHEET = pgettext_lazy("sheet title", "单位")


def unit_spec(parent_labels: Sequence[str] = ()) -> SheetSpec:
    return SheetSpec(
        title=UNIT_SHEET,
        columns=(
            Column(
                "单位名称",
                "name",
                parse_text(100),
                required=True,
                example="白鹿镇人民政府",
                help=gettext_lazy("单位全称，不超过100字；同一上级单位下不能重名。"),
                width=28,
            ),
            Column(
                "上级单位",
                "parent",
                parse_text(200),
                example="白鹿镇",
                help=gettext_lazy(
                    "系统中已有的单位，或本表中排在前面的单位；重名时连同上级写出，"
                    "如“浔阳区/白鹿镇”。只有系统管理员可以留空（创建顶级单位）。"
                ),
                choices=tuple(parent_labels),
                strict_choices=False,
                width=28,
            ),
            _coded_column(
                "单位类型",
                "kind",
                OrgKind,
                required=True,
                example=msgid_of(OrgKind.PARTY_GOVERNMENT.label),
            ),
            _coded_column(
                "行政级别",
                "level",
                OrgLevel,
                required=True,
                example=msgid_of(OrgLevel.TOWNSHIP.label),
            ),
            Column(
                "行政区划名称",
                "region_name",
                parse_text(50),
                example="白鹿镇",
                help=gettext_lazy("选填，不超过50字。"),
            ),
            _digits_column(
                "行政区划代码",
                "region_code",
                6,
                example="360403",
                help=gettext_lazy("选填，6位数字（GB/T 2260）。"),
            ),
        ),
        notes=(
            gettext_lazy("表中已有的单位（同一上级下同名）会按本表更新单位类型、级别和行政区划。"),
        ),
    )


UNIT_FIELDS = ("name", "kind", "level", "region_name", "region_code")


@dataclass
class _UnitPlan:
    action: str  # created / updated / unchanged
    parent: Key | None
    existing: Key | None
    fields: dict[str, Any]


class UnitRows:
    """Rows of a unit sheet: a parent is a unit in the actor's scope or one created above."""

    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.is_admin = scopes_of(actor).is_admin
        self.index = manageable_units(actor)
        self.plans: dict[int, _UnitPlan] = {}
        self.seen: dict[tuple[Key | None, str], int] = {}
        self.created: dict[Key, Organisation] = {}

    def prepare(self, rows: list[Row], present: frozenset[str]) -> None:
        """Nothing to fetch ahead: the index of units holds all a row can name."""

    def check(self, row: Row) -> list[tuple[str, str]]:
        values = row.values
        problems: list[tuple[str, str]] = []
        parent: Key | None = None
        parent_text = values.get("parent", "")
        if parent_text:
            try:
                parent = self.index.find(parent_text)
            except CellError as error:
                problems.append(("parent", error.message))
        elif "parent" not in row.failed and not self.is_admin:
            problems.append(("parent", _("上级单位不能为空；只有系统管理员可以创建顶级单位。")))
        fields = {key: values.get(key, "") for key in UNIT_FIELDS}
        for key, message in services.unit_field_errors(fields).items():
            if key not in row.failed:
                problems.append((key, message))
        if problems or row.failed:
            return problems
        name = fields["name"]
        earlier = self.seen.setdefault((parent, name), row.number)
        if earlier != row.number:
            return [
                (
                    "name",
                    Message(
                        gettext_noop("与第%(row)s行重复：同一上级单位下不能有两个“%(name)s”。"),
                        row=earlier,
                        name=name,
                    ),
                )
            ]
        existing = self.index.child(parent, name)
        if existing is None:
            self.index.add(("row", row.number), name, parent)
            self.plans[row.number] = _UnitPlan("created", parent, None, fields)
            return []
        unit = self.index.units[existing[1]]
        changed = {
            key: fields[key]
            for key in UNIT_FIELDS
            if key in values and getattr(unit, key) != fields[key]
        }
        self.plans[row.number] = _UnitPlan(
            "updated" if changed else "unchanged", parent, existing, changed
        )
        return []

    def _unit(self, key: Key | None) -> Organisation | None:
        if key is None:
            return None
        return self.created[key] if key[0] == "row" else self.index.units[key[1]]

    def write(self, row: Row) -> str:
        plan = self.plans[row.number]
        if plan.action == "created":
            self.created[("row", row.number)] = services.unit_create(
                actor=self.actor, parent=self._unit(plan.parent), **plan.fields
            )
        elif plan.action == "updated":
            existing = self._unit(plan.existing)
            assert existing is not None
            services.unit_update(actor=self.actor, unit=existing, **plan.fields)
        return plan.action


@job_kind(UNIT_IMPORT, label=gettext_lazy("导入单位"))
def unit_import_job(job: Job, progress: Progress) -> dict[str, Any]:
    return _import_upload(job, unit_spec(), UnitRows(job.owner), progress)
