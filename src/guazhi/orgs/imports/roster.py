"""The cadre roster sheet: its columns, the import job and the export job."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from guazhi.core.i18n import Message
from guazhi.core.jobs import Progress, job_files_dir, job_kind, job_language
from guazhi.core.models import Job
from guazhi.core.spreadsheets import (
    CellError,
    Column,
    Row,
    SheetSpec,
    parse_choice,
    parse_text,
    sheet_export,
)
from guazhi.orgs import selectors, services, vocab
from guazhi.orgs.idcard import check_character, normalise_id_number
from guazhi.orgs.imports.columns import (
    _date_column,
    _digits_column,
    _import_upload,
    _vocabulary_column,
    parse_relatives,
    parse_tags,
    relatives_text,
)
from guazhi.orgs.imports.index import UnitIndex, roster_units
from guazhi.orgs.models import CadreProfile, CadreRelative, Organisation, User
from guazhi.orgs.scopes import ROSTER_KEEPERS, ROSTER_ROLES, scopes_of

CADRE_IMPORT = "orgs.cadre_import"
CADRE_EXPORT = "orgs.cadre_export"
# Sheet titles follow the reader's language; the importer reads the first sheet, whatever its title.
CADRE_SHEET = gettext_lazy("干部名册")


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
            _date_column("参加工作时间", "work_started_on", example=dt.date(2008, 7, 1)),
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


@job_kind(CADRE_EXPORT, label=gettext_lazy("导出干部名册"), roles=ROSTER_KEEPERS)
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
