"""Aggregation of a round's ratings into results: role averages, weighted scores, ranks,
proposed grades under the quota, and the rating patterns flagged for the coordinator.

`results_compute` runs when a round closes (the rounds area's close service calls it inside its
transaction, holding the round's lock) and again whenever it is closed after being reopened.
It aggregates in SQL (one GROUP BY evaluee, rater role over the ratings) and writes every
evaluee with one executemany, so a round of 5,000 people and 150,000 ratings takes a few
round trips, never a query of its own per person (benchmarks/evaluation.py measures it).

The rules, decided here (tests/evaluation/test_aggregate*.py computes them by hand):

- A role's score for a person is the average of their ratings' totals in that role, rounded
  half up to two decimals; that rounded figure is stored (Evaluee.role_scores) and used, so
  the score can be recomputed from the figures the table shows.
- The democratic average counts only from round.democratic_minimum ballots; below it, the
  role is left out as if nobody had rated (no one can be singled out by a small count).
- Score = Σ role score × role weight / Σ weights of the roles present, rounded half up to two
  decimals. A missing role (no rating, or too few ballots) is re-normalised away: the present
  roles' weights are scaled up to 100 in proportion. The person's result is then incomplete
  (the roles with weight that are absent from role_scores; selectors.results shows it) so the
  committee sees that it rests on fewer raters. With no role present there is no score, no
  rank and no proposed grade.
- Ranks, thresholds, the quota and its tie rule: services/grading.py.
- Recomputing clears the committee's grades and notes (they were about the old scores) and
  rebuilds the flags; a flag already checked (核实) for the same rating and kind stays checked.

Flags (RatingFlag, for the coordinator; democratic ballots are flagged as ballots only):
- UNIFORM: a named rater's rating whose items all have the same score (Rating.uniform), with
  that score. For democratic ballots, one flag per person saying how many of their ballots
  have every item the same, never the score, and only for a person with at least
  round.democratic_minimum ballots: below it the flag (or its score) would tell a single
  ballot's content, which the minimum exists to hide.
- LENIENT / SEVERE: a named rater (host leadership, dispatching unit, group leader) whose
  totals are, on average over the people they rated, at least LENIENCY_POINTS above (below)
  the average of every other rating of the same people, over at least LENIENCY_MIN_PEOPLE
  people who have other ratings. One flag per rater and direction, on the rater's rating that
  departs most in that direction; its detail gives the number of people and the mean gap.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Field, Model, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from guazhi.core.audit import audit_record
from guazhi.evaluation.models import (
    EvaluationRound,
    Evaluee,
    FlagKind,
    GradeThreshold,
    RaterRole,
    RaterWeight,
    Rating,
    RatingFlag,
)
from guazhi.evaluation.services.grading import (
    QuotaCut,
    proposed_grades,
    quota_limit,
    ranks,
    scheme_thresholds,
    to_cents,
)

LENIENCY_POINTS = Decimal("15")
LENIENCY_MIN_PEOPLE = 2
UNIFORM_DETAIL = gettext_noop("各项均为 %(score)s 分")
UNIFORM_BALLOTS_DETAIL = gettext_noop("%(n)s 张民主测评票各项同分")
LENIENT_DETAIL = gettext_noop("对 %(n)s 人的评分平均比其他评分高 %(gap)s 分")
SEVERE_DETAIL = gettext_noop("对 %(n)s 人的评分平均比其他评分低 %(gap)s 分")
UPDATE_BATCH = 1000  # rows per executemany


# --- the arithmetic, on plain numbers ---------------------------------------------------------


def role_averages(
    sums: Mapping[str, tuple[Decimal, int]], democratic_minimum: int
) -> dict[str, Decimal]:
    """{role: average total} from {role: (sum of totals, count)}, the democratic role only
    from `democratic_minimum` ballots."""
    found: dict[str, Decimal] = {}
    for role, (total, count) in sums.items():
        if count <= 0:
            continue
        if role == RaterRole.DEMOCRATIC and count < democratic_minimum:
            continue
        found[role] = to_cents(Decimal(total) / count)
    return found


def weighted_score(
    averages: Mapping[str, Decimal], weights: Mapping[str, Decimal]
) -> Decimal | None:
    """Σ average × weight over the roles present, divided by their weights' sum (the missing
    roles' weight shared out in proportion); None when no weighted role is present."""
    present = [role for role in averages if weights.get(role, Decimal(0)) > 0]
    weight_sum = sum((weights[role] for role in present), Decimal(0))
    if not present or weight_sum <= 0:
        return None
    return to_cents(
        sum((averages[role] * weights[role] for role in present), Decimal(0)) / weight_sum
    )


