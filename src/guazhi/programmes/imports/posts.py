"""The posts sheet of a batch: its columns, and the import job that creates and updates posts.

A row names its host unit by name, or by a chain of names ("浔阳区/白鹿镇") when the name alone
is ambiguous, among the units the coordinator manages (the unit import's rule). A row whose
host unit and title match a post of the batch updates that post, so a sheet can be corrected
and imported again; two rows with the same host unit and title are refused. All or nothing.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy, gettext_noop, pgettext_lazy

from guazhi.core.i18n import Message, msgid_of
from guazhi.core.jobs import Progress, job_kind
from guazhi.core.models import Job
from guazhi.core.spreadsheets import (
    CellError,
    Column,
    Row,
    SheetSpec,
    cell_text,
    parse_text,
    sheet_import,
)
from guazhi.core.text import ascii_number
from guazhi.orgs import vocab
from guazhi.orgs.imports import Key, UnitIndex, manageable_units, parse_tags
from guazhi.orgs.models import User
from guazhi.programmes.models import Batch, Post
from guazhi.programmes.selectors.batches import EVENT_POSTS_IMPORTED
from guazhi.programmes.selectors.scope import access_batch
from guazhi.programmes.services import posts as post_services
from guazhi.programmes.services.events import batch_event_record

POST_IMPORT = "programmes.post_import"
POST_SHEET = pgettext_lazy("sheet title", "岗位")
YES = ("是", "Y", "y", "1", "TRUE", "true", "True")
NO = ("否", "N", "n", "0", "FALSE", "false", "False")


def parse_capacity(value: Any) -> int:
    number = ascii_number(cell_text(value))
    if number is None:
        raise CellError(Message(gettext_noop("应为整数，如 1。")))
    return number


def parse_yes_no(value: Any) -> bool:
    text = cell_text(value)
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError(Message(gettext_noop("应填“是”或“否”。")))


def parse_rank(value: Any) -> str:
    """The rank as people write it ("副科级") or its full label ("乡科级副职（副科级）")."""
    text = cell_text(value)
    options = {str(v): str(v) for v in vocab.Rank.values}
    options |= {msgid_of(label): str(v) for v, label in vocab.Rank.choices}
    if text in options:
        return options[text]
    raise CellError(
        Message(
            gettext_noop("不在可选范围内，应为：%(options)s。"),
            options=[str(v) for v in vocab.Rank.values],
        )
    )


def post_spec(unit_labels: Sequence[str] = ()) -> SheetSpec:
    return SheetSpec(
        title=POST_SHEET,
        columns=(
            Column(
                "接收单位",
                "host_unit",
                parse_text(200),
                required=True,
                example="白鹿镇",
                help=gettext_lazy("您管辖范围内的单位；重名时连同上级写出，如“浔阳区/白鹿镇”。"),
                choices=tuple(unit_labels),
                strict_choices=False,
                width=24,
            ),
            Column(
                "挂职职务",
                "title",
                parse_text(100),
                required=True,
                example="党委副书记",
                help=gettext_lazy(
                    "不超过100字。同一接收单位下与已有岗位同名时，按本表更新该岗位。"
                ),
                width=18,
            ),
            Column(
                "分管工作",
                "portfolio",
                parse_text(200),
                example="工业、招商引资",
                help=gettext_lazy("选填，不超过200字。"),
                width=20,
            ),
            Column(
                "岗位职责",
                "duties",
                parse_text(post_services.DUTIES_MAX),
                example="协助分管招商引资和产业发展工作",
                help=gettext_lazy("选填，不超过2000字；匹配时与干部的专业特长比对。"),
                width=36,
            ),
            Column(
                "必备专长",
                "required_tags",
                parse_tags,
                example="招商引资",
                help=gettext_lazy("硬性条件，多项用顿号、逗号或空格分隔。"),
                width=20,
            ),
            Column(
                "优先专长",
                "preferred_tags",
                parse_tags,
                example="乡村振兴、产业发展",
                help=gettext_lazy("加分条件，多项用顿号、逗号或空格分隔；不能与必备专长重复。"),
                width=20,
            ),
            Column(
                "需求人数",
                "capacity",
                parse_capacity,
                example=1,
                help=gettext_lazy("整数，至少为1；留空按1人。"),
                empty=1,
                width=10,
            ),
            Column(
                "挂职职务级别",
                "rank",
                parse_rank,
                example="副科级",
                help=gettext_lazy("选填，从下拉列表中选择。"),
                choices=tuple(str(v) for v in vocab.Rank.values),
            ),
            Column(
                "进入领导班子",
                "leadership",
                parse_yes_no,
                example="是",
                help=gettext_lazy("填“是”或“否”，留空按“是”。"),
                choices=("是", "否"),
                empty=True,
                width=12,
            ),
            Column(
                "工作地点",
                "location",
                parse_text(100),
                example="白鹿镇",
                help=gettext_lazy("选填，不超过100字。"),
            ),
        ),
        max_rows=2000,
        notes=(
            gettext_lazy(
                "同一接收单位下挂职职务相同的岗位视为同一岗位：已有的按本表更新，表中不能出现两次。"
            ),
        ),
    )


POST_COLUMNS = (
    "portfolio",
    "duties",
    "required_tags",
    "preferred_tags",
    "capacity",
    "rank",
    "leadership",
    "location",
)


@dataclass
class _PostPlan:
    action: str  # created / updated / unchanged
    existing: Post | None
    fields: dict[str, Any]


class PostRows:
    """Rows of a posts sheet for one batch."""

    def __init__(self, actor: User, batch: Batch) -> None:
        self.actor = actor
        self.batch = batch
        self.index: UnitIndex = manageable_units(actor)
        self.plans: dict[int, _PostPlan] = {}
        self.seen: dict[tuple[Key, str], int] = {}
        self.existing = {
            (post.host_unit_id, post.title): post
            for post in Post.objects.filter(batch=batch).select_related("host_unit")
        }

    def prepare(self, rows: list[Row], present: frozenset[str]) -> None:
        """Nothing to fetch ahead: the unit index and the batch's posts are already here."""

    def check(self, row: Row) -> list[tuple[str, str]]:
        values = row.values
        problems: list[tuple[str, str]] = []
        unit_key: Key | None = None
        if "host_unit" not in row.failed:
            try:
                unit_key = self.index.find(values.get("host_unit", ""))
            except CellError as error:
                problems.append(("host_unit", error.message))
        defaults = {"capacity": 1, "leadership": True, "required_tags": [], "preferred_tags": []}
        fields = {key: values.get(key, defaults.get(key, "")) for key in POST_COLUMNS}
        fields["title"] = values.get("title", "")
        for key in ("required_tags", "preferred_tags"):
            fields[key] = list(fields[key] or [])  # an empty cell reads as "", no tags
        for key, message in post_services.post_field_errors(fields).items():
            if key not in row.failed:
                problems.append((key, message))
        if problems or row.failed or unit_key is None:
            return problems
        title = fields["title"]
        earlier = self.seen.setdefault((unit_key, title), row.number)
        if earlier != row.number:
            return [
                (
                    "title",
                    Message(
                        gettext_noop("与第%(row)s行重复：同一接收单位下不能有两个“%(title)s”。"),
                        row=earlier,
                        title=title,
                    ),
                )
            ]
        unit = self.index.units[unit_key[1]]
        existing = self.existing.get((unit.pk, title))
        if existing is None:
            self.plans[row.number] = _PostPlan("created", None, {"host_unit": unit, **fields})
            return []
        # Columns the file leaves out keep the post's values.
        changed = {
            key: fields[key]
            for key in POST_COLUMNS
            if key in values and getattr(existing, key) != fields[key]
        }
        self.plans[row.number] = _PostPlan("updated" if changed else "unchanged", existing, changed)
        return []

    def write(self, row: Row) -> str:
        plan = self.plans[row.number]
        if plan.action == "created":
            post_services.post_create(actor=self.actor, batch=self.batch, **plan.fields)
        elif plan.action == "updated":
            assert plan.existing is not None
            post_services.post_update(actor=self.actor, post=plan.existing, **plan.fields)
        return plan.action


@job_kind(POST_IMPORT, label=gettext_lazy("导入岗位"))
def post_import_job(job: Job, progress: Progress) -> dict[str, Any]:
    # The batch is looked up again as the job's owner: rights may have changed since the upload.
    batch = access_batch(actor=job.owner, pk=job.params["batch"], manage=True)
    post_services.check_posts_editable(batch)
    with default_storage.open(job.params["upload"], "rb") as source:
        counts = sheet_import(
            source=source, spec=post_spec(), handler=PostRows(job.owner, batch), progress=progress
        )
    if counts["created"] or counts["updated"]:
        batch_event_record(
            actor=job.owner,
            batch=batch,
            kind=EVENT_POSTS_IMPORTED,
            note=str(job.params.get("upload_name", "")),
            payload=dict(counts),
        )
    return counts
