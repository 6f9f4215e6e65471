"""What the home page says about programmes: batches in hand, people on duty, my secondment."""

from dataclasses import dataclass

from django.db.models import Count, Q

from guazhi.programmes.models import Assignment, AssignmentState, Batch, BatchState
from guazhi.programmes.selectors.scope import (
    assignment_queryset,
    batch_queryset,
    cadre_profile_for,
)


@dataclass(frozen=True)
class ProgrammeOverview:
    batches_by_state: list[tuple[str, int]]  # (state label, count), lifecycle order, no zeros
    people_on_duty: int
    my_assignment: Assignment | None


def programme_overview(*, actor) -> ProgrammeOverview:  # type: ignore[no-untyped-def]
    counts = dict(
        batch_queryset(actor).values_list("state").annotate(n=Count("pk")).values_list("state", "n")
    )
    by_state = [(str(state.label), counts[state]) for state in BatchState if counts.get(state)]
    on_duty = assignment_queryset(actor).filter(state=AssignmentState.ACTIVE).count()
    mine = None
    profile = cadre_profile_for(actor)
    if profile is not None:
        mine = (
            Assignment.objects.filter(
                Q(cadre=profile),
                state__in=[AssignmentState.APPROVED, AssignmentState.ACTIVE],
            )
            .select_related("post", "host_unit", "batch")
            .order_by("-batch__term_start")
            .first()
        )
    return ProgrammeOverview(by_state, on_duty, mine)


def batches_in_hand(*, actor, limit: int = 5) -> list[Batch]:  # type: ignore[no-untyped-def]
    """The batches still running (not closed), newest first, for the home page."""
    return list(
        batch_queryset(actor)
        .exclude(state=BatchState.CLOSED)
        .select_related("coordinating_org")
        .order_by("-term_start", "-pk")[:limit]
    )