@dataclass(frozen=True)
class NamedRating:
    pk: int
    evaluee_id: int
    rater_id: int
    total: Decimal


@dataclass(frozen=True)
class LeniencyFlag:
    rating_id: int
    kind: str  # FlagKind.LENIENT or FlagKind.SEVERE
    people: int
    gap: Decimal  # the rater's mean gap to the others, signed, two decimals


def leniency_flags(
    named: Iterable[NamedRating], person_totals: Mapping[int, tuple[Decimal, int]]
) -> list[LeniencyFlag]:
    """The LENIENT / SEVERE flags (see the module's docstring) from the named ratings and each
    person's (sum, count) over all their ratings in the round."""
    gaps: dict[int, list[tuple[Decimal, int]]] = defaultdict(list)  # rater → (gap, rating)
    for rating in named:
        total, count = person_totals.get(rating.evaluee_id, (Decimal(0), 0))
        if count < 2:
            continue  # nobody else rated the person: nothing to compare with
        others = (Decimal(total) - rating.total) / (count - 1)
        gaps[rating.rater_id].append((rating.total - others, rating.pk))
    found: list[LeniencyFlag] = []
    for rater_gaps in gaps.values():
        if len(rater_gaps) < LENIENCY_MIN_PEOPLE:
            continue
        # Compared unrounded: 14.995 points is not 15 (it is shown rounded, to two decimals).
        mean = sum((gap for gap, _pk in rater_gaps), Decimal(0)) / len(rater_gaps)
        if mean >= LENIENCY_POINTS:
            worst = max(rater_gaps, key=lambda item: (item[0], -item[1]))
            found.append(LeniencyFlag(worst[1], FlagKind.LENIENT, len(rater_gaps), to_cents(mean)))
        elif mean <= -LENIENCY_POINTS:
            worst = min(rater_gaps, key=lambda item: (item[0], item[1]))
            found.append(LeniencyFlag(worst[1], FlagKind.SEVERE, len(rater_gaps), to_cents(mean)))
    return found


# --- the round ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultsComputed:
    evaluees: int
    scored: int
    incomplete: int
    excellent_limit: int
    cut: QuotaCut
    flags: int


def _weights(round: EvaluationRound) -> dict[str, Decimal]:
    return {
        role: Decimal(weight)
        for role, weight in RaterWeight.objects.filter(round=round).values_list("role", "weight")
    }


def _thresholds(
    round: EvaluationRound, schemes: Iterable[str]
) -> dict[str, list[tuple[str, Decimal]]]:
    rows: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for scheme, grade, lowest in GradeThreshold.objects.filter(round=round).values_list(
        "scheme", "grade", "min_score"
    ):
        rows[scheme][grade] = Decimal(lowest)
    return {scheme: scheme_thresholds(scheme, rows.get(scheme)) for scheme in set(schemes)}


def _role_sums(round: EvaluationRound) -> dict[int, dict[str, tuple[Decimal, int]]]:
    """{evaluee: {role: (sum of totals, count)}}: the one GROUP BY over the round's ratings."""
    found: dict[int, dict[str, tuple[Decimal, int]]] = defaultdict(dict)
    rows = (
        Rating.objects.filter(evaluee__round=round)
        .values("evaluee_id", "rater_role")
        .annotate(total_sum=Sum("total"), n=Count("id"))
        .order_by()
        .values_list("evaluee_id", "rater_role", "total_sum", "n")
    )
    for evaluee_id, role, total, count in rows:
        found[evaluee_id][role] = (Decimal(total), count)
    return found


