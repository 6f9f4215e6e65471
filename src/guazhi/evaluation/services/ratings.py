"""Writing ratings: a named rater's rating of a person, and democratic ballots keyed in from paper.

A named rater (host leadership, dispatching unit, group leader: selectors.scope.rater_role_for)
rates each person they reach once per round, and may change the rating while the round is open
and its deadline not past; nobody rates themselves, and a rater role the round does not weigh
(absent, or weight 0) rates nobody. Every criterion of the round gets an integer score from 0 to
100; the rating's total is Σ score × criterion weight / 100, to two places (half up).

A democratic ballot (民主测评) keeps no rater and nothing that orders it among the others: see
`store_ballot`, which both the code form (services.codes) and the paper ballot use.
"""

import datetime as dt
import secrets
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guazhi.core.audit import audit_record
from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.evaluation.models import (
    Criterion,
    EvaluationRound,
    Evaluee,
    RaterRole,
    RaterWeight,
    Rating,
    RatingScore,
    RatingSource,
    RoundState,
)
from guazhi.evaluation.selectors.scope import can_manage_round, is_evaluee_self, rater_role_for

COMMENT_MAX_LENGTH = 1000
SCORE_MIN = 0
SCORE_MAX = 100
CENT = Decimal("0.01")

# Democratic ballots take their primary key at random from this range (see `store_ballot`):
# far above any sequence a deployment will reach, below 2**53 so a browser's JSON keeps it exact.
_UNORDERED_PK_LOW = 2**40
_UNORDERED_PK_HIGH = 2**50


def score_field(criterion: Criterion) -> str:
    """The form field (and ValidationFailed detail key) of a criterion's score."""
    return f"score_{criterion.pk}"


def round_criteria(round: EvaluationRound) -> list[Criterion]:
    return list(Criterion.objects.filter(round=round).order_by("position", "id"))


def role_weight(round: EvaluationRound, role: str) -> Decimal:
    """The weight of rater role `role` in the round, 0 when the round does not name it."""
    found = RaterWeight.objects.filter(round=round, role=role).values_list("weight", flat=True)
    return next(iter(found), Decimal(0))


