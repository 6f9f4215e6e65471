"""Reading results: the results table, the quota's use, the flags, the publicity of the top
grade with its objections, and the person's own result and acknowledgement.

Who reads what (the scope rules themselves are selectors/scope.py):
- the coordinators over the batch read the whole table from the moment the round closes (the
  results computed, the committee's grades being prepared), the flags and the objections;
- other staff read the rows of the people their roles reach once the round is decided;
- the person reads their own result once it is published (`can_see_result`), also when a
  staff role of theirs reaches the table (`result_rows`);
- the publicity (the people given the top grade, with the period) is read by the batch's
  staff and cadres once the round is published, and they may raise objections during it.

While a round is CLOSED, Evaluee.grade holds the committee's grade being prepared (blank: the
proposed one stands); it is the decided grade only once the round is DECIDED or PUBLISHED
(`decided_grade`).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from guazhi.core.errors import NotFound
from guazhi.evaluation.models import (
    EvaluationRound,
    Evaluee,
    Objection,
    RaterRole,
    RaterWeight,
    Rating,
    RatingFlag,
    RoundState,
)
from guazhi.evaluation.selectors.scope import (
    can_manage_round,
    evaluee_queryset,
    is_evaluee_self,
    round_queryset,
)
from guazhi.evaluation.services.grading import TIE_PENDING, is_top_grade, quota_limit
from guazhi.programmes.models import Assignment
from guazhi.programmes.selectors.scope import cadre_profile_for

COMPUTED_STATES = (RoundState.CLOSED, RoundState.DECIDED, RoundState.PUBLISHED)
DECIDED_STATES = (RoundState.DECIDED, RoundState.PUBLISHED)


# --- who reads the table ----------------------------------------------------------------------


def can_read_results(*, actor: Any, round: EvaluationRound) -> bool:
    """Coordinators over the batch once the results are computed; other staff once decided."""
    if can_manage_round(actor=actor, round=round):
        return round.state in COMPUTED_STATES
    return round.state in DECIDED_STATES


def decided_grade(evaluee: Evaluee) -> str:
    """The committee's grade once the round is decided; "" before."""
    return evaluee.grade if evaluee.round.state in DECIDED_STATES else ""


def weighted_roles(round: EvaluationRound) -> list[str]:
    """The roles that count in the round's score (weight above 0), in RaterRole's order."""
    weights = {
        role
        for role, weight in RaterWeight.objects.filter(round=round).values_list("role", "weight")
        if weight > 0
    }
    return [role for role in RaterRole.values if role in weights]


def missing_roles(evaluee: Evaluee, roles: Iterable[str]) -> list[str]:
    """The weighted roles absent from the person's result: their score was re-normalised over
    the others (no rating in that role, or fewer democratic ballots than the minimum)."""
    if evaluee.score is None:
        return []
    return [role for role in roles if role not in evaluee.role_scores]


@dataclass(frozen=True)
class QuotaUse:
    people: int
    limit: int  # floor(quota% × people)
    proposed: int  # proposed the top grade
    tied: int  # proposed TIE_PENDING
    chosen: int  # top grade in Evaluee.grade (being prepared, or decided)
    exception: bool  # an approved exception lifts the limit on the decision

    @property
    def over(self) -> bool:
        return self.chosen > self.limit and not self.exception


def quota_use(round: EvaluationRound) -> QuotaUse:
    """The quota and how it is used, for the whole round (whatever the reader's scope)."""
    rows = list(
        Evaluee.objects.filter(round=round).values_list("proposed_grade", "grade").order_by()
    )
    chosen = 0
    for proposed, grade in rows:
        effective = grade or (proposed if proposed != TIE_PENDING else "")
        chosen += is_top_grade(effective)
    return QuotaUse(
        people=len(rows),
        limit=quota_limit(round.excellent_quota, len(rows)),
        proposed=sum(1 for proposed, _grade in rows if is_top_grade(proposed)),
        tied=sum(1 for proposed, _grade in rows if proposed == TIE_PENDING),
        chosen=chosen,
        exception=round.quota_exception_at is not None,
    )


# --- the table --------------------------------------------------------------------------------


def result_rows(*, actor: Any, round: EvaluationRound) -> QuerySet[Evaluee]:
    """The evaluees the actor reads in the round's table, best first (no score last).

    A reader evaluated in the round themselves (a group leader who is a seconded cadre) does
    not find their own row before publication, as `can_see_result` rules for the person
    whatever staff role they hold."""
    found = evaluee_queryset(actor, round=round)
    if round.state != RoundState.PUBLISHED and actor.pk:
        found = found.exclude(assignment__cadre__user_id=actor.pk)
    return found.select_related(
        "assignment__cadre", "assignment__host_unit", "assignment__home_unit"
    ).order_by(F("rank").asc(nulls_last=True), "assignment__cadre__name_pinyin", "pk")


