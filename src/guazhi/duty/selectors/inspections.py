"""Reading spot inspections, unannounced: who sees a planned inspection, its draw and a check.

An inspection is a secret until it is over. A planned inspection, its scope, seed and the
people it drew are read only by the coordinators over its batch. A person's recorded check
is released to everyone else who reaches their record on duty — the person, their host
leader, dispatch admin and group leader — only once the whole inspection is over: completed,
or its day past. Releasing each result as it is recorded would tell the host leader, at the
first result, that inspectors are in the area that day while the others drawn are still to
be visited. The coordinators over the batch read a recorded check at once.

Any page or count built on checks (the person's overview, attendance) reads them through
`visible_check_queryset` (or `released_check_queryset` for figures without an actor), never
`assignment.checks` or `InspectionCheck.objects`.
"""

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from guazhi.core.errors import NotFound
from guazhi.core.models import AuditEvent
from guazhi.duty import sampling
from guazhi.duty.models import (
    CheckResult,
    Half,
    Inspection,
    InspectionCheck,
    InspectionState,
    LeaveRequest,
    LeaveState,
    SamplingMode,
    half_slot,
    slot_day,
)
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


def _released(today: dt.date) -> Q:
    """Q over InspectionCheck: its inspection is over (completed, or its day past)."""
    return Q(inspection__state=InspectionState.COMPLETED) | Q(inspection__planned_on__lt=today)


def released_check_queryset(*, today: dt.date | None = None) -> QuerySet[InspectionCheck]:
    """Every recorded check released to the people concerned (its inspection over), on any
    record: for figures whose caller has already scoped the people (attendance rates)."""
    today = today or timezone.localdate()
    return InspectionCheck.objects.filter(~Q(result=""), _released(today))


def visible_check_queryset(
    actor: Any, *, today: dt.date | None = None
) -> QuerySet[InspectionCheck]:
    """The recorded checks the actor may read, on the records on duty they reach: for the
    coordinators over the check's batch as soon as it is recorded, for everyone else once its
    inspection is over. A check not yet recorded is in nobody's list here, coordinators'
    included: they read the planned ones on the inspection's own page."""
    today = today or timezone.localdate()
    shown = InspectionCheck.objects.filter(
        ~Q(result=""), assignment__in=duty_assignment_queryset(actor).values("pk")
    )
    inspector = _inspector_reach(actor, prefix="inspection__")
    if inspector == Q():  # administrators: no narrowing (an empty Q would OR away to nothing)
        return shown
    return shown.filter(_released(today) | inspector)


def recorded_checks(
    *, actor: Any, assignment: Assignment, today: dt.date | None = None
) -> QuerySet[InspectionCheck]:
    """One person's recorded checks the actor may read, newest first (the 检查记录 tab)."""
    return (
        visible_check_queryset(actor, today=today)
        .filter(assignment=assignment)
        .select_related("inspection", "checked_by")
        .order_by("-inspection__planned_on", "-pk")
    )


@dataclass(frozen=True)
class CheckSummary:
    recorded: int
    absent: int  # 脱岗: the flag on the person's record
    open_rectifications: int


def check_summary(
    *, actor: Any, assignment: Assignment, today: dt.date | None = None
) -> CheckSummary:
    """A person's recorded checks the actor may read, in three figures (an overview page)."""
    figures = (
        visible_check_queryset(actor, today=today)
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


# Leave on the inspection day ------------------------------------------------------------------

# Leave that covers a day: approved and taken (an overdue leave's span is still the approved
# one; the days after it are not covered).
COVERING_LEAVE_STATES = (
    LeaveState.APPROVED,
    LeaveState.ON_LEAVE,
    LeaveState.RETURNED,
    LeaveState.OVERDUE,
)


@dataclass(frozen=True)
class DayLeave:
    """A person's approved leave on an inspection day, as the inspector must weigh it.

    `halves` are the halves of the day (Half.AM, Half.PM) covered by leave that counts: asked
    in advance, or entered afterwards (事后补办) by the end of that day — the person who fell
    ill in the morning and had it entered the same day. `late` are the days on which leave
    entered afterwards that covers the day was entered, when that was after the day: such
    leave was approved after the inspectors could have called, so it does not make the
    person "on approved leave" that day, nor keep an absence from being recorded."""

    halves: frozenset[str] = frozenset()
    late: tuple[dt.date, ...] = ()

    @property
    def whole_day(self) -> bool:
        return self.halves == {Half.AM, Half.PM}


def day_leave(
    assignment_ids: Collection[int] | QuerySet[Any, Any], day: dt.date
) -> dict[int, DayLeave]:
    """{assignment id: DayLeave} of the approved leave covering `day`, in one query; people
    without any are left out. Unscoped: the caller has checked the actor reaches them."""
    first, last = half_slot(day, Half.AM), half_slot(day, Half.PM)
    day_over = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    halves: dict[int, set[str]] = {}
    late: dict[int, set[dt.date]] = {}
    rows = LeaveRequest.objects.filter(
        assignment_id__in=assignment_ids,
        state__in=COVERING_LEAVE_STATES,
        start_slot__lte=last,
        end_slot__gte=first,
    ).values_list(
        "assignment_id", "start_slot", "end_slot", "emergency", "submitted_at", "created_at"
    )
    for assignment_id, start, end, emergency, submitted_at, created_at in rows:
        entered = submitted_at or created_at
        if emergency and entered >= day_over:
            late.setdefault(assignment_id, set()).add(timezone.localdate(entered))
            continue
        covered = halves.setdefault(assignment_id, set())
        for slot in range(max(start, first), min(end, last) + 1):
            covered.add(slot_day(slot)[1])
    return {
        pk: DayLeave(frozenset(halves.get(pk, ())), tuple(sorted(late.get(pk, ()))))
        for pk in halves.keys() | late.keys()
    }


def inspection_day_leave(*, actor: Any, inspection: Inspection) -> dict[int, DayLeave]:
    """The approved leave of the people drawn on the inspection's day, by assignment id
    (coordinators only): what the inspector weighs before recording 请假 or 脱岗."""
    if not inspection_queryset(actor).filter(pk=inspection.pk).exists():
        raise NotFound()
    drawn = inspection.checks.values_list("assignment_id", flat=True)
    return day_leave(drawn, inspection.planned_on)


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
