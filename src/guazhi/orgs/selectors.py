"""Every read of organisations, people and roles, scoped by the acting user's roles."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext

from guazhi.core.errors import NotFound
from guazhi.core.text import join_list
from guazhi.orgs import vocab
from guazhi.orgs.idcard import mask_id_number, mask_phone
from guazhi.orgs.models import (
    CadreProfile,
    Organisation,
    OrgKind,
    OrgLevel,
    Role,
    RoleAssignment,
    User,
)
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
    ids = [int(part) for part in unit.path.strip(".").split(".")[:-1] if part]
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


UNIT_HISTORY_FIELDS = ("name", "kind", "level", "region_name", "region_code", "parent")


def unit_history(*, actor, unit: Organisation, limit: int = 10) -> "list[HistoryEntry]":  # type: ignore[no-untyped-def]
    """The newest changes to a unit (simple-history), field by field, newest first.

    Records that moved only bookkeeping fields (the path written right after a create, paths
    rewritten when an ancestor moves, pinyin keys) are left out: nobody changed anything.
    """
    if not scopes_of(actor).covers(unit.path, UNIT_ROLES):
        raise NotFound()
    # Bookkeeping records are skipped, so fetch extra; one more than that to diff the oldest.
    history = unit.history.select_related("history_user").order_by("-history_date", "-history_id")
    records = list(history[: limit * 2 + 1])
    deltas = []
    for record, older in zip(records, [*records[1:], None], strict=True):
        delta = record.diff_against(older, included_fields=UNIT_HISTORY_FIELDS) if older else None
        deltas.append((record, delta.changes if delta else []))
    parent_ids = {
        v for _, changes in deltas for c in changes if c.field == "parent" for v in (c.old, c.new)
    }
    parents = Organisation.objects.in_bulk(parent_ids - {None})
    labels = {f.name: str(f.verbose_name) for f in Organisation._meta.fields}
    choice_labels: dict[str, dict[Any, Any]] = {
        "kind": dict(OrgKind.choices),
        "level": dict(OrgLevel.choices),
        "parent": {pk: parent.name for pk, parent in parents.items()},
    }
    kinds = {"+": gettext("创建"), "~": gettext("修改"), "-": gettext("删除")}

    def shown(field: str, value: object) -> str:
        if value in (None, ""):
            return ""
        return str(choice_labels.get(field, {}).get(value, value))

    entries: list[HistoryEntry] = []
    for record, changes in deltas:
        if record.history_type == "~" and not changes:
            continue  # bookkeeping only, or the oldest fetched, whose predecessor is not here
        shown_changes = [
            HistoryChange(
                label=labels[c.field],
                old=shown(c.field, c.old),
                new=shown(c.field, c.new),
            )
            for c in sorted(changes, key=lambda c: UNIT_HISTORY_FIELDS.index(c.field))
        ]
        who = record.history_user.get_full_name() if record.history_user else ""
        kind = kinds.get(record.history_type, "")
        entries.append(HistoryEntry(record.history_date, who, kind, shown_changes))
        if len(entries) == limit:
            break
    return entries


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


def cadre_home_unit_choices(*, actor) -> QuerySet[Organisation]:  # type: ignore[no-untyped-def]
    """Units a profile may be placed in: those whose roster the actor manages."""
    return Organisation.objects.filter(scopes_of(actor).org_filter(ROSTER_ROLES)).order_by("path")


def can_manage_cadre(*, actor, profile: CadreProfile) -> bool:  # type: ignore[no-untyped-def]
    return scopes_of(actor).covers(profile.home_unit.path, ROSTER_ROLES)


@dataclass(frozen=True)
class HistoryChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: dt.datetime
    who: str
    kind: str
    changes: list[HistoryChange]
    created: bool = False


CADRE_HISTORY_FIELDS = (
    "name", "gender", "birth_date", "ethnicity", "political_status", "education", "degree",
    "professional_title", "staff_type", "home_unit", "position", "rank", "current_post_since",
    "native_place", "native_region_code", "expertise", "phone", "id_number", "user",
)
SENSITIVE_FIELDS = frozenset({"id_number", "phone"})


def cadre_history(  # type: ignore[no-untyped-def]
    *, actor, profile: CadreProfile, limit: int = 20
) -> list[HistoryEntry]:
    """The newest changes to a profile, field by field. The history table keeps raw ID and
    phone numbers, so for viewers who may not see them the values never leave this function."""
    sensitive = can_see_sensitive(actor=actor, profile=profile)
    # One record more than shown: the oldest shown change needs its predecessor to diff against.
    records = list(
        profile.history.select_related("history_user")
        .order_by("-history_date", "-history_id")[: limit + 1]
    )
    deltas = [
        (record, older and record.diff_against(older, included_fields=CADRE_HISTORY_FIELDS).changes)
        for record, older in zip(records[:limit], [*records[1:], None], strict=False)
    ]
    ids: dict[str, set] = {"home_unit": set(), "user": set()}
    for _, changes in deltas:
        for change in changes or []:
            if change.field in ids:
                ids[change.field] |= {change.old, change.new} - {None}
    names = {
        "home_unit": {pk: o.name for pk, o in Organisation.objects.in_bulk(ids["home_unit"]).items()},
        "user": {pk: u.username for pk, u in User.objects.in_bulk(ids["user"]).items()},
    }
    kinds = {"+": gettext("创建"), "~": gettext("修改"), "-": gettext("删除")}
    entries = []
    for record, changes in deltas:
        shown = [
            HistoryChange(
                label=str(getattr(CadreProfile._meta.get_field(change.field), "verbose_name", change.field)),
                old=_history_value(change.field, change.old, names, sensitive),
                new=_history_value(change.field, change.new, names, sensitive),
            )
            for change in sorted(changes or [], key=lambda c: CADRE_HISTORY_FIELDS.index(c.field))
        ]
        if record.history_type == "~" and not shown:
            continue  # only pinyin keys or timestamps moved: nothing a reader would call a change
        who = record.history_user.get_full_name() if record.history_user else ""
        kind = kinds.get(record.history_type, "")
        created = record.history_type == "+"
        entries.append(HistoryEntry(record.history_date, who, kind, shown, created=created))
    return entries


def _history_value(field: str, value: object, names: dict[str, dict], sensitive: bool) -> str:
    if value in (None, "", []):
        return ""
    if field in SENSITIVE_FIELDS and not sensitive:
        return gettext("（不显示）")
    if field in names:
        return names[field].get(value, str(value))
    if field == "ethnicity" and value in vocab.ETHNICITIES:
        return gettext(str(value))  # stored in Chinese, the standard's name: a msgid
    if isinstance(value, list):
        return join_list(str(item) for item in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# Roles -------------------------------------------------------------------------------------


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
