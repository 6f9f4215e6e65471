"""Writes to a batch's posts (岗位): create and edit, while the batch is in planning or recruiting.

A post is offered by a host unit the coordinator manages. The rules on its values live in
`post_field_errors`, which the page forms and the Excel importer share.
"""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guazhi.core.audit import audit_record, changed_fields
from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.i18n import Message, label_message
from guazhi.core.text import join_list
from guazhi.orgs import vocab
from guazhi.orgs.models import Organisation, User
from guazhi.orgs.scopes import scopes_of
from guazhi.programmes.models import Batch, BatchState, Post
from guazhi.programmes.selectors.batches import POST_EDIT_STATES
from guazhi.programmes.selectors.scope import BATCH_MANAGER_ROLES, can_manage_batch
from guazhi.programmes.services.locks import locked_batch

POST_FIELDS = [
    "host_unit",
    "title",
    "portfolio",
    "duties",
    "required_tags",
    "preferred_tags",
    "capacity",
    "location",
    "rank",
    "leadership",
]
CAPACITY_MAX = 99
TAGS_MAX = 10
TAG_LENGTH_MAX = 20
DUTIES_MAX = 2000


def _label(name: str) -> str:
    return str(Post._meta.get_field(name).verbose_name)  # type: ignore[union-attr]


def _tag_errors(name: str, tags: Any) -> str | None:
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        return _("%(label)s格式有误。") % {"label": _label(name)}
    if len(tags) > TAGS_MAX:
        return _("%(label)s最多填写%(n)s项。") % {"label": _label(name), "n": TAGS_MAX}
    long = [tag for tag in tags if len(tag) > TAG_LENGTH_MAX]
    if long:
        return _("%(label)s每项不超过%(n)s个字：%(tags)s。") % {
            "label": _label(name),
            "n": TAG_LENGTH_MAX,
            "tags": join_list(long),
        }
    return None


def post_field_errors(fields: dict[str, Any]) -> dict[str, str]:
    """Problems with a post's values, by field, in Chinese (the host unit's scope apart)."""
    errors: dict[str, str] = {}
    title = fields.get("title") or ""
    if not title:
        errors["title"] = _("挂职职务不能为空。")
    elif len(title) > 100:
        errors["title"] = _("挂职职务不能超过100个字。")
    for name, limit in (("portfolio", 200), ("location", 100), ("duties", DUTIES_MAX)):
        if len(fields.get(name) or "") > limit:
            errors[name] = _("%(label)s不能超过%(n)s个字。") % {"label": _label(name), "n": limit}
    capacity = fields.get("capacity")
    if capacity is None:
        errors["capacity"] = _("需求人数不能为空。")
    elif not isinstance(capacity, int) or isinstance(capacity, bool) or capacity < 1:
        errors["capacity"] = _("需求人数至少为1。")
    elif capacity > CAPACITY_MAX:
        errors["capacity"] = _("需求人数不能超过%(n)s。") % {"n": CAPACITY_MAX}
    if fields.get("rank") and fields["rank"] not in vocab.Rank.values:
        errors["rank"] = _("挂职职务级别不在可选范围内。")
    for name in ("required_tags", "preferred_tags"):
        problem = _tag_errors(name, fields.get(name, []))
        if problem:
            errors[name] = problem
    if "required_tags" not in errors and "preferred_tags" not in errors:
        both = [tag for tag in fields.get("preferred_tags", []) if tag in fields["required_tags"]]
        if both:
            # The matching engine treats a required tag as a condition and a preferred one as
            # a bonus: one tag cannot be both.
            errors["preferred_tags"] = _("优先专长不能与必备专长重复：%(tags)s。") % {
                "tags": join_list(both)
            }
    return errors


def check_posts_editable(batch: Batch) -> None:
    """Posts change only while the list is drawn up; later, runs and applications rely on it."""
    if batch.state not in POST_EDIT_STATES:
        raise InvalidTransition(
            Message(
                gettext_noop("批次处于“%(state)s”阶段，岗位只能在规划中或报名中新增和修改。"),
                state=label_message(BatchState(batch.state).label),
            )
        )


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    for name in ("required_tags", "preferred_tags"):
        if name in cleaned and cleaned[name] is None:
            cleaned[name] = []
    if "rank" in cleaned and cleaned["rank"] is None:
        cleaned["rank"] = ""
    if "leadership" in cleaned:
        cleaned["leadership"] = bool(cleaned["leadership"])
    return cleaned


def _host_unit_error(actor: User, batch: Batch, unit: Organisation | None) -> str | None:
    if unit is None:
        return _("请选择接收单位。")
    if not scopes_of(actor).covers(unit.path, BATCH_MANAGER_ROLES, batch_id=batch.pk):
        return _("接收单位不在您的管辖范围内。")
    return None


def _editable_batch(actor: User, batch: Batch) -> Batch:
    """The batch locked, when the actor may change its posts now; else refused."""
    batch = locked_batch(batch.pk)
    if not can_manage_batch(actor=actor, batch=batch):
        raise Forbidden(_("您不是该批次的组织协调单位管理人员。"))
    check_posts_editable(batch)
    return batch


