"""Rating patterns flagged for the coordinator when a round closes: every item the same score,
and a named rater far more lenient or severe than everyone else rating the same people."""

import pytest

from guazhi.evaluation.models import FlagKind, RaterRole, RatingFlag
from guazhi.evaluation.services.aggregate import leniency_flags
from guazhi.evaluation.services.results import results_compute
from tests.evaluation.results_world import ballots, person, rate, rater, results_world

HOST = RaterRole.HOST_LEADERSHIP
DISPATCH = RaterRole.DISPATCH

pytestmark = pytest.mark.django_db


def _flags(round) -> list[tuple[int, str, str, bool]]:  # type: ignore[no-untyped-def]
    return list(
        RatingFlag.objects.filter(round=round)
        .order_by("kind", "rating_id")
        .values_list("rating_id", "kind", "detail", "dismissed")
    )


def test_a_rating_with_every_item_the_same_is_flagged(world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world)
    same = rate(found.zhang, HOST, "80", uniform=True)
    rate(found.zhang, DISPATCH, "82")
    results_compute(round=found.round_a)
    assert _flags(found.round_a) == [(same.pk, FlagKind.UNIFORM, "各项均为 80 分", False)]


def test_a_uniform_ballot_of_a_person_under_the_minimum_is_not_flagged(world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world)
    rate(found.zhang, RaterRole.DEMOCRATIC, "85.5", uniform=True)
    ballots(found.zhang, 70, 75, 80)  # 4 ballots, the minimum is 5
    results_compute(round=found.round_a)
    # A flag would tell what that one ballot gave, which the minimum hides.
    assert _flags(found.round_a) == []


def test_uniform_ballots_are_counted_per_person_never_scored(world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world)
    same = [rate(found.zhang, RaterRole.DEMOCRATIC, total, uniform=True) for total in ("85", "90")]
    ballots(found.zhang, 70, 75, 80)
    results_compute(round=found.round_a)
    first = min(ballot.pk for ballot in same)
    assert _flags(found.round_a) == [(first, FlagKind.UNIFORM, "2 张民主测评票各项同分", False)]


def test_a_rater_far_above_the_others_is_lenient(world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world)
    other = person(found.round_a)
    generous = rater("宽松的评分人")
    worst = rate(found.zhang, HOST, "95", by=generous)  # 25 above the ballots' 70
    rate(other, HOST, "95", by=generous)  # 15 above the ballots' 80
    ballots(found.zhang, 70, 70, 70, 70, 70)
    ballots(other, 80, 80, 80, 80, 80)
    results_compute(round=found.round_a)
    assert _flags(found.round_a) == [
        (worst.pk, FlagKind.LENIENT, "对 2 人的评分平均比其他评分高 20.00 分", False)
    ]


def test_a_rater_far_below_the_others_is_severe(world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world)
    other = person(found.round_a)
    harsh = rater("严格的评分人")
    rate(found.zhang, DISPATCH, "60", by=harsh)  # 20 below
    worst = rate(other, DISPATCH, "50", by=harsh)  # 30 below
    ballots(found.zhang, 80, 80, 80, 80, 80)
    ballots(other, 80, 80, 80, 80, 80)
    results_compute(round=found.round_a)
    assert _flags(found.round_a) == [
        (worst.pk, FlagKind.SEVERE, "对 2 人的评分平均比其他评分低 25.00 分", False)
    ]


def test_one_person_or_a_smaller_gap_is_no_pattern(world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world)
    other = person(found.round_a)
    lone = rater()
    rate(found.zhang, HOST, "100", by=lone)  # 30 above, but only one person compared
    ballots(found.zhang, 70, 70, 70, 70, 70)
    near = rater()
    rate(other, DISPATCH, "94.99", by=near)  # 14.99 above the ballots' 80
    rate(found.zhang, DISPATCH, "90", by=near)  # 15 above (100 + 5 × 70) / 6 = 75
    # The mean gap is 14.995: not 15, though it would show as 15.00.
    ballots(other, 80, 80, 80, 80, 80)
    results_compute(round=found.round_a)
    assert _flags(found.round_a) == []


def test_the_pure_rule_compares_with_everyone_else_on_the_same_person() -> None:
    from decimal import Decimal

    from guazhi.evaluation.services.aggregate import NamedRating

    named = [
        NamedRating(1, 10, 7, Decimal("90")),
        NamedRating(2, 11, 7, Decimal("90")),
        NamedRating(3, 10, 8, Decimal("60")),
        NamedRating(4, 11, 8, Decimal("60")),
    ]
    # Each person: rater 7's 90, rater 8's 60 and one more rating of 75 (sum 225, count 3).
    totals = {10: (Decimal("225"), 3), 11: (Decimal("225"), 3)}
    found = {
        (flag.rating_id, flag.kind, flag.people, flag.gap) for flag in leniency_flags(named, totals)
    }
    # Rater 7: 90 against (60 + 75) / 2 = 67.5 → +22.5; rater 8: 60 against 82.5 → −22.5.
    assert found == {
        (1, FlagKind.LENIENT, 2, Decimal("22.50")),
        (3, FlagKind.SEVERE, 2, Decimal("-22.50")),
    }


def test_a_checked_flag_stays_checked_when_recomputed(world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world)
    same = rate(found.zhang, HOST, "80", uniform=True)
    results_compute(round=found.round_a)
    RatingFlag.objects.filter(rating=same).update(dismissed=True)
    fresh = rate(found.zhang, DISPATCH, "70", uniform=True)
    results_compute(round=found.round_a)
    assert _flags(found.round_a) == [
        (same.pk, FlagKind.UNIFORM, "各项均为 80 分", True),
        (fresh.pk, FlagKind.UNIFORM, "各项均为 70 分", False),
    ]
