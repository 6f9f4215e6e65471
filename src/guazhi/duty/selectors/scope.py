"""Who sees and acts on which on-duty records: the one place duty scope is decided.

Every duty record hangs off an assignment, so reading one starts from the programmes rule for
assignments (coordinators by batch, dispatch admins by home unit, host leaders by host unit,
group leaders by group, cadres their own). Two narrowings on top:

- leaders' records (heart-to-heart talks) are read by the leaders whose roles reach the person,
  never by a cadre, not even the person talked with;
- an inspection is unannounced: only the coordinators over the batch see that it is planned or
  whom it drew; the people concerned see their check once the inspection is over (completed,
  or its day past), so nobody visited first can warn the others (selectors/inspections.py).

Acting on a leave's approval step needs the step's role itself over the right unit of the
assignment (the host unit, the home unit, the batch's coordinating unit); a system
administrator sees everything but approves nothing.
"""

from typing import Any

from django.db.models import Q, QuerySet

from guazhi.core.errors import NotFound
from guazhi.duty.models import ApproverRole, LeaveRequest, LeaveState
from guazhi.orgs.models import Organisation, Role
from guazhi.orgs.scopes import Grant, scopes_of
from guazhi.programmes.models import Assignment, AssignmentState, Batch
from guazhi.programmes.selectors.scope import (
    assignment_visibility,
    cadre_profile_for,
    can_manage_batch,
)

# Duty records exist from reporting for duty; an ended term's record stays readable.
DUTY_STATES = (AssignmentState.ACTIVE, AssignmentState.ENDED)
LEADER_ROLES = (Role.COORDINATOR, Role.DISPATCH_ADMIN, Role.HOST_LEADER, Role.GROUP_LEADER)


def duty_assignment_queryset(actor, *, leaders_only: bool = False) -> QuerySet[Assignment]:  # type: ignore[no-untyped-def]
    """Assignments on duty (or ended) that the actor's roles reach; `leaders_only` drops the
    cadre's reach to their own record (for leaders' records such as talks)."""
    condition = assignment_visibility(actor, include_own=not leaders_only)
    active = Assignment.objects.filter(state__in=DUTY_STATES)
    if condition == Q():
        return active
    return active.filter(pk__in=Assignment.objects.filter(condition).values("pk"))


def access_duty_assignment(*, actor, pk: int, leaders_only: bool = False) -> Assignment:  # type: ignore[no-untyped-def]
    """One on-duty record the actor reads; NotFound for missing and forbidden alike.

    The same rule as duty_assignment_queryset, applied to the one row itself (a join that
    repeated it would not matter: one row is taken), without the subquery a list needs against
    repeats and without the model's ordering (three more joins): every duty page of a person
    starts here, so this is a cost each of them pays."""
    condition = assignment_visibility(actor, include_own=not leaders_only)
    assignment = (
        Assignment.objects.filter(condition, pk=pk, state__in=DUTY_STATES)
        .select_related("batch__coordinating_org", "cadre__user", "post", "host_unit", "home_unit")
        .order_by()
        .first()
    )
    if assignment is None:
        raise NotFound()
    return assignment


def is_own(*, actor, assignment: Assignment) -> bool:  # type: ignore[no-untyped-def]
    """Whether the assignment is the actor's own (they are the seconded cadre)."""
    profile = cadre_profile_for(actor)
    return profile is not None and assignment.cadre_id == profile.pk


def can_manage_duty(*, actor, assignment: Assignment) -> bool:  # type: ignore[no-untyped-def]
    """Coordinator over the batch: plans inspections, edits the batch's duty rules."""
    return can_manage_batch(actor=actor, batch=assignment.batch)


# --- leave approval -------------------------------------------------------------------------

# Each approver role acts over one unit of the assignment: (path field, batch field) from
# LeaveRequest, and the same unit read off an Assignment.
_STEP_UNIT = {
    ApproverRole.HOST_LEADER: ("assignment__host_unit__path", Role.HOST_LEADER),
    ApproverRole.DISPATCH_ADMIN: ("assignment__home_unit__path", Role.DISPATCH_ADMIN),
    ApproverRole.COORDINATOR: ("assignment__batch__coordinating_org__path", Role.COORDINATOR),
}


def step_unit_path(assignment: Assignment, role: str) -> str:
    if role == ApproverRole.HOST_LEADER:
        return assignment.host_unit.path
    if role == ApproverRole.DISPATCH_ADMIN:
        return assignment.home_unit.path
    return assignment.batch.coordinating_org.path


def can_act_on_step(*, actor, leave: LeaveRequest, role: str | None = None) -> bool:  # type: ignore[no-untyped-def]
    """Whether the actor holds `role` (default: the role the leave waits for) over its unit,
    the leave not being their own."""
    role = role or leave.awaiting_role
    if not role:
        return False
    _path_field, held_role = _STEP_UNIT[ApproverRole(role)]
    scopes = scopes_of(actor)
    if held_role not in scopes.roles:  # the role itself: an administrator does not approve
        return False
    if is_own(actor=actor, assignment=leave.assignment):  # nobody approves their own leave
        return False
    path = step_unit_path(leave.assignment, role)
    return any(
        grant.role == held_role
        and path.startswith(grant.path)
        and grant.batch_id in (None, leave.assignment.batch_id)
        for grant in scopes.grants
    )


def awaiting_actor(actor) -> Q:  # type: ignore[no-untyped-def]
    """Q over LeaveRequest for the pending requests whose current step this actor may act on:
    the step's role itself, held over the step's unit (or above it), for every batch or for
    the request's batch.

    Shaped for the inbox's index (awaiting_role, state, assignment, submitted_at, id) and for
    no join on the request itself. A unit's leader or dispatch admin reaches a few people, so
    their requests are found person by person (assignment IN the people under the units);
    a coordinator reaches whole batches, so every request waiting for a coordinator is read
    off the index and kept when its assignment's batch is one they coordinate."""
    scopes = scopes_of(actor)
    condition = Q(pk__in=[])
    for approver_role, (_path_field, held_role) in _STEP_UNIT.items():
        grants = [grant for grant in scopes.grants if grant.role == held_role]
        if grants:  # the role itself: an administrator's grant approves nothing
            condition |= Q(awaiting_role=approver_role) & _step_reach(approver_role, grants)
    waiting = Q(state=LeaveState.PENDING) & condition
    profile = cadre_profile_for(actor)
    if profile is not None:  # a leader who is seconded too never sees their own leave here
        waiting &= ~Q(assignment__cadre_id=profile.pk)
    return waiting


def _subtree(grant: Grant) -> QuerySet[Organisation, Any]:
    return Organisation.objects.filter(path__startswith=grant.path).values("pk")


def _step_reach(role: str, grants: list[Grant]) -> Q:
    """Q over LeaveRequest: the assignment's step unit lies under one of these grants."""
    if role == ApproverRole.COORDINATOR:
        reach = Q(pk__in=[])
        for grant in grants:
            batches = Batch.objects.filter(coordinating_org__in=_subtree(grant)).values("pk")
            one = Q(assignment__batch_id__in=batches)
            if grant.batch_id is not None:
                one &= Q(assignment__batch_id=grant.batch_id)
            reach |= one
        return reach
    unit_field = "host_unit" if role == ApproverRole.HOST_LEADER else "home_unit"
    people = Q(pk__in=[])
    for grant in grants:
        one = Q(**{f"{unit_field}__in": _subtree(grant)})
        if grant.batch_id is not None:
            one &= Q(batch_id=grant.batch_id)
        people |= one
    return Q(assignment_id__in=Assignment.objects.filter(people).values("pk"))
