"""The evaluation world with results, for the forms and commendations tests: ratings with
comments by the named raters, scores, ranks, grades, the committee's decision and 张三's signed
opinion, written straight into the tables (no service), in the round state asked for.

`results_world(world, state=...)`: the shared `evaluation_world` (batch A's round with 张三 and
钱组长, batch B's with 周亮) moved to `state` (PUBLISHED by default), both rounds alike, and:

- 张三: self-assessment SELF_ASSESSMENT, score 92.50, rank 1, proposed and (once decided) graded
  优秀; rated by the host leader (comment LEADER_COMMENT) and the dispatch admin (comment
  DISPATCH_COMMENT); once published, his opinion “同意 / 本人对考核结果无异议。” signed on the
  publication day;
- 钱组长: score 85.00, rank 2, proposed and (once decided) graded 合格;
- 周亮 (batch B): score 88.00, rank 1, graded 称职 once decided;
- a committee decision (考核委员会, DECIDED_ON) once the round is decided.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from guazhi.evaluation.models import (
    CommitteeDecision,
    EvaluationRound,
    Evaluee,
    RaterRole,
    Rating,
    RatingSource,
    RoundState,
)
from tests.evaluation.world import EvaluationWorld, evaluation_world

SELF_ASSESSMENT = "一年来，本人认真履行挂职岗位职责。\n  主动融入基层，完成了各项工作任务。"
LEADER_COMMENT = "该同志政治坚定，工作扎实，群众认可。"
DISPATCH_COMMENT = "同意接收单位意见。"
ACKNOWLEDGEMENT = "本人对考核结果无异议。"
DECIDED_STATES = (RoundState.DECIDED, RoundState.PUBLISHED)


def decided_on() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=3)


def _move(round: EvaluationRound, state: str) -> None:
    now = timezone.now()
    round.state = state
    round.closed_at = now if state not in (RoundState.DRAFT, RoundState.OPEN) else None
    round.decided_at = now if state in DECIDED_STATES else None
    round.published_at = now if state == RoundState.PUBLISHED else None
    round.save()
    if state in DECIDED_STATES:
        CommitteeDecision.objects.get_or_create(
            round=round, defaults={"decided_on": decided_on(), "body": "考核委员会"}
        )


def _result(evaluee: Evaluee, score: str, rank: int, grade: str, state: str) -> None:
    computed = state not in (RoundState.DRAFT, RoundState.OPEN)
    evaluee.score = Decimal(score) if computed else None
    evaluee.rank = rank if computed else None
    evaluee.proposed_grade = grade if computed else ""
    evaluee.grade = grade if state in DECIDED_STATES else ""
    evaluee.save()


def _rate(evaluee: Evaluee, role: str, rater: object, comment: str) -> None:
    Rating.objects.get_or_create(
        evaluee=evaluee,
        rater=rater,
        defaults={
            "rater_role": role,
            "source": RatingSource.ONLINE,
            "total": Decimal("92.00"),
            "comment": comment,
            "submitted_on": timezone.localdate() - dt.timedelta(days=10),
        },
    )


def results_world(world, *, state: str = RoundState.PUBLISHED) -> EvaluationWorld:  # type: ignore[no-untyped-def]
    found = evaluation_world(world, state=state)
    for round in (found.round, found.round_b):
        _move(round, state)
    found.evaluee_a.self_assessment = SELF_ASSESSMENT
    _result(found.evaluee_a, "92.50", 1, "优秀", state)
    _result(found.evaluee_leader, "85.00", 2, "合格", state)
    _result(found.evaluee_b, "88.00", 1, "称职", state)
    _rate(found.evaluee_a, RaterRole.HOST_LEADERSHIP, world.users["host_leader"], LEADER_COMMENT)
    _rate(found.evaluee_a, RaterRole.DISPATCH, world.users["dispatch_admin"], DISPATCH_COMMENT)
    if state == RoundState.PUBLISHED:
        found.evaluee_a.acknowledgement = ACKNOWLEDGEMENT
        found.evaluee_a.acknowledgement_agrees = True
        found.evaluee_a.acknowledged_at = timezone.now()
        found.evaluee_a.save()
    for evaluee in (found.evaluee_a, found.evaluee_leader, found.evaluee_b):
        evaluee.refresh_from_db()
    return found
