"""Rating by named raters: the arithmetic by hand-computed cases, one rating per rater and person
changed until the round closes, and every refusal leaving nothing behind."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.models import AuditEvent
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
from guazhi.evaluation.selectors.scope import access_evaluee
from guazhi.evaluation.services.ratings import rating_submit
from tests.evaluation.world import EvaluationWorld, evaluation_world


def scores_of(round: EvaluationRound, *values: int) -> dict[int, int]:
    """Scores for the round's criteria in position order (德能勤绩廉 by default)."""
    criteria = list(round.criteria.order_by("position"))
    assert len(criteria) == len(values)
    return {criterion.pk: value for criterion, value in zip(criteria, values, strict=True)}


def loaded(actor: Any, evaluee: Evaluee) -> Evaluee:
    """The evaluee as a view hands it to the service."""
    return access_evaluee(actor=actor, pk=evaluee.pk)


def rate(found: EvaluationWorld, world: Any, role: str, *values: int, **kwargs: Any) -> Rating:
    user = world.users[role]
    return rating_submit(
        actor=user,
        evaluee=loaded(user, found.evaluee_a),
        scores=scores_of(found.round, *values),
        today=found.today,
        **kwargs,
    )


def replace_criteria(round: EvaluationRound, *weights: str) -> list[Criterion]:
    Criterion.objects.filter(round=round).delete()
    return [
        Criterion.objects.create(
            round=round, position=position, name=f"项目{position}", weight=Decimal(weight)
        )
        for position, weight in enumerate(weights, start=1)
    ]


def test_the_total_is_the_weighted_sum_of_the_scores(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)

    # 德 85×20 + 能 90×20 + 勤 88×20 + 绩 92×30 + 廉 95×10 = 8970 → 89.70
    rating = rate(found, world, "host_leader", 85, 90, 88, 92, 95, comment=" 工作扎实 ")

    stored = Rating.objects.get()
    assert stored == rating
    assert (stored.total, stored.uniform, stored.comment) == (Decimal("89.70"), False, "工作扎实")
    assert (stored.rater, stored.rater_role, stored.source) == (
        world.users["host_leader"],
        RaterRole.HOST_LEADERSHIP,
        RatingSource.ONLINE,
    )
    assert stored.submitted_on == found.today
    assert sorted(
        RatingScore.objects.filter(rating=stored).values_list("criterion__name", "score")
    ) == sorted([("德", 85), ("能", 90), ("勤", 88), ("绩", 92), ("廉", 95)])
    event = AuditEvent.objects.get(action="rating.submit")
    assert event.actor == world.users["host_leader"]
    assert event.detail == {
        "person": "张三",
        "rater_role": "host_leadership",
        "weighted_total": "89.70",
    }


