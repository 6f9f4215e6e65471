"""Excel import of units and of the cadre roster, and export of the roster, run as jobs.

The column lists are declared once here and serve the sample workbook, the importer and the
exporter alike, so an exported roster can be edited and imported back unchanged. Rows are
written through the services (validation, scope checks and audit live there); this module
only reads cells, finds units by name and decides per row: create, update or leave alone.
"""

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Prefetch, TextChoices
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, pgettext_lazy

from guazhi.core.i18n import Message
from guazhi.core.jobs import Progress, job_files_dir, job_kind, job_language
from guazhi.core.models import Job
from guazhi.core.spreadsheets import (
    CellError,
    Column,
    Row,
    RowHandler,
    SheetSpec,
    cell_text,
    parse_choice,
    parse_date,
    parse_text,
    sheet_export,
    sheet_import,
)
from guazhi.orgs import selectors, services, vocab
from guazhi.orgs.idcard import check_character, normalise_id_number
from guazhi.orgs.models import CadreProfile, CadreRelative, Organisation, OrgKind, OrgLevel, User
from guazhi.orgs.scopes import ROSTER_ROLES, scopes_of

UNIT_IMPORT = "orgs.unit_import"
CADRE_IMPORT = "orgs.cadre_import"
CADRE_EXPORT = "orgs.cadre_export"
# Sheet titles follow the reader's language; the importer reads the first sheet, whatever its title.
UNIT_SHEET = pgettext_lazy("sheet title", "单位")
CADRE_SHEET = gettext_lazy("干部名册")
# Below this many units a drop-down of every unit in scope helps; above, it only gets in the way.
MAX_UNIT_CHOICES = 2000

Key = tuple[str, int]  # ("db", organisation pk) or ("row", Excel row number of a new unit)


# Finding units by name -------------------------------------------------------------------


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
            int(part)
            for unit in self.units.values()
            for part in unit.path.strip(".").split(".")
            if part and int(part) not in self.units
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


# Cell parsers of this domain -------------------------------------------------------------


def _zh(label: Any) -> str:
    # Choice labels are Chinese msgids: the sheet uses them whatever the interface language.
    with translation.override("zh-hans"):
        return str(label)


def _choice(choices: type[TextChoices]) -> Any:
    """Accept the stored value or the full label (e.g. "参公" or "参照公务员法管理")."""
    options = {str(value): str(value) for value in choices.values}
    options |= {_zh(label): str(value) for value, label in choices.choices}
    return parse_choice(options, shown=[str(value) for value in choices.values])


def _labels(choices: type[TextChoices]) -> list[str]:
    return [_zh(label) for label in choices.labels]


def _label_choice(choices: type[TextChoices]) -> Any:
    """Accept the label (what people write, e.g. "乡镇") or the stored code ("township")."""
    options = {_zh(label): str(value) for value, label in choices.choices}
    options |= {str(value): str(value) for value in choices.values}
    return parse_choice(options, shown=_labels(choices))


def parse_code(max_length: int) -> Any:
    """Numbers typed as text (ID, phone, region code): full-width digits as Chinese input
    methods type them (１３９…) become ASCII, as the services do before they validate."""
    parse = parse_text(max_length)
    return lambda value: parse(unicodedata.normalize("NFKC", cell_text(value)))


def parse_tags(value: Any) -> list[str]:
    return services.parse_tags(cell_text(value))


def parse_relatives(value: Any) -> list[tuple[str, str, str]]:
    """ "配偶:王芳:白鹿镇人民政府；父亲:王大山:江州市财政局" → [(relation, name, unit name), …]."""
    relatives = []
    for item in re.split(r"[；;\n]+", cell_text(value)):
        if not item.strip():
            continue
        parts = tuple(part.strip() for part in re.split(r"[:：]", item))
        if len(parts) != 3 or not all(parts):
            raise CellError(
                _(
                    "回避关系应写成“关系:姓名:工作单位”，多人之间用“；”分隔，如“配偶:王芳:白鹿镇人民政府”。"
                )
            )
        relation, name, unit_name = parts
        if len(relation) > 20 or len(name) > 50 or len(unit_name) > 100:
            raise CellError(_("回避关系中关系不超过20字、姓名不超过50字、工作单位不超过100字。"))
        relatives.append((relation, name, unit_name))
    return relatives


def relatives_text(relatives: Iterable[CadreRelative]) -> str:
    return "；".join(f"{r.relation}:{r.name}:{r.unit_name}" for r in relatives)


