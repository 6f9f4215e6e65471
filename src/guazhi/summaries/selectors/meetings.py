"""Reads of exchange meetings and symposia (交流会 / 座谈会): who sees which meeting, and what of it.

Who reads a meeting:

- the coordinators over its batch (and administrators), every meeting of the batch: they
  arrange them;
- the other staff of the batch (dispatch admins, host leaders, group leaders), the meetings
  where someone their roles reach on duty takes part (the duty rule for a person's record:
  duty.selectors.scope), since a meeting is part of their people's record;
- a cadre, the meetings they take part in.

Whoever reads a meeting reads all of it as the notice and the minutes say it — the list of
participants, the speakers, the minutes, the files — except the summaries it discussed: each
of those shows only to whoever may read that summary anyway (selectors.scope.summary_queryset),
so linking a summary to a meeting never opens it to more people.

Only the coordinators over the batch change a meeting (services.meetings checks it again).
Registers who may download a meeting's files (core.attachments) at import.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from guazhi.core.attachments import register_attachment_access
from guazhi.core.errors import NotFound
from guazhi.core.models import Attachment
from guazhi.duty.selectors.scope import DUTY_STATES, duty_assignment_queryset
from guazhi.orgs.models import Role
from guazhi.orgs.scopes import scopes_of
from guazhi.programmes.models import Assignment, Batch, BatchState
from guazhi.programmes.selectors.scope import (
    BATCH_STAFF_ROLES,
    access_batch,
    cadre_profile_for,
    can_manage_batch,
)
from guazhi.summaries.models import Meeting, MeetingSpeaker, Summary, SummaryState
from guazhi.summaries.selectors.scope import summary_queryset

# Meetings are arranged, changed and minuted while the batch is on duty or being evaluated
# (the end-of-term exchange comes with the final summaries); a closed batch's are a record.
MEETING_BATCH_STATES = (BatchState.ACTIVE, BatchState.EVALUATING)


def meeting_visibility(actor: Any, *, include_own: bool = True) -> Q:
    """Q over Meeting for the meetings the actor reads (may join: use with a subquery);
    `include_own` False leaves out what they read only as a participant themself."""
    scopes = scopes_of(actor)
    if scopes.is_admin:
        return Q()
    managed = scopes.batch_filter(
        [Role.COORDINATOR], path_field="batch__coordinating_org__path", batch_field="batch_id"
    )
    people = duty_assignment_queryset(actor, leaders_only=not include_own)
    return managed | Q(participants__in=people.values("pk"))


def meeting_queryset(actor: Any, *, include_own: bool = True) -> QuerySet[Meeting]:
    """The meetings the actor reads, without duplicates from the participants' join."""
    condition = meeting_visibility(actor, include_own=include_own)
    if condition == Q():
        return Meeting.objects.all()
    return Meeting.objects.filter(pk__in=Meeting.objects.filter(condition).values("pk"))


def can_read_meeting(*, actor: Any, meeting: Meeting) -> bool:
    return meeting_queryset(actor).filter(pk=meeting.pk).exists()


def access_meeting(*, actor: Any, pk: int, manage: bool = False) -> Meeting:
    """One meeting the actor reads (to manage: a coordinator over its batch), its batch loaded;
    NotFound for missing and forbidden alike."""
    meeting = (
        meeting_queryset(actor)
        .filter(pk=pk)
        .select_related("batch__coordinating_org", "created_by")
        .first()
    )
    if meeting is None or (manage and not can_manage_batch(actor=actor, batch=meeting.batch)):
        raise NotFound()
    return meeting


def access_meeting_batch(*, actor: Any, pk: int, manage: bool = False) -> Batch:
    """The batch whose meetings the actor opens (programmes' rule: whoever sees the batch, its
    cadres included; to manage, a coordinator over it)."""
    return access_batch(actor=actor, pk=pk, manage=manage)


def can_manage_meetings(*, actor: Any, batch: Batch) -> bool:
    """Whether the actor arranges the batch's meetings (a coordinator over it)."""
    return can_manage_batch(actor=actor, batch=batch)


def meetings_writable(batch: Batch) -> bool:
    """Whether the batch's stage allows arranging and changing meetings."""
    return batch.state in MEETING_BATCH_STATES


# The list ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingRow:
    meeting: Meeting
    participant_count: int
    speaker_count: int
    # The actor's own speaking slot in it, when they speak: (position, topic).
    my_speech: MeetingSpeaker | None = None


@dataclass(frozen=True)
class MeetingLists:
    """The batch's meetings as the list page shows them."""

    # The meetings the actor reads as staff (None: they read none as staff, only their own).
    upcoming: list[MeetingRow] | None
    past: list[MeetingRow] | None
    # The meetings the actor takes part in, as a cadre of the batch (None: not a cadre of it).
    my_upcoming: list[MeetingRow] | None
    my_past: list[MeetingRow] | None


def _rows(meetings: QuerySet[Meeting], own: list[int]) -> list[MeetingRow]:
    annotated = meetings.annotate(
        participant_count=Count("participants", distinct=True),
        speaker_count=Count("speakers", distinct=True),
    ).prefetch_related(
        Prefetch(
            "speakers",
            queryset=MeetingSpeaker.objects.filter(assignment_id__in=own),
            to_attr="own_speeches",
        )
    )
    return [
        MeetingRow(
            meeting=meeting,
            participant_count=meeting.participant_count,  # type: ignore[attr-defined]
            speaker_count=meeting.speaker_count,  # type: ignore[attr-defined]
            my_speech=next(iter(meeting.own_speeches), None),  # type: ignore[attr-defined]
        )
        for meeting in annotated
    ]


