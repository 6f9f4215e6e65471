"""Reading heart-to-heart talks (谈心谈话): for the leaders whose roles reach the person, only.

A talk is a leaders' record. A cadre never reads one, not even the person talked with, and
neither does a leader about themselves (a group leader is a cadre of the batch too): every
read and every write goes through `talk_assignment_queryset`.
"""

from typing import Any

from django.db.models import QuerySet

from guazhi.core.errors import NotFound
from guazhi.duty.models import HeartTalk
from guazhi.duty.selectors.scope import duty_assignment_queryset
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
