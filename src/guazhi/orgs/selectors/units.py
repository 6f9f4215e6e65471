"""Scoped reads of the organisation tree: lists, access, breadcrumbs and counts."""

from django.db.models import Count, Q, QuerySet

from guazhi.core.errors import NotFound
from guazhi.orgs.models import (
    CadreProfile,
    Organisation,
    Role,
)
from guazhi.orgs.scopes import scopes_of
from guazhi.orgs.selectors.search import _search

UNIT_ROLES = (Role.COORDINATOR, Role.DISPATCH_ADMIN, Role.HOST_LEADER)
UNIT_MANAGER_ROLES = (Role.COORDINATOR,)


def unit_list(*, actor, query: str = "", kind: str = "") -> QuerySet[Organisation]:  # type: ignore[no-untyped-def]
    units = Organisation.objects.filter(scopes_of(actor).org_filter(UNIT_ROLES))
    units = units.select_related("parent")
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
    ids = Organisation.ids_on(unit.path)[:-1]
    by_id = Organisation.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def can_manage_unit(*, actor, unit: Organisation) -> bool:  # type: ignore[no-untyped-def]
    return scopes_of(actor).covers(unit.path, UNIT_MANAGER_ROLES)


def unit_breadcrumb(*, actor, unit: Organisation) -> list[tuple[Organisation, bool]]:  # type: ignore[no-untyped-def]
    """Ancestors, top first, each with whether the actor may open it (names are not secret:
    they are part of the unit's own identity; links to units out of scope would only 404)."""
    scopes = scopes_of(actor)
    return [(a, scopes.covers(a.path, UNIT_ROLES)) for a in unit_ancestors(unit=unit)]


def unit_children(*, actor, unit: Organisation) -> QuerySet[Organisation]:  # type: ignore[no-untyped-def]
    return (
        Organisation.objects.filter(parent=unit)
        .filter(scopes_of(actor).org_filter(UNIT_ROLES))
        .order_by("name_pinyin", "id")
    )


def unit_cadre_counts(*, actor, unit: Organisation) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """How many cadres work in the unit itself and in its whole subtree (figures, not names)."""
    if not scopes_of(actor).covers(unit.path, UNIT_ROLES):
        raise NotFound()
    return CadreProfile.objects.filter(home_unit__path__startswith=unit.path).aggregate(
        own=Count("id", filter=Q(home_unit_id=unit.pk)), subtree=Count("id")
    )


def unit_tree_base_depth(*, actor) -> int:  # type: ignore[no-untyped-def]
    """Depth of the shallowest unit the actor sees, so the tree is indented from there."""
    scopes = scopes_of(actor)
    if scopes.is_admin:
        return 0
    paths = scopes.paths(UNIT_ROLES)
    return min((path.count(".") - 1 for path in paths), default=0)


def unit_move_targets(*, actor, unit: Organisation) -> QuerySet[Organisation]:  # type: ignore[no-untyped-def]
    """Units the actor manages that could become the new parent: not the unit's own subtree."""
    return unit_choices_for(actor=actor).exclude(path__startswith=unit.path)
