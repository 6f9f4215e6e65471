"""Arranging exchange meetings and symposia (交流会 / 座谈会): schedule, change, minute, speakers,
summaries discussed, files.

A coordinator over the batch does all of it, while the batch is on duty or being evaluated
(selectors.meetings.MEETING_BATCH_STATES). The participants are the batch's cadres on duty or
whose term has ended; the speakers (代表发言) are chosen among them, in speaking order; the
summaries discussed are those of the batch's people the coordinator reaches, once submitted
(a draft is the person's own). Minutes are recorded on or after the meeting's day, and a
meeting with minutes is not moved past today nor deleted: the minutes say it took place.

Every write locks the meeting's row (so a change of participants and a change of speakers
cannot cross), saves only what changed and leaves an audit event. The participants are told,
after commit, when they are asked to an upcoming meeting, when it moves (day, time or place),
when they are taken off the list and when it is called off; a meeting entered after the fact
(its day already past) tells nobody anything.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guazhi.core.attachments import attachment_delete, attachment_store
from guazhi.core.audit import audit_record, history_by
from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.i18n import Message, label_message
from guazhi.core.jinja import format_date
from guazhi.core.models import Attachment
from guazhi.core.notifications import notify
from guazhi.core.text import join_list
from guazhi.duty.selectors.scope import DUTY_STATES
from guazhi.duty.services.leave_checks import date_message
from guazhi.programmes.models import Assignment, Batch
from guazhi.summaries.models import Meeting, MeetingKind, MeetingSpeaker, Summary, SummaryState
from guazhi.summaries.selectors.meetings import (
    MEETING_BATCH_STATES,
    can_manage_meetings,
    meeting_attachments,
)
from guazhi.summaries.selectors.scope import summary_queryset

TITLE_MAX = 100
PLACE_MAX = 100
TOPIC_MAX = 100
OTHERS_MAX = 2_000
MINUTES_MAX = 50_000


# Checks ----------------------------------------------------------------------------------


def _check_manager(actor: Any, batch: Batch, message: str) -> None:
    if not can_manage_meetings(actor=actor, batch=batch):
        raise Forbidden(message)


def _check_batch_state(batch: Batch, doing: str) -> None:
    if batch.state not in MEETING_BATCH_STATES:
        raise InvalidTransition(
            _("批次“%(batch)s”当前为“%(state)s”，不能%(doing)s；在岗和考核阶段才可以。")
            % {"batch": batch.name, "state": batch.get_state_display(), "doing": doing}
        )


def _locked(meeting: Meeting) -> Meeting:
    """The meeting's row, locked for this transaction and read afresh, with its batch."""
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("batch__coordinating_org")
        .get(pk=meeting.pk)
    )


@dataclass(frozen=True)
class _Fields:
    kind: str
    title: str
    held_on: dt.date
    starts_at: dt.time | None
    place: str
    other_participants: str
    participants: list[Assignment]


def _checked_fields(
    *,
    batch: Batch,
    kind: str,
    title: str,
    held_on: dt.date | None,
    starts_at: dt.time | None,
    place: str,
    other_participants: str,
    participants: Sequence[Assignment],
) -> _Fields:
    """A meeting's fields trimmed and checked, the participants read afresh; raises
    ValidationFailed naming every field that is wrong."""
    title, place, others = title.strip(), place.strip(), other_participants.strip()
    errors: dict[str, str] = {}
    if kind not in MeetingKind.values:
        errors["kind"] = _("请选择会议类型。")
    if not title:
        errors["title"] = _("请填写会议名称。")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("会议名称不能超过%(n)s个字。") % {"n": TITLE_MAX}
    if held_on is None:
        errors["held_on"] = _("请填写会议日期。")
    if not place:
        errors["place"] = _("请填写会议地点。")
    elif len(place) > PLACE_MAX:
        errors["place"] = _("会议地点不能超过%(n)s个字。") % {"n": PLACE_MAX}
    if len(others) > OTHERS_MAX:
        errors["other_participants"] = _("其他参会人员不能超过%(n)s个字。") % {"n": OTHERS_MAX}
    wanted = {person.pk for person in participants}
    found = list(
        Assignment.objects.filter(pk__in=wanted)
        .select_related("cadre__user")
        .order_by("cadre__name_pinyin", "id")
    )
    wrong = [p for p in found if p.batch_id != batch.pk or p.state not in DUTY_STATES]
    if len(found) != len(wanted):
        errors["participants"] = _("所选参会人员不存在。")
    elif wrong:
        errors["participants"] = _(
            "%(names)s不是本批次在岗或已期满的挂职干部，不能列为参会人员。"
        ) % {"names": join_list(p.cadre.name for p in wrong)}
    elif not found:
        errors["participants"] = _("请至少选择一名参会的挂职干部。")
    if errors or held_on is None:
        raise ValidationFailed(_("会议信息有误。"), detail=errors)
    return _Fields(kind, title, held_on, starts_at, place, others, found)