def _split(
    meetings: QuerySet[Meeting], today: dt.date, own: list[int]
) -> tuple[list[MeetingRow], list[MeetingRow]]:
    """Upcoming (today included) soonest first; past latest first."""
    upcoming = meetings.filter(held_on__gte=today).order_by("held_on", "starts_at", "id")
    past = meetings.filter(held_on__lt=today).order_by("-held_on", "-starts_at", "-id")
    return _rows(upcoming, own), _rows(past, own)


def own_assignments(*, actor: Any, batch: Batch) -> list[Assignment]:
    """The actor's own assignments in the batch on duty or ended (as a cadre of it)."""
    profile = cadre_profile_for(actor)
    if profile is None:
        return []
    return list(
        Assignment.objects.filter(batch=batch, cadre=profile, state__in=DUTY_STATES).order_by("pk")
    )


def meeting_lists(*, actor: Any, batch: Batch, today: dt.date | None = None) -> MeetingLists:
    """The batch's meetings the actor reads as staff, and those they take part in."""
    today = today or timezone.localdate()
    own = [assignment.pk for assignment in own_assignments(actor=actor, batch=batch)]
    staff = scopes_of(actor).has(*BATCH_STAFF_ROLES)
    upcoming = past = my_upcoming = my_past = None
    if staff:
        seen = meeting_queryset(actor, include_own=False).filter(batch=batch)
        upcoming, past = _split(seen, today, own)
    if own:
        mine = Meeting.objects.filter(
            pk__in=Meeting.objects.filter(batch=batch, participants__in=own).values("pk")
        )
        my_upcoming, my_past = _split(mine, today, own)
    return MeetingLists(upcoming, past, my_upcoming, my_past)


# One meeting -------------------------------------------------------------------------------


def meeting_participants(*, meeting: Meeting) -> list[Assignment]:
    """The cadres taking part, by pinyin of the name."""
    return list(
        meeting.participants.select_related("cadre", "host_unit", "home_unit", "post").order_by(
            "cadre__name_pinyin", "id"
        )
    )


def meeting_speakers(*, meeting: Meeting) -> list[MeetingSpeaker]:
    """The speakers in speaking order."""
    return list(
        MeetingSpeaker.objects.filter(meeting=meeting)
        .select_related("assignment__cadre", "assignment__host_unit", "assignment__post")
        .order_by("position")
    )


def meeting_summaries(*, actor: Any, meeting: Meeting) -> list[Summary]:
    """The summaries the meeting discussed that the actor may read, by the person's pinyin.
    A draft linked before drafts were refused stays unlisted: its title is the person's own."""
    return list(
        summary_queryset(actor)
        .filter(meetings=meeting)
        .exclude(state=SummaryState.DRAFT)
        .select_related("assignment__cadre", "assignment__host_unit")
        .order_by("assignment__cadre__name_pinyin", "kind", "id")
    )


def summary_meetings(*, actor: Any, summary: Summary) -> list[Meeting]:
    """The meetings that discussed a summary, those the actor reads (for the summary's page),
    latest first."""
    return list(
        meeting_queryset(actor)
        .filter(summaries=summary)
        .select_related("batch")
        .order_by("-held_on", "-id")
    )


def meeting_attachments(*, meeting: Meeting) -> QuerySet[Attachment]:
    """The meeting's files (minutes, slides, photos), oldest first."""
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(Meeting), object_id=meeting.pk
    ).select_related("uploaded_by")


def access_meeting_attachment(*, actor: Any, pk: int) -> tuple[Attachment, Meeting]:
    """A meeting's file and the meeting, when the actor manages the meeting's batch; else
    NotFound, the same for a missing file, another record's file, or a batch not theirs."""
    attachment = Attachment.objects.filter(
        pk=pk, content_type=ContentType.objects.get_for_model(Meeting)
    ).first()
    if attachment is None:
        raise NotFound()
    meeting = access_meeting(actor=actor, pk=attachment.object_id, manage=True)
    return attachment, meeting


# What the forms offer -------------------------------------------------------------------


def participant_choices(*, batch: Batch) -> list[Assignment]:
    """Who may be asked to a meeting of the batch: its cadres on duty or whose term ended, by
    pinyin of the name. (Only a coordinator over the batch arranges one, and reaches them all.)"""
    return list(
        Assignment.objects.filter(batch=batch, state__in=DUTY_STATES)
        .select_related("cadre", "host_unit", "home_unit", "post")
        .order_by("cadre__name_pinyin", "id")
    )


def summary_choices(*, actor: Any, batch: Batch) -> list[Summary]:
    """The summaries a meeting of the batch may discuss: those of the batch's people the actor
    reaches, by the person's pinyin and kind. Never a draft: nobody but the person reads one,
    and a linked summary's title shows on the meeting's page."""
    return list(
        summary_queryset(actor)
        .filter(assignment__batch=batch)
        .exclude(state=SummaryState.DRAFT)
        .select_related("assignment__cadre", "assignment__host_unit")
        .order_by("assignment__cadre__name_pinyin", "kind", "id")
    )


def _may_read_files(actor: Any, meeting: Meeting) -> bool:
    """Whoever reads a meeting reads its files."""
    return can_read_meeting(actor=actor, meeting=meeting)


register_attachment_access(Meeting, _may_read_files)
