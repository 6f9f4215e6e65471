"""Who sees which batch and which assignment: the one place programme scope is decided.

A batch is seen by the coordinators over its coordinating organisation, the dispatch admins
over one of its dispatching organisations, the host leaders over a unit hosting one of its
posts, the group leaders granted for it (or over its coordinating organisation), and the
cadres it concerns: those of its dispatching units once the notice is out, and anyone who has
applied, been recommended or been assigned in it. Managing a batch is the coordinators' work.
"""

from django.db.models import Q, QuerySet

from guazhi.core.errors import NotFound
from guazhi.orgs.models import CadreProfile, Organisation, Role
from guazhi.orgs.scopes import scopes_of
from guazhi.orgs.selectors.cadres import cadre_profile_of
from guazhi.programmes.models import Assignment, Batch

BATCH_MANAGER_ROLES = (Role.COORDINATOR,)
BATCH_STAFF_ROLES = (Role.COORDINATOR, Role.DISPATCH_ADMIN, Role.HOST_LEADER, Role.GROUP_LEADER)
BATCH_READER_ROLES = (*BATCH_STAFF_ROLES, Role.CADRE)


unit_ids_on_path = Organisation.ids_on  # the unit and its ancestors, off its path


def cadre_profile_for(actor) -> CadreProfile | None:  # type: ignore[no-untyped-def]
    """The actor's own cadre profile when they hold the cadre role, else None (cached)."""
    if not scopes_of(actor).has(Role.CADRE):
        return None
    if not hasattr(actor, "_guazhi_cadre_profile"):
        actor._guazhi_cadre_profile = cadre_profile_of(actor=actor)
    return actor._guazhi_cadre_profile


def batch_visibility(actor) -> Q:  # type: ignore[no-untyped-def]
    """Q over Batch for the batches the actor's roles reach (may join: use with a subquery)."""
    scopes = scopes_of(actor)
    if scopes.is_admin:
        return Q()
    seen = scopes.batch_filter(
        [Role.COORDINATOR, Role.GROUP_LEADER],
        path_field="coordinating_org__path",
        batch_field="pk",
    )
    seen |= scopes.batch_filter(
        [Role.DISPATCH_ADMIN], path_field="dispatching_orgs__path", batch_field="pk"
    )
    seen |= scopes.batch_filter(
        [Role.HOST_LEADER], path_field="posts__host_unit__path", batch_field="pk"
    )
    profile = cadre_profile_for(actor)
    if profile is not None:
        seen |= Q(
            notice__published_at__isnull=False,
            dispatching_orgs__in=unit_ids_on_path(profile.home_unit.path),
        )
        seen |= Q(applications__cadre=profile)
        seen |= Q(recommendations__cadre=profile)
        seen |= Q(assignments__cadre=profile)
    return seen


def batch_queryset(actor) -> QuerySet[Batch]:  # type: ignore[no-untyped-def]
    """The batches the actor sees, without duplicates from the joins."""
    condition = batch_visibility(actor)
    if condition == Q():
        return Batch.objects.all()
    return Batch.objects.filter(pk__in=Batch.objects.filter(condition).values("pk"))


def can_manage_batch(*, actor, batch: Batch) -> bool:  # type: ignore[no-untyped-def]
    return scopes_of(actor).covers(
        batch.coordinating_org.path, BATCH_MANAGER_ROLES, batch_id=batch.pk
    )


def access_batch(*, actor, pk: int, manage: bool = False) -> Batch:  # type: ignore[no-untyped-def]
    """The batch if the actor sees it (to manage: coordinator over it), else NotFound."""
    batch = batch_queryset(actor).filter(pk=pk).select_related("coordinating_org").first()
    if batch is None or (manage and not can_manage_batch(actor=actor, batch=batch)):
        raise NotFound()
    return batch


def assignment_visibility(actor, *, include_own: bool = True) -> Q:  # type: ignore[no-untyped-def]
    """Q over Assignment: coordinators by batch, dispatch admins by home unit, host leaders by
    host unit, group leaders by the groups they lead (or a grant without batch over the
    coordinating unit), cadres their own (unless `include_own` is False: leaders' records)."""
    scopes = scopes_of(actor)
    if scopes.is_admin:
        return Q()
    seen = scopes.batch_filter(
        [Role.COORDINATOR],
        path_field="batch__coordinating_org__path",
        batch_field="batch_id",
    )
    seen |= scopes.batch_filter(
        [Role.DISPATCH_ADMIN], path_field="home_unit__path", batch_field="batch_id"
    )
    seen |= scopes.batch_filter(
        [Role.HOST_LEADER], path_field="host_unit__path", batch_field="batch_id"
    )
    if scopes.has(Role.GROUP_LEADER):
        # A leader granted for one batch (as group creation does) follows their own group's
        # members; a grant over a subtree without a batch reaches that subtree's batches.
        leads = Q(group__leader__cadre__user=actor) | Q(group__deputy__cadre__user=actor)
        # Leading a group counts only with the role for that batch (or for none): a grant left
        # for another batch after the groups changed does not open this batch's records.
        leader_batches = {g.batch_id for g in scopes.grants if g.role == Role.GROUP_LEADER}
        if None not in leader_batches:
            leads &= Q(batch_id__in=sorted(leader_batches))
        seen |= leads
        seen |= scopes.org_filter([Role.GROUP_LEADER], "batch__coordinating_org__path")
    profile = cadre_profile_for(actor) if include_own else None
    if profile is not None:
        seen |= Q(cadre=profile)
    return seen


def assignment_queryset(actor) -> QuerySet[Assignment]:  # type: ignore[no-untyped-def]
    condition = assignment_visibility(actor)
    if condition == Q():
        return Assignment.objects.all()
    return Assignment.objects.filter(pk__in=Assignment.objects.filter(condition).values("pk"))


def access_assignment(*, actor, pk: int, manage: bool = False) -> Assignment:  # type: ignore[no-untyped-def]
    """The assignment if the actor sees it (to manage: coordinator over its batch)."""
    assignment = (
        assignment_queryset(actor)
        .filter(pk=pk)
        .select_related("batch__coordinating_org", "cadre", "post", "host_unit", "home_unit")
        .first()
    )
    if assignment is None or (manage and not can_manage_batch(actor=actor, batch=assignment.batch)):
        raise NotFound()
    return assignment
