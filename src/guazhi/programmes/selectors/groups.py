"""Reads of the serving stage: the batch's people, their record and history, groups, training.

Scope comes from selectors.scope (assignment_queryset, access_batch); these functions only
narrow it. Registers who may read training materials (core.attachments) at import.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext

from guazhi.core.attachments import register_attachment_access
from guazhi.core.errors import NotFound
from guazhi.core.jinja import format_date
from guazhi.core.models import Attachment
from guazhi.core.text import ascii_number
from guazhi.orgs.models import Organisation, Role
from guazhi.orgs.scopes import scopes_of
from guazhi.orgs.selectors.history import HistoryChange, HistoryEntry
from guazhi.programmes.models import (
    Assignment,
    AssignmentState,
    AttendanceStatus,
    Batch,
    BatchState,
    Group,
    Outcome,
    Post,
    TrainingAttendance,
    TrainingSession,
)
from guazhi.programmes.selectors.scope import (
    access_assignment,
    access_batch,
    assignment_queryset,
    batch_queryset,
    cadre_profile_for,
    can_manage_batch,
)

# Who serves: the people groups, training and reporting for duty are about.
SERVING_STATES = (AssignmentState.APPROVED, AssignmentState.ACTIVE)
# Batch states in which groups, training and reporting for duty are worked on; outcomes later.
SERVING_BATCH_STATES = (BatchState.TRAINING, BatchState.ACTIVE)
OUTCOME_BATCH_STATES = (BatchState.ACTIVE, BatchState.EVALUATING)
# "No group" in the list's group filter.
NO_GROUP = "none"


# The batch's people -----------------------------------------------------------------------


def assignment_list(  # type: ignore[no-untyped-def]
    *, actor, batch: Batch, state: str = "", group: str = ""
) -> QuerySet[Assignment]:
    """The batch's assignments the actor sees, by pinyin of the name; `group` is a group id,
    NO_GROUP for those in none, or "" for all."""
    found = assignment_queryset(actor).filter(batch=batch)
    if state:
        found = found.filter(state=state)
    if group == NO_GROUP:
        found = found.filter(group__isnull=True)
    elif (group_id := ascii_number(group)) is not None:
        found = found.filter(group_id=group_id)
    return found.select_related("cadre", "post", "host_unit", "home_unit", "group").order_by(
        "cadre__name_pinyin", "id"
    )


def can_report_duty(*, actor, assignment: Assignment) -> bool:  # type: ignore[no-untyped-def]
    """Coordinators over the batch, and the host unit's leaders, record reporting for duty."""
    return can_manage_batch(actor=actor, batch=assignment.batch) or scopes_of(actor).covers(
        assignment.host_unit.path, [Role.HOST_LEADER], batch_id=assignment.batch_id
    )


def access_assignment_for_duty(*, actor, pk: int) -> Assignment:  # type: ignore[no-untyped-def]
    """The assignment if the actor may record its reporting for duty, else NotFound."""
    assignment = access_assignment(actor=actor, pk=pk)
    if not can_report_duty(actor=actor, assignment=assignment):
        raise NotFound()
    return assignment


def can_read_cancelled_reason(*, actor, assignment: Assignment) -> bool:  # type: ignore[no-untyped-def]
    """Why someone was taken off the list (failed vetting, an upheld objection's finding) is
    for the batch's managers and the person themself, as the batch timeline keeps it
    (selectors.batches.PUBLIC_EVENT_KINDS); the others who see the record see only that it
    was cancelled."""
    if can_manage_batch(actor=actor, batch=assignment.batch):
        return True
    profile = cadre_profile_for(actor)
    return profile is not None and profile.pk == assignment.cadre_id


ASSIGNMENT_HISTORY_FIELDS = (
    "state",
    "post",
    "host_unit",
    "group",
    "start_date",
    "end_date",
    "party_transfer_on",
    "party_transfer_note",
    "outcome",
    "outcome_on",
    "outcome_reason",
    "cancelled_reason",
)