def _unknown(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(POST_FIELDS)
    if unknown:
        raise TypeError(f"unknown post fields: {sorted(unknown)}")


@transaction.atomic
def post_create(*, actor: User, batch: Batch, **fields: Any) -> Post:
    """A new post in `batch`. `fields` are POST_FIELDS; host_unit, title and capacity are
    needed, the others default to the model's (blank, no tags, in the leadership team)."""
    _unknown(fields)
    batch = _editable_batch(actor, batch)
    merged: dict[str, Any] = {
        "portfolio": "",
        "duties": "",
        "required_tags": [],
        "preferred_tags": [],
        "capacity": 1,
        "location": "",
        "rank": "",
        "leadership": True,
        "host_unit": None,
        "title": "",
    } | _clean(fields)
    errors = post_field_errors(merged)
    unit_error = _host_unit_error(actor, batch, merged["host_unit"])
    if unit_error:
        errors["host_unit"] = unit_error
    if errors:
        raise ValidationFailed(_("岗位信息有误。"), detail=errors)
    post = Post.objects.create(batch=batch, **{name: merged[name] for name in POST_FIELDS})
    audit_record(
        actor=actor,
        action="post.create",
        obj=post,
        detail={"batch": batch.name, "organisation": post.host_unit.name},
    )
    return post


@transaction.atomic
def post_update(*, actor: User, post: Post, **fields: Any) -> Post:
    """Change the given fields of a post; a host unit already on it stays acceptable."""
    _unknown(fields)
    batch = _editable_batch(actor, post.batch)
    post = Post.objects.select_for_update(of=("self",)).select_related("host_unit").get(pk=post.pk)
    before = {name: getattr(post, name) for name in POST_FIELDS}
    merged = before | _clean(fields)
    errors = post_field_errors(merged)
    if merged["host_unit"] != before["host_unit"]:
        unit_error = _host_unit_error(actor, batch, merged["host_unit"])
        if unit_error:
            errors["host_unit"] = unit_error
    if errors:
        raise ValidationFailed(_("岗位信息有误。"), detail=errors)
    for name in POST_FIELDS:
        setattr(post, name, merged[name])
    changes = changed_fields(post, before, POST_FIELDS)
    if changes:
        post.save(update_fields=[*changes.keys(), "updated_at"])
        audit_record(actor=actor, action="post.update", obj=post, detail={"changes": changes})
    return post


# Demo data ---------------------------------------------------------------------------------

# (title, portfolio, duties, required tags, preferred tags, capacity, rank, leadership)
DEMO_POSTS: tuple[tuple[str, str, str, list[str], list[str], int, str, bool], ...] = (
    (
        "党委副书记",
        "招商引资、产业发展",
        "协助抓好招商引资、项目建设和园区产业发展，对接在外企业和商会。",
        ["招商引资"],
        ["产业发展", "项目管理"],
        1,
        "副科级",
        True,
    ),
    (
        "党委委员、副镇长",
        "乡村振兴、农业农村",
        "协助分管乡村振兴、农业产业和农村人居环境整治，推动特色农产品电商销售。",
        ["乡村振兴"],
        ["农业技术", "电子商务"],
        1,
        "副科级",
        True,
    ),
    (
        "党政办副主任",
        "基层党建、综合文字",
        "协助做好基层党组织建设、党员教育管理和重要文稿起草工作。",
        [],
        ["基层党建", "文字综合"],
        2,
        "科员级",
        False,
    ),
    (
        "副镇长",
        "文化旅游、宣传",
        "协助分管文化旅游资源开发、乡村旅游线路策划和对外宣传推介。",
        [],
        ["文化旅游", "新闻宣传"],
        1,
        "副科级",
        True,
    ),
    (
        "社会事务办副主任",
        "教育、卫生健康",
        "协助做好教育、医疗卫生、养老服务等民生事务的统筹协调。",
        [],
        ["教育管理", "卫生健康"],
        1,
        "科员级",
        False,
    ),
    (
        "应急管理办副主任",
        "安全生产、应急管理",
        "协助开展安全生产检查、防汛抗旱和应急处置工作。",
        ["安全生产"],
        ["应急管理"],
        1,
        "科员级",
        False,
    ),
)


def demo_posts(*, actor: User, batch: Batch, host_units: list[Organisation]) -> list[Post]:
    """Demo posts for `batch` (planning or recruiting), written through post_create: the
    DEMO_POSTS in turn, each at the next of `host_units` (units `actor` manages). The same
    call gives the same posts every time."""
    created = []
    for index, (title, portfolio, duties, required, preferred, capacity, rank, leads) in enumerate(
        DEMO_POSTS
    ):
        created.append(
            post_create(
                actor=actor,
                batch=batch,
                host_unit=host_units[index % len(host_units)],
                title=title,
                portfolio=portfolio,
                duties=duties,
                required_tags=required,
                preferred_tags=preferred,
                capacity=capacity,
                rank=rank,
                leadership=leads,
                location=host_units[index % len(host_units)].name,
            )
        )
    return created
