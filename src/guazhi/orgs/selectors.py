"""Every read of organisations, people and roles, scoped by the acting user's roles."""

from django.db.models import Q, QuerySet

from guazhi.core.errors import NotFound
from guazhi.orgs.idcard import mask_id_number, mask_phone
from guazhi.orgs.models import CadreProfile, Organisation, Role, RoleAssignment, User
from guazhi.orgs.scopes import ROSTER_ROLES, SENSITIVE_DATA_ROLES, scopes_of

UNIT_ROLES = (Role.COORDINATOR, Role.DISPATCH_ADMIN, Role.HOST_LEADER)
UNIT_MANAGER_ROLES = (Role.COORDINATOR,)
ROLE_MANAGER_ROLES = (Role.COORDINATOR,)


def _search(queryset: QuerySet, query: str) -> QuerySet:
    """By name (substring) or pinyin: initials prefix (zs → 张三) or full pinyin prefix."""
    query = query.strip()
    if not query:
        return queryset
    condition = Q(name__icontains=query)
    if query.isascii():
        letters = query.lower().replace(" ", "")
        condition |= Q(name_initials__startswith=letters) | Q(name_pinyin__startswith=query.lower())
    return queryset.filter(condition)


# Units -------------------------------------------------------------------------------------


def unit_list(*, actor, query: str = "", kind: str = "") -> QuerySet[Organisation]:  # type: ignore[no-untyped-def]
    units = Organisation.objects.filter(scopes_of(actor).org_filter(UNIT_ROLES)).select_related("parent")
    if kind:
        units = units.filter(kind=kind)
    return _search(units, query).order_by("path")


def access_unit(*, actor, pk: int, manage: bool = False) -> Organisation:  # type: ignore[no-untyped-def]
    """The unit if the actor's roles reach it (to manage: coordinator roles), else NotFound."""
    roles = UNIT_MANAGER_ROLES if manage else UNIT_ROLES
    unit = Organisation.objects.filter(pk=pk).select_related("parent").first()
    if unit is None or not scopes_of(actor).covers(unit.path, roles):
        raise NotFound()
    return unit


def unit_choices_for(*, actor, manage: bool = True) -> QuerySet[Organisation]:  # type: ignore[no-untyped-def]
    roles = UNIT_MANAGER_ROLES if manage else UNIT_ROLES
    return Organisation.objects.filter(scopes_of(actor).org_filter(roles)).order_by("path")


def unit_ancestors(*, unit: Organisation) -> list[Organisation]:
    ids = [int(part) for part in unit.path.strip(".").split(".")[:-1] if part]
    by_id = Organisation.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


# Cadres ------------------------------------------------------------------------------------


def cadre_list(*, actor, query: str = "", unit_id: int | None = None) -> QuerySet[CadreProfile]:  # type: ignore[no-untyped-def]
    """The roster the actor manages, sorted by pinyin."""
    cadres = CadreProfile.objects.filter(
        scopes_of(actor).org_filter(ROSTER_ROLES, field="home_unit__path")
    )
    if unit_id:
        unit = Organisation.objects.filter(pk=unit_id).only("path").first()
        cadres = cadres.filter(home_unit__path__startswith=unit.path) if unit else cadres.none()
    return _search(cadres, query).order_by("name_pinyin", "id")


def access_cadre(*, actor, pk: int, manage: bool = False) -> CadreProfile:  # type: ignore[no-untyped-def]
    """A profile the actor manages (or, to read, their own), else NotFound."""
    profile = CadreProfile.objects.filter(pk=pk).select_related("home_unit", "user").first()
    if profile is None:
        raise NotFound()
    if scopes_of(actor).covers(profile.home_unit.path, ROSTER_ROLES):
        return profile
    if not manage and profile.user_id is not None and profile.user_id == actor.pk:
        return profile
    raise NotFound()


def cadre_profile_of(*, actor) -> CadreProfile | None:  # type: ignore[no-untyped-def]
    return CadreProfile.objects.filter(user_id=actor.pk).select_related("home_unit").first()


def can_see_sensitive(*, actor, profile: CadreProfile) -> bool:  # type: ignore[no-untyped-def]
    """Full ID number and phone: the managing roles in scope, and the person themself."""
    if profile.user_id is not None and profile.user_id == actor.pk:
        return True
    return scopes_of(actor).covers(profile.home_unit.path, SENSITIVE_DATA_ROLES)


def displayed_id_number(*, actor, profile: CadreProfile, sensitive: bool | None = None) -> str:  # type: ignore[no-untyped-def]
    if sensitive is None:
        sensitive = can_see_sensitive(actor=actor, profile=profile)
    return profile.id_number if sensitive else mask_id_number(profile.id_number)


def displayed_phone(*, actor, profile: CadreProfile, sensitive: bool | None = None) -> str:  # type: ignore[no-untyped-def]
    if sensitive is None:
        sensitive = can_see_sensitive(actor=actor, profile=profile)
    return profile.phone if sensitive else mask_phone(profile.phone)


# Roles -------------------------------------------------------------------------------------


def role_assignment_list(*, actor, role: str = "", query: str = "") -> QuerySet[RoleAssignment]:  # type: ignore[no-untyped-def]
    assignments = RoleAssignment.objects.filter(
        scopes_of(actor).org_filter(ROLE_MANAGER_ROLES, field="organisation__path")
    ).select_related("user", "organisation")
    if role:
        assignments = assignments.filter(role=role)
    if query:
        assignments = assignments.filter(
            Q(user__full_name__icontains=query) | Q(user__username__icontains=query)
        )
    return assignments.order_by("organisation__path", "role", "user__username")


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