# Column shapes that recur ----------------------------------------------------------------

CHOOSE = gettext_lazy("从下拉列表中选择。")
DATE_HELP = gettext_lazy("Excel日期，或写成 1985-06-01、1985.06.01、1985/6/1。")


def _vocabulary_column(
    header: str, field: str, choices: type[TextChoices], **options: Any
) -> Column:
    """A vocabulary whose stored values are what people write ("中共党员"), as a drop-down."""
    options.setdefault("help", CHOOSE)
    return Column(header, field, _choice(choices), choices=choices.values, **options)


def _coded_column(header: str, field: str, choices: type[TextChoices], **options: Any) -> Column:
    """A vocabulary stored as codes ("township"): the drop-down offers the labels ("乡级")."""
    options.setdefault("help", CHOOSE)
    return Column(header, field, _label_choice(choices), choices=_labels(choices), **options)


def _date_column(header: str, field: str, **options: Any) -> Column:
    return Column(header, field, parse_date, help=DATE_HELP, is_date=True, empty=None, **options)


def _digits_column(header: str, field: str, length: int, **options: Any) -> Column:
    """Digits kept as text in Excel, so leading zeros stay and long numbers are not rounded."""
    return Column(header, field, parse_code(length), is_text=True, **options)


# Units -----------------------------------------------------------------------------------


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
                example=_zh(OrgKind.PARTY_GOVERNMENT.label),
            ),
            _coded_column(
                "行政级别", "level", OrgLevel, required=True, example=_zh(OrgLevel.TOWNSHIP.label)
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


# Cadres ----------------------------------------------------------------------------------


def _example_id_number() -> str:
    first17 = "36040319850601001"
    return first17 + check_character(first17)


def cadre_spec(unit_labels: Sequence[str] = ()) -> SheetSpec:
    return SheetSpec(
        title=CADRE_SHEET,
        columns=(
            Column(
                "姓名",
                "name",
                parse_text(50),
                required=True,
                example="王小明",
                help=gettext_lazy("不超过50字。"),
            ),
            _vocabulary_column(
                "性别", "gender", vocab.Gender, required=True, example="男", width=8
            ),
            _date_column("出生日期", "birth_date", required=True, example=dt.date(1985, 6, 1)),
            Column(
                "民族",
                "ethnicity",
                parse_choice({e: e for e in vocab.ETHNICITIES}),
                required=True,
                example="汉族",
                help=gettext_lazy("填写全称，如“汉族”“蒙古族”。"),
                choices=vocab.ETHNICITIES,
                width=10,
            ),
            _vocabulary_column(
                "政治面貌",
                "political_status",
                vocab.PoliticalStatus,
                required=True,
                example="中共党员",
            ),
            _vocabulary_column(
                "学历", "education", vocab.Education, required=True, example="大学本科"
            ),
            _vocabulary_column(
                "学位",
                "degree",
                vocab.Degree,
                example="学士",
                help=gettext_lazy("没有学位的填“无”或留空。"),
                empty=vocab.Degree.NONE.value,
                width=8,
            ),
            Column(
                "职称",
                "professional_title",
                parse_text(50),
                example="",
                help=gettext_lazy("选填，不超过50字。"),
            ),
            _vocabulary_column(
                "人员类别", "staff_type", vocab.StaffType, required=True, example="公务员"
            ),
            Column(
                "工作单位",
                "home_unit",
                parse_text(200),
                required=True,
                example="浔阳区委党校",
                help=gettext_lazy("您管辖范围内的单位；重名时连同上级写出，如“浔阳区/白鹿镇”。"),
                choices=tuple(unit_labels),
                strict_choices=False,
                width=28,
            ),
            Column(
                "职务",
                "position",
                parse_text(100),
                example="科长",
                help=gettext_lazy("选填，不超过100字。"),
                width=20,
            ),
            _vocabulary_column("职级", "rank", vocab.Rank, required=True, example="正科级"),
            _date_column("任现职时间", "current_post_since", example=dt.date(2020, 3, 1)),
            Column(
                "籍贯",
                "native_place",
                parse_text(50),
                example="江西九江",
                help=gettext_lazy("选填，不超过50字。"),
            ),
            _digits_column(
                "籍贯行政区划代码",
                "native_region_code",
                6,
                example="360400",
                help=gettext_lazy("选填，6位数字。"),
                width=18,
            ),
            Column(
                "专业特长",
                "expertise",
                parse_tags,
                example="招商引资、乡村振兴",
                empty=(),
                help=gettext_lazy("多项之间用顿号“、”分隔，每项不超过20字。"),
                width=24,
            ),
            _digits_column(
                "手机号码",
                "phone",
                11,
                example="13907920000",
                help=gettext_lazy("选填，以1开头的11位数字。"),
            ),
            _digits_column(
                "身份证号",
                "id_number",
                18,
                required=True,
                example=_example_id_number(),
                help=gettext_lazy("18位；已登记的身份证号按本表更新该干部的信息。"),
                width=22,
            ),
            Column(
                "回避关系",
                "relatives",
                parse_relatives,
                example="配偶:王芳:白鹿镇人民政府",
                empty=(),
                help=gettext_lazy("写成“关系:姓名:工作单位”，多人之间用“；”分隔；留空表示没有。"),
                width=36,
            ),
        ),
        notes=(
            gettext_lazy(
                "身份证号已登记的干部按本表更新；本表中有的列才会更新，没有的列保持原值。"
            ),
            gettext_lazy("身份证号、手机号码请设为“文本”格式，以免 Excel 把长数字截断。"),
        ),
    )


@dataclass
class _CadrePlan:
    action: str
    profile: CadreProfile | None
    fields: dict[str, Any]
    relatives: list[dict[str, Any]] | None


class CadreRows:
    """Rows of a roster sheet: an ID number already registered updates that profile."""

    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.scopes = scopes_of(actor)
        self.index = roster_units(actor)
        self.spec = cadre_spec()
        self.plans: dict[int, _CadrePlan] = {}
        self.first_row_of: dict[str, int] = {}

    def prepare(self, rows: list[Row], present: frozenset[str]) -> None:
        """Fetch the profiles of registered ID numbers and the units relatives name, in bulk."""
        numbers = sorted(
            {normalise_id_number(r.values.get("id_number") or "") for r in rows} - {""}
        )
        self.existing: dict[str, CadreProfile] = {}
        relatives = Prefetch("relatives", CadreRelative.objects.select_related("unit"))
        for start in range(0, len(numbers), 500):
            chunk = numbers[start : start + 500]
            found = CadreProfile.objects.filter(id_number__in=chunk).select_related("home_unit")
            self.existing |= {p.id_number: p for p in found.prefetch_related(relatives)}
        # A relative's unit is linked when its name is that of exactly one unit in the system:
        # avoidance checks need the link wherever the relative works, in scope or not.
        names = {unit for r in rows for (_rel, _name, unit) in r.values.get("relatives") or ()}
        by_name: dict[str, list[Organisation]] = defaultdict(list)
        for start in range(0, len(names), 500):
            chunk_names = sorted(names)[start : start + 500]
            for unit in Organisation.objects.filter(name__in=chunk_names).only("id", "name"):
                by_name[unit.name].append(unit)
        self.unit_named = {name: units[0] for name, units in by_name.items() if len(units) == 1}

    def check(self, row: Row) -> list[tuple[str, str]]:
        values = dict(row.values)
        problems: list[tuple[str, str]] = []
        if "home_unit" in values:
            try:
                values["home_unit"] = self.index.units[self.index.find(values["home_unit"])[1]]
            except CellError as error:
                problems.append(("home_unit", error.message))
                row.failed.add("home_unit")
        profile = None
        if "id_number" in values:
            values["id_number"] = number = normalise_id_number(values["id_number"])
            earlier = self.first_row_of.setdefault(number, row.number)
            if earlier != row.number:
                problems.append(
                    (
                        "id_number",
                        Message(gettext_noop("与第%(row)s行的身份证号重复。"), row=earlier),
                    )
                )
            profile = self.existing.get(number)
            if profile is not None and not self.scopes.covers(profile.home_unit.path, ROSTER_ROLES):
                problems.append(
                    ("id_number", _("该身份证号已登记在您管辖范围以外的单位，不能在此导入。"))
                )
                return problems
        base = {c.field: c.empty for c in self.spec.columns if not c.required}
        if profile is not None:
            base = {key: getattr(profile, key) for key in services.CADRE_FIELDS}
        fields = base | {key: value for key, value in values.items() if key != "relatives"}
        fields["expertise"] = list(fields["expertise"])
        for key, message in services.cadre_field_errors(fields).items():
            if key not in row.failed:
                problems.append((key, message))
        if problems or row.failed:
            return problems
        fields = {key: fields[key] for key in services.CADRE_FIELDS}
        relatives = self._relatives(profile, values["relatives"]) if "relatives" in values else None
        if profile is None:
            self.plans[row.number] = _CadrePlan("created", None, fields, relatives or [])
        else:
            changed = self._differs(profile, fields, relatives)
            self.plans[row.number] = _CadrePlan(
                "updated" if changed else "unchanged", profile, fields, relatives
            )
        return []

    def _relatives(
        self, profile: CadreProfile | None, parsed: Sequence[tuple[str, str, str]]
    ) -> list[dict[str, Any]]:
        # Keep a link already made (perhaps by hand) when the same relative is listed again.
        linked = (
            {(r.relation, r.name, r.unit_name): r.unit for r in profile.relatives.all()}
            if profile
            else {}
        )
        return [
            {
                "relation": relation,
                "name": name,
                "unit_name": unit_name,
                "unit": linked.get((relation, name, unit_name)) or self.unit_named.get(unit_name),
            }
            for relation, name, unit_name in parsed
        ]

    @staticmethod
    def _differs(
        profile: CadreProfile, fields: dict[str, Any], relatives: list[dict[str, Any]] | None
    ) -> bool:
        for key, value in fields.items():
            current = getattr(profile, key)
            if key == "home_unit":
                current, value = current.pk, value.pk
            if current != value:
                return True
        if relatives is None:
            return False
        now = [(r.relation, r.name, r.unit_name, r.unit_id) for r in profile.relatives.all()]
        wanted = [
            (r["relation"], r["name"], r["unit_name"], getattr(r["unit"], "pk", None))
            for r in relatives
        ]
        return now != wanted

    def write(self, row: Row) -> str:
        plan = self.plans[row.number]
        if plan.action == "created":
            services.cadre_create(actor=self.actor, relatives=plan.relatives, **plan.fields)
        elif plan.action == "updated":
            assert plan.profile is not None
            services.cadre_update(
                actor=self.actor, profile=plan.profile, relatives=plan.relatives, **plan.fields
            )
        return plan.action


@job_kind(CADRE_IMPORT, label=gettext_lazy("导入干部名册"))
def cadre_import_job(job: Job, progress: Progress) -> dict[str, Any]:
    return _import_upload(job, cadre_spec(), CadreRows(job.owner), progress)


def _import_upload(
    job: Job, spec: SheetSpec, handler: RowHandler, progress: Progress
) -> dict[str, Any]:
    with default_storage.open(job.params["upload"], "rb") as source:
        return sheet_import(source=source, spec=spec, handler=handler, progress=progress)


def cadre_export_rows(
    actor: User, cadres: Iterable[CadreProfile], index: UnitIndex
) -> Iterator[dict[str, Any]]:
    for profile in cadres:
        sensitive = selectors.can_see_sensitive(actor=actor, profile=profile)
        yield {
            **{key: getattr(profile, key) for key in services.CADRE_FIELDS},
            "home_unit": index.label(("db", profile.home_unit_id)),
            "id_number": selectors.displayed_id_number(
                actor=actor, profile=profile, sensitive=sensitive
            ),
            "phone": selectors.displayed_phone(actor=actor, profile=profile, sensitive=sensitive),
            "relatives": relatives_text(profile.relatives.all()),
        }


@job_kind(CADRE_EXPORT, label=gettext_lazy("导出干部名册"))
def cadre_export_job(job: Job, progress: Progress) -> dict[str, Any]:
    actor = job.owner
    cadres = selectors.cadre_list(actor=actor, query=job.params.get("query", ""))
    total = cadres.count()
    cadres = cadres.select_related("home_unit").prefetch_related("relatives")
    progress(0, total)
    rows = cadre_export_rows(actor, cadres.iterator(chunk_size=500), roster_units(actor))
    # The file is for the person who asked for it: sheet title and file name in their language.
    with translation.override(job_language(job)):
        content = sheet_export(cadre_spec(), rows, total=total, progress=progress)
        filename = _("干部名册_%(time)s.xlsx") % {"time": f"{timezone.localtime():%Y%m%d_%H%M}"}
    stored = default_storage.save(f"{job_files_dir(job.pk)}/export.xlsx", ContentFile(content))
    return {"file": stored, "filename": filename, "rows": total}
