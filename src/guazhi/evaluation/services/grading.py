"""From weighted scores to proposed grades: thresholds per grade scheme, ranks, and the quota on
the top grade (优秀 / 好) with its rule for a tie at the cut line.

Plain functions over numbers, no database: aggregate.py feeds them and writes the answers.

The rules, decided here and tested in tests/evaluation/test_grading*.py:

- Threshold grade: the first grade of the person's scheme (best first) whose lowest score
  (GradeThreshold of the round, or DEFAULT_THRESHOLDS where the round has none for that
  grade) the score reaches; below every threshold, the scheme's last grade.
- Rank: best score first; equal scores share a rank and the next rank skips (1, 2, 2, 4).
  People without a score (nobody rated them) have no rank.
- Quota: at most floor(quota% × the number of people the round evaluates) people are proposed
  the top grade (向下取整: 10 people at 20% → 2, 7 → 1, 4 → 0; a round that needs more asks
  for an approved exception). Everyone evaluated counts in the base, scored or not. Of those
  whose score reaches the top grade, the best scores keep it; the rest are proposed the
  scheme's second grade.
- Tie at the cut line: when the last place within the quota and the first place beyond it
  have the same score, nobody is dropped silently: everyone with that score is proposed
  TIE_PENDING (待委员会决定) and the committee decides whom to give the top grade within the
  quota; those above the tie keep the top grade, those below it get the second grade.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext, gettext_noop

from guazhi.evaluation.models import DEFAULT_THRESHOLDS, SCHEME_GRADES

# What a tied person at the quota's cut line is proposed: not a grade, a question for the
# committee (stored in Evaluee.proposed_grade; the decision refuses to keep it).
TIE_PENDING = gettext_noop("待委员会决定")
# The committee's decision for someone not given a grade (joined too late, on long leave).
NOT_GRADED = gettext_noop("不定等次")

CENT = Decimal("0.01")

# The grades as stored (Chinese, the official words), marked so a translation can show them.
GRADE_WORDS = (
    gettext_noop("优秀"),
    gettext_noop("称职"),
    gettext_noop("基本称职"),
    gettext_noop("不称职"),
    gettext_noop("合格"),
    gettext_noop("基本合格"),
    gettext_noop("不合格"),
    gettext_noop("好"),
    gettext_noop("较好"),
    gettext_noop("一般"),
    gettext_noop("较差"),
)


def grade_label(grade: str) -> str:
    """A stored grade (or TIE_PENDING, NOT_GRADED) in the reader's language; "" stays ""."""
    return gettext(grade) if grade else ""


def to_cents(value: Decimal) -> Decimal:
    """Scores are kept to two decimals, rounded half up (四舍五入), as people round them."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def top_grade(scheme: str) -> str:
    return SCHEME_GRADES[scheme][0]


def second_grade(scheme: str) -> str:
    return SCHEME_GRADES[scheme][1]


def is_top_grade(grade: str) -> bool:
    """优秀 or 好: the grade the quota caps, whatever the scheme."""
    return any(grade == grades[0] for grades in SCHEME_GRADES.values())


def scheme_thresholds(
    scheme: str, rows: Mapping[str, Decimal] | None = None
) -> list[tuple[str, Decimal]]:
    """(grade, lowest score) for every grade of `scheme` but the last, best first: the round's
    rows (grade → min_score) where it has them, DEFAULT_THRESHOLDS elsewhere."""
    rows = rows or {}
    grades = SCHEME_GRADES[scheme]
    return [
        (grade, rows.get(grade, DEFAULT_THRESHOLDS[index]))
        for index, grade in enumerate(grades[:-1])
    ]


def threshold_grade(score: Decimal, scheme: str, thresholds: Sequence[tuple[str, Decimal]]) -> str:
    for grade, lowest in thresholds:
        if score >= lowest:
            return grade
    return SCHEME_GRADES[scheme][-1]


def ranks(scores: Mapping[int, Decimal | None]) -> dict[int, int | None]:
    """Competition ranking (1, 2, 2, 4) by score, best first; None for no score."""
    ordered = sorted(
        ((pk, score) for pk, score in scores.items() if score is not None),
        key=lambda item: (-item[1], item[0]),
    )
    found: dict[int, int | None] = {pk: None for pk, score in scores.items() if score is None}
    previous: Decimal | None = None
    rank = 0
    for position, (pk, score) in enumerate(ordered, start=1):
        if score != previous:
            rank, previous = position, score
        found[pk] = rank
    return found


def quota_limit(quota_percent: int, people: int) -> int:
    """How many may be given the top grade: floor(quota% × people), in whole numbers (no
    floating point: 20% of 10 is exactly 2)."""
    return max(0, quota_percent) * max(0, people) // 100


@dataclass(frozen=True)
class QuotaCut:
    keep: frozenset[int]  # proposed the top grade
    tied: frozenset[int]  # proposed TIE_PENDING: the committee decides
    demoted: frozenset[int]  # reached the top grade's threshold, beyond the quota
    tie_score: Decimal | None = None  # the score shared at the cut line, when tied


def quota_cut(candidates: Iterable[tuple[int, Decimal]], limit: int) -> QuotaCut:
    """Which of the people whose score reaches the top grade keep it under `limit`
    (see the module's docstring for the tie rule)."""
    ordered = sorted(candidates, key=lambda item: (-item[1], item[0]))
    if len(ordered) <= limit:
        return QuotaCut(frozenset(pk for pk, _score in ordered), frozenset(), frozenset())
    if limit == 0:
        return QuotaCut(frozenset(), frozenset(), frozenset(pk for pk, _score in ordered))
    cut_score = ordered[limit - 1][1]
    if ordered[limit][1] != cut_score:
        return QuotaCut(
            frozenset(pk for pk, _score in ordered[:limit]),
            frozenset(),
            frozenset(pk for pk, _score in ordered[limit:]),
        )
    return QuotaCut(
        keep=frozenset(pk for pk, score in ordered if score > cut_score),
        tied=frozenset(pk for pk, score in ordered if score == cut_score),
        demoted=frozenset(pk for pk, score in ordered if score < cut_score),
        tie_score=cut_score,
    )


def proposed_grades(
    people: Mapping[int, tuple[str, Decimal | None]],
    thresholds: Mapping[str, Sequence[tuple[str, Decimal]]],
    limit: int,
) -> tuple[dict[int, str], QuotaCut]:
    """Each person's proposed grade ("" without a score) from (scheme, score), the schemes'
    thresholds and the quota's limit; and the quota's cut, for the record."""
    by_threshold = {
        pk: threshold_grade(score, scheme, thresholds[scheme])
        for pk, (scheme, score) in people.items()
        if score is not None
    }
    candidates = [
        (pk, score)
        for pk, (scheme, score) in people.items()
        if score is not None and by_threshold[pk] == top_grade(scheme)
    ]
    cut = quota_cut(candidates, limit)
    grades: dict[int, str] = {}
    for pk, (scheme, _score) in people.items():
        if pk not in by_threshold:
            grades[pk] = ""
        elif pk in cut.tied:
            grades[pk] = TIE_PENDING
        elif pk in cut.demoted:
            grades[pk] = second_grade(scheme)
        else:
            grades[pk] = by_threshold[pk]
    return grades, cut
