"""Reading rounds for their set-up pages: a batch's rounds, one round's people and progress, who
may still be added, the round's trail, and a person's own evaluations with their self-assessment.

Scope is evaluation.selectors.scope's: staff read the rounds of the batches they reach and the
people their roles reach; the coordinators over the batch manage it; the person reads their own
rows (not while the round is a draft: it has not been announced yet).
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from guazhi.core.models import AuditEvent
from guazhi.evaluation.models import (
    SCHEME_GRADES,
    Criterion,
    EvaluationRound,
    Evaluee,
    GradeScheme,
    GradeThreshold,
    RaterRole,
    RaterWeight,
    Rating,
    RoundKind,
    RoundState,
)
from guazhi.evaluation.selectors.scope import (
    can_manage_round,
    evaluee_queryset,
    round_queryset,
)
from guazhi.evaluation.services.rounds import evaluee_states
from guazhi.programmes.models import Assignment, Batch
from guazhi.programmes.selectors.scope import cadre_profile_for

EVALUEE_RELATED = (
    "assignment__cadre__user",
    "assignment__host_unit",
    "assignment__home_unit",
    "assignment__post",
    "assignment__group",
)


def batch_rounds(*, actor: Any, batch: Batch) -> QuerySet[EvaluationRound]:
    """The batch's rounds the actor reads, newest period first, each with `people` (how many it
    evaluates). `batch` comes from access_batch."""
    return (
        round_queryset(actor)
        .filter(batch=batch)
        .annotate(people=Count("evaluees"))
        .order_by("-period_end", "-id")
    )


@dataclass
class ProgressRow:
    """One person of a round: ratings received so far per rater role, and whether their
    self-assessment has been handed to the raters."""

    evaluee: Evaluee
    ratings: dict[str, int] = field(default_factory=dict)

    @property
    def self_submitted(self) -> bool:
        return self.evaluee.self_submitted_at is not None


def round_people(*, actor: Any, round: EvaluationRound) -> list[ProgressRow]:
    """The round's people the actor reaches (all of them for its coordinators), by pinyin of
    the name, with the ratings each has received per role. Two queries."""
    people = (
        evaluee_queryset(actor, round=round)
        .select_related(*EVALUEE_RELATED)
        .order_by("assignment__cadre__name_pinyin", "id")
    )
    rows = {evaluee.pk: ProgressRow(evaluee) for evaluee in people}
    counts = (
        Rating.objects.filter(evaluee_id__in=list(rows))
        .order_by()
        .values("evaluee_id", "rater_role")
        .annotate(n=Count("id"))
        .values_list("evaluee_id", "rater_role", "n")
    )
    for evaluee_id, role, n in counts:
        rows[evaluee_id].ratings[role] = n
    return list(rows.values())


def round_roles(round: EvaluationRound) -> list[tuple[str, str, Any]]:
    """The rater roles in their usual order with the round's weight: (role, label, weight)."""
    weights = dict(RaterWeight.objects.filter(round=round).values_list("role", "weight"))
    return [(role.value, str(role.label), weights.get(role.value)) for role in RaterRole]


def round_criteria(round: EvaluationRound) -> list[Criterion]:
    return list(Criterion.objects.filter(round=round).order_by("position"))


@dataclass(frozen=True)
class SchemeThresholds:
    scheme: str
    label: str
    # (grade, lowest score or None for the last grade, which takes the rest)
    grades: list[tuple[str, Any]]


def round_thresholds(round: EvaluationRound) -> list[SchemeThresholds]:
    found = {
        (row.scheme, row.grade): row.min_score for row in GradeThreshold.objects.filter(round=round)
    }
    return [
        SchemeThresholds(
            scheme,
            str(GradeScheme(scheme).label),
            [
                (grade, found.get((scheme, grade)) if index < len(grades) - 1 else None)
                for index, grade in enumerate(grades)
            ],
        )
        for scheme, grades in SCHEME_GRADES.items()
    ]


def addable_people(*, actor: Any, round: EvaluationRound) -> QuerySet[Assignment]:
    """People of the round's batch who may be added (on duty, or ended for an end-of-term
    round) and are not in it yet: for its coordinators only (nobody else gets any)."""
    if not can_manage_round(actor=actor, round=round):
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(batch=round.batch, state__in=evaluee_states(round.kind))
        .exclude(pk__in=Evaluee.objects.filter(round=round).values("assignment_id"))
        .select_related("cadre", "host_unit")
        .order_by("cadre__name_pinyin", "id")
    )


# The round's own moves and settings, and whatever the results area records on the round.
TRAIL_PREFIXES = ("round.", "results.", "result.")


def round_trail(round: EvaluationRound) -> list[AuditEvent]:
    """The round's audit events, oldest first: created, set up, opened, closed, reopened (with
    the reasons), and the results area's decision and publication."""
    events = AuditEvent.objects.filter(
        object_type=EvaluationRound._meta.label_lower, object_id=str(round.pk)
    ).order_by("created_at", "id")
    prefixes = Q()
    for prefix in TRAIL_PREFIXES:
        prefixes |= Q(action__startswith=prefix)
    return list(events.filter(prefixes))


# --- the person's side ------------------------------------------------------------------------


def my_evaluees(*, actor: Any) -> list[Evaluee]:
    """The actor's own evaluations (as the person evaluated), newest period first; rounds still
    being drafted are left out."""
    profile = cadre_profile_for(actor)
    if profile is None:
        return []
    return list(
        Evaluee.objects.filter(assignment__cadre=profile)
        .exclude(round__state=RoundState.DRAFT)
        .select_related("round__batch", "assignment__host_unit", "assignment__post")
        .order_by("-round__period_end", "-round_id")
    )


def self_assessment_prefill(evaluee: Evaluee) -> str:
    """A starting text for an empty self-assessment: the person's summary for the term, when
    the summaries app has one (the final one for an end-of-term round, else the latest), its
    sections as "heading\\nbody" paragraphs. "" when there is none."""
    if evaluee.self_assessment:
        return evaluee.self_assessment
    try:
        from guazhi.summaries.models import Summary, SummaryKind
    except ImportError:  # the summaries app is optional
        return ""
    summaries = {
        summary.kind: summary
        for summary in Summary.objects.filter(assignment_id=evaluee.assignment_id).prefetch_related(
            "sections"
        )
    }
    preferred = (
        (SummaryKind.FINAL, SummaryKind.MIDTERM)
        if evaluee.round.kind == RoundKind.END_OF_TERM
        else (SummaryKind.MIDTERM, SummaryKind.FINAL)
    )
    for kind in preferred:
        summary = summaries.get(kind)
        if summary is None:
            continue
        parts = [
            f"{section.heading}\n{section.body.strip()}"
            for section in summary.sections.all()
            if section.body.strip()
        ]
        if parts:
            return "\n\n".join(parts)
    return ""


def self_assessment_shown(evaluee: Evaluee) -> str:
    """What the raters read of the person's self-assessment: the text once handed over
    (submitted), else "" (a draft is the person's own)."""
    return evaluee.self_assessment if evaluee.self_submitted_at is not None else ""
