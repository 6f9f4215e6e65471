"""Reading spot inspections, unannounced: who sees a planned inspection, its draw and a check.

An inspection is a secret until it has happened to you. A planned inspection, its scope, seed
and the people it drew are read only by the coordinators over its batch. A person's check
becomes readable to everyone who reaches their record on duty — the person, their host
leader, dispatch admin and group leader, and the coordinators — once its result is recorded,
and not before. Any page or count built on checks (the person's overview, attendance) reads
them through `visible_check_queryset` or the functions below, never `assignment.checks`.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from guazhi.core.errors import NotFound
from guazhi.core.models import AuditEvent
from guazhi.duty import sampling
from guazhi.duty.models import CheckResult, Inspection, InspectionCheck, SamplingMode
from guazhi.duty.selectors.scope import duty_assignment_queryset
from guazhi.orgs.models import Organisation, Role
from guazhi.orgs.scopes import scopes_of
from guazhi.programmes.models import Assignment, AssignmentState, Batch, Post


def _inspector_reach(actor: Any, batch_field: str = "batch_id", prefix: str = "") -> Q:
    """Q over Inspection (or, with `prefix`, a row reaching one) for the coordinators over
    its batch; administrators read everything."""
    return scopes_of(actor).batch_filter(
        [Role.COORDINATOR],
        path_field=f"{prefix}batch__coordinating_org__path",
        batch_field=f"{prefix}{batch_field}",
    )


def batch_host_units(batch: Batch) -> QuerySet[Organisation]:
    """The host units of the batch's posts: what an inspection's scope is chosen from (the
    units themselves are no secret: the batch's posts name them)."""
    return Organisation.objects.filter(
        pk__in=Post.objects.filter(batch=batch).values("host_unit")
    ).order_by("path")


def plannable_people(*, actor: Any, batch: Batch) -> list[Assignment]:
    """The batch's people on duty the actor reaches, by host unit: whom a plan may name."""
    return list(
        duty_assignment_queryset(actor)
        .filter(batch=batch, state=AssignmentState.ACTIVE)
        .select_related("cadre", "host_unit", "post")
        .order_by("host_unit__path", "cadre__name_pinyin", "pk")
    )


def inspection_queryset(actor: Any) -> QuerySet[Inspection]:
    """The inspections the actor may read: those of batches they coordinate."""
    condition = _inspector_reach(actor)
    if condition == Q():
        return Inspection.objects.all()
    return Inspection.objects.filter(pk__in=Inspection.objects.filter(condition).values("pk"))


def inspection_list(*, actor: Any, batch: Batch) -> QuerySet[Inspection]:
    """The batch's inspections, newest first, with their counts: drawn, recorded, absent, and
    rectifications still open."""
    return (
        inspection_queryset(actor)
        .filter(batch=batch)
        .annotate(
            drawn=Count("checks"),
            recorded=Count("checks", filter=~Q(checks__result="")),
            absent=Count("checks", filter=Q(checks__result=CheckResult.ABSENT)),
            open_rectifications=Count(
                "checks",
                filter=~Q(checks__rectification="") & Q(checks__rectified_at__isnull=True),
            ),
        )
        .prefetch_related("host_units")
        .order_by("-planned_on", "-pk")
    )


def access_inspection(*, actor: Any, pk: int) -> Inspection:
    """The inspection if the actor coordinates its batch; else NotFound, as for a missing one."""
    found = (
        inspection_queryset(actor)
        .filter(pk=pk)
        .select_related("batch__coordinating_org", "planned_by")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def inspection_checks(*, actor: Any, inspection: Inspection) -> list[InspectionCheck]:
    """The people an inspection drew with their results, by host unit (coordinators only)."""
    if not inspection_queryset(actor).filter(pk=inspection.pk).exists():
        raise NotFound()
    return list(
        inspection.checks.select_related(
            "assignment__cadre", "assignment__host_unit", "assignment__post", "checked_by"
        ).order_by("assignment__host_unit__path", "assignment__cadre__name_pinyin", "pk")
    )


def access_check(*, actor: Any, pk: int) -> InspectionCheck:
    """A check to record or close, for the coordinators over its batch; else NotFound."""
    condition = _inspector_reach(actor, prefix="inspection__")
    found = (
        InspectionCheck.objects.filter(condition)
        .filter(pk=pk)
        .select_related(
            "inspection__batch__coordinating_org", "assignment__cadre", "assignment__host_unit"
        )
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def visible_check_queryset(actor: Any) -> QuerySet[InspectionCheck]:
    """The checks whose result is recorded, on the records on duty the actor reaches. A check
    not yet recorded is in nobody's list here, coordinators' included: they read the planned
    ones on the inspection's own page."""
    return InspectionCheck.objects.filter(
        ~Q(result=""), assignment__in=duty_assignment_queryset(actor).values("pk")
    )


def recorded_checks(*, actor: Any, assignment: Assignment) -> QuerySet[InspectionCheck]:
    """One person's recorded checks, newest first (the 检查记录 tab)."""
    return (
        visible_check_queryset(actor)
        .filter(assignment=assignment)
        .select_related("inspection", "checked_by")
        .order_by("-inspection__planned_on", "-pk")
    )


@dataclass(frozen=True)
class CheckSummary:
    recorded: int
    absent: int  # 脱岗: the flag on the person's record
    open_rectifications: int


def check_summary(*, actor: Any, assignment: Assignment) -> CheckSummary:
    """A person's recorded checks in three figures (for an overview page)."""
    figures = (
        visible_check_queryset(actor)
        .filter(assignment=assignment)
        .aggregate(
            recorded=Count("pk"),
            absent=Count("pk", filter=Q(result=CheckResult.ABSENT)),
            open_rectifications=Count(
                "pk", filter=~Q(rectification="") & Q(rectified_at__isnull=True)
            ),
        )
    )
    return CheckSummary(**figures)


def recorded_results(
    *, actor: Any, batch: Batch, start: dt.date, end: dt.date
) -> dict[int, dict[dt.date, str]]:
    """{assignment id: {inspection date: result}} of the batch's recorded checks between
    `start` and `end` (inclusive), on the records the actor reaches (for attendance)."""
    found: dict[int, dict[dt.date, str]] = {}
    rows = (
        visible_check_queryset(actor)
        .filter(
            inspection__batch=batch,
            inspection__planned_on__gte=start,
            inspection__planned_on__lte=end,
        )
        .values_list("assignment_id", "inspection__planned_on", "result")
        .order_by("inspection__planned_on", "pk")
    )
    for assignment_id, day, result in rows:
        found.setdefault(assignment_id, {})[day] = result
    return found


@dataclass(frozen=True)
class DrawCheck:
    """The outcome of drawing an inspection again from what was recorded when it was planned."""

    population: int  # how many people were on duty in scope on the day
    matches: bool  # the same people as the check rows


def draw_check(*, actor: Any, inspection: Inspection) -> DrawCheck | None:
    """Draw the inspection again from the population kept in its planning audit event and its
    recorded seed, and compare with its check rows. None for a choice by hand (nothing to
    redraw) or when the event is not there (an inspection made outside the services)."""
    if inspection.sampling == SamplingMode.CHOSEN:
        return None
    if not inspection_queryset(actor).filter(pk=inspection.pk).exists():
        raise NotFound()
    event = (
        AuditEvent.objects.filter(
            action="inspection.plan",
            object_type=Inspection._meta.label_lower,
            object_id=str(inspection.pk),
        )
        .order_by("created_at", "pk")
        .first()
    )
    if event is None or "population" not in event.detail:
        return None
    population = [tuple(pair) for pair in event.detail["population"]]
    again = sampling.draw(
        population,
        mode=inspection.sampling,
        n=inspection.sample_size,
        seed=inspection.seed,
        spread_by=(lambda pair: pair[1]) if inspection.spread_across_hosts else None,
        key=lambda pair: pair[0],
    )
    checked = set(inspection.checks.values_list("assignment_id", flat=True))
    return DrawCheck(population=len(population), matches={pair[0] for pair in again} == checked)
