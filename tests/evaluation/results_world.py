"""Rounds, people and ratings for the results tests, written straight into the tables.

The results area starts where rating ends: a round with its criteria, rater weights and
thresholds, the people it evaluates and their ratings. These helpers write exactly that (no
rating service), so each test states its ratings' totals and the figures it expects.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from itertools import count

from django.utils import timezone

from guazhi.evaluation.models import (
    DEFAULT_CRITERIA,
    DEFAULT_RATER_WEIGHTS,
    DEFAULT_THRESHOLDS,
    SCHEME_GRADES,
    Criterion,
    EvaluationRound,
    Evaluee,
    GradeScheme,
    GradeThreshold,
    RaterRole,
    RaterWeight,
    Rating,
    RatingSource,
    RoundKind,
    RoundState,
)
from guazhi.programmes.models import Assignment, AssignmentState, Batch
from tests.duty.world import DutyWorld, duty_world
from tests.factories import CadreFactory, UserFactory
from tests.programmes.factories import PostFactory, assign

_names = count(1)


def make_round(
    batch: Batch,
    *,
    state: str = RoundState.CLOSED,
    weights: tuple[tuple[str, Decimal], ...] = DEFAULT_RATER_WEIGHTS,
    **fields: object,
) -> EvaluationRound:
    """A round of `batch` with the default criteria and thresholds, the given rater weights."""
    today = timezone.localdate()
    values: dict[str, object] = {
        "kind": RoundKind.ANNUAL,
        "name": f"{today.year}年度考核",
        "period_start": today - dt.timedelta(days=100),
        "period_end": today - dt.timedelta(days=10),
        "deadline": today - dt.timedelta(days=5),
        "state": state,
        **fields,
    }
    if state != RoundState.DRAFT and "closed_at" not in fields and state != RoundState.OPEN:
        values["closed_at"] = timezone.now() - dt.timedelta(days=3)
    made = EvaluationRound.objects.create(batch=batch, **values)
    Criterion.objects.bulk_create(
        Criterion(round=made, position=index, name=name, description=text, weight=weight)
        for index, (name, text, weight) in enumerate(DEFAULT_CRITERIA, start=1)
    )
    RaterWeight.objects.bulk_create(
        RaterWeight(round=made, role=role, weight=weight) for role, weight in weights
    )
    GradeThreshold.objects.bulk_create(
        GradeThreshold(round=made, scheme=scheme, grade=grade, min_score=lowest)
        for scheme, grades in SCHEME_GRADES.items()
        for grade, lowest in zip(grades[:-1], DEFAULT_THRESHOLDS, strict=True)
    )
    return made


def evaluate(
    round: EvaluationRound, assignment: Assignment, scheme: str = GradeScheme.CIVIL_SERVANT
) -> Evaluee:
    return Evaluee.objects.create(round=round, assignment=assignment, scheme=scheme)


def person(round: EvaluationRound, name: str = "", **evaluee: str) -> Evaluee:
    """Someone else serving in the round's batch, evaluated in it."""
    batch = round.batch
    post = batch.posts.first() or PostFactory(batch=batch, host_unit=batch.coordinating_org)
    cadre = CadreFactory(
        name=name or f"考核{next(_names)}号", home_unit=batch.dispatching_orgs.first()
    )
    assignment = assign(post, cadre, AssignmentState.ACTIVE, start_date=batch.term_start)
    return evaluate(round, assignment, **evaluee)


def rater(label: str = "") -> object:
    return UserFactory(full_name=label or f"评分人{next(_names)}")


def rate(
    evaluee: Evaluee,
    role: str,
    total: str | Decimal | int,
    *,
    by: object = None,
    uniform: bool = False,
) -> Rating:
    """A rating of `evaluee` with this total: by `by` (a new user when not given) for a named
    role; anonymous for the democratic role."""
    democratic = role == RaterRole.DEMOCRATIC
    return Rating.objects.create(
        evaluee=evaluee,
        rater_role=role,
        source=RatingSource.CODE if democratic else RatingSource.ONLINE,
        rater=None if democratic else (by or rater()),
        total=Decimal(str(total)),
        uniform=uniform,
        submitted_on=timezone.localdate(),
    )


def ballots(evaluee: Evaluee, *totals: str | int) -> None:
    for total in totals:
        rate(evaluee, RaterRole.DEMOCRATIC, total)


@dataclass
class ResultsWorld:
    duty: DutyWorld
    round_a: EvaluationRound  # batch A, 张三 (the world's cadre) evaluated
    round_b: EvaluationRound  # batch B, outside every role of the world
    zhang: Evaluee
    zhou: Evaluee


def results_world(world, *, state: str = RoundState.CLOSED) -> ResultsWorld:  # type: ignore[no-untyped-def]
    """A round in each of the duty world's batches, one person evaluated in each."""
    found = duty_world(world)
    round_a = make_round(found.batch_a, state=state)
    round_b = make_round(found.batch_b, state=state)
    return ResultsWorld(
        found,
        round_a,
        round_b,
        evaluate(round_a, found.serving_a),
        evaluate(round_b, found.serving_b),
    )