def _chinese(text: str, **params: Any) -> str:
    """A flag's detail as the record keeps it: in Chinese, whatever the worker's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(text) % params


@dataclass(frozen=True)
class FlagRow:
    rating_id: int
    kind: str
    detail: str


def _uniform_named_flags(round: EvaluationRound) -> list[FlagRow]:
    uniform = Rating.objects.filter(evaluee__round=round, uniform=True, rater__isnull=False)
    flags = []
    for pk, total in uniform.values_list("pk", "total").order_by("pk"):
        # With criteria weights summing to 100, the total of a uniform rating is that score.
        score = f"{Decimal(total).normalize():f}"
        flags.append(FlagRow(pk, FlagKind.UNIFORM, _chinese(UNIFORM_DETAIL, score=score)))
    return flags


def _uniform_ballot_flags(
    round: EvaluationRound, sums: Mapping[int, Mapping[str, tuple[Decimal, int]]]
) -> list[FlagRow]:
    """One flag per person with enough ballots, counting their uniform ballots; no score."""
    counted = {
        evaluee_id
        for evaluee_id, roles in sums.items()
        if roles.get(RaterRole.DEMOCRATIC, (Decimal(0), 0))[1] >= round.democratic_minimum
    }
    uniform: dict[int, list[int]] = defaultdict(list)
    for pk, evaluee_id in Rating.objects.filter(
        evaluee_id__in=sorted(counted), rater_role=RaterRole.DEMOCRATIC, uniform=True
    ).values_list("pk", "evaluee_id"):
        uniform[evaluee_id].append(pk)
    # The flag hangs on the person's lowest ballot key: keys are drawn at random, so it tells
    # nothing, and it stays the same when recomputed (so a checked flag stays checked).
    return [
        FlagRow(min(pks), FlagKind.UNIFORM, _chinese(UNIFORM_BALLOTS_DETAIL, n=len(pks)))
        for _evaluee_id, pks in sorted(uniform.items())
    ]


def _flag_rows(
    round: EvaluationRound, sums: Mapping[int, Mapping[str, tuple[Decimal, int]]]
) -> list[FlagRow]:
    flags = _uniform_named_flags(round) + _uniform_ballot_flags(round, sums)
    person_totals = {
        evaluee_id: (
            sum((total for total, _n in roles.values()), Decimal(0)),
            sum(n for _total, n in roles.values()),
        )
        for evaluee_id, roles in sums.items()
    }
    named = [
        NamedRating(pk, evaluee_id, rater_id, Decimal(total))
        for pk, evaluee_id, rater_id, total in Rating.objects.filter(
            evaluee__round=round, rater__isnull=False
        )
        .values_list("pk", "evaluee_id", "rater_id", "total")
        .order_by("pk")
    ]
    for found in leniency_flags(named, person_totals):
        text = LENIENT_DETAIL if found.kind == FlagKind.LENIENT else SEVERE_DETAIL
        detail = _chinese(text, n=found.people, gap=f"{abs(found.gap):f}")
        flags.append(FlagRow(found.rating_id, found.kind, detail))
    return flags


# Writing thousands of rows: one parameterised statement per row, sent with executemany. Django's
# bulk_update builds a CASE WHEN per field and row, seconds of Python for a few thousand people;
# this costs milliseconds (SQLite reuses the statement, psycopg pipelines it).


def _column(model: type[Model], name: str) -> str:
    """The quoted column of a model's concrete field."""
    field = model._meta.get_field(name)
    assert isinstance(field, Field)
    return str(connection.ops.quote_name(str(field.column)))


def _executemany(sql: str, params: list[list[Any]]) -> None:
    with connection.cursor() as cursor:
        for start in range(0, len(params), UPDATE_BATCH):
            cursor.executemany(sql, params[start : start + UPDATE_BATCH])