def assignment_history(  # type: ignore[no-untyped-def]
    *, actor, assignment: Assignment, limit: int = 30
) -> list[HistoryEntry]:
    """The record's changes field by field, newest first (the caller has access-checked it);
    the cancellation reason only for those who may read it (can_read_cancelled_reason)."""
    fields = [
        field
        for field in ASSIGNMENT_HISTORY_FIELDS
        if field != "cancelled_reason"
        or can_read_cancelled_reason(actor=actor, assignment=assignment)
    ]
    records = list(
        assignment.history.select_related("history_user").order_by(  # type: ignore[attr-defined]
            "-history_date", "-history_id"
        )[: limit + 1]
    )
    deltas = []
    for record, older in zip(records[:limit], [*records[1:], None], strict=False):
        delta = record.diff_against(older, included_fields=fields) if older is not None else None
        deltas.append((record, delta.changes if delta is not None else []))
    ids: dict[str, set[Any]] = {"post": set(), "host_unit": set(), "group": set()}
    for _record, changes in deltas:
        for change in changes:
            if change.field in ids:
                ids[change.field] |= {change.old, change.new} - {None}
    names: dict[str, dict[Any, Any]] = {
        "post": {pk: post.title for pk, post in Post.objects.in_bulk(ids["post"]).items()},
        "host_unit": {
            pk: unit.name for pk, unit in Organisation.objects.in_bulk(ids["host_unit"]).items()
        },
        "group": {pk: group.name for pk, group in Group.objects.in_bulk(ids["group"]).items()},
        "state": dict(AssignmentState.choices),
        "outcome": dict(Outcome.choices),
    }
    kinds = {"+": gettext("创建"), "~": gettext("修改"), "-": gettext("删除")}

    def shown(field: str, value: Any) -> str:
        if value in (None, ""):
            return ""
        if isinstance(value, dt.date):
            return format_date(value)
        return str(names.get(field, {}).get(value, value))

    entries = []
    for record, changes in deltas:
        listed = [
            HistoryChange(
                label=str(Assignment._meta.get_field(change.field).verbose_name),  # type: ignore[union-attr]
                old=shown(change.field, change.old),
                new=shown(change.field, change.new),
            )
            for change in sorted(changes, key=lambda c: ASSIGNMENT_HISTORY_FIELDS.index(c.field))
        ]
        if record.history_type == "~" and not listed:
            continue  # only timestamps moved
        who = record.history_user.get_full_name() if record.history_user else ""
        created = record.history_type == "+"
        entries.append(
            HistoryEntry(
                record.history_date,
                who,
                kinds.get(record.history_type, ""),
                listed,
                created=created,
            )
        )
    return entries


def assignment_training(*, assignment: Assignment) -> list[TrainingAttendance]:
    """The person's attendance at the batch's sessions (shown on their record)."""
    return list(
        TrainingAttendance.objects.filter(assignment=assignment)
        .select_related("session")
        .order_by("session__starts_at", "session_id")
    )


# Groups -----------------------------------------------------------------------------------


def group_list(*, actor, batch: Batch) -> list[Group]:  # type: ignore[no-untyped-def]
    """The batch's groups (the caller has access-checked the batch), each with `shown_members`
    (the members the actor sees, by pinyin) and `member_count` (all of them)."""
    groups: list[Group] = list(
        Group.objects.filter(batch=batch)
        .select_related("leader__cadre__user", "deputy__cadre__user")
        .annotate(member_count=Count("members"))
        .order_by("id")
    )
    by_group: dict[int, list[Assignment]] = {group.pk: [] for group in groups}
    for member in (
        assignment_queryset(actor)
        .filter(group__in=groups)
        .select_related("cadre", "host_unit", "post")
        .order_by("cadre__name_pinyin", "id")
    ):
        by_group[member.group_id].append(member)  # type: ignore[index]
    for group in groups:
        group.shown_members = by_group[group.pk]  # type: ignore[attr-defined]
    return groups


def group_choices(*, batch: Batch) -> list[Group]:
    """The batch's groups for a filter (names are not scoped: staff of the batch see them)."""
    return list(Group.objects.filter(batch=batch).only("pk", "name").order_by("id"))


def access_group(*, actor, pk: int, manage: bool = False) -> Group:  # type: ignore[no-untyped-def]
    """The group if the actor sees its batch (to manage: coordinator over it), else NotFound."""
    group = Group.objects.filter(pk=pk).select_related("leader", "deputy").first()
    if group is None:
        raise NotFound()
    group.batch = access_batch(actor=actor, pk=group.batch_id, manage=manage)
    return group


def group_member_choices(*, batch: Batch, group: Group | None = None) -> list[Assignment]:
    """Who may be put in `group` (a new group when None): the batch's serving people in no
    other group. For managers only (the caller checked), so not narrowed further."""
    free = Q(group__isnull=True)
    if group is not None:
        free |= Q(group=group)
    return list(
        Assignment.objects.filter(free, batch=batch, state__in=SERVING_STATES)
        .select_related("cadre__user", "home_unit", "host_unit", "post")
        .order_by("cadre__name_pinyin", "id")
    )