def _names(people: Iterable[Assignment]) -> list[str]:
    return [person.cadre.name for person in people]


def _time_text(value: dt.time | None) -> str:
    return value.strftime("%H:%M") if value is not None else ""


# Scheduling and changing -----------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    actor: Any,
    batch: Batch,
    kind: str,
    title: str,
    held_on: dt.date | None,
    place: str,
    participants: Sequence[Assignment],
    starts_at: dt.time | None = None,
    other_participants: str = "",
    today: dt.date | None = None,
) -> Meeting:
    """Schedule a meeting of the batch (or enter one already held); the participants are told
    when its day is today or later."""
    today = today or timezone.localdate()
    batch = Batch.objects.select_related("coordinating_org").get(pk=batch.pk)
    _check_manager(actor, batch, _("只有本批次的组织部门可以安排交流会议。"))
    _check_batch_state(batch, _("安排交流会议"))
    fields = _checked_fields(
        batch=batch,
        kind=kind,
        title=title,
        held_on=held_on,
        starts_at=starts_at,
        place=place,
        other_participants=other_participants,
        participants=participants,
    )
    meeting = Meeting(
        batch=batch,
        kind=fields.kind,
        title=fields.title,
        held_on=fields.held_on,
        starts_at=fields.starts_at,
        place=fields.place,
        other_participants=fields.other_participants,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    history_by(actor, meeting)
    meeting.save()
    meeting.participants.set(fields.participants)
    audit_record(
        actor=actor,
        action="meeting.create",
        obj=meeting,
        detail={
            "meeting_kind": meeting.kind,
            "meeting_title": meeting.title,
            "meeting_date": meeting.held_on.isoformat(),
            "meeting_time": _time_text(meeting.starts_at),
            "meeting_place": meeting.place,
            "participants": _names(fields.participants),
            "other_participants": meeting.other_participants,
        },
    )
    if meeting.held_on >= today:
        _tell_after_commit(meeting, _INVITED, fields.participants, key="invited", actor=actor)
    return meeting


# The fields a change compares, as the audit names them (audit_labels.meetings).
_AUDITED = {
    "kind": "meeting_kind",
    "title": "meeting_title",
    "held_on": "meeting_date",
    "starts_at": "meeting_time",
    "place": "meeting_place",
    "other_participants": "other_participants",
}
_WHERE_AND_WHEN = ("held_on", "starts_at", "place")


def _audit_value(name: str, value: Any) -> Any:
    if isinstance(value, dt.time) or (name == "starts_at" and value is None):
        return _time_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@transaction.atomic
def meeting_update(
    *,
    actor: Any,
    meeting: Meeting,
    kind: str,
    title: str,
    held_on: dt.date | None,
    place: str,
    participants: Sequence[Assignment],
    starts_at: dt.time | None = None,
    other_participants: str = "",
    today: dt.date | None = None,
) -> Meeting:
    """Change a meeting's kind, title, day, time, place or participants. Refused: taking off the
    list someone who speaks (take them off the speakers first), and moving a meeting with
    minutes past today. For an upcoming meeting, those added are asked, those taken off are
    told, and when it moves the others are told where and when it is now."""
    today = today or timezone.localdate()
    meeting = _locked(meeting)
    batch = meeting.batch
    _check_manager(actor, batch, _("只有本批次的组织部门可以修改交流会议。"))
    _check_batch_state(batch, _("修改交流会议"))
    fields = _checked_fields(
        batch=batch,
        kind=kind,
        title=title,
        held_on=held_on,
        starts_at=starts_at,
        place=place,
        other_participants=other_participants,
        participants=participants,
    )
    before_people = list(meeting.participants.select_related("cadre__user").order_by("pk"))
    kept_ids = {person.pk for person in fields.participants}
    removed = [person for person in before_people if person.pk not in kept_ids]
    speaking = set(
        MeetingSpeaker.objects.filter(meeting=meeting).values_list("assignment_id", flat=True)
    )
    errors: dict[str, str] = {}
    if any(person.pk in speaking for person in removed):
        errors["participants"] = _(
            "%(names)s是代表发言人，请先在代表发言中移除，再从参会人员中移除。"
        ) % {"names": join_list(p.cadre.name for p in removed if p.pk in speaking)}
    if meeting.minutes and fields.held_on > today:
        errors["held_on"] = _("会议已记录纪要，日期不能改到今天以后。")
    if errors:
        raise ValidationFailed(_("会议信息有误。"), detail=errors)
    before = {name: getattr(meeting, name) for name in _AUDITED}
    for name in _AUDITED:
        setattr(meeting, name, getattr(fields, name))
    changes = {
        _AUDITED[name]: [
            _audit_value(name, before[name]),
            _audit_value(name, getattr(meeting, name)),
        ]
        for name in _AUDITED
        if before[name] != getattr(meeting, name)
    }
    before_ids = {person.pk for person in before_people}
    added = [person for person in fields.participants if person.pk not in before_ids]
    if not changes and not added and not removed:
        return meeting
    history_by(actor, meeting)
    changed = [name for name in _AUDITED if _AUDITED[name] in changes]
    meeting.save(update_fields=[*changed, "updated_at"])
    if added or removed:
        meeting.participants.set(fields.participants)
    event = audit_record(
        actor=actor,
        action="meeting.update",
        obj=meeting,
        detail={
            "changes": changes,
            "participants_added": _names(added),
            "participants_removed": _names(removed),
        },
    )
    if meeting.held_on >= today:
        key = f"{event.pk}"
        _tell_after_commit(meeting, _INVITED, added, key=f"invited:{key}", actor=actor)
        _tell_after_commit(meeting, _REMOVED, removed, key=f"removed:{key}", actor=actor)
        if any(name in changed for name in _WHERE_AND_WHEN):
            stayed = [person for person in fields.participants if person.pk in before_ids]
            _tell_after_commit(meeting, _MOVED, stayed, key=f"moved:{key}", actor=actor)
    return meeting


@transaction.atomic
def meeting_delete(*, actor: Any, meeting: Meeting, today: dt.date | None = None) -> None:
    """Delete a meeting arranged by mistake or called off, with its speakers and files; the
    participants of an upcoming one are told. Refused once minutes are recorded."""
    today = today or timezone.localdate()
    meeting = _locked(meeting)
    _check_manager(actor, meeting.batch, _("只有本批次的组织部门可以删除交流会议。"))
    _check_batch_state(meeting.batch, _("删除交流会议"))
    if meeting.minutes:
        raise InvalidTransition(
            _("会议“%(title)s”已记录纪要，不能删除。") % {"title": meeting.title}
        )
    people = list(meeting.participants.select_related("cadre__user").order_by("pk"))
    files = list(meeting_attachments(meeting=meeting))
    for attachment in files:
        attachment_delete(actor=actor, attachment=attachment)
    audit_record(
        actor=actor,
        action="meeting.delete",
        obj=meeting,
        detail={
            "meeting_title": meeting.title,
            "meeting_date": meeting.held_on.isoformat(),
            "meeting_place": meeting.place,
            "files": [attachment.name for attachment in files],
        },
    )
    if meeting.held_on >= today:
        # The message is made now: the row is gone when the commit hook runs.
        _tell_after_commit(meeting, _CANCELLED, people, key="cancelled", actor=actor, url="")
    history_by(actor, meeting)
    meeting.delete()


# Minutes, speakers, summaries ------------------------------------------------------------


@transaction.atomic
def meeting_minutes_record(
    *, actor: Any, meeting: Meeting, minutes: str, today: dt.date | None = None
) -> Meeting:
    """Record (or correct) the minutes, on or after the meeting's day."""
    today = today or timezone.localdate()
    meeting = _locked(meeting)
    _check_manager(actor, meeting.batch, _("只有本批次的组织部门可以记录会议纪要。"))
    _check_batch_state(meeting.batch, _("记录会议纪要"))
    minutes = minutes.strip()
    message = ""
    if meeting.held_on > today:
        message = _("会议定于%(date)s召开，会后才能记录纪要。") % {
            "date": format_date(meeting.held_on)
        }
    elif not minutes:
        message = _("请填写会议纪要。")
    elif len(minutes) > MINUTES_MAX:
        message = _("会议纪要不能超过%(n)s个字。") % {"n": MINUTES_MAX}
    if message:
        raise ValidationFailed(message, detail={"minutes": message})
    if minutes == meeting.minutes:
        return meeting
    first = not meeting.minutes
    meeting.minutes = minutes
    history_by(actor, meeting)
    meeting.save(update_fields=["minutes", "updated_at"])
    audit_record(
        actor=actor,
        action="meeting.minutes",
        obj=meeting,
        detail={"minutes_length": len(minutes), "minutes_first": first},
    )
    return meeting


@dataclass(frozen=True)
class SpeakerEntry:
    """One speaker, in the order given: the participant's assignment and the topic."""

    assignment_id: int
    topic: str = ""


@transaction.atomic
def meeting_speakers_set(
    *, actor: Any, meeting: Meeting, speakers: Sequence[SpeakerEntry]
) -> list[MeetingSpeaker]:
    """Replace the speakers with `speakers`, who speak in that order (positions 1, 2, …). Each
    must be a participant, once. Errors name the line as "speakers.<n>.<field>", n from 1."""
    meeting = _locked(meeting)
    _check_manager(actor, meeting.batch, _("只有本批次的组织部门可以安排代表发言。"))
    _check_batch_state(meeting.batch, _("安排代表发言"))
    participants = {person.pk: person for person in meeting.participants.select_related("cadre")}
    errors: dict[str, str] = {}
    seen: set[int] = set()
    for number, entry in enumerate(speakers, start=1):
        person = participants.get(entry.assignment_id)
        if person is None:
            errors[f"speakers.{number}.assignment"] = _(
                "第%(n)s位发言人不是本次会议的参会人员；发言人须从参会人员中选定。"
            ) % {"n": number}
            continue
        if entry.assignment_id in seen:
            errors[f"speakers.{number}.assignment"] = _("%(name)s已安排发言，每人只发言一次。") % {
                "name": person.cadre.name
            }
        seen.add(entry.assignment_id)
        if len(entry.topic.strip()) > TOPIC_MAX:
            errors[f"speakers.{number}.topic"] = _("%(name)s的发言题目不能超过%(n)s个字。") % {
                "name": person.cadre.name,
                "n": TOPIC_MAX,
            }
    if errors:
        raise ValidationFailed(_("代表发言安排有误。"), detail=errors)
    wanted = [
        (position, entry.assignment_id, entry.topic.strip())
        for position, entry in enumerate(speakers, start=1)
    ]
    current = list(
        MeetingSpeaker.objects.filter(meeting=meeting)
        .order_by("position")
        .values_list("position", "assignment_id", "topic")
    )
    if current == wanted:
        return _speakers(meeting)
    # Positions are unique per meeting: the old list goes before the new one is written.
    MeetingSpeaker.objects.filter(meeting=meeting).delete()
    MeetingSpeaker.objects.bulk_create(
        MeetingSpeaker(meeting=meeting, assignment_id=pk, position=position, topic=topic)
        for position, pk, topic in wanted
    )
    audit_record(
        actor=actor,
        action="meeting.speakers",
        obj=meeting,
        detail={
            "speakers": [
                f"{position}. {participants[pk].cadre.name}：{topic or '—'}"
                for position, pk, topic in wanted
            ]
        },
    )
    return _speakers(meeting)


def _speakers(meeting: Meeting) -> list[MeetingSpeaker]:
    return list(
        MeetingSpeaker.objects.filter(meeting=meeting)
        .select_related("assignment__cadre")
        .order_by("position")
    )


@transaction.atomic
def meeting_summaries_set(
    *, actor: Any, meeting: Meeting, summaries: Sequence[Summary]
) -> list[Summary]:
    """Link exactly `summaries` to the meeting as the ones it discussed: summaries of the
    batch's people the actor reaches. Returns them by person."""
    meeting = _locked(meeting)
    _check_manager(actor, meeting.batch, _("只有本批次的组织部门可以关联交流的总结。"))
    _check_batch_state(meeting.batch, _("关联交流的总结"))
    wanted = {summary.pk for summary in summaries}
    found = list(
        summary_queryset(actor)
        .filter(pk__in=wanted)
        .select_related("assignment__cadre")
        .order_by("assignment__cadre__name_pinyin", "kind", "id")
    )
    message = _summaries_problem(meeting, found, expected=len(wanted))
    if message:
        raise ValidationFailed(message, detail={"summaries": message})
    before = {
        summary.pk: summary for summary in meeting.summaries.select_related("assignment__cadre")
    }
    linked = [summary for summary in found if summary.pk not in before]
    unlinked = [summary for pk, summary in before.items() if pk not in wanted]
    if linked or unlinked:
        history_by(actor, meeting)
        meeting.summaries.set(found)
        audit_record(
            actor=actor,
            action="meeting.summaries",
            obj=meeting,
            detail={
                "summaries_linked": [summary.title for summary in linked],
                "summaries_unlinked": [summary.title for summary in unlinked],
            },
        )
    return found


def _summaries_problem(meeting: Meeting, found: list[Summary], *, expected: int) -> str:
    """Why the summaries found cannot all be linked to the meeting ("" when they can)."""
    if len(found) != expected:
        return _("所选总结不存在或无权查看。")
    elsewhere = [summary for summary in found if summary.assignment.batch_id != meeting.batch_id]
    if elsewhere:
        return _("%(titles)s不是本批次人员的总结，不能关联到本次会议。") % {
            "titles": join_list(f"“{summary.title}”" for summary in elsewhere)
        }
    # A draft is the person's own until submitted, and the meeting's page shows a linked
    # summary's title to everyone who reads the meeting. Named by person and kind, since its
    # title is part of what is not yet shared.
    drafts = [summary for summary in found if summary.state == SummaryState.DRAFT]
    if drafts:
        return _("%(summaries)s尚未提交，草稿不能关联到会议。") % {
            "summaries": join_list(
                _("%(name)s的%(kind)s")
                % {"name": summary.assignment.cadre.name, "kind": summary.get_kind_display()}
                for summary in drafts
            )
        }
    return ""


# Files -----------------------------------------------------------------------------------


@transaction.atomic
def meeting_attachment_add(*, actor: Any, meeting: Meeting, upload: Any) -> Attachment:
    """Attach a file (the signed minutes, slides, photos); its type is read from its content
    and anything not a document or an image is refused (core.attachments, which audits it)."""
    meeting = _locked(meeting)
    _check_manager(actor, meeting.batch, _("只有本批次的组织部门可以上传会议材料。"))
    _check_batch_state(meeting.batch, _("上传会议材料"))
    return attachment_store(actor=actor, owner=meeting, upload=upload)


@transaction.atomic
def meeting_attachment_delete(*, actor: Any, attachment: Attachment) -> Meeting:
    """Remove a file from its meeting; returns the meeting. The stored file goes after commit
    (core.attachments.attachment_delete audits it)."""
    attachment = Attachment.objects.select_related("content_type").get(pk=attachment.pk)
    meeting = None
    if attachment.content_type.model_class() is Meeting:
        meeting = Meeting.objects.filter(pk=attachment.object_id).first()
    if meeting is None:
        raise ValidationFailed(_("该文件不是会议材料。"))
    meeting = _locked(meeting)
    _check_manager(actor, meeting.batch, _("只有本批次的组织部门可以删除会议材料。"))
    _check_batch_state(meeting.batch, _("删除会议材料"))
    attachment_delete(actor=actor, attachment=attachment)
    return meeting


# Telling the participants ----------------------------------------------------------------

_INVITED = gettext_noop("请参加%(kind)s“%(title)s”：%(when)s，地点：%(place)s。")
_MOVED = gettext_noop("%(kind)s“%(title)s”时间或地点有变：改为%(when)s，地点：%(place)s。")
_REMOVED = gettext_noop("%(kind)s“%(title)s”（%(when)s）的参会人员已调整，您无需参加。")
_CANCELLED = gettext_noop("%(kind)s“%(title)s”（%(when)s，%(place)s）已取消。")


def _when(meeting: Meeting) -> Message:
    day = date_message(meeting.held_on)
    if meeting.starts_at is None:
        return day
    return Message(gettext_noop("%(date)s %(time)s"), date=day, time=_time_text(meeting.starts_at))


def _tell_after_commit(
    meeting: Meeting,
    msgid: str,
    people: Sequence[Assignment],
    *,
    key: str,
    actor: Any,
    url: str | None = None,
) -> None:
    """After commit: one notification to each person's account (never the actor's own), kept
    by `key` under the meeting so a second run sends nothing."""
    recipients = [
        person.cadre.user
        for person in people
        if person.cadre.user is not None and person.cadre.user_id != getattr(actor, "pk", None)
    ]
    if not recipients:
        return
    message = Message(
        msgid,
        kind=label_message(MeetingKind(meeting.kind).label),
        title=meeting.title,
        when=_when(meeting),
        place=meeting.place,
    )
    link = (
        reverse("summaries:meeting_detail", kwargs={"meeting_pk": meeting.pk})
        if url is None
        else url
    )
    full_key = f"meeting:{meeting.pk}:{key}"
    kind = f"meeting.{key.split(':')[0]}"

    def send() -> None:
        for recipient in recipients:
            notify(recipient=recipient, kind=kind, key=full_key, message=message, url=link)

    transaction.on_commit(send)
