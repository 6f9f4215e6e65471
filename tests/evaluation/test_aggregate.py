"""Aggregation when a round closes (results_compute), computed by hand: role averages, weights
re-normalised over the roles present, the democratic minimum, ranks, grades and the quota."""

from decimal import Decimal

import pytest

from guazhi.core.models import AuditEvent
from guazhi.evaluation.models import Evaluee, GradeScheme, RaterRole
from guazhi.evaluation.services.grading import TIE_PENDING
from guazhi.evaluation.services.results import results_compute
from tests.evaluation.results_world import ballots, make_round, person, rate, results_world

HOST = RaterRole.HOST_LEADERSHIP
DEMOCRATIC = RaterRole.DEMOCRATIC
DISPATCH = RaterRole.DISPATCH
GROUP = RaterRole.GROUP_LEADER

pytestmark = pytest.mark.django_db


def _fresh(evaluee: Evaluee) -> Evaluee:
    return Evaluee.objects.get(pk=evaluee.pk)


def test_every_role_weighted_by_its_share(world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world)
    zhang = found.zhang
    rate(zhang, HOST, "90")
    rate(zhang, HOST, "86")
    ballots(zhang, 80, 82, 84, 86, 88)
    rate(zhang, DISPATCH, "80")
    rate(zhang, GROUP, "70")
    results_compute(round=found.round_a)
    zhang = _fresh(zhang)
    # (88 × 40 + 84 × 30 + 80 × 20 + 70 × 10) / 100
    assert zhang.score == Decimal("83.40")
    assert zhang.role_scores == {
        "host_leadership": "88.00",
        "democratic": "84.00",
        "dispatch": "80.00",
        "group_leader": "70.00",
    }
    assert (zhang.rank, zhang.proposed_grade) == (1, "称职")


def test_missing_roles_leave_their_weight_to_the_roles_present(world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world)
    rate(found.zhang, HOST, "90")
    rate(found.zhang, DISPATCH, "80")
    results_compute(round=found.round_a)
    zhang = _fresh(found.zhang)
    # Only 40 + 20 of the weight is present: (90 × 40 + 80 × 20) / 60 = 86.666… → 86.67
    assert zhang.score == Decimal("86.67")
    assert zhang.role_scores == {"host_leadership": "90.00", "dispatch": "80.00"}


def test_averages_are_rounded_half_up_before_weighting(world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world)
    for total in ("90", "91", "91"):
        rate(found.zhang, HOST, total)
    rate(found.zhang, DISPATCH, "85.55")
    results_compute(round=found.round_a)
    zhang = _fresh(found.zhang)
    # 272 / 3 = 90.666… → 90.67; (90.67 × 40 + 85.55 × 20) / 60 = 88.9633… → 88.96
    assert zhang.role_scores == {"host_leadership": "90.67", "dispatch": "85.55"}
    assert zhang.score == Decimal("88.96")


def test_democratic_ballots_below_the_minimum_are_left_out(world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world)
    rate(found.zhang, HOST, "70")
    ballots(found.zhang, 100, 100, 100, 100)  # 4 of the 5 needed
    results_compute(round=found.round_a)
    zhang = _fresh(found.zhang)
    assert zhang.score == Decimal("70.00")
    assert zhang.role_scores == {"host_leadership": "70.00"}

    ballots(found.zhang, 100)  # the fifth ballot: now it counts
    results_compute(round=found.round_a)
    zhang = _fresh(found.zhang)
    # (70 × 40 + 100 × 30) / 70 = 82.857… → 82.86
    assert zhang.score == Decimal("82.86")
    assert zhang.role_scores == {"host_leadership": "70.00", "democratic": "100.00"}


def test_the_round_sets_its_own_democratic_minimum(world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world)
    found.round_a.democratic_minimum = 3
    found.round_a.save(update_fields=["democratic_minimum"])
    ballots(found.zhang, 90, 91, 92)
    results_compute(round=found.round_a)
    assert _fresh(found.zhang).role_scores == {"democratic": "91.00"}


def test_nobody_rated_means_no_score_no_rank_no_grade(world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world)
    ballots(found.zhang, 90, 90)  # too few ballots count as nobody
    other = person(found.round_a)
    rate(other, HOST, "75")
    results_compute(round=found.round_a)
    zhang = _fresh(found.zhang)
    assert (zhang.score, zhang.rank, zhang.proposed_grade, zhang.role_scores) == (
        None,
        None,
        "",
        {},
    )
    assert (_fresh(other).rank, _fresh(other).proposed_grade) == (1, "称职")


