"""Scoped reads of role assignments and of the accounts roles may be granted to."""

from django.db.models import Q, QuerySet

from guazhi.core.errors import NotFound
from guazhi.orgs.models import (
    Role,
    RoleAssignment,
    User,
)
from guazhi.orgs.scopes import scopes_of

ROLE_MANAGER_ROLES = (Role.COORDINATOR,)


def role_assignment_list(*, actor, role: str = "", query: str = "") -> QuerySet[RoleAssignment]:  # type: ignore[no-untyped-def]
    assignments = RoleAssignment.objects.filter(
        scopes_of(actor).org_filter(ROLE_MANAGER_ROLES, field="organisation__path")
    ).select_related("user", "organisation", "granted_by")
    if role:
        assignments = assignments.filter(role=role)
    if query:
        assignments = assignments.filter(
            Q(user__full_name__icontains=query) | Q(user__username__icontains=query)
        )
    return assignments.order_by("organisation__path", "role", "user__username")


def can_revoke_role(*, actor, assignment: RoleAssignment) -> bool:  # type: ignore[no-untyped-def]
    """Whether to offer the revoke button; services.role_revoke has the final word."""
    scopes = scopes_of(actor)
    if assignment.role == Role.ADMIN and not scopes.is_admin:
        return False
    if assignment.user_id == actor.pk and assignment.role in {Role.ADMIN, Role.COORDINATOR}:
        return False
    return scopes.covers(assignment.organisation.path, ROLE_MANAGER_ROLES)


def access_role_assignment(*, actor, pk: int) -> RoleAssignment:  # type: ignore[no-untyped-def]
    assignment = RoleAssignment.objects.filter(pk=pk).select_related("user", "organisation").first()
    if assignment is None or not scopes_of(actor).covers(
        assignment.organisation.path, ROLE_MANAGER_ROLES
    ):
        raise NotFound()
    return assignment


def role_assignment_list_for_user(*, actor, user: User) -> QuerySet[RoleAssignment]:  # type: ignore[no-untyped-def]
    assignments = RoleAssignment.objects.filter(user=user).select_related("organisation")
    if actor.pk != user.pk:
        assignments = assignments.filter(
            scopes_of(actor).org_filter(ROLE_MANAGER_ROLES, field="organisation__path")
        )
    return assignments.order_by("role")


def user_choices_for(*, actor, query: str = "") -> QuerySet[User]:  # type: ignore[no-untyped-def]
    """Accounts a coordinator may grant roles to: anyone active, found by name or username."""
    users = User.objects.filter(is_active=True)
    if query:
        users = users.filter(Q(full_name__icontains=query) | Q(username__icontains=query))
    return users.order_by("username")
