"""Who sees and acts on which evaluation records: the one place evaluation scope is decided.

- A round belongs to a batch: coordinators over the batch set it up, open, close, decide and
  publish it, issue democratic codes and key in paper ballots (`can_manage_round`).
- Staff read the round for the people their roles reach (duty scope: dispatch admins by home
  unit, host leaders by host unit, group leaders by group), and rate them in the rater role
  their own role gives (`rater_role_for`): a host leader over the person's host unit rates as
  接收单位领导班子, a dispatch admin over the home unit as 派出单位, the leader or deputy of the
  person's group as 挂职小组组长. Democratic ratings come only through codes and paper ballots.
- Nobody rates themselves; a system administrator reads everything and rates nobody.
- The person sees their own evaluee row (self-assessment at any time; the result, score and
  grade only once the round is published: `can_see_result`).
"""

from typing import Any

from django.db.models import Q, QuerySet

from guazhi.core.errors import NotFound
from guazhi.duty.selectors.scope import duty_assignment_queryset
from guazhi.evaluation.models import EvaluationRound, Evaluee, RaterRole, RoundState
from guazhi.orgs.models import Role
from guazhi.orgs.scopes import scopes_of
from guazhi.programmes.models import Assignment
from guazhi.programmes.selectors.scope import batch_queryset, can_manage_batch

STAFF_ROLES = (Role.COORDINATOR, Role.DISPATCH_ADMIN, Role.HOST_LEADER, Role.GROUP_LEADER)


def round_queryset(actor: Any) -> QuerySet[EvaluationRound]:
    """Rounds of the batches the actor's staff roles reach, and (for a cadre) rounds that
    evaluate them."""
    scopes = scopes_of(actor)
    seen = Q(pk__in=[])
    if scopes.is_admin or scopes.has(*STAFF_ROLES):
        seen |= Q(batch__in=batch_queryset(actor))
    evaluated = Evaluee.objects.filter(assignment__in=duty_assignment_queryset(actor))
    seen |= Q(pk__in=evaluated.values("round_id"))
    return EvaluationRound.objects.filter(seen)


def access_round(*, actor: Any, pk: int, manage: bool = False) -> EvaluationRound:
    """One round the actor reads (to manage: a coordinator over its batch); NotFound for
    missing and forbidden alike."""
    found = round_queryset(actor).select_related("batch__coordinating_org").filter(pk=pk).first()
    if found is None or (manage and not can_manage_round(actor=actor, round=found)):
        raise NotFound()
    return found


def can_manage_round(*, actor: Any, round: EvaluationRound) -> bool:
    return can_manage_batch(actor=actor, batch=round.batch)


def evaluee_queryset(actor: Any, *, round: EvaluationRound | None = None) -> QuerySet[Evaluee]:
    """The evaluees whose person the actor's roles reach (their own included)."""
    found = Evaluee.objects.filter(assignment__in=duty_assignment_queryset(actor))
    return found.filter(round=round) if round is not None else found


def access_evaluee(*, actor: Any, pk: int) -> Evaluee:
    found = (
        evaluee_queryset(actor)
        .select_related(
            "round__batch__coordinating_org",
            "assignment__cadre__user",
            "assignment__host_unit",
            "assignment__home_unit",
            "assignment__post",
            "assignment__batch__coordinating_org",
            "assignment__group__leader__cadre",
            "assignment__group__deputy__cadre",
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def is_evaluee_self(*, actor: Any, evaluee: Evaluee) -> bool:
    return _is_the_person(actor, evaluee.assignment)


def _is_the_person(actor: Any, assignment: Assignment) -> bool:
    """Whether the actor is the person seconded: by their account, whatever roles it holds. A
    leader evaluated in a round (a group leader is often a seconded cadre too) may hold no cadre
    role, and must still neither rate themselves nor see their result before publication."""
    return bool(actor.pk) and assignment.cadre.user_id == actor.pk


def can_see_result(*, actor: Any, evaluee: Evaluee) -> bool:
    """The person sees their result once the round is published; coordinators over the batch
    from the moment it is computed; other staff in scope once it is decided."""
    if is_evaluee_self(actor=actor, evaluee=evaluee):
        return evaluee.round.state == RoundState.PUBLISHED
    if can_manage_round(actor=actor, round=evaluee.round):
        return True
    return evaluee.round.state in (RoundState.DECIDED, RoundState.PUBLISHED)


def rater_role_for(*, actor: Any, assignment: Assignment) -> str | None:
    """The rater role the actor rates this person in, or None. Held roles only (an
    administrator's reach rates nobody); never one's own evaluation. Load the assignment's
    host_unit, home_unit and group leader/deputy."""
    if _is_the_person(actor, assignment):
        return None
    grants = scopes_of(actor).grants

    def holds(role: str, path: str) -> bool:
        return any(
            grant.role == role
            and grant.batch_id in (None, assignment.batch_id)
            and path.startswith(grant.path)
            for grant in grants
        )

    if holds(Role.HOST_LEADER, assignment.host_unit.path):
        return RaterRole.HOST_LEADERSHIP
    if holds(Role.DISPATCH_ADMIN, assignment.home_unit.path):
        return RaterRole.DISPATCH
    group = assignment.group
    if group is not None and any(grant.role == Role.GROUP_LEADER for grant in grants):
        leaders = (group.leader, group.deputy)
        if any(leader is not None and leader.cadre.user_id == actor.pk for leader in leaders):
            return RaterRole.GROUP_LEADER
    return None
