"""Evaluation objects in the shared `world`: a round of batch A over the duty world, made with
plain ORM so every area's tests can start from it.

Batch A (district A, on duty) has a round in the chosen state (OPEN by default) with the
default criteria (德能勤绩廉 20/20/20/30/10), rater weights (40/30/20/10) and thresholds
(90/70/60 for every scheme). It evaluates two people, both at 白鹿镇 (the host leader's unit)
and from 浔阳区委党校 (the dispatch admin's unit):

- 张三 (the world's cadre, user "cadre", 公务员 → civil-servant grades), a member of group
  第一组, whose leader is 钱组长;
- 钱组长 (事业单位 → institution grades), whose profile belongs to the world's "groupleader"
  user: so that user rates 张三 as 挂职小组组长 (evaluation.selectors.scope.rater_role_for). He
  is in no group, so nobody rates him as group leader.

Batch B (district B, outside every role) has a round in the same state evaluating 周亮.
Call `evaluation_world(world)` as often as you like: the first call builds and keeps it.
"""

import datetime as dt
from dataclasses import dataclass

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
    RaterWeight,
    RoundKind,
    RoundState,
)
from guazhi.programmes.models import Assignment, AssignmentState, Group
from tests.duty.world import DutyWorld, duty_world
from tests.factories import CadreFactory
from tests.programmes.factories import PostFactory, assign

# The timestamps a round in each state carries (the states it passed through).
_STAMPS = {
    RoundState.DRAFT: (),
    RoundState.OPEN: ("opened_at",),
    RoundState.CLOSED: ("opened_at", "closed_at"),
    RoundState.DECIDED: ("opened_at", "closed_at", "decided_at"),
    RoundState.PUBLISHED: ("opened_at", "closed_at", "decided_at", "published_at"),
}


@dataclass
class EvaluationWorld:
    duty: DutyWorld
    round: EvaluationRound  # batch A, annual, in the chosen state
    evaluee_a: Evaluee  # 张三 (the world's cadre), civil-servant scheme
    evaluee_leader: Evaluee  # 钱组长 (the groupleader user's profile), institution scheme
    leader_assignment: Assignment  # 钱组长's assignment in batch A (in no group)
    group: Group  # 第一组 of batch A: 张三, led by 钱组长
    round_b: EvaluationRound  # batch B, outside every role, same state
    evaluee_b: Evaluee  # 周亮 in round_b
    today: dt.date


def make_round(
    batch,  # type: ignore[no-untyped-def]
    *,
    state: str = RoundState.OPEN,
    kind: str = RoundKind.ANNUAL,
    name: str | None = None,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    deadline: dt.date | None = None,
    created_by=None,  # type: ignore[no-untyped-def]
) -> EvaluationRound:
    """A round of `batch` with the default criteria, rater weights and thresholds, no
    evaluees (add them with `add_evaluee`). Period: the calendar year clipped to the term;
    deadline: ten days from today."""
    today = timezone.localdate()
    now = timezone.now()
    found = EvaluationRound.objects.create(
        batch=batch,
        kind=kind,
        name=name or f"{batch.name}{today.year}年度考核",
        period_start=period_start or max(dt.date(today.year, 1, 1), batch.term_start),
        period_end=period_end or min(dt.date(today.year, 12, 31), batch.term_end),
        deadline=deadline or today + dt.timedelta(days=10),
        state=state,
        created_by=created_by,
        **{field: now for field in _STAMPS[RoundState(state)]},
    )
    Criterion.objects.bulk_create(
        Criterion(round=found, position=position, name=name, description=text, weight=weight)
        for position, (name, text, weight) in enumerate(DEFAULT_CRITERIA, start=1)
    )
    RaterWeight.objects.bulk_create(
        RaterWeight(round=found, role=role, weight=weight) for role, weight in DEFAULT_RATER_WEIGHTS
    )
    GradeThreshold.objects.bulk_create(
        GradeThreshold(round=found, scheme=scheme, grade=grade, min_score=minimum)
        for scheme, grades in SCHEME_GRADES.items()
        for grade, minimum in zip(grades, DEFAULT_THRESHOLDS, strict=False)
    )
    return found


def add_evaluee(
    round: EvaluationRound, assignment: Assignment, scheme: str | None = None
) -> Evaluee:
    """The person of `assignment` evaluated in `round`, in the scheme their staff type gives
    (routine rounds: the routine scheme) unless one is named."""
    if scheme is None:
        if round.kind == RoundKind.ROUTINE:
            scheme = GradeScheme.ROUTINE
        elif assignment.cadre.staff_type in ("公务员", "参公"):
            scheme = GradeScheme.CIVIL_SERVANT
        else:
            scheme = GradeScheme.INSTITUTION
    return Evaluee.objects.create(round=round, assignment=assignment, scheme=scheme)


def evaluation_world(world, *, state: str = RoundState.OPEN) -> EvaluationWorld:  # type: ignore[no-untyped-def]
    found = getattr(world, "_evaluation", None)
    if found is not None:
        return found
    duty = duty_world(world)
    leader_cadre = CadreFactory(
        name="钱组长",
        home_unit=world.school_a,
        user=world.users["group_leader"],
        staff_type="事业单位",
    )
    leader_assignment = assign(
        PostFactory(batch=duty.batch_a, host_unit=world.township_a, title="党委委员"),
        leader_cadre,
        AssignmentState.ACTIVE,
        start_date=duty.serving_a.start_date,
    )
    group = Group.objects.create(batch=duty.batch_a, name="第一组", leader=leader_assignment)
    duty.serving_a.group = group
    duty.serving_a.save(update_fields=["group"])
    round_a = make_round(duty.batch_a, state=state)
    round_b = make_round(duty.batch_b, state=state)
    found = EvaluationWorld(
        duty=duty,
        round=round_a,
        evaluee_a=add_evaluee(round_a, duty.serving_a),
        evaluee_leader=add_evaluee(round_a, leader_assignment),
        leader_assignment=leader_assignment,
        group=group,
        round_b=round_b,
        evaluee_b=add_evaluee(round_b, duty.serving_b),
        today=duty.today,
    )
    world._evaluation = found
    return found