def test_the_total_rounds_half_up_to_two_places(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    criteria = replace_criteria(found.round, "12.5", "12.5", "25", "50")
    user = world.users["dispatch_admin"]

    # 81×12.5 + 80×12.5 + 80×25 + 80×50 = 8012.5 → 80.125 → 80.13 (not the banker's 80.12)
    rating = rating_submit(
        actor=user,
        evaluee=loaded(user, found.evaluee_a),
        scores={c.pk: score for c, score in zip(criteria, (81, 80, 80, 80), strict=True)},
        today=found.today,
    )

    assert rating.total == Decimal("80.13")
    assert rating.rater_role == RaterRole.DISPATCH


def test_thirds_of_a_point_are_cut_to_two_places(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    criteria = replace_criteria(found.round, "33.33", "33.33", "33.34")
    user = world.users["group_leader"]

    # 81×33.33 + 80×33.33 + 80×33.34 = 8033.33 → 80.3333 → 80.33
    rating = rating_submit(
        actor=user,
        evaluee=loaded(user, found.evaluee_a),
        scores={c.pk: score for c, score in zip(criteria, (81, 80, 80), strict=True)},
        today=found.today,
    )

    assert rating.total == Decimal("80.33")
    assert rating.rater_role == RaterRole.GROUP_LEADER


def test_the_same_score_on_every_item_is_marked_uniform(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)

    rating = rate(found, world, "host_leader", 90, 90, 90, 90, 90)

    assert (rating.total, rating.uniform) == (Decimal("90.00"), True)


def test_a_rater_changes_their_rating_until_the_round_closes(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    first = rate(found, world, "host_leader", 85, 90, 88, 92, 95)

    # 德 85×20 + 能 90×20 + 勤 88×20 + 绩 80×30 + 廉 95×10 = 8610 → 86.10
    second = rate(found, world, "host_leader", 85, 90, 88, 80, 95, comment="绩效一般")

    assert second.pk == first.pk
    stored = Rating.objects.get()
    assert (stored.total, stored.comment) == (Decimal("86.10"), "绩效一般")
    assert RatingScore.objects.filter(rating=stored).count() == 5
    assert RatingScore.objects.get(rating=stored, criterion__name="绩").score == 80
    event = AuditEvent.objects.get(action="rating.update")
    assert event.detail == {
        "person": "张三",
        "rater_role": "host_leadership",
        "weighted_total": ["89.70", "86.10"],
        "changed_items": ["绩"],
    }


def test_each_rater_role_rates_once_per_person(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)

    rate(found, world, "host_leader", 90, 90, 90, 90, 90)
    rate(found, world, "dispatch_admin", 80, 80, 80, 80, 80)
    rate(found, world, "group_leader", 70, 70, 70, 70, 70)

    assert sorted(Rating.objects.values_list("rater_role", "total")) == [
        (RaterRole.DISPATCH, Decimal("80.00")),
        (RaterRole.GROUP_LEADER, Decimal("70.00")),
        (RaterRole.HOST_LEADERSHIP, Decimal("90.00")),
    ]


# --- refusals: nothing changed ---------------------------------------------------------------


def assert_nothing_written(audit_before: int) -> None:
    assert Rating.objects.count() == 0
    assert RatingScore.objects.count() == 0
    assert AuditEvent.objects.count() == audit_before


def test_a_rater_outside_the_persons_scope_cannot_rate(world) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import UserFactory, grant

    found = evaluation_world(world)
    outsider = grant(UserFactory(username="lianhua"), "host_leader", world.township_b)
    before = AuditEvent.objects.count()

    with pytest.raises(Forbidden) as refused:
        rating_submit(
            actor=outsider,
            evaluee=Evaluee.objects.get(pk=found.evaluee_a.pk),
            scores=scores_of(found.round, 90, 90, 90, 90, 90),
            today=found.today,
        )

    assert refused.value.message == "您不是张三的评分人，不能评分。"
    assert_nothing_written(before)


def test_a_coordinator_holds_no_rater_role(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    user = world.users["coordinator"]
    before = AuditEvent.objects.count()

    with pytest.raises(Forbidden):
        rating_submit(
            actor=user,
            evaluee=loaded(user, found.evaluee_a),
            scores=scores_of(found.round, 90, 90, 90, 90, 90),
            today=found.today,
        )

    assert_nothing_written(before)


def test_nobody_rates_themselves(world) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import grant

    found = evaluation_world(world)
    # 张三 also leads 白鹿镇: a host leader over his own post, still not his own rater.
    user = grant(world.users["cadre"], "host_leader", world.township_a)
    before = AuditEvent.objects.count()

    with pytest.raises(Forbidden) as refused:
        rating_submit(
            actor=user,
            evaluee=loaded(user, found.evaluee_a),
            scores=scores_of(found.round, 90, 90, 90, 90, 90),
            today=found.today,
        )

    assert refused.value.message == "不能给自己评分。"
    assert_nothing_written(before)


@pytest.mark.parametrize("state", [RoundState.DRAFT, RoundState.CLOSED, RoundState.PUBLISHED])
def test_a_round_not_open_takes_no_rating(world, state: str) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    EvaluationRound.objects.filter(pk=found.round.pk).update(state=state)
    user = world.users["host_leader"]
    before = AuditEvent.objects.count()

    with pytest.raises(InvalidTransition) as refused:
        rating_submit(
            actor=user,
            evaluee=loaded(user, found.evaluee_a),
            scores=scores_of(found.round, 90, 90, 90, 90, 90),
            today=found.today,
        )

    label = RoundState(state).label
    assert refused.value.message == f"“{found.round.name}”当前为“{label}”，不能评分。"
    assert_nothing_written(before)


def test_a_change_after_the_round_closed_is_refused_and_the_rating_stays(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    rate(found, world, "host_leader", 85, 90, 88, 92, 95)
    EvaluationRound.objects.filter(pk=found.round.pk).update(state=RoundState.CLOSED)
    before = AuditEvent.objects.count()

    with pytest.raises(InvalidTransition):
        rate(found, world, "host_leader", 60, 60, 60, 60, 60)

    assert Rating.objects.get().total == Decimal("89.70")
    assert sorted(RatingScore.objects.values_list("score", flat=True)) == [85, 88, 90, 92, 95]
    assert AuditEvent.objects.count() == before


def test_the_deadline_day_is_the_last_day_to_rate(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    user = world.users["host_leader"]
    deadline = found.round.deadline

    rating_submit(
        actor=user,
        evaluee=loaded(user, found.evaluee_a),
        scores=scores_of(found.round, 90, 90, 90, 90, 90),
        today=deadline,
    )
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidTransition) as refused:
        rating_submit(
            actor=user,
            evaluee=loaded(user, found.evaluee_a),
            scores=scores_of(found.round, 60, 60, 60, 60, 60),
            today=deadline + dt.timedelta(days=1),
        )

    date = f"{deadline.year}年{deadline.month}月{deadline.day}日"
    assert refused.value.message == f"“{found.round.name}”的评分已于{date}截止。"
    assert Rating.objects.get().total == Decimal("90.00")
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ((90, 90, None, 90, 90), "勤", "请填写“勤”的得分。"),
        ((90, 90, 90, 101, 90), "绩", "“绩”的得分应为 0 到 100 之间的整数。"),
        ((90, -1, 90, 90, 90), "能", "“能”的得分应为 0 到 100 之间的整数。"),
        ((90, 90, 90, 90, "95"), "廉", "“廉”的得分应为 0 到 100 之间的整数。"),
        ((True, 90, 90, 90, 90), "德", "“德”的得分应为 0 到 100 之间的整数。"),
    ],
)
def test_a_missing_or_out_of_range_score_names_its_criterion(  # type: ignore[no-untyped-def]
    world, values: tuple[Any, ...], field: str, message: str
) -> None:
    found = evaluation_world(world)
    user = world.users["host_leader"]
    criteria = list(found.round.criteria.order_by("position"))
    scores = {c.pk: v for c, v in zip(criteria, values, strict=True) if v is not None}
    before = AuditEvent.objects.count()

    with pytest.raises(ValidationFailed) as refused:
        rating_submit(
            actor=user, evaluee=loaded(user, found.evaluee_a), scores=scores, today=found.today
        )

    criterion = next(c for c in criteria if c.name == field)
    assert refused.value.detail == {f"score_{criterion.pk}": message}
    assert_nothing_written(before)


def test_a_score_for_a_criterion_of_another_round_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    user = world.users["host_leader"]
    scores = scores_of(found.round, 90, 90, 90, 90, 90)
    scores[found.round_b.criteria.first().pk] = 90  # type: ignore[union-attr]
    before = AuditEvent.objects.count()

    with pytest.raises(ValidationFailed):
        rating_submit(
            actor=user, evaluee=loaded(user, found.evaluee_a), scores=scores, today=found.today
        )

    assert_nothing_written(before)


@pytest.mark.parametrize("weight", [None, "0"])
def test_a_rater_role_the_round_does_not_weigh_rates_nobody(world, weight: str | None) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    weights = RaterWeight.objects.filter(round=found.round, role=RaterRole.GROUP_LEADER)
    if weight is None:
        weights.delete()
    else:
        weights.update(weight=Decimal(weight))
    user = world.users["group_leader"]
    before = AuditEvent.objects.count()

    with pytest.raises(Forbidden) as refused:
        rating_submit(
            actor=user,
            evaluee=loaded(user, found.evaluee_a),
            scores=scores_of(found.round, 90, 90, 90, 90, 90),
            today=found.today,
        )

    assert refused.value.message == "本轮考核不设“挂职小组组长”评分。"
    assert_nothing_written(before)