def ballot_counts(evaluee_ids: Iterable[int]) -> dict[int, int]:
    """Democratic ballots per person: shown beside the democratic score (or its absence)."""
    rows = (
        Rating.objects.filter(evaluee_id__in=list(evaluee_ids), rater_role=RaterRole.DEMOCRATIC)
        .values("evaluee_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("evaluee_id", "n")
    )
    return dict(rows)


def round_flags(*, round: EvaluationRound) -> QuerySet[RatingFlag]:
    """The round's flags, unchecked first; named raters with their name, ballots without."""
    return (
        RatingFlag.objects.filter(round=round)
        .select_related("rating__rater", "rating__evaluee__assignment__cadre")
        .order_by("dismissed", "kind", "pk")
    )


def access_flag(*, actor: Any, pk: int) -> RatingFlag:
    """A flag of a round the actor manages; NotFound for missing and forbidden alike."""
    flag = (
        RatingFlag.objects.filter(pk=pk, round__in=round_queryset(actor))
        .select_related("round__batch__coordinating_org")
        .first()
    )
    if flag is None or not can_manage_round(actor=actor, round=flag.round):
        raise NotFound()
    return flag


# --- the publicity ----------------------------------------------------------------------------


def publicity_round_queryset(actor: Any) -> QuerySet[EvaluationRound]:
    """Rounds whose publicity the actor reads: those they read anyway, and those of a batch
    they serve in as a cadre (colleagues may raise objections)."""
    seen = Q(pk__in=round_queryset(actor).values("pk"))
    profile = cadre_profile_for(actor)
    if profile is not None:
        batches = Assignment.objects.filter(cadre=profile).values("batch_id")
        seen |= Q(batch_id__in=batches)
    return EvaluationRound.objects.filter(seen)


def access_publicity_round(*, actor: Any, pk: int) -> EvaluationRound:
    found = (
        publicity_round_queryset(actor)
        .select_related("batch__coordinating_org")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def can_see_publicity(*, actor: Any, round: EvaluationRound) -> bool:
    return publicity_round_queryset(actor).filter(pk=round.pk).exists()


def publicised_people(*, round: EvaluationRound) -> list[Evaluee]:
    """The people given the top grade, once the round is published; by rank."""
    if round.state != RoundState.PUBLISHED:
        return []
    found = (
        Evaluee.objects.filter(round=round)
        .select_related(
            "assignment__cadre",
            "assignment__host_unit",
            "assignment__home_unit",
            "assignment__post",
        )
        .order_by(F("rank").asc(nulls_last=True), "pk")
    )
    return [evaluee for evaluee in found if is_top_grade(evaluee.grade)]


def publicity_open(round: EvaluationRound, today: dt.date) -> bool:
    return (
        round.state == RoundState.PUBLISHED
        and round.publicity_start is not None
        and round.publicity_end is not None
        and round.publicity_start <= today <= round.publicity_end
    )


def round_objections(*, round: EvaluationRound) -> QuerySet[Objection]:
    return (
        Objection.objects.filter(round=round)
        .select_related("evaluee__assignment__cadre", "raised_by", "resolved_by")
        .order_by("raised_at", "pk")
    )


def access_objection(*, actor: Any, pk: int) -> Objection:
    """An objection of a round the actor manages; NotFound for missing and forbidden alike."""
    found = (
        Objection.objects.filter(pk=pk, round__in=round_queryset(actor))
        .select_related("round__batch__coordinating_org", "evaluee__assignment__cadre")
        .first()
    )
    if found is None or not can_manage_round(actor=actor, round=found.round):
        raise NotFound()
    return found


# --- the person -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Acknowledgement:
    agrees: bool
    text: str


def acknowledgement_of(evaluee: Evaluee) -> Acknowledgement | None:
    """The person's signed opinion (本人意见): their choice and what they wrote; None before."""
    if evaluee.acknowledged_at is None:
        return None
    return Acknowledgement(
        agrees=bool(evaluee.acknowledgement_agrees), text=evaluee.acknowledgement
    )


def can_acknowledge(*, actor: Any, evaluee: Evaluee) -> bool:
    return (
        is_evaluee_self(actor=actor, evaluee=evaluee)
        and evaluee.round.state == RoundState.PUBLISHED
        and evaluee.acknowledged_at is None
    )
