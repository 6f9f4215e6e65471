"""What an acting user's roles reach: loaded once per request, then asked many times.

A role is held over an organisation subtree; a subtree is every unit whose `path` starts with
the root's path. A grant may also be limited to one batch (a group leader leads one batch): it
then reaches only that batch's records, and only where the caller asks about a batch. Selectors
turn a user's scopes into one Q filter; nothing else decides scope.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import F, Q

from guazhi.orgs.models import Role, RoleAssignment

# Roles that manage people and therefore see full ID numbers and phone numbers in their scope.
SENSITIVE_DATA_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.DISPATCH_ADMIN})
# Roles that see the personnel roster of the units in their scope.
ROSTER_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.DISPATCH_ADMIN})
# Roles that import and export the roster (admins hold every role).
ROSTER_KEEPERS = (Role.COORDINATOR, Role.DISPATCH_ADMIN)


@dataclass(frozen=True)
class Grant:
    role: str
    organisation_id: int
    path: str
    batch_id: int | None = None


class Scopes:
    def __init__(self, grants: Iterable[Grant]) -> None:
        self.grants = tuple(grants)
        self.roles = frozenset(grant.role for grant in self.grants)
        self._paths: dict[frozenset[str], list[str]] = {}

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    def has(self, *roles: str) -> bool:
        return self.is_admin or any(role in self.roles for role in roles)

    def paths(self, roles: Iterable[str]) -> list[str]:
        """Roots of the subtrees these roles reach outside any one batch; worked out once per
        set of roles, since an export asks for every one of thousands of rows."""
        wanted = frozenset(roles)
        found = self._paths.get(wanted)
        if found is None:
            paths = sorted(
                {
                    grant.path
                    for grant in self.grants
                    if grant.role in wanted and grant.batch_id is None
                }
            )
            # Drop paths inside another listed path: the outer prefix already covers them.
            found = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
            self._paths[wanted] = found
        return found

    def covers(self, path: str, roles: Iterable[str], *, batch_id: int | None = None) -> bool:
        """Whether these roles reach a unit at `path`; for a batch's record pass `batch_id`,
        and grants limited to another batch do not count."""
        if self.is_admin:
            return True
        if batch_id is None:
            return any(path.startswith(prefix) for prefix in self.paths(roles))
        wanted = set(roles)
        return any(
            grant.role in wanted
            and grant.batch_id in (None, batch_id)
            and path.startswith(grant.path)
            for grant in self.grants
        )

    def batch_filter(self, roles: Iterable[str], *, path_field: str, batch_field: str) -> Q:
        """Q for a batch's records whose unit path (`path_field`) these roles reach, honouring
        grants limited to one batch (`batch_field` names the batch id of the row)."""
        if self.is_admin:
            return Q()
        wanted = set(roles)
        condition = Q(pk__in=[])
        for grant in self.grants:
            if grant.role not in wanted:
                continue
            reach = Q(**{f"{path_field}__startswith": grant.path})
            if grant.batch_id is not None:
                reach &= Q(**{batch_field: grant.batch_id})
            condition |= reach
        return condition

    def org_filter(self, roles: Iterable[str], field: str = "path") -> Q:
        """Q for rows whose organisation path (`field`) lies in a subtree these roles reach."""
        if self.is_admin:
            return Q()
        prefixes = self.paths(roles)
        if not prefixes:
            return Q(pk__in=[])
        condition = Q()
        for prefix in prefixes:
            condition |= Q(**{f"{field}__startswith": prefix})
        return condition


GRANTS_CACHE_SECONDS = 300


def scopes_of(user) -> Scopes:  # type: ignore[no-untyped-def]
    """The user's scopes: on the user object for the request, in the cache across requests.

    The cache key carries `roles_version`, read with the user on every request, so a grant or
    revoke (which bumps it) takes effect on the next request on every server.
    """
    if not getattr(user, "is_authenticated", False):
        return Scopes(())
    cached = getattr(user, "_guazhi_scopes", None)
    if cached is None:
        key = f"guazhi:grants:{user.pk}:{user.roles_version}"
        rows = cache.get(key)
        if rows is None:
            rows = list(
                RoleAssignment.objects.filter(user=user).values_list(
                    "role", "organisation_id", "organisation__path", "batch_id"
                )
            )
            cache.set(key, rows, GRANTS_CACHE_SECONDS)
        grants = [Grant(role, org_id, path, batch_id) for role, org_id, path, batch_id in rows]
        if user.is_superuser:
            grants.append(Grant(Role.ADMIN, 0, ""))
        cached = Scopes(grants)
        user._guazhi_scopes = cached
    return cached


def grants_changed(*, user_ids: list[int] | None = None, under_path: str = "") -> None:
    """Invalidate cached scopes: of `user_ids`, and of everyone holding a grant under a path."""
    from guazhi.orgs.models import User

    if user_ids:
        User.objects.filter(pk__in=user_ids).update(roles_version=F("roles_version") + 1)
    if under_path:
        holders = RoleAssignment.objects.filter(organisation__path__startswith=under_path)
        User.objects.filter(pk__in=holders.values("user_id")).update(
            roles_version=F("roles_version") + 1
        )
