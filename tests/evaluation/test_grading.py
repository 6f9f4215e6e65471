"""Grades from scores: thresholds per scheme, ranks with ties, the quota on the top grade and the
tie at its cut line (services/grading.py), on plain numbers."""

from decimal import Decimal

import pytest

from guazhi.evaluation.models import GradeScheme
from guazhi.evaluation.services.grading import (
    TIE_PENDING,
    proposed_grades,
    quota_cut,
    quota_limit,
    ranks,
    scheme_thresholds,
    threshold_grade,
)

D = Decimal
CIVIL = GradeScheme.CIVIL_SERVANT
INSTITUTION = GradeScheme.INSTITUTION
ROUTINE = GradeScheme.ROUTINE


@pytest.mark.parametrize(
    ("people", "quota", "limit"),
    [
        (10, 20, 2),
        (7, 20, 1),
        (4, 20, 0),
        (5, 20, 1),
        (9, 15, 1),
        (20, 15, 3),
        (100, 20, 20),
        (0, 20, 0),
    ],
)
def test_the_quota_is_rounded_down(people: int, quota: int, limit: int) -> None:
    assert quota_limit(quota, people) == limit


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        ("100", "优秀"),
        ("90.00", "优秀"),
        ("89.99", "称职"),
        ("70", "称职"),
        ("69.99", "基本称职"),
        ("60", "基本称职"),
        ("59.99", "不称职"),
        ("0", "不称职"),
    ],
)
def test_default_thresholds_of_civil_servants(score: str, grade: str) -> None:
    assert threshold_grade(D(score), CIVIL, scheme_thresholds(CIVIL)) == grade


def test_each_scheme_has_its_own_grades_and_the_round_its_own_lines() -> None:
    assert threshold_grade(D("75"), INSTITUTION, scheme_thresholds(INSTITUTION)) == "合格"
    assert threshold_grade(D("65"), INSTITUTION, scheme_thresholds(INSTITUTION)) == "基本合格"
    routine = scheme_thresholds(ROUTINE, {"好": D("85"), "较好": D("75")})
    assert routine == [("好", D("85")), ("较好", D("75")), ("一般", D("60"))]
    assert threshold_grade(D("86"), ROUTINE, routine) == "好"
    assert threshold_grade(D("80"), ROUTINE, routine) == "较好"
    assert threshold_grade(D("59"), ROUTINE, routine) == "较差"


def test_equal_scores_share_a_rank_and_the_next_rank_skips() -> None:
    scores = {1: D("90"), 2: D("85.5"), 3: D("85.5"), 4: D("80"), 5: None, 6: D("85.5")}
    assert ranks(scores) == {1: 1, 2: 2, 3: 2, 6: 2, 4: 5, 5: None}


def test_within_the_quota_everyone_reaching_the_top_grade_keeps_it() -> None:
    cut = quota_cut([(1, D("95")), (2, D("91"))], 2)
    assert (cut.keep, cut.tied, cut.demoted) == ({1, 2}, set(), set())


def test_beyond_the_quota_the_best_scores_keep_the_top_grade() -> None:
    cut = quota_cut([(1, D("91")), (2, D("95")), (3, D("93")), (4, D("90"))], 2)
    assert (cut.keep, cut.tied, cut.demoted) == ({2, 3}, set(), {1, 4})


def test_a_tie_at_the_cut_line_goes_to_the_committee_whole() -> None:
    candidates = [(1, D("96")), (2, D("93")), (3, D("93")), (4, D("93")), (5, D("91"))]
    cut = quota_cut(candidates, 2)
    assert cut.keep == {1}
    assert cut.tied == {2, 3, 4}
    assert cut.demoted == {5}
    assert cut.tie_score == D("93")


def test_a_tie_below_the_cut_line_is_no_tie_at_the_line() -> None:
    cut = quota_cut([(1, D("96")), (2, D("94")), (3, D("93")), (4, D("93"))], 2)
    assert (cut.keep, cut.tied, cut.demoted) == ({1, 2}, set(), {3, 4})


def test_a_quota_of_nobody_demotes_everyone() -> None:
    cut = quota_cut([(1, D("96")), (2, D("96"))], 0)
    assert (cut.keep, cut.tied, cut.demoted) == (set(), set(), {1, 2})


def test_proposed_grades_apply_thresholds_then_the_quota() -> None:
    thresholds = {CIVIL: scheme_thresholds(CIVIL), INSTITUTION: scheme_thresholds(INSTITUTION)}
    people = {
        1: (CIVIL, D("95")),
        2: (INSTITUTION, D("95")),  # tied with 1 at the line: both go to the committee
        3: (INSTITUTION, D("92")),  # reaches 优秀, beyond the quota: 合格
        4: (CIVIL, D("65")),
        5: (CIVIL, None),
    }
    grades, cut = proposed_grades(people, thresholds, 1)
    assert grades == {1: TIE_PENDING, 2: TIE_PENDING, 3: "合格", 4: "基本称职", 5: ""}
    assert cut.tied == {1, 2}
