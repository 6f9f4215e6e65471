"""Groups (小组) with their leaders' role grants, and pre-dispatch training (岗前培训).

A group's leader and deputy hold the group-leader role for the batch: a RoleAssignment over
the batch's coordinating organisation limited to the batch, granted when they start leading
and revoked when they lead no group of the batch any more. Only grants this module made (the
batch-limited ones) are ever revoked here; a group-leader role granted by hand stays.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guazhi.core.attachments import attachment_delete, attachment_store, attachments_of
from guazhi.core.audit import audit_record, changed_fields, history_by
from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.i18n import Message
from guazhi.core.models import Attachment
from guazhi.core.text import join_list
from guazhi.orgs.models import Role, RoleAssignment, User
from guazhi.orgs.scopes import grants_changed
from guazhi.programmes.dates import year_error
from guazhi.programmes.models import (
    Assignment,
    AttendanceStatus,
    Batch,
    Group,
    TrainingAttendance,
    TrainingSession,
)
from guazhi.programmes.selectors.groups import SERVING_BATCH_STATES, SERVING_STATES
from guazhi.programmes.selectors.scope import can_manage_batch
from guazhi.programmes.services.events import batch_event_record
from guazhi.programmes.services.locks import locked_batch

NAME_MAX = 100
TOPIC_MAX = 200
PLACE_MAX = 100
NOTE_MAX = 200


def _check_manager(actor: Any, batch: Batch, message: str) -> None:
    if not can_manage_batch(actor=actor, batch=batch):
        raise Forbidden(message)


def _check_batch_state(batch: Batch, doing: str) -> None:
    if batch.state not in SERVING_BATCH_STATES:
        raise InvalidTransition(
            _("批次“%(batch)s”当前为“%(state)s”，不能%(doing)s；岗前培训和在岗阶段才可以。")
            % {"batch": batch.name, "state": batch.get_state_display(), "doing": doing}
        )


# Groups -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeaderGrants:
    """What a group save did to group-leader roles, for the page to say."""

    granted: list[User]
    revoked: list[User]
    without_account: list[Assignment]  # a leader or deputy with no (active) account


def _checked_choice(
    *,
    batch: Batch,
    group: Group | None,
    name: str,
    members: Sequence[Assignment],
    leader: Assignment | None,
    deputy: Assignment | None,
) -> tuple[list[Assignment], Assignment | None, Assignment | None]:
    """The members locked and read afresh, and the leader and deputy among them; raises
    ValidationFailed naming every field that is wrong (for a new group, `group` is None)."""
    locked = _lock_members(members)
    leader, deputy = _fresh(leader, locked), _fresh(deputy, locked)
    if len(locked) != len({m.pk for m in members}):
        raise ValidationFailed(_("所选组员不存在。"), detail={"members": _("所选组员不存在。")})
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("请填写小组名称。")
    elif len(name) > NAME_MAX:
        errors["name"] = _("小组名称不能超过%(n)s个字。") % {"n": NAME_MAX}
    elif Group.objects.filter(batch=batch, name=name).exclude(pk=group.pk if group else 0).exists():
        errors["name"] = _("本批次已有名为“%(name)s”的小组。") % {"name": name}
    member_ids = {member.pk for member in locked}
    wrong = [m for m in locked if m.batch_id != batch.pk or m.state not in SERVING_STATES]
    elsewhere = [m for m in locked if m.group_id is not None and m.group_id != (group and group.pk)]
    if wrong:
        errors["members"] = _("%(names)s不是本批次已批准或在岗的人员，不能编入小组。") % {
            "names": join_list(m.cadre.name for m in wrong)
        }
    elif elsewhere:
        errors["members"] = _("%(names)s已在其他小组，每人只能在一个小组。") % {
            "names": join_list(
                _("%(name)s（%(group)s）") % {"name": m.cadre.name, "group": m.group}
                for m in elsewhere
            )
        }
    if leader is not None and leader.pk not in member_ids:
        errors["leader"] = _("组长须从本组组员中选定。")
    if deputy is not None and deputy.pk not in member_ids:
        errors["deputy"] = _("副组长须从本组组员中选定。")
    elif deputy is not None and leader is not None and deputy.pk == leader.pk:
        errors["deputy"] = _("副组长不能与组长为同一人。")
    if errors:
        raise ValidationFailed(_("小组信息有误。"), detail=errors)
    return locked, leader, deputy


def _lock_members(members: Sequence[Assignment]) -> list[Assignment]:
    """The chosen members, locked and read afresh: another save may have just put one of them
    in another group, which the check after this must see."""
    return list(
        Assignment.objects.select_for_update(of=("self",))
        .filter(pk__in=[member.pk for member in members])
        .select_related("cadre__user", "group")
        .order_by("pk")
    )


def _fresh(chosen: Assignment | None, locked: list[Assignment]) -> Assignment | None:
    """The locked copy of a chosen leader or deputy (None when not among the members, which
    the checks then report)."""
    if chosen is None:
        return None
    return next((member for member in locked if member.pk == chosen.pk), chosen)


@transaction.atomic
def group_create(
    *,
    actor: Any,
    batch: Batch,
    name: str,
    members: Sequence[Assignment] = (),
    leader: Assignment | None = None,
    deputy: Assignment | None = None,
) -> tuple[Group, LeaderGrants]:
    """A new group of the batch's approved or active people; its leader and deputy (both
    among the members, distinct) get the group-leader role for the batch."""
    # Locked: the batch cannot leave the serving stages between the check and the commit.
    batch = locked_batch(batch.pk)
    _check_manager(actor, batch, _("只有组织部门可以建立小组。"))
    _check_batch_state(batch, _("建立小组"))
    name = name.strip()
    locked, leader, deputy = _checked_choice(
        batch=batch, group=None, name=name, members=members, leader=leader, deputy=deputy
    )
    group = Group(batch=batch, name=name, leader=leader, deputy=deputy)
    history_by(actor, group)
    group.save()
    _set_members(actor, group, locked, before=[])
    grants = _sync_leader_roles(actor=actor, batch=batch, people=[leader, deputy])
    batch_event_record(
        actor=actor,
        batch=batch,
        kind="group_create",
        note=Message(gettext_noop("建立小组“%(name)s”，%(n)s人。"), name=name, n=len(locked)),
        payload={"group": group.pk, "members": [m.pk for m in locked]},
    )
    audit_record(
        actor=actor,
        action="group.create",
        obj=group,
        detail={
            "members": [m.cadre.name for m in locked],
            "leader": leader.cadre.name if leader else "",
            "deputy": deputy.cadre.name if deputy else "",
        },
    )
    return group, grants


@transaction.atomic
def group_update(
    *,
    actor: Any,
    group: Group,
    name: str,
    members: Sequence[Assignment],
    leader: Assignment | None,
    deputy: Assignment | None,
) -> tuple[Group, LeaderGrants]:
    """Rename the group, change its members, leader and deputy; the group-leader role follows
    (granted to a new leader, revoked from one who leads no group of the batch any more)."""
    # The batch before the group, in the order every write takes them; locked, it cannot leave
    # the serving stages between the check and the commit.
    batch = locked_batch(group.batch_id)
    group = (
        Group.objects.select_for_update(of=("self",))
        .select_related("leader", "deputy")
        .get(pk=group.pk)
    )
    group.batch = batch
    _check_manager(actor, batch, _("只有组织部门可以修改小组。"))
    _check_batch_state(batch, _("修改小组"))
    name = name.strip()
    locked, leader, deputy = _checked_choice(
        batch=batch, group=group, name=name, members=members, leader=leader, deputy=deputy
    )
    before_members = list(
        Assignment.objects.select_for_update(of=("self",))
        .filter(group=group)
        .select_related("cadre__user")
        .order_by("pk")
    )
    old_leaders = [group.leader, group.deputy]
    fields = ["name", "leader", "deputy"]
    before = {key: getattr(group, key) for key in fields}
    group.name, group.leader, group.deputy = name, leader, deputy
    history_by(actor, group)
    group.save(update_fields=[*fields, "updated_at"])
    added, removed = _set_members(actor, group, locked, before=before_members)
    grants = _sync_leader_roles(actor=actor, batch=batch, people=[*old_leaders, leader, deputy])
    batch_event_record(
        actor=actor,
        batch=batch,
        kind="group_update",
        note=Message(gettext_noop("修改小组“%(name)s”，现%(n)s人。"), name=name, n=len(locked)),
        payload={"group": group.pk, "added": added, "removed": removed},
    )
    audit_record(
        actor=actor,
        action="group.update",
        obj=group,
        detail={
            "changes": changed_fields(group, before, fields),
            "added": [m.cadre.name for m in locked if m.pk in added],
            "removed": [m.cadre.name for m in before_members if m.pk in removed],
        },
    )
    return group, grants


def _set_members(
    actor: Any, group: Group, members: list[Assignment], *, before: list[Assignment]
) -> tuple[list[int], list[int]]:
    """Point the members at the group and the others away; one save each, so every person's
    history shows the group they joined or left."""
    wanted = {member.pk for member in members}
    had = {member.pk for member in before}
    for member in before:
        if member.pk not in wanted:
            member.group = None
            history_by(actor, member)
            member.save(update_fields=["group", "updated_at"])
    for member in members:
        if member.pk not in had:
            member.group = group
            history_by(actor, member)
            member.save(update_fields=["group", "updated_at"])
    return sorted(wanted - had), sorted(had - wanted)


@transaction.atomic
def group_member_remove(*, actor: Any, assignment: Assignment) -> None:
    """Take a person out of their group (ended early, cancelled): they stop leading it and
    lose the group-leader role unless they lead another group of the batch. For other
    services of the programme, which have checked the actor already."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("cadre__user")
        .get(pk=assignment.pk)
    )
    if assignment.group_id is None:
        return
    group = Group.objects.select_for_update(of=("self",)).get(pk=assignment.group_id)
    batch = Batch.objects.select_related("coordinating_org").get(pk=group.batch_id)
    fields = [f for f in ("leader", "deputy") if getattr(group, f"{f}_id") == assignment.pk]
    for field in fields:
        setattr(group, field, None)
    if fields:
        history_by(actor, group)
        group.save(update_fields=[*fields, "updated_at"])
    assignment.group = None
    history_by(actor, assignment)
    assignment.save(update_fields=["group", "updated_at"])
    _sync_leader_roles(actor=actor, batch=batch, people=[assignment])
    audit_record(
        actor=actor,
        action="group.member_remove",
        obj=group,
        detail={"removed": assignment.cadre.name, "was": fields},
    )


