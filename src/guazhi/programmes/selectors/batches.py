"""Reads for batches and posts: the list, a batch's overview and timeline, its moves, its posts.

Scope comes from selectors.scope (batch_queryset, access_batch); this module only narrows it:
host leaders see the posts of their own units, everyone else who sees a batch sees all of its
posts. The moves a batch may make, and what still stands in the way of each, are worked out
here so the page and the transition service give the same answer.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guazhi.core.errors import NotFound
from guazhi.core.jinja import format_date
from guazhi.orgs.models import Organisation, Role
from guazhi.orgs.scopes import scopes_of
from guazhi.programmes.events import EVENT_LABELS, batch_event_note
from guazhi.programmes.models import (
    BATCH_TRANSITIONS,
    Assignment,
    AssignmentState,
    Batch,
    BatchEvent,
    BatchState,
    Post,
    Publicity,
)
from guazhi.programmes.selectors.scope import (
    BATCH_MANAGER_ROLES,
    batch_queryset,
    cadre_profile_for,
    can_manage_batch,
    unit_ids_on_path,
)
from guazhi.programmes.selectors.selection import current_step_blockers

# Posts are written while the list of posts is still being drawn up: before anyone is matched.
POST_EDIT_STATES = (BatchState.PLANNING, BatchState.RECRUITING)
# Event kinds this area writes on the batch timeline.
EVENT_CREATED = "batch_created"
EVENT_UPDATED = "batch_updated"
EVENT_STATE = "state_changed"
EVENT_POSTS_IMPORTED = "posts_imported"
# What the timeline calls each kind of event: one table for every area (programmes/events.py).
# The kinds every reader of a batch (cadres, host leaders, dispatch admins, group leaders) may
# read on its timeline: facts about the batch, its call, its publicity and its training. The
# others name people and their private matters (why someone was taken off the list, what an
# objection found, who a run placed where, a person's outcome): the batch's managers only.
PUBLIC_EVENT_KINDS = frozenset(
    {
        EVENT_CREATED,
        EVENT_UPDATED,
        EVENT_STATE,
        EVENT_POSTS_IMPORTED,
        "notice_published",
        "notice_corrected",
        "publicity_started",
        "publicity_approved",
        "training_create",
        "training_update",
        "training_delete",
        "training_material",
        "training_material_delete",
    }
)
# The words on the button of each move; a move not named here reads "转为“<state>”".
MOVE_LABELS: dict[tuple[str, str], Promise] = {
    (BatchState.PLANNING, BatchState.RECRUITING): gettext_lazy("开始报名"),
    (BatchState.RECRUITING, BatchState.PLANNING): gettext_lazy("退回规划"),
    (BatchState.RECRUITING, BatchState.MATCHING): gettext_lazy("结束报名，进入匹配"),
    (BatchState.MATCHING, BatchState.RECRUITING): gettext_lazy("重新开放报名"),
    (BatchState.MATCHING, BatchState.PUBLICITY): gettext_lazy("进入公示"),
    (BatchState.PUBLICITY, BatchState.MATCHING): gettext_lazy("退回匹配"),
    (BatchState.PUBLICITY, BatchState.TRAINING): gettext_lazy("进入岗前培训"),
    (BatchState.TRAINING, BatchState.ACTIVE): gettext_lazy("进入在岗管理"),
    (BatchState.ACTIVE, BatchState.EVALUATING): gettext_lazy("进入考核"),
    (BatchState.EVALUATING, BatchState.ACTIVE): gettext_lazy("退回在岗管理"),
    (BatchState.EVALUATING, BatchState.CLOSED): gettext_lazy("结束批次"),
}


# The batch list ----------------------------------------------------------------------------


def _count_of(queryset: QuerySet, aggregate: Count | Sum) -> Coalesce:  # type: ignore[type-arg]
    """One figure per batch as a subquery: joining posts and assignments together would
    multiply the rows and inflate every sum."""
    return Coalesce(
        Subquery(
            queryset.filter(batch=OuterRef("pk"))
            .order_by()
            .values("batch")
            .annotate(figure=aggregate)
            .values("figure")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def batch_list(*, actor, state: str = "") -> QuerySet[Batch]:  # type: ignore[no-untyped-def]
    """The batches the actor sees, newest first, each with `post_count`, `capacity` (people
    the posts ask for) and `people` (assignments not cancelled)."""
    batches = batch_queryset(actor).select_related("coordinating_org")
    if state:
        batches = batches.filter(state=state)
    return batches.annotate(
        post_count=_count_of(Post.objects.all(), Count("id")),
        capacity=_count_of(Post.objects.all(), Sum("capacity")),
        people=_count_of(Assignment.objects.exclude(state=AssignmentState.CANCELLED), Count("id")),
    ).order_by("-created_at", "-id")


def can_create_batch(*, actor) -> bool:  # type: ignore[no-untyped-def]
    return scopes_of(actor).has(*BATCH_MANAGER_ROLES)


# Units a batch may name --------------------------------------------------------------------


def batch_unit_choices(*, actor) -> QuerySet[Organisation]:  # type: ignore[no-untyped-def]
    """Units the actor manages as a coordinator: the coordinating and dispatching units of a
    batch they set up, and the host units of its posts."""
    return Organisation.objects.filter(scopes_of(actor).org_filter(BATCH_MANAGER_ROLES)).order_by(
        "path"
    )


def default_coordinating_org_id(*, actor) -> int | None:  # type: ignore[no-untyped-def]
    """The top unit of the actor's coordinator grant when there is only one: most coordinators
    are one organisation department, which then need not pick itself."""
    scopes = scopes_of(actor)
    roots = [] if scopes.is_admin else scopes.paths(BATCH_MANAGER_ROLES)
    return unit_ids_on_path(roots[0])[-1] if len(roots) == 1 else None


def batch_party_choices(*, actor) -> QuerySet[Organisation]:  # type: ignore[no-untyped-def]
    """Units that may co-manage (协管) or supervise (总辖) a batch: those the actor manages and
    the units above them (a city department supervising a district's batch)."""
    scopes = scopes_of(actor)
    if scopes.is_admin:
        return Organisation.objects.order_by("path")
    above = {pk for path in scopes.paths(BATCH_MANAGER_ROLES) for pk in unit_ids_on_path(path)}
    return Organisation.objects.filter(
        scopes.org_filter(BATCH_MANAGER_ROLES) | Q(pk__in=above)
    ).order_by("path")


# A batch's overview ------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchFigures:
    posts: int
    capacity: int
    people: int
    by_state: dict[str, int]


def batch_figures(*, actor, batch: Batch) -> BatchFigures:  # type: ignore[no-untyped-def]
    """Counts on the overview: posts and the people they ask for, assignments by state.
    Figures only (no names), so every reader of the batch may see them."""
    posts = post_list(actor=actor, batch=batch).aggregate(n=Count("id"), capacity=Sum("capacity"))
    by_state = {
        row["state"]: row["n"]
        for row in Assignment.objects.filter(batch=batch)
        .order_by()
        .values("state")
        .annotate(n=Count("id"))
    }
    people = sum(n for state, n in by_state.items() if state != AssignmentState.CANCELLED)
    return BatchFigures(posts["n"], posts["capacity"] or 0, people, by_state)


@dataclass(frozen=True)
class TimelineEntry:
    event: BatchEvent
    label: str
    who: str
    note: str  # in the reader's language when the system worded it; as typed when a person did


def batch_timeline(*, actor, batch: Batch, limit: int = 50) -> list[TimelineEntry]:  # type: ignore[no-untyped-def]
    """The batch's events, newest first, each with what it was and who did it: every event
    for the batch's managers, the kinds of PUBLIC_EVENT_KINDS for its other readers."""
    events = BatchEvent.objects.filter(batch=batch)
    if not can_manage_batch(actor=actor, batch=batch):
        events = events.filter(kind__in=PUBLIC_EVENT_KINDS)
    events = events.select_related("actor")[:limit]
    return [
        TimelineEntry(
            event,
            str(EVENT_LABELS[event.kind]) if event.kind in EVENT_LABELS else "",
            event.actor.get_full_name() if event.actor else _("系统"),
            batch_event_note(event),
        )
        for event in events
    ]


def last_state_change(*, batch: Batch) -> BatchEvent | None:
    """The latest move of the batch's state: the page shows its reason next to the state."""
    return (
        BatchEvent.objects.filter(batch=batch, kind=EVENT_STATE)
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )


# Moves -------------------------------------------------------------------------------------


def _state_label(state: str) -> str:
    return str(BatchState(state).label)


def move_label(from_state: str, to_state: str) -> str:
    label = MOVE_LABELS.get((from_state, to_state))
    if label is not None:
        return str(label)
    return _("转为“%(state)s”") % {"state": _state_label(to_state)}


def transition_blockers(*, batch: Batch, to_state: str) -> list[str]:
    """What must happen before the batch may enter `to_state`, in Chinese; [] when nothing.

    The conditions follow from what the next stage works on: matching needs posts (and, back
    from publicity, a result not yet approved), publicity a proposed list that has been vetted
    and decided on since it was adopted, training an approved publicity, being on duty someone
    approved or already at their post, and closing the batch nobody still approved or on duty.
    """
    blockers: list[str] = []
    if to_state == BatchState.MATCHING:
        if not Post.objects.filter(batch=batch).exists():
            blockers.append(_("批次还没有岗位，请先新增或导入岗位。"))
        approved = (
            Publicity.objects.filter(batch=batch, approved_at__isnull=False)
            .order_by("-approved_at")
            .first()
            if batch.state == BatchState.PUBLICITY
            else None
        )
        if approved is not None and approved.approved_at is not None:
            # Approval made the list final (the people are APPROVED): a new matching would
            # publicise and approve a second list beside it.
            blockers.append(
                _(
                    "公示结果已于%(date)s审批，名单已生效，不能退回匹配；"
                    "如有人员不能赴任，请在考察与公示页取消其人选。"
                )
                % {"date": format_date(approved.approved_at)}
            )
    elif to_state == BatchState.PUBLICITY:
        if not Assignment.objects.filter(batch=batch, state=AssignmentState.PROPOSED).exists():
            blockers.append(_("还没有拟任人选，请先采纳一个匹配方案。"))
        blockers += current_step_blockers(batch=batch)
    elif to_state == BatchState.CLOSED:
        serving = Assignment.objects.filter(
            batch=batch, state__in=(AssignmentState.APPROVED, AssignmentState.ACTIVE)
        ).count()
        if serving:
            blockers.append(
                _(
                    "还有%(n)s名挂职人员处于“已批准”或“在岗”状态：请先在“挂职人员”页为在岗人员"
                    "记录挂职结果，并取消未到岗人员的人选，再结束批次。"
                )
                % {"n": serving}
            )
    elif to_state == BatchState.TRAINING:
        if not Publicity.objects.filter(batch=batch, approved_at__isnull=False).exists():
            blockers.append(_("公示尚未审批通过。"))
    elif (
        to_state == BatchState.ACTIVE
        and not Assignment.objects.filter(
            batch=batch, state__in=(AssignmentState.APPROVED, AssignmentState.ACTIVE)
        ).exists()
    ):
        blockers.append(_("没有已批准或已到岗的挂职人员。"))
    return blockers


def holds_move_roles(*, actor, batch: Batch, roles: frozenset[str]) -> bool:  # type: ignore[no-untyped-def]
    """Whether the actor holds one of `roles` where that role meets this batch: coordinators
    and group leaders over its coordinating unit, dispatch admins over a dispatching unit,
    host leaders over a host unit of its posts (admins always)."""
    scopes = scopes_of(actor)
    if scopes.is_admin:
        return True
    paths: dict[str, Callable[[], list[str]]] = {
        Role.COORDINATOR: lambda: [batch.coordinating_org.path],
        Role.GROUP_LEADER: lambda: [batch.coordinating_org.path],
        Role.DISPATCH_ADMIN: lambda: list(batch.dispatching_orgs.values_list("path", flat=True)),
        Role.HOST_LEADER: lambda: list(
            Post.objects.filter(batch=batch).values_list("host_unit__path", flat=True)
        ),
    }
    for role in roles:
        if role not in paths or not scopes.has(role):
            continue
        if any(scopes.covers(path, [role], batch_id=batch.pk) for path in paths[role]()):
            return True
    return False


@dataclass(frozen=True)
class Move:
    to_state: str
    label: str
    blockers: list[str] = field(default_factory=list)
    # What the move will undo, said before the click (the services do it with the move).
    consequences: list[str] = field(default_factory=list)


def transition_consequences(*, batch: Batch, to_state: str) -> list[str]:
    """What a move takes back: a reopened call cancels the proposed list, a return from
    publicity withdraws the publicity under way."""
    found = []
    if batch.state == BatchState.MATCHING and to_state == BatchState.RECRUITING:
        proposed = Assignment.objects.filter(batch=batch, state=AssignmentState.PROPOSED).count()
        if proposed:
            found.append(_("将取消已采纳方案的 %(n)s 名拟任人选。") % {"n": proposed})
    if batch.state == BatchState.PUBLICITY and to_state == BatchState.MATCHING:
        running = Publicity.objects.filter(
            batch=batch, withdrawn_at__isnull=True, approved_at__isnull=True
        ).exists()
        if running:
            found.append(_("将撤回正在进行的公示。"))
    return found


def batch_moves(*, actor, batch: Batch) -> list[Move]:  # type: ignore[no-untyped-def]
    """The moves from the batch's state that the actor's roles allow, each with what still
    stands in its way (the page shows those instead of a button that would be refused)."""
    moves = []
    for (from_state, to_state), roles in BATCH_TRANSITIONS.items():
        if from_state != batch.state:
            continue
        if not holds_move_roles(actor=actor, batch=batch, roles=roles):
            continue
        moves.append(
            Move(
                to_state,
                move_label(from_state, to_state),
                transition_blockers(batch=batch, to_state=to_state),
                transition_consequences(batch=batch, to_state=to_state),
            )
        )
    return moves


# Posts -------------------------------------------------------------------------------------


def posts_editable(batch: Batch) -> bool:
    return batch.state in POST_EDIT_STATES


def _sees_every_post(actor, batch: Batch) -> bool:  # type: ignore[no-untyped-def]
    """Everyone who sees the batch sees all its posts, except a host leader, who sees the
    posts of their own units (unless another role of theirs shows the whole batch)."""
    scopes = scopes_of(actor)
    if scopes.is_admin:
        return True
    if scopes.covers(
        batch.coordinating_org.path, [Role.COORDINATOR, Role.GROUP_LEADER], batch_id=batch.pk
    ):
        return True
    if scopes.has(Role.DISPATCH_ADMIN) and any(
        scopes.covers(path, [Role.DISPATCH_ADMIN], batch_id=batch.pk)
        for path in batch.dispatching_orgs.values_list("path", flat=True)
    ):
        return True
    # The batch was found visible to this actor; a cadre sees it as one of its candidates.
    return cadre_profile_for(actor) is not None


def post_list(*, actor, batch: Batch) -> QuerySet[Post]:  # type: ignore[no-untyped-def]
    """The posts of a batch the actor has opened (through access_batch), by host unit."""
    posts = Post.objects.filter(batch=batch)
    if not _sees_every_post(actor, batch):
        posts = posts.filter(
            scopes_of(actor).batch_filter(
                [Role.HOST_LEADER], path_field="host_unit__path", batch_field="batch_id"
            )
        )
    return posts.select_related("host_unit").order_by("host_unit__path", "id")


def access_post(*, actor, pk: int, manage: bool = False) -> Post:  # type: ignore[no-untyped-def]
    """The post if the actor sees it (to manage: coordinator over its batch), else NotFound."""
    post = (
        Post.objects.filter(pk=pk, batch__in=batch_queryset(actor).values("pk"))
        .select_related("batch__coordinating_org", "host_unit")
        .first()
    )
    if post is None:
        raise NotFound()
    if manage:
        if not can_manage_batch(actor=actor, batch=post.batch):
            raise NotFound()
    elif not post_list(actor=actor, batch=post.batch).filter(pk=post.pk).exists():
        raise NotFound()
    return post