def rating_total(scores: Mapping[Criterion, int]) -> Decimal:
    """Σ score × weight / 100, two places, half up: 87×20 + 90×30 … /100."""
    total = sum(
        (Decimal(score) * criterion.weight for criterion, score in scores.items()), Decimal(0)
    )
    return (total / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def check_scores(
    criteria: Sequence[Criterion], scores: Mapping[Any, Any], comment: str
) -> tuple[dict[Criterion, int], str]:
    """The scores by criterion, each an integer 0–100, one for every criterion of the round, and
    the comment trimmed; ValidationFailed naming each criterion that is missing or out of range."""
    known = {criterion.pk for criterion in criteria}
    if any(key not in known for key in scores):
        message = _("评分项目与本轮考核内容不一致，请刷新页面后重新填写。")
        raise ValidationFailed(message)
    checked: dict[Criterion, int] = {}
    problems: dict[str, str] = {}
    for criterion in criteria:
        value = scores.get(criterion.pk)
        if value is None or value == "":
            problems[score_field(criterion)] = _("请填写“%(criterion)s”的得分。") % {
                "criterion": criterion.name
            }
        elif (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not SCORE_MIN <= value <= SCORE_MAX
        ):
            problems[score_field(criterion)] = _(
                "“%(criterion)s”的得分应为 %(low)s 到 %(high)s 之间的整数。"
            ) % {"criterion": criterion.name, "low": SCORE_MIN, "high": SCORE_MAX}
        else:
            checked[criterion] = value
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        problems["comment"] = _("评语不能超过 %(n)s 字。") % {"n": COMMENT_MAX_LENGTH}
    if problems:
        raise ValidationFailed(next(iter(problems.values())), detail=problems)
    if not criteria:
        raise ValidationFailed(_("本轮考核尚未设置考核内容，不能评分。"))
    return checked, comment


def lock_round(round: EvaluationRound) -> EvaluationRound:
    """The round's row, locked: a rating and the round's closing never cross (closing locks
    the same row), so no rating lands after the results were computed."""
    return EvaluationRound.objects.select_for_update().get(pk=round.pk)


def check_open(round: EvaluationRound, today: dt.date, *, deadline: bool = True) -> None:
    if round.state != RoundState.OPEN:
        raise InvalidTransition(
            _("“%(round)s”当前为“%(state)s”，不能评分。")
            % {"round": round.name, "state": round.get_state_display()}
        )
    if deadline and today > round.deadline:
        raise InvalidTransition(
            _("“%(round)s”的评分已于%(date)s截止。")
            % {"round": round.name, "date": _format_date(round.deadline)}
        )


def _format_date(day: dt.date) -> str:
    from guazhi.core.jinja import format_date

    return format_date(day)


def _person(evaluee: Evaluee) -> str:
    return str(evaluee.assignment.cadre.name)


# --- named raters ------------------------------------------------------------------------------


def rating_submit(
    *,
    actor: Any,
    evaluee: Evaluee,
    scores: Mapping[int, int],
    comment: str = "",
    today: dt.date | None = None,
) -> Rating:
    """The actor's rating of `evaluee` (criterion id → score), made or changed.

    Refused while the round is not open or its deadline is past, for the person themselves,
    for anyone without a rater role over the person, and for a rater role the round does not
    weigh. Load the evaluee as selectors.scope.access_evaluee does."""
    today = today or timezone.localdate()
    round = evaluee.round
    if is_evaluee_self(actor=actor, evaluee=evaluee):
        raise Forbidden(_("不能给自己评分。"))
    role = rater_role_for(actor=actor, assignment=evaluee.assignment)
    if role is None:
        raise Forbidden(_("您不是%(person)s的评分人，不能评分。") % {"person": _person(evaluee)})
    if role_weight(round, role) <= 0:
        raise Forbidden(_("本轮考核不设“%(role)s”评分。") % {"role": RaterRole(role).label})
    checked, comment = check_scores(round_criteria(round), scores, comment)
    total = rating_total(checked)
    uniform = len(set(checked.values())) == 1
    with transaction.atomic():
        check_open(lock_round(round), today)
        rating = Rating.objects.select_for_update().filter(evaluee=evaluee, rater=actor).first()
        if rating is None:
            rating = Rating.objects.create(
                evaluee=evaluee,
                rater=actor,
                rater_role=role,
                source=RatingSource.ONLINE,
                total=total,
                uniform=uniform,
                comment=comment,
                submitted_on=today,
            )
            RatingScore.objects.bulk_create(
                RatingScore(rating=rating, criterion=criterion, score=score)
                for criterion, score in checked.items()
            )
            audit_record(
                actor=actor,
                action="rating.submit",
                obj=evaluee,
                detail={
                    "person": _person(evaluee),
                    "rater_role": role,
                    "weighted_total": str(total),
                },
            )
            return rating
        _update(actor, rating, evaluee, role, checked, total, uniform, comment, today)
        return rating


def _update(
    actor: Any,
    rating: Rating,
    evaluee: Evaluee,
    role: str,
    checked: dict[Criterion, int],
    total: Decimal,
    uniform: bool,
    comment: str,
    today: dt.date,
) -> None:
    before = {score.criterion_id: score for score in RatingScore.objects.filter(rating=rating)}
    changed_items: list[str] = []
    for criterion, value in checked.items():
        existing = before.get(criterion.pk)
        if existing is None:
            RatingScore.objects.create(rating=rating, criterion=criterion, score=value)
            changed_items.append(criterion.name)
        elif existing.score != value:
            existing.score = value
            existing.save(update_fields=["score"])
            changed_items.append(criterion.name)
    old_total = rating.total
    rating.rater_role, rating.total, rating.uniform = role, total, uniform
    rating.comment, rating.submitted_on = comment, today
    rating.save(update_fields=["rater_role", "total", "uniform", "comment", "submitted_on"])
    audit_record(
        actor=actor,
        action="rating.update",
        obj=evaluee,
        detail={
            "person": _person(evaluee),
            "rater_role": role,
            "weighted_total": [str(old_total), str(total)],
            "changed_items": changed_items,
        },
    )


# --- democratic ballots ------------------------------------------------------------------------


def democratic_open(round: EvaluationRound) -> bool:
    """Whether the round weighs the democratic evaluation at all."""
    return role_weight(round, RaterRole.DEMOCRATIC) > 0


def democratic_sealed(evaluee: Evaluee) -> bool:
    """Whether the person's democratic figures were computed at a close of the round (they
    had the minimum of ballots), read afresh: call it holding the round's lock.

    Once the coordinator has seen a person's democratic average, a round reopened must take
    no more ballots for that person: closing again would show a new average, and the change
    gives away what the new ballots said (one new code, one exposed ballot). Refusing them is
    the simplest sound rule; people who were below the minimum showed nothing, so their
    ballots are still welcome, which is usually why a round is reopened."""
    return sealed_evaluees().filter(pk=evaluee.pk).exists()


def sealed_evaluees() -> models.QuerySet[Evaluee]:
    """The people whose democratic figures were computed at a close (`democratic_sealed`)."""
    return Evaluee.objects.filter(role_scores__has_key=RaterRole.DEMOCRATIC)


def sealed_message(evaluee: Evaluee) -> str:
    return _(
        "%(person)s的民主测评得分已在评分截止时计算，重新开放评分后不再接收其民主测评票，"
        "以免从得分的变化推知新增选票。"
    ) % {"person": _person(evaluee)}


def _unordered_pks(model: type[models.Model], count: int) -> list[int]:
    """`count` unused primary keys drawn at random (see `store_ballot`)."""
    while True:
        drawn = {
            secrets.randbelow(_UNORDERED_PK_HIGH - _UNORDERED_PK_LOW) + _UNORDERED_PK_LOW
            for _ in range(count)
        }
        taken = set(model._default_manager.filter(pk__in=drawn).values_list("pk", flat=True))
        if len(drawn) == count and not taken:
            return sorted(drawn)


def store_ballot(
    *,
    evaluee: Evaluee,
    source: str,
    scores: dict[Criterion, int],
    comment: str,
    day: dt.date,
) -> Rating:
    """Write one democratic ballot (checked scores), inside the caller's transaction.

    Nothing in the rows may order the ballots among themselves, or the order in which codes
    were seen to go used would tell whose ballot is whose: the day is kept, not the time (the
    row has no other time), and the primary keys of the ballot and its scores are drawn at
    random instead of from the sequence."""
    checked_total = rating_total(scores)
    rating = Rating(
        pk=_unordered_pks(Rating, 1)[0],
        evaluee=evaluee,
        rater=None,
        rater_role=RaterRole.DEMOCRATIC,
        source=source,
        total=checked_total,
        uniform=len(set(scores.values())) == 1,
        comment=comment,
        submitted_on=day,
    )
    rating.save(force_insert=True)
    keys = _unordered_pks(RatingScore, len(scores))
    RatingScore.objects.bulk_create(
        RatingScore(pk=pk, rating=rating, criterion=criterion, score=score)
        for pk, (criterion, score) in zip(keys, scores.items(), strict=True)
    )
    return rating


def ballot_submit_paper(
    *,
    actor: Any,
    evaluee: Evaluee,
    scores: Mapping[int, int],
    comment: str = "",
    today: dt.date | None = None,
) -> Rating:
    """A paper ballot of the democratic evaluation, keyed in by a coordinator over the batch
    while the round is open (the deadline is the voters', not the keying's), not for a person
    whose democratic figures were shown before a reopen (`democratic_sealed`). Audited as
    录入纸质票 by the coordinator, with nothing about the voter."""
    today = today or timezone.localdate()
    round = evaluee.round
    if not can_manage_round(actor=actor, round=round):
        raise Forbidden(_("只有本批次的组织部门可以录入纸质票。"))
    if not democratic_open(round):
        raise Forbidden(_("本轮考核不设民主测评。"))
    checked, comment = check_scores(round_criteria(round), scores, comment)
    with transaction.atomic():
        check_open(lock_round(round), today, deadline=False)
        if democratic_sealed(evaluee):
            raise InvalidTransition(sealed_message(evaluee))
        rating = store_ballot(
            evaluee=evaluee, source=RatingSource.PAPER, scores=checked, comment=comment, day=today
        )
        audit_record(
            actor=actor, action="ballot.paper", obj=evaluee, detail={"person": _person(evaluee)}
        )
    return rating
