"""Reading commendations: a batch's nominations, whom the actor may nominate, the results that
may be nominated from, and the commendation decisions.

Who reads what:
- nominations are the leaders' business: each leader reads the nominations of the people their
  roles reach (duty scope without a cadre's reach to their own record), so the person does not
  read their own nomination while it is weighed — they are told when it is approved, and the
  decision that commends them is a published document;
- the coordinators over the batch decide nominations, nominate from results (a top grade in a
  decided or published round) and draft the decisions;
- a decision is read by the staff who read its batch (it is issued to be read).
"""

from typing import Any

from django.db.models import Case, Q, QuerySet, Value, When

from guazhi.core.errors import NotFound
from guazhi.duty.selectors.scope import duty_assignment_queryset, is_own
from guazhi.evaluation.models import (
    SCHEME_GRADES,
    CommendationDecision,
    EvaluationRound,
    Evaluee,
    Nomination,
    NominationState,
    RoundState,
)
from guazhi.programmes.models import Assignment, Batch
from guazhi.programmes.selectors.scope import batch_queryset, cadre_profile_for, can_manage_batch

RESULT_STATES = (RoundState.DECIDED, RoundState.PUBLISHED)
OPEN_STATES = (NominationState.NOMINATED, NominationState.APPROVED)
TOP_GRADES = tuple(sorted({grades[0] for grades in SCHEME_GRADES.values()}))
NOMINATION_RELATED = (
    "assignment__batch__coordinating_org",
    "assignment__cadre__user",
    "assignment__home_unit",
    "assignment__host_unit",
    "assignment__post",
    "evaluee__round__batch__coordinating_org",
    "evaluee__assignment__cadre",
    "nominated_by",
    "decided_by",
    "decision",
)


def nomination_queryset(actor: Any, *, batch: Batch | None = None) -> QuerySet[Nomination]:
    """The nominations of the people the actor leads (see the module's docstring)."""
    found = Nomination.objects.filter(
        assignment__in=duty_assignment_queryset(actor, leaders_only=True)
    )
    return found.filter(assignment__batch=batch) if batch is not None else found


def batch_nominations(*, actor: Any, batch: Batch, state: str = "") -> QuerySet[Nomination]:
    """The batch's nominations the actor reads, pending first, then newest first."""
    found = nomination_queryset(actor, batch=batch).select_related(*NOMINATION_RELATED)
    if state:
        found = found.filter(state=state)
    # Pending ones first: they are what someone has to act on.
    pending_first = Case(When(state=NominationState.NOMINATED, then=Value(0)), default=Value(1))
    return found.order_by(pending_first, "-created_at", "-pk")


def access_nomination(*, actor: Any, pk: int) -> Nomination:
    """One nomination the actor reads; NotFound for missing and forbidden alike."""
    found = nomination_queryset(actor).select_related(*NOMINATION_RELATED).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def can_decide_nomination(*, actor: Any, nomination: Nomination) -> bool:
    return (
        nomination.state == NominationState.NOMINATED
        and can_manage_batch(actor=actor, batch=nomination.assignment.batch)
        and not is_own(actor=actor, assignment=nomination.assignment)
    )


def can_withdraw_nomination(*, actor: Any, nomination: Nomination) -> bool:
    return nomination.state == NominationState.NOMINATED and nomination.nominated_by_id == actor.pk


def nominee_choices(*, actor: Any, batch: Batch) -> QuerySet[Assignment]:
    """The people of the batch the actor may nominate (never themselves), by name."""
    found = duty_assignment_queryset(actor, leaders_only=True).filter(batch=batch)
    profile = cadre_profile_for(actor)
    if profile is not None:
        found = found.exclude(cadre=profile)
    return found.select_related("cadre", "host_unit", "post").order_by(
        "cadre__name_pinyin", "cadre__name", "pk"
    )


def nominable_results(*, actor: Any, batch: Batch) -> list[Evaluee]:
    """For a coordinator over the batch: the people given the top grade in the batch's decided
    or published rounds, not yet nominated from that result (pending or approved); newest
    round first, then by rank. Nobody else nominates from results: an empty list."""
    if not can_manage_batch(actor=actor, batch=batch):
        return []
    rounds = EvaluationRound.objects.filter(batch=batch, state__in=RESULT_STATES)
    found = (
        Evaluee.objects.filter(round__in=rounds, grade__in=TOP_GRADES)
        .exclude(nominations__state__in=OPEN_STATES)
        .select_related("round", "assignment__cadre", "assignment__host_unit", "assignment__post")
        .order_by("-round__period_end", "-round_id", "rank", "pk")
    )
    profile = cadre_profile_for(actor)
    if profile is not None:
        found = found.exclude(assignment__cadre=profile)
    return list(found)


def access_nominable_result(*, actor: Any, batch: Batch, pk: int) -> Evaluee:
    for evaluee in nominable_results(actor=actor, batch=batch):
        if evaluee.pk == pk:
            return evaluee
    raise NotFound()


# --- decisions ------------------------------------------------------------------------------


def batch_decisions(*, actor: Any, batch: Batch) -> QuerySet[CommendationDecision]:
    """The batch's decisions (the batch as the actor reads it), newest first."""
    return CommendationDecision.objects.filter(batch=batch).order_by("-issued_on", "-pk")


def access_decision(*, actor: Any, pk: int, manage: bool = False) -> CommendationDecision:
    """A decision of a batch the actor reads (to edit: a coordinator over it); NotFound for
    missing and forbidden alike."""
    found = (
        CommendationDecision.objects.filter(pk=pk, batch__in=batch_queryset(actor))
        .select_related("batch__coordinating_org")
        .first()
    )
    if found is None or (manage and not can_manage_batch(actor=actor, batch=found.batch)):
        raise NotFound()
    return found


def decision_nominations(decision: CommendationDecision) -> list[Nomination]:
    """The approved nominations the decision lists, with what the document prints."""
    return list(
        decision.nominations.filter(state=NominationState.APPROVED)
        .select_related(
            "assignment__cadre",
            "assignment__home_unit",
            "assignment__host_unit",
            "assignment__post",
        )
        .order_by("assignment__cadre__name_pinyin", "pk")
    )


def listable_nominations(
    *, batch: Batch, decision: CommendationDecision | None = None
) -> list[Nomination]:
    """Approved nominations of the batch a decision may list: those no other decision lists."""
    free = Q(decision__isnull=True)
    if decision is not None:
        free |= Q(decision=decision)
    return list(
        Nomination.objects.filter(free, assignment__batch=batch, state=NominationState.APPROVED)
        .select_related(
            "assignment__cadre",
            "assignment__home_unit",
            "assignment__host_unit",
            "assignment__post",
        )
        .order_by("assignment__cadre__name_pinyin", "pk")
    )