def test_equal_scores_share_a_rank(world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world)
    people = [found.zhang, *(person(found.round_a) for _ in range(3))]
    for evaluee, total in zip(people, ("80", "85", "85", "90"), strict=True):
        rate(evaluee, HOST, total)
    results_compute(round=found.round_a)
    assert [_fresh(evaluee).rank for evaluee in people] == [4, 2, 2, 1]


def _round_of(world, totals: list[str], quota: int = 20):  # type: ignore[no-untyped-def]
    found = results_world(world)
    found.round_a.excellent_quota = quota
    found.round_a.save(update_fields=["excellent_quota"])
    people = [found.zhang, *(person(found.round_a) for _ in range(len(totals) - 1))]
    for evaluee, total in zip(people, totals, strict=True):
        rate(evaluee, HOST, total)
    return found, people


def test_ten_people_at_twenty_percent_give_two_excellent(world) -> None:  # type: ignore[no-untyped-def]
    totals = ["97", "95", "93", "91", "90", "85", "80", "75", "65", "50"]
    found, people = _round_of(world, totals)
    computed = results_compute(round=found.round_a)
    assert computed.excellent_limit == 2
    assert [_fresh(evaluee).proposed_grade for evaluee in people] == [
        "优秀",
        "优秀",
        "称职",  # 93, 91 and 90 reach 优秀's line, beyond the quota
        "称职",
        "称职",
        "称职",
        "称职",
        "称职",
        "基本称职",
        "不称职",
    ]


def test_seven_people_at_twenty_percent_give_one(world) -> None:  # type: ignore[no-untyped-def]
    found, people = _round_of(world, ["97", "95", "93", "80", "80", "80", "80"])
    assert results_compute(round=found.round_a).excellent_limit == 1
    assert [_fresh(evaluee).proposed_grade for evaluee in people][:3] == ["优秀", "称职", "称职"]


def test_a_tie_at_the_cut_line_is_left_to_the_committee(world) -> None:  # type: ignore[no-untyped-def]
    totals = ["96", "93", "93", "93", "91", "85", "80", "80", "80", "80"]
    found, people = _round_of(world, totals)
    computed = results_compute(round=found.round_a)
    assert (len(computed.cut.keep), len(computed.cut.tied)) == (1, 3)
    assert [_fresh(evaluee).proposed_grade for evaluee in people][:5] == [
        "优秀",
        TIE_PENDING,
        TIE_PENDING,
        TIE_PENDING,
        "称职",
    ]


def test_the_quota_counts_every_scheme_top_grade_together(world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world)
    found.round_a.excellent_quota = 50
    found.round_a.save(update_fields=["excellent_quota"])
    teacher = person(found.round_a, scheme=GradeScheme.INSTITUTION)
    rate(found.zhang, HOST, "95")
    rate(teacher, HOST, "94")
    results_compute(round=found.round_a)
    assert (_fresh(found.zhang).proposed_grade, _fresh(teacher).proposed_grade) == ("优秀", "合格")


def test_recomputing_clears_the_committee_grades_and_audits(world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world)
    rate(found.zhang, HOST, "80")
    Evaluee.objects.filter(pk=found.zhang.pk).update(grade="优秀", decision_note="旧的说明")
    results_compute(round=found.round_a)
    zhang = _fresh(found.zhang)
    assert (zhang.grade, zhang.decision_note, zhang.proposed_grade) == ("", "", "称职")
    event = AuditEvent.objects.get(action="result.compute")
    assert event.object_id == str(found.round_a.pk)
    assert event.detail == {
        "evaluees": 1,
        "scored": 1,
        "incomplete": 1,
        "excellent_limit": 0,
        "excellent": 0,
        "tied": 0,
        "flags": 0,
    }


def test_another_round_is_left_alone(world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world)
    rate(found.zhang, HOST, "80")
    rate(found.zhou, HOST, "70")
    results_compute(round=found.round_a)
    assert _fresh(found.zhou).score is None


def test_rounds_without_weights_for_a_role_ignore_its_ratings(world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world)
    round = make_round(
        found.duty.batch_a,
        weights=((HOST, Decimal("60")), (DISPATCH, Decimal("40"))),
        name="第二季度平时考核",
    )
    evaluee = person(round)
    rate(evaluee, HOST, "90")
    rate(evaluee, DISPATCH, "70")
    rate(evaluee, GROUP, "10")  # no weight in this round
    results_compute(round=round)
    # (90 × 60 + 70 × 40) / 100; the group leader's rating neither counts nor shows
    assert _fresh(evaluee).score == Decimal("82.00")
    assert _fresh(evaluee).role_scores == {"host_leadership": "90.00", "dispatch": "70.00"}
