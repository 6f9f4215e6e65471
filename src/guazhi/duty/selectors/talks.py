"""Reading heart-to-heart talks (谈心谈话): for the leaders whose roles reach the person, only.

A talk is a leaders' record. A cadre never reads one, not even the person talked with, and
neither does a leader about themselves (a group leader is a cadre of the batch too): every
read and every write goes through `talk_assignment_queryset`. Of the leaders who read a record,
only the one who recorded it and the batch's coordinators change it (`can_edit_talk`); the
last change shows with who made it, from the record's history.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from guazhi.core.errors import NotFound
from guazhi.duty.models import HeartTalk
from guazhi.duty.selectors.scope import duty_assignment_queryset
from guazhi.duty.selectors.tasks import holds_role
from guazhi.orgs.models import Role
from guazhi.programmes.models import Assignment

_RELATED = (
    "batch__coordinating_org",
    "cadre__user",
    "post",
    "host_unit",
    "home_unit",
)


def talk_assignment_queryset(actor: Any) -> QuerySet[Assignment]:
    """The records on duty whose talks the actor may read and record."""
    return duty_assignment_queryset(actor, leaders_only=True).exclude(cadre__user=actor)


def access_talk_assignment(*, actor: Any, pk: int) -> Assignment:
    assignment = talk_assignment_queryset(actor).filter(pk=pk).select_related(*_RELATED).first()
    if assignment is None:
        raise NotFound()
    return assignment


def may_read_talks(*, actor: Any, assignment: Assignment) -> bool:
    return talk_assignment_queryset(actor).filter(pk=assignment.pk).exists()


def talk_list(*, actor: Any, assignment: Assignment) -> list[HeartTalk]:
    """The person's talks, newest first; empty for anyone who may not read them."""
    return list(
        HeartTalk.objects.filter(
            assignment=assignment,
            assignment__in=talk_assignment_queryset(actor).values("pk"),
        )
        .select_related("recorded_by")
        .order_by("-held_on", "-id")
    )


def access_talk(*, actor: Any, pk: int) -> HeartTalk:
    talk = (
        HeartTalk.objects.filter(pk=pk, assignment__in=talk_assignment_queryset(actor).values("pk"))
        .select_related(*(f"assignment__{name}" for name in _RELATED), "recorded_by")
        .first()
    )
    if talk is None:
        raise NotFound()
    return talk


def can_edit_talk(*, actor: Any, talk: HeartTalk) -> bool:
    """The leader who recorded the talk, or a coordinator over the batch (the role itself: an
    administrator reads but does not rewrite a leader's record). `talk` comes from access_talk
    (its assignment's batch and coordinating unit loaded)."""
    if talk.recorded_by_id is not None and talk.recorded_by_id == getattr(actor, "pk", None):
        return True
    batch = talk.assignment.batch
    return holds_role(actor, Role.COORDINATOR, batch.coordinating_org.path, batch.pk)


def talk_edit_refusal() -> str:
    return _("谈心谈话记录只能由记录人或本批次的组织部门修改。")


@dataclass(frozen=True)
class TalkEdit:
    by: str  # the editor's name; "" when the change came from outside a request (a job)
    at: dt.datetime


def talk_last_edits(talks: list[HeartTalk]) -> dict[int, TalkEdit]:
    """Who last changed each talk and when (talks never changed are left out). One query on
    the history, whatever the number of talks."""
    found: dict[int, TalkEdit] = {}
    if not talks:
        return found
    rows = (
        HeartTalk.history.filter(id__in=[talk.pk for talk in talks], history_type="~")
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
    for row in rows:
        if row.id not in found:
            user = row.history_user
            found[row.id] = TalkEdit(user.get_full_name() if user else "", row.history_date)
    return found