def _sync_leader_roles(
    *, actor: Any, batch: Batch, people: Sequence[Assignment | None]
) -> LeaderGrants:
    """Make the group-leader grants of these people's accounts match who leads now."""
    present = [p for p in people if p is not None]
    cadre_ids = {person.cadre_id for person in present}
    if not cadre_ids:
        return LeaderGrants([], [], [])
    leading = set(
        Assignment.objects.filter(
            Q(pk__in=Group.objects.filter(batch=batch).values("leader"))
            | Q(pk__in=Group.objects.filter(batch=batch).values("deputy")),
            cadre_id__in=cadre_ids,
        ).values_list("cadre_id", flat=True)
    )
    users = {
        person.cadre_id: person.cadre.user
        for person in Assignment.objects.filter(pk__in=[p.pk for p in present]).select_related(
            "cadre__user"
        )
    }
    # Found by role and batch, not by unit: a grant made while another unit coordinated the
    # batch is still this batch's grant, and must be found to be revoked.
    held = {
        grant.user_id: grant
        for grant in RoleAssignment.objects.select_for_update(of=("self",)).filter(
            role=Role.GROUP_LEADER,
            batch=batch,
            user__in=[user for user in users.values() if user is not None],
        )
    }
    granted: list[User] = []
    revoked: list[User] = []
    without: list[Assignment] = []
    for person in present:
        if person.cadre_id not in users:
            continue
        user = users.pop(person.cadre_id)
        should_lead = person.cadre_id in leading
        if user is None or not user.is_active:
            if should_lead:
                without.append(person)
            continue
        grant = held.get(user.pk)
        if should_lead and grant is None:
            grant = RoleAssignment.objects.create(
                user=user,
                role=Role.GROUP_LEADER,
                organisation=batch.coordinating_org,
                batch=batch,
                granted_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            granted.append(user)
            action = "role.grant"
        elif not should_lead and grant is not None:
            revoked.append(user)
            action = "role.revoke"
        else:
            continue
        audit_record(
            actor=actor,
            action=action,
            obj=grant,
            detail={
                "user": user.username,
                "role": Role.GROUP_LEADER,
                "organisation": batch.coordinating_org.name,
                "batch": batch.name,
            },
        )
        if action == "role.revoke":
            grant.delete()
    changed = [user.pk for user in (*granted, *revoked)]
    if changed:
        grants_changed(user_ids=changed)
    return LeaderGrants(granted, revoked, without)


# Training ---------------------------------------------------------------------------------


def _checked_session(
    *,
    topic: str,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    place: str,
    description: str,
) -> dict[str, Any]:
    """A session's fields, trimmed and checked; raises ValidationFailed naming each wrong one."""
    topic, place, description = topic.strip(), place.strip(), description.strip()
    errors: dict[str, str] = {}
    if not topic:
        errors["topic"] = _("请填写培训主题。")
    elif len(topic) > TOPIC_MAX:
        errors["topic"] = _("培训主题不能超过%(n)s个字。") % {"n": TOPIC_MAX}
    if starts_at is None:
        errors["starts_at"] = _("请填写开始时间。")
    elif error := year_error(starts_at, _("开始时间")):
        errors["starts_at"] = error
    if error := year_error(ends_at, _("结束时间")):
        errors["ends_at"] = error
    elif starts_at is not None and ends_at is not None and ends_at <= starts_at:
        errors["ends_at"] = _("结束时间须晚于开始时间。")
    if len(place) > PLACE_MAX:
        errors["place"] = _("地点不能超过%(n)s个字。") % {"n": PLACE_MAX}
    if errors or starts_at is None:
        raise ValidationFailed(_("培训信息有误。"), detail=errors)
    return {
        "topic": topic,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": place,
        "description": description,
    }


@transaction.atomic
def training_session_create(
    *,
    actor: Any,
    batch: Batch,
    topic: str,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None = None,
    place: str = "",
    description: str = "",
) -> TrainingSession:
    """A pre-dispatch training session of the batch (training or active stage)."""
    # Locked: the batch cannot leave the serving stages between the check and the commit.
    batch = locked_batch(batch.pk)
    _check_manager(actor, batch, _("只有组织部门可以安排岗前培训。"))
    _check_batch_state(batch, _("安排岗前培训"))
    values = _checked_session(
        topic=topic, starts_at=starts_at, ends_at=ends_at, place=place, description=description
    )
    session = TrainingSession(batch=batch, **values)
    history_by(actor, session)
    session.save()
    batch_event_record(
        actor=actor,
        batch=batch,
        kind="training_create",
        note=Message(gettext_noop("安排岗前培训“%(topic)s”。"), topic=session.topic),
        payload={"session": session.pk},
    )
    audit_record(
        actor=actor,
        action="training.create",
        obj=session,
        detail={"topic": session.topic, "starts_at": str(starts_at), "place": session.place},
    )
    return session


SESSION_FIELDS = ["topic", "starts_at", "ends_at", "place", "description"]


def _local(value: Any) -> Any:
    """Times read back from the database are in UTC; audits show them in local time."""
    return timezone.localtime(value) if isinstance(value, dt.datetime) else value


def _locked_session(session: TrainingSession) -> TrainingSession:
    """The session locked, with its batch locked first: the batch's stage, which the caller
    checks, cannot change before commit."""
    batch = locked_batch(session.batch_id)
    locked = TrainingSession.objects.select_for_update(of=("self",)).get(pk=session.pk)
    locked.batch = batch
    return locked


@transaction.atomic
def training_session_update(
    *,
    actor: Any,
    session: TrainingSession,
    topic: str,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None = None,
    place: str = "",
    description: str = "",
) -> TrainingSession:
    """Correct a session's topic, time, place or description (training or active stage);
    attendance already recorded stays with it."""
    session = _locked_session(session)
    _check_manager(actor, session.batch, _("只有组织部门可以修改岗前培训。"))
    _check_batch_state(session.batch, _("修改岗前培训"))
    values = _checked_session(
        topic=topic, starts_at=starts_at, ends_at=ends_at, place=place, description=description
    )
    before = {name: _local(getattr(session, name)) for name in SESSION_FIELDS}
    for name, value in values.items():
        setattr(session, name, value)
    changes = changed_fields(session, before, SESSION_FIELDS)
    if not changes:
        return session
    history_by(actor, session)
    session.save(update_fields=[*changes.keys(), "updated_at"])
    audit_record(actor=actor, action="training.update", obj=session, detail={"changes": changes})
    batch_event_record(
        actor=actor,
        batch=session.batch,
        kind="training_update",
        note=Message(gettext_noop("修改培训“%(topic)s”的信息。"), topic=session.topic),
        payload={"session": session.pk},
    )
    return session


@transaction.atomic
def training_session_delete(*, actor: Any, session: TrainingSession) -> None:
    """Delete a session arranged by mistake or called off, with its materials. Refused once
    attendance is recorded: the list is the record that people were trained."""
    session = _locked_session(session)
    _check_manager(actor, session.batch, _("只有组织部门可以删除岗前培训。"))
    _check_batch_state(session.batch, _("删除岗前培训"))
    recorded = session.attendance.count()
    if recorded:
        raise InvalidTransition(
            _("培训“%(topic)s”已登记%(n)s人的签到，不能删除；如需更正，请修改培训信息或签到。")
            % {"topic": session.topic, "n": recorded}
        )
    materials = list(attachments_of(session))
    for attachment in materials:
        attachment_delete(actor=actor, attachment=attachment)
    audit_record(
        actor=actor,
        action="training.delete",
        obj=session,
        detail={
            "topic": session.topic,
            "starts_at": str(_local(session.starts_at)),
            "place": session.place,
            "materials": [attachment.name for attachment in materials],
        },
    )
    batch_event_record(
        actor=actor,
        batch=session.batch,
        kind="training_delete",
        note=Message(gettext_noop("删除培训“%(topic)s”。"), topic=session.topic),
    )
    history_by(actor, session)
    session.delete()


@dataclass(frozen=True)
class AttendanceEntry:
    """One line of the attendance form: status "" leaves the person unrecorded."""

    assignment_id: int
    status: str
    note: str = ""


@transaction.atomic
def training_attendance_record(
    *, actor: Any, session: TrainingSession, entries: Sequence[AttendanceEntry]
) -> dict[str, int]:
    """Record the whole list at once, all or nothing: each entry's person must be a participant
    (the batch's approved or active people, or already recorded). Errors name the line as
    "entries.<n>.<field>", n from 1. Returns the counts after the change."""
    session = _locked_session(session)
    batch = session.batch
    _check_manager(actor, batch, _("只有组织部门可以登记培训签到。"))
    _check_batch_state(batch, _("登记培训签到"))
    recorded = {
        row.assignment_id: row for row in session.attendance.select_for_update(of=("self",))
    }
    participants = {
        person.pk: person
        for person in Assignment.objects.filter(
            Q(state__in=SERVING_STATES) | Q(pk__in=list(recorded)), batch=batch
        ).select_related("cadre")
    }
    errors: dict[str, str] = {}
    seen: set[int] = set()
    for number, entry in enumerate(entries, start=1):
        person = participants.get(entry.assignment_id)
        if person is None or entry.assignment_id in seen:
            errors[f"entries.{number}.status"] = _("第%(n)s行不是本次培训的参训人员。") % {
                "n": number
            }
            continue
        seen.add(entry.assignment_id)
        if entry.status and entry.status not in AttendanceStatus.values:
            errors[f"entries.{number}.status"] = _("%(name)s的出勤情况无效。") % {
                "name": person.cadre.name
            }
        if len(entry.note.strip()) > NOTE_MAX:
            errors[f"entries.{number}.note"] = _("%(name)s的备注不能超过%(n)s个字。") % {
                "name": person.cadre.name,
                "n": NOTE_MAX,
            }
    if errors:
        raise ValidationFailed(_("签到信息有误，请修改标出的行。"), detail=errors)
    changed = 0
    for entry in entries:
        row, note = recorded.get(entry.assignment_id), entry.note.strip()
        if not entry.status:
            if row is not None:
                history_by(actor, row)
                row.delete()
                changed += 1
            continue
        if row is None:
            row = TrainingAttendance(
                session=session, assignment_id=entry.assignment_id, status=entry.status, note=note
            )
            history_by(actor, row)
            row.save()
            changed += 1
        elif (row.status, row.note) != (entry.status, note):
            row.status, row.note = entry.status, note
            history_by(actor, row)
            row.save(update_fields=["status", "note"])
            changed += 1
    counts = {
        status: TrainingAttendance.objects.filter(session=session, status=status).count()
        for status in AttendanceStatus.values
    }
    if changed:
        audit_record(
            actor=actor,
            action="training.attendance",
            obj=session,
            detail={"changed": changed, **counts},
        )
    return counts


@transaction.atomic
def training_material_add(*, actor: Any, session: TrainingSession, upload: Any) -> Attachment:
    """Attach a material (slides, a reading) to a session; the type is read from the content."""
    session = _locked_session(session)
    _check_manager(actor, session.batch, _("只有组织部门可以上传培训材料。"))
    _check_batch_state(session.batch, _("上传培训材料"))
    attachment = attachment_store(actor=actor, owner=session, upload=upload)
    batch_event_record(
        actor=actor,
        batch=session.batch,
        kind="training_material",
        note=Message(
            gettext_noop("为培训“%(topic)s”上传材料“%(name)s”。"),
            topic=session.topic,
            name=attachment.name,
        ),
        payload={"session": session.pk, "attachment": attachment.pk},
    )
    return attachment


@transaction.atomic
def training_material_delete(*, actor: Any, attachment: Attachment) -> TrainingSession:
    """Remove a material from its session (training or active stage); returns the session.
    The stored file goes after commit (core.attachments.attachment_delete audits it)."""
    attachment = Attachment.objects.select_related("content_type").get(pk=attachment.pk)
    if attachment.content_type.model_class() is not TrainingSession:
        raise ValidationFailed(_("该文件不是培训材料。"))
    session = TrainingSession.objects.filter(pk=attachment.object_id).first()
    if session is None:
        raise ValidationFailed(_("该文件不是培训材料。"))
    session = _locked_session(session)
    _check_manager(actor, session.batch, _("只有组织部门可以删除培训材料。"))
    _check_batch_state(session.batch, _("删除培训材料"))
    attachment_delete(actor=actor, attachment=attachment)
    batch_event_record(
        actor=actor,
        batch=session.batch,
        kind="training_material_delete",
        note=Message(
            gettext_noop("删除培训“%(topic)s”的材料“%(name)s”。"),
            topic=session.topic,
            name=attachment.name,
        ),
        payload={"session": session.pk},
    )
    return session


# Demo data ---------------------------------------------------------------------------------

NUMERALS = "一二三四五六七八九十"


def group_name(number: int) -> str:
    """第一组 in Chinese, "Group 1" in English: Chinese numerals only where they are read."""
    from django.utils.translation import get_language

    chinese = (get_language() or "zh-hans").startswith("zh")
    n = NUMERALS[number - 1] if chinese and number <= len(NUMERALS) else number
    return _("第%(n)s组") % {"n": n}


def serving_demo(
    *, actor: Any, batch: Batch, group_size: int = 8, report_duty: bool = True
) -> dict[str, int]:
    """Demo data for a batch in training or active with approved people, through the real
    services: reporting for duty on the term's first day, groups of `group_size` (first two
    lead), two sessions the week before the term with everyone present but every seventh
    person excused. Deterministic; returns what it made."""
    from guazhi.programmes.services.duty_start import assignment_report_duty

    people = list(
        Assignment.objects.filter(batch=batch, state__in=SERVING_STATES)
        .select_related("cadre")
        .order_by("cadre__name_pinyin", "id")
    )
    reported = 0
    if report_duty:
        for person in people:
            if person.state == "approved":
                assignment_report_duty(actor=actor, assignment=person, start_date=batch.term_start)
                reported += 1
    people = list(
        Assignment.objects.filter(pk__in=[p.pk for p in people], group__isnull=True)
        .select_related("cadre")
        .order_by("cadre__name_pinyin", "id")
    )
    groups = 0
    for start in range(0, len(people), group_size):
        members = people[start : start + group_size]
        groups += 1
        group_create(
            actor=actor,
            batch=batch,
            name=group_name(Group.objects.filter(batch=batch).count() + 1),
            members=members,
            leader=members[0],
            deputy=members[1] if len(members) > 1 else None,
        )
    week_before = batch.term_start - dt.timedelta(days=7)
    sessions = [
        (_("岗前培训动员会"), 9, _("区委组织部会议室"), _("挂职纪律、管理要求和考核办法。")),
        (_("乡村振兴政策解读"), 14, _("区委党校报告厅"), _("政策要点与基层工作案例。")),
    ]
    for topic, hour, place, description in sessions:
        starts = timezone.make_aware(dt.datetime.combine(week_before, dt.time(hour, 0)))
        session = training_session_create(
            actor=actor,
            batch=batch,
            topic=topic,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=3),
            place=place,
            description=description,
        )
        training_attendance_record(
            actor=actor,
            session=session,
            entries=[
                AttendanceEntry(
                    person.pk,
                    AttendanceStatus.EXCUSED if n % 7 == 6 else AttendanceStatus.PRESENT,
                    _("因公请假") if n % 7 == 6 else "",
                )
                for n, person in enumerate(people)
            ],
        )
    return {"reported": reported, "groups": groups, "sessions": len(sessions)}