def _write_results(
    people: Iterable[int],
    scores: Mapping[int, Decimal | None],
    averages: Mapping[int, Mapping[str, Decimal]],
    ranks_of: Mapping[int, int | None],
    grades: Mapping[int, str],
) -> None:
    """Each evaluee's result, and the committee's grade and note cleared."""
    columns = (
        "score",
        "role_scores",
        "rank",
        "proposed_grade",
        "grade",
        "decision_note",
        "updated_at",
    )
    assignments = ", ".join(f"{_column(Evaluee, name)} = %s" for name in columns)
    table = connection.ops.quote_name(Evaluee._meta.db_table)
    sql = f"UPDATE {table} SET {assignments} WHERE {_column(Evaluee, 'id')} = %s"
    role_scores = Evaluee._meta.get_field("role_scores")
    updated_at = Evaluee._meta.get_field("updated_at")
    assert isinstance(role_scores, Field) and isinstance(updated_at, Field)
    now = updated_at.get_db_prep_save(timezone.now(), connection)
    adapt_decimal = connection.ops.adapt_decimalfield_value
    _executemany(
        sql,
        [
            [
                None if scores[pk] is None else adapt_decimal(scores[pk], 6, 2),
                role_scores.get_db_prep_save(
                    {role: f"{value:f}" for role, value in averages[pk].items()}, connection
                ),
                ranks_of[pk],
                grades[pk],
                "",
                "",
                now,
                pk,
            ]
            for pk in people
        ],
    )


def _write_flags(round: EvaluationRound, flags: list[FlagRow]) -> None:
    """The round's flags made anew; a flag checked before for the same rating and kind stays
    checked."""
    checked = set(
        RatingFlag.objects.filter(round=round, dismissed=True).values_list("rating_id", "kind")
    )
    RatingFlag.objects.filter(round=round).delete()
    names = ("round", "rating", "kind", "detail", "dismissed")
    columns = ", ".join(_column(RatingFlag, name) for name in names)
    marks = ", ".join(["%s"] * len(names))
    table = connection.ops.quote_name(RatingFlag._meta.db_table)
    _executemany(
        f"INSERT INTO {table} ({columns}) VALUES ({marks})",
        [
            [
                round.pk,
                flag.rating_id,
                flag.kind,
                flag.detail,
                (flag.rating_id, flag.kind) in checked,
            ]
            for flag in flags
        ],
    )


def results_compute(*, round: EvaluationRound, actor: Any = None) -> ResultsComputed:
    """Compute every evaluee's role scores, score, rank and proposed grade, and the round's
    flags (see the module's docstring). Called inside the caller's transaction with the
    round locked; writes an audit event (`actor` is who closed the round, when known)."""
    weights = _weights(round)
    people = dict(Evaluee.objects.filter(round=round).values_list("pk", "scheme"))
    sums = _role_sums(round)
    weighted_roles = {role for role, weight in weights.items() if weight > 0}
    # A role the round gives no weight counts for nothing and is not shown either.
    averages = {
        pk: {
            role: value
            for role, value in role_averages(sums.get(pk, {}), round.democratic_minimum).items()
            if role in weighted_roles
        }
        for pk in people
    }
    scores = {pk: weighted_score(averages[pk], weights) for pk in people}
    rank_of = ranks(scores)
    limit = quota_limit(round.excellent_quota, len(people))
    grades, cut = proposed_grades(
        {pk: (people[pk], scores[pk]) for pk in people}, _thresholds(round, people.values()), limit
    )
    _write_results(people, scores, averages, rank_of, grades)
    flags = _flag_rows(round, sums)
    _write_flags(round, flags)
    computed = ResultsComputed(
        evaluees=len(people),
        scored=sum(1 for score in scores.values() if score is not None),
        incomplete=sum(
            1
            for pk in people
            if scores[pk] is not None and not weighted_roles <= averages[pk].keys()
        ),
        excellent_limit=limit,
        cut=cut,
        flags=len(flags),
    )
    audit_record(
        actor=actor,
        action="result.compute",
        obj=round,
        detail={
            "evaluees": computed.evaluees,
            "scored": computed.scored,
            "incomplete": computed.incomplete,
            "excellent_limit": limit,
            "excellent": len(cut.keep),
            "tied": len(cut.tied),
            "flags": computed.flags,
        },
    )
    return computed
