"""Writing heart-to-heart talks (谈心谈话): recorded by the leaders in scope, corrected by the
one who recorded it or by the batch's coordinators.

Any leader whose roles reach the person (coordinator, dispatching-unit admin, host leader,
group leader) records a talk: when, who talked, who else was there, what was talked about and
what follows. A record is its author's word: another leader who reads it does not rewrite it;
the organisation department coordinating the batch may (a follow-up it took over). The person
never sees it, so nothing here notifies them. A record sent twice (a double tap) is kept once:
recording locks the person's assignment row, and inside that lock the same record by the same
leader within SAME_FORM_WINDOW is the answer.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guazhi.core.audit import audit_record, changed_fields, history_by
from guazhi.core.errors import Forbidden, NotFound, ValidationFailed
from guazhi.duty.models import HeartTalk
from guazhi.duty.periods import term_bounds
from guazhi.duty.selectors.talks import can_edit_talk, may_read_talks, talk_edit_refusal
from guazhi.duty.services.same_form import same_form_since
from guazhi.programmes.models import Assignment

TALKER_MAX = 50
PARTICIPANTS_MAX = 200
TALK_FIELDS = ["held_on", "talker", "participants", "topics", "follow_up"]


def _checked(
    *,
    assignment: Assignment,
    held_on: dt.date | None,
    talker: str,
    participants: str,
    topics: str,
    today: dt.date,
) -> None:
    errors: dict[str, str] = {}
    if held_on is None:
        errors["held_on"] = _("请填写谈话日期。")
    elif held_on > today:
        errors["held_on"] = _("谈话日期不能晚于今天。")
    elif held_on < term_bounds(assignment)[0]:
        errors["held_on"] = _("谈话日期不能早于到岗日期。")
    if not talker:
        errors["talker"] = _("请填写谈话人。")
    elif len(talker) > TALKER_MAX:
        errors["talker"] = _("谈话人不能超过%(n)s个字。") % {"n": TALKER_MAX}
    if len(participants) > PARTICIPANTS_MAX:
        errors["participants"] = _("参加人员不能超过%(n)s个字。") % {"n": PARTICIPANTS_MAX}
    if not topics:
        errors["topics"] = _("请填写谈话内容。")
    if errors:
        raise ValidationFailed(_("谈心谈话记录填写有误。"), detail=errors)


@transaction.atomic
def talk_record(
    *,
    actor: Any,
    assignment: Assignment,
    held_on: dt.date | None,
    talker: str,
    topics: str,
    participants: str = "",
    follow_up: str = "",
    today: dt.date | None = None,
) -> HeartTalk:
    """A talk with the person, recorded by a leader whose roles reach them."""
    today = today or timezone.localdate()
    # The person's row is the lock two submissions of one form queue on.
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("batch")
        .get(pk=assignment.pk)
    )
    if not may_read_talks(actor=actor, assignment=assignment):
        raise NotFound()  # as for reading: nobody learns that the person exists
    talker, participants = (talker or "").strip(), (participants or "").strip()
    topics, follow_up = (topics or "").strip(), (follow_up or "").strip()
    _checked(
        assignment=assignment,
        held_on=held_on,
        talker=talker,
        participants=participants,
        topics=topics,
        today=today,
    )
    assert held_on is not None  # checked above
    fields = {
        "held_on": held_on,
        "talker": talker,
        "participants": participants,
        "topics": topics,
        "follow_up": follow_up,
        "recorded_by": actor if getattr(actor, "is_authenticated", False) else None,
    }
    sent_before = (
        HeartTalk.objects.filter(
            assignment=assignment,
            created_at__gte=same_form_since(),
            **fields,
        )
        .order_by("id")
        .first()
    )
    if sent_before is not None:
        return sent_before
    talk = HeartTalk(assignment=assignment, **fields)
    history_by(actor, talk)
    talk.save()
    # The audit trail is read by coordinators and admins: it names the talk, not its content.
    audit_record(
        actor=actor,
        action="talk.record",
        obj=talk,
        detail={"held_on": str(held_on), "talker": talker},
    )
    return talk


@transaction.atomic
def talk_update(
    *,
    actor: Any,
    talk: HeartTalk,
    held_on: dt.date | None,
    talker: str,
    topics: str,
    participants: str = "",
    follow_up: str = "",
    today: dt.date | None = None,
) -> HeartTalk:
    """Correct a talk or add its follow-up: the leader who recorded it, or a coordinator of
    the batch, as long as their roles reach the person."""
    today = today or timezone.localdate()
    talk = (
        HeartTalk.objects.select_for_update(of=("self",))
        .select_related("assignment__batch__coordinating_org")
        .get(pk=talk.pk)
    )
    if not may_read_talks(actor=actor, assignment=talk.assignment):
        raise NotFound()
    if not can_edit_talk(actor=actor, talk=talk):
        raise Forbidden(talk_edit_refusal())
    talker, participants = (talker or "").strip(), (participants or "").strip()
    topics, follow_up = (topics or "").strip(), (follow_up or "").strip()
    _checked(
        assignment=talk.assignment,
        held_on=held_on,
        talker=talker,
        participants=participants,
        topics=topics,
        today=today,
    )
    before = {name: getattr(talk, name) for name in TALK_FIELDS}
    talk.held_on, talk.talker, talk.participants = held_on, talker, participants  # type: ignore[assignment]
    talk.topics, talk.follow_up = topics, follow_up
    # Which fields changed, not what they say: the content stays with the record.
    changed = [name for name, change in changed_fields(talk, before, TALK_FIELDS).items() if change]
    history_by(actor, talk)
    talk.save(update_fields=[*TALK_FIELDS, "updated_at"])
    audit_record(actor=actor, action="talk.update", obj=talk, detail={"fields": changed})
    return talk
