"""Reading for the forms area: whose official forms the actor may download, and the 考核花名册's
rows with each person's result shown only where the actor may see it.

- One person's form (登记表 / 鉴定表) prints the grade: the coordinators over the batch download
  it at any time, the person once the round is published (`can_download_form`); anyone else
  gets the same NotFound as for a missing person.
- The whole round's forms as a zip: the coordinators over the batch (`can_manage_round`).
- The 花名册: the staff who read the round, with the people their roles reach; scores and
  grades only where `can_see_result` allows, so it never shows more than the results page.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from guazhi.core.errors import NotFound
from guazhi.evaluation.models import EvaluationRound, Evaluee, RoundState
from guazhi.evaluation.selectors.results import decided_grade
from guazhi.evaluation.selectors.scope import (
    access_evaluee,
    can_manage_round,
    can_see_result,
    evaluee_queryset,
    is_evaluee_self,
)
from guazhi.evaluation.services.grading import grade_label

# What a form and a roster row read of the person, loaded with the evaluee.
FORM_RELATED = (
    "round__batch__coordinating_org",
    "assignment__batch",
    "assignment__cadre",
    "assignment__home_unit",
    "assignment__host_unit",
    "assignment__post",
)


def can_download_form(*, actor: Any, evaluee: Evaluee) -> bool:
    if can_manage_round(actor=actor, round=evaluee.round):
        return True
    return (
        is_evaluee_self(actor=actor, evaluee=evaluee)
        and evaluee.round.state == RoundState.PUBLISHED
    )


def access_form_evaluee(*, actor: Any, pk: int) -> Evaluee:
    """The person whose form the actor may download; NotFound for missing and forbidden alike
    (the person before publication included: their form would show the result)."""
    evaluee = access_evaluee(actor=actor, pk=pk)
    if not can_download_form(actor=actor, evaluee=evaluee):
        raise NotFound()
    return evaluee


def form_evaluees(*, actor: Any, round: EvaluationRound) -> QuerySet[Evaluee]:
    """The round's people the actor's roles reach, by name (pinyin), with what a form reads."""
    return (
        evaluee_queryset(actor, round=round)
        .select_related(*FORM_RELATED)
        .order_by("assignment__cadre__name_pinyin", "assignment__cadre__name", "pk")
    )


# The 考核花名册 ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterRow:
    evaluee: Evaluee
    shown: bool  # the actor may see this person's result
    score: Decimal | None
    proposed: str
    grade: str
    note: str

    @property
    def cadre(self) -> Any:
        return self.evaluee.assignment.cadre


def _row(actor: Any, evaluee: Evaluee) -> RosterRow:
    shown = can_see_result(actor=actor, evaluee=evaluee)
    if not shown:
        return RosterRow(evaluee, False, None, "", "", "")
    proposed = evaluee.proposed_grade
    return RosterRow(
        evaluee,
        True,
        evaluee.score,
        grade_label(proposed),
        grade_label(decided_grade(evaluee)),
        evaluee.decision_note.strip() if decided_grade(evaluee) else "",
    )


def roster_rows(*, actor: Any, round: EvaluationRound) -> list[RosterRow]:
    """One row per person the actor reads, best rank first among those whose result they
    see; the others after them by name, so their place gives away no rank."""
    rows = [_row(actor, evaluee) for evaluee in form_evaluees(actor=actor, round=round)]

    def order(row: RosterRow) -> tuple[int, int, int]:
        rank = row.evaluee.rank if row.shown and row.evaluee.rank is not None else None
        # Python's sort is stable: rows keep form_evaluees' name order within a place.
        return (0 if row.shown else 1, 0 if rank is not None else 1, rank or 0)

    return sorted(rows, key=order)