def ungrouped_count(*, batch: Batch) -> int:
    return Assignment.objects.filter(
        batch=batch, state__in=SERVING_STATES, group__isnull=True
    ).count()


def leaders_without_account(*, groups: list[Group]) -> list[Assignment]:
    """Leaders and deputies who cannot be given the group-leader role: no (active) account."""
    missing = []
    for group in groups:
        for person in (group.leader, group.deputy):
            if person is None:
                continue
            user = person.cadre.user
            if user is None or not user.is_active:
                missing.append(person)
    return missing


# Training ---------------------------------------------------------------------------------


def training_session_list(*, batch: Batch) -> list[TrainingSession]:
    """The batch's sessions in time order with attendance counts and the number of materials
    (the caller has access-checked the batch)."""
    sessions: list[TrainingSession] = list(
        TrainingSession.objects.filter(batch=batch)
        .annotate(
            present=Count("attendance", filter=Q(attendance__status=AttendanceStatus.PRESENT)),
            excused=Count("attendance", filter=Q(attendance__status=AttendanceStatus.EXCUSED)),
            absent=Count("attendance", filter=Q(attendance__status=AttendanceStatus.ABSENT)),
        )
        .order_by("starts_at", "id")
    )
    materials = dict(
        Attachment.objects.filter(
            content_type=ContentType.objects.get_for_model(TrainingSession),
            object_id__in=[session.pk for session in sessions],
        )
        .values("object_id")
        .annotate(n=Count("id"))
        .values_list("object_id", "n")
    )
    for session in sessions:
        session.material_count = materials.get(session.pk, 0)  # type: ignore[attr-defined]
    return sessions


def access_training_session(  # type: ignore[no-untyped-def]
    *, actor, pk: int, manage: bool = False
) -> TrainingSession:
    """The session if the actor sees its batch (to manage: coordinator over it), else NotFound."""
    session = TrainingSession.objects.filter(pk=pk).first()
    if session is None:
        raise NotFound()
    session.batch = access_batch(actor=actor, pk=session.batch_id, manage=manage)
    return session


def access_training_material(*, actor, pk: int) -> tuple[Attachment, TrainingSession]:  # type: ignore[no-untyped-def]
    """A training material and its session, when the actor manages the session's batch; else
    NotFound, the same for a missing file, another record's file, or a batch not theirs."""
    attachment = Attachment.objects.filter(
        pk=pk, content_type=ContentType.objects.get_for_model(TrainingSession)
    ).first()
    if attachment is None:
        raise NotFound()
    session = access_training_session(actor=actor, pk=attachment.object_id, manage=True)
    return attachment, session


def training_has_attendance(*, session: TrainingSession) -> bool:
    """Whether any attendance is recorded: a session with some may not be deleted."""
    return TrainingAttendance.objects.filter(session=session).exists()


@dataclass(frozen=True)
class Participant:
    assignment: Assignment
    status: str  # "" when not recorded
    note: str


@dataclass(frozen=True)
class AttendanceCounts:
    present: int
    excused: int
    absent: int
    unrecorded: int

    @property
    def total(self) -> int:
        return self.present + self.excused + self.absent + self.unrecorded


def training_participants(  # type: ignore[no-untyped-def]
    *, actor, session: TrainingSession
) -> list[Participant]:
    """Who is expected at the session: the batch's serving people, plus anyone already
    recorded (a person cancelled later keeps their line); only those the actor sees."""
    recorded = {
        row.assignment_id: row for row in TrainingAttendance.objects.filter(session=session)
    }
    people = (
        assignment_queryset(actor)
        .filter(Q(state__in=SERVING_STATES) | Q(pk__in=list(recorded)), batch=session.batch_id)
        .select_related("cadre", "home_unit", "host_unit", "post", "group")
        .order_by("cadre__name_pinyin", "id")
    )
    participants = []
    for person in people:
        row = recorded.get(person.pk)
        participants.append(Participant(person, row.status if row else "", row.note if row else ""))
    return participants


def attendance_counts(participants: list[Participant]) -> AttendanceCounts:
    statuses = [participant.status for participant in participants]
    return AttendanceCounts(
        present=statuses.count(AttendanceStatus.PRESENT),
        excused=statuses.count(AttendanceStatus.EXCUSED),
        absent=statuses.count(AttendanceStatus.ABSENT),
        unrecorded=statuses.count(""),
    )


def _can_read_training_material(actor: Any, session: TrainingSession) -> bool:
    """Whoever sees the batch reads its training materials (cadres of the batch included)."""
    return batch_queryset(actor).filter(pk=session.batch_id).exists()


register_attachment_access(TrainingSession, _can_read_training_material)
