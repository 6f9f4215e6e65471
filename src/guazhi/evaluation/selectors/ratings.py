"""Reading ratings: a rater's inbox and form, the democratic evaluation's codes and results.

Democratic results (民主测评) follow one rule wherever they are shown (the round's pages, the
民主测评统计表): a person's averages appear only once the round has stopped taking ballots and
at least `round.democratic_minimum` ballots were given for them. Below the minimum nothing is
shown, not even per criterion, so no one can be singled out; while ballots still come in,
nothing either, because a figure that moves with each ballot would give away the last one's
scores (compare the average before and after it). For the same reason a round reopened takes
no more ballots for a person whose figures were shown at its close
(services.ratings.democratic_sealed), so closing it again cannot move them. The number of
ballots is shown: it says nothing about what anyone gave.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from guazhi.core.errors import NotFound
from guazhi.evaluation.models import (
    BallotCode,
    Criterion,
    EvaluationRound,
    Evaluee,
    RaterRole,
    RaterWeight,
    Rating,
    RatingScore,
    RoundState,
)
from guazhi.evaluation.selectors.scope import (
    access_evaluee,
    can_manage_round,
    evaluee_queryset,
    rater_role_for,
)

CENT = Decimal("0.01")
# The score bands of the 民主测评统计表: (lowest total, highest total) of each, best first.
BANDS: tuple[tuple[Decimal, Decimal | None], ...] = (
    (Decimal(90), None),
    (Decimal(80), Decimal(90)),
    (Decimal(60), Decimal(80)),
    (Decimal(0), Decimal(60)),
)
# What a person's row loads to be shown and rated (what rater_role_for reads).
EVALUEE_RELATIONS = (
    "round__batch__coordinating_org",
    "assignment__cadre__user",
    "assignment__host_unit",
    "assignment__home_unit",
    "assignment__post",
    "assignment__batch__coordinating_org",
    "assignment__group__leader__cadre",
    "assignment__group__deputy__cadre",
)


def _average(total: Decimal | int, count: int) -> Decimal:
    return (Decimal(total) / count).quantize(CENT, rounding=ROUND_HALF_UP)


def _weights(round_ids: list[int]) -> dict[tuple[int, str], Decimal]:
    return {
        (row.round_id, row.role): row.weight
        for row in RaterWeight.objects.filter(round_id__in=round_ids)
    }


# --- the rater's side --------------------------------------------------------------------------


@dataclass
class InboxRow:
    evaluee: Evaluee
    role: str
    rated: bool

    @property
    def role_label(self) -> str:
        return str(RaterRole(self.role).label)


@dataclass
class InboxRound:
    round: EvaluationRound
    rows: list[InboxRow] = field(default_factory=list)
    past_deadline: bool = False

    @property
    def rated(self) -> int:
        return sum(1 for row in self.rows if row.rated)

    @property
    def to_rate(self) -> int:
        return len(self.rows) - self.rated


def rating_inbox(*, actor: Any, today: dt.date | None = None) -> list[InboxRound]:
    """The open rounds with people the actor rates (in a role the round weighs), each with those
    people and whether the actor has rated them; a fixed number of queries."""
    today = today or timezone.localdate()
    evaluees = list(
        evaluee_queryset(actor)
        .filter(round__state=RoundState.OPEN)
        .select_related(*EVALUEE_RELATIONS)
        .order_by(
            "round__deadline",
            "round_id",
            "assignment__host_unit__path",
            "assignment__cadre__name_pinyin",
            "id",
        )
    )
    weights = _weights(sorted({e.round_id for e in evaluees}))
    rated = set(
        Rating.objects.filter(rater=actor, evaluee__in=[e.pk for e in evaluees]).values_list(
            "evaluee_id", flat=True
        )
    )
    rounds: dict[int, InboxRound] = {}
    for evaluee in evaluees:
        role = rater_role_for(actor=actor, assignment=evaluee.assignment)
        if role is None or weights.get((evaluee.round_id, role), Decimal(0)) <= 0:
            continue
        found = rounds.get(evaluee.round_id)
        if found is None:
            found = rounds[evaluee.round_id] = InboxRound(
                evaluee.round, past_deadline=today > evaluee.round.deadline
            )
        found.rows.append(InboxRow(evaluee, role, evaluee.pk in rated))
    return list(rounds.values())


@dataclass
class RatingTarget:
    """A person as one rater sees them on the rating form."""

    evaluee: Evaluee
    role: str | None  # None: the actor does not rate this person
    weight: Decimal
    criteria: list[Criterion]
    rating: Rating | None
    scores: dict[int, int]  # criterion id → the actor's score so far

    @property
    def rates(self) -> bool:
        return self.role is not None and self.weight > 0

    @property
    def role_label(self) -> str:
        return str(RaterRole(self.role).label) if self.role else ""


def rating_target(*, actor: Any, pk: int) -> RatingTarget:
    """The person `pk` as the actor rates them (NotFound outside the actor's reach): their role,
    the round's criteria and the actor's rating so far."""
    evaluee = access_evaluee(actor=actor, pk=pk)
    role = rater_role_for(actor=actor, assignment=evaluee.assignment)
    weight = _weights([evaluee.round_id]).get((evaluee.round_id, role or ""), Decimal(0))
    rating = Rating.objects.filter(evaluee=evaluee, rater=actor).first() if role else None
    scores = (
        dict(RatingScore.objects.filter(rating=rating).values_list("criterion_id", "score"))
        if rating is not None
        else {}
    )
    return RatingTarget(
        evaluee=evaluee,
        role=role,
        weight=weight,
        criteria=list(Criterion.objects.filter(round_id=evaluee.round_id).order_by("position")),
        rating=rating,
        scores=scores,
    )


# --- the coordinator's side: codes, paper ballots, results -------------------------------------


def _check_manager(actor: Any, round: EvaluationRound) -> None:
    if not can_manage_round(actor=actor, round=round):
        raise NotFound()


def round_evaluees(*, actor: Any, round: EvaluationRound) -> list[Evaluee]:
    """The round's people, by host unit and name (a coordinator over the batch)."""
    _check_manager(actor, round)
    return list(
        Evaluee.objects.filter(round=round)
        .select_related("assignment__cadre", "assignment__host_unit", "assignment__post")
        .order_by("assignment__host_unit__path", "assignment__cadre__name_pinyin", "id")
    )


def access_round_evaluee(*, actor: Any, round: EvaluationRound, pk: Any) -> Evaluee:
    """One person of a round the actor manages; NotFound otherwise."""
    _check_manager(actor, round)
    try:
        number = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    found = (
        Evaluee.objects.filter(round=round, pk=number).select_related(*EVALUEE_RELATIONS).first()
    )
    if found is None:
        raise NotFound()
    return found


def democratic_visible(round: EvaluationRound, ballots: int) -> bool:
    """Whether a person's democratic averages may be shown (see the module's docstring)."""
    taking_ballots = round.state in (RoundState.DRAFT, RoundState.OPEN)
    return not taking_ballots and ballots > 0 and ballots >= round.democratic_minimum


@dataclass
class DemocraticRow:
    """One person's democratic evaluation. When `shown` is False, `averages`, `average` and
    `bands` are empty: the figures were never computed into the row."""

    evaluee: Evaluee
    ballots: int
    shown: bool
    averages: list[Decimal] = field(default_factory=list)  # per criterion, in criteria order
    average: Decimal | None = None
    bands: list[int] = field(default_factory=list)  # ballots per BANDS band


@dataclass
class CodeCounts:
    unused: int = 0
    used: int = 0
    voided: int = 0


@dataclass
class DemocraticOverview:
    round: EvaluationRound
    criteria: list[Criterion]
    rows: list[DemocraticRow]
    codes: dict[int, CodeCounts]  # evaluee id → the person's codes

    @property
    def unused_codes(self) -> int:
        return sum(counts.unused for counts in self.codes.values())


def democratic_overview(*, actor: Any, round: EvaluationRound) -> DemocraticOverview:
    """Every person of the round with their ballots, codes and (when they may be shown)
    democratic averages: a coordinator over the batch; a fixed number of queries."""
    evaluees = round_evaluees(actor=actor, round=round)
    criteria = list(Criterion.objects.filter(round=round).order_by("position"))
    democratic = Rating.objects.filter(evaluee__round=round, rater_role=RaterRole.DEMOCRATIC)
    band_counts = {
        f"band{index}": Count(
            "id",
            filter=Q(total__gte=low) & (Q(total__lt=high) if high is not None else Q()),
        )
        for index, (low, high) in enumerate(BANDS)
    }
    per_person: dict[int, dict[str, Any]] = {
        row["evaluee_id"]: dict(row)
        for row in democratic.values("evaluee_id")
        .order_by()
        .annotate(ballots=Count("id"), total_sum=Sum("total"), **band_counts)
    }
    visible = {pk for pk, row in per_person.items() if democratic_visible(round, row["ballots"])}
    # Scores are only read for the people whose figures may be shown.
    score_sums: dict[tuple[int, int], tuple[int, int]] = (
        {
            (row["rating__evaluee_id"], row["criterion_id"]): (row["score_sum"], row["n"])
            for row in RatingScore.objects.filter(
                rating__evaluee_id__in=sorted(visible), rating__rater_role=RaterRole.DEMOCRATIC
            )
            .values("rating__evaluee_id", "criterion_id")
            .order_by()
            .annotate(score_sum=Sum("score"), n=Count("id"))
        }
        if visible
        else {}
    )
    rows = []
    for evaluee in evaluees:
        found = per_person.get(evaluee.pk)
        ballots = found["ballots"] if found else 0
        if found is None or evaluee.pk not in visible:
            rows.append(DemocraticRow(evaluee, ballots, shown=False))
            continue
        averages = []
        for criterion in criteria:
            score_sum, n = score_sums.get((evaluee.pk, criterion.pk), (0, 0))
            averages.append(_average(score_sum, n) if n else Decimal(0))
        rows.append(
            DemocraticRow(
                evaluee,
                ballots,
                shown=True,
                averages=averages,
                average=_average(found["total_sum"], ballots),
                bands=[found[f"band{index}"] for index in range(len(BANDS))],
            )
        )
    codes: dict[int, CodeCounts] = defaultdict(CodeCounts)
    for row in (
        BallotCode.objects.filter(round=round)
        .values("evaluee_id", "used", "voided")
        .order_by()
        .annotate(n=Count("id"))
    ):
        counts = codes[row["evaluee_id"]]
        if row["voided"]:
            counts.voided += row["n"]
        elif row["used"]:
            counts.used += row["n"]
        else:
            counts.unused += row["n"]
    return DemocraticOverview(round, criteria, rows, dict(codes))


def unused_codes(
    *, actor: Any, round: EvaluationRound, evaluee: Evaluee | None = None
) -> list[BallotCode]:
    """The codes still to hand out (neither used nor voided), person by person: the sheet."""
    _check_manager(actor, round)
    found = BallotCode.objects.filter(round=round, used=False, voided=False)
    if evaluee is not None:
        found = found.filter(evaluee=evaluee)
    return list(
        found.select_related(
            "evaluee__assignment__cadre", "evaluee__assignment__host_unit"
        ).order_by(
            "evaluee__assignment__host_unit__path",
            "evaluee__assignment__cadre__name_pinyin",
            "evaluee_id",
            "id",
        )
    )


def democratic_ballots(*, actor: Any, evaluee: Evaluee) -> int:
    """How many democratic ballots a person has (code and paper): a coordinator's count."""
    _check_manager(actor, evaluee.round)
    return Rating.objects.filter(evaluee=evaluee, rater_role=RaterRole.DEMOCRATIC).count()
