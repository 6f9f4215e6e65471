"""Who is told about an on-duty record: the approvers of a leave's step, a person's host leaders,
group leaders and own account, a batch's coordinators.

The rules are the ones the pages apply (selectors.scope, selectors.reports): a role reaches a
unit when it is held over the unit or an ancestor of it, and a grant limited to one batch counts
only for that batch. A system administrator sees everything but approves nothing, so is told
nothing; disabled accounts are told nothing either.

`Recipients` loads every leader's grant once (one query) and answers any number of questions
from memory, which is what the daily reminder run needs; the module functions answer one
question each for callers that have one record.
"""

from collections import defaultdict
from typing import Any

from guazhi.duty.models import ApproverRole, LeaveRequest
from guazhi.duty.selectors.scope import step_unit_path
from guazhi.orgs.models import Organisation, Role, RoleAssignment, User
from guazhi.programmes.models import Assignment, Batch

# The role each approval step needs (the same table as selectors.scope).
STEP_ROLES = {
    ApproverRole.HOST_LEADER: Role.HOST_LEADER,
    ApproverRole.DISPATCH_ADMIN: Role.DISPATCH_ADMIN,
    ApproverRole.COORDINATOR: Role.COORDINATOR,
}
LEADER_ROLES = (Role.COORDINATOR, Role.DISPATCH_ADMIN, Role.HOST_LEADER, Role.GROUP_LEADER)


class Recipients:
    """The leaders' grants of active accounts, indexed by (role, unit)."""

    def __init__(self) -> None:
        self._by_unit: dict[tuple[str, int], list[tuple[User, int | None]]] = defaultdict(list)
        # (account, batch) of every group-leader grant; batch None: not limited to one batch.
        self._group_leader_grants: set[tuple[int, int | None]] = set()
        rows = RoleAssignment.objects.filter(
            role__in=LEADER_ROLES, user__is_active=True
        ).select_related("user")
        users: dict[int, User] = {}
        for grant in rows:
            user = users.setdefault(grant.user_id, grant.user)  # one object per account
            self._by_unit[(grant.role, grant.organisation_id)].append((user, grant.batch_id))
            if grant.role == Role.GROUP_LEADER:
                self._group_leader_grants.add((user.pk, grant.batch_id))

    def holders(
        self, role: str, path: str, batch_id: int, *, unlimited_only: bool = False
    ) -> list[User]:
        """Accounts holding `role` over the unit at `path` for `batch_id`, in grant order."""
        found: dict[int, User] = {}
        for unit_id in Organisation.ids_on(path):
            for user, grant_batch in self._by_unit.get((role, unit_id), ()):
                if grant_batch is None or (not unlimited_only and grant_batch == batch_id):
                    found.setdefault(user.pk, user)
        return list(found.values())

    def approvers_of(self, leave: LeaveRequest, *, role: str | None = None) -> list[User]:
        """Who may act on the leave's step waiting for `role` (default: the current step's).

        Reads leave.assignment's host unit, home unit and batch's coordinating unit."""
        role = role or leave.awaiting_role
        if not role:
            return []
        assignment = leave.assignment
        path = step_unit_path(assignment, role)
        return self.holders(STEP_ROLES[ApproverRole(role)], path, assignment.batch_id)

    def host_leaders_of(self, assignment: Assignment) -> list[User]:
        return self.holders(Role.HOST_LEADER, assignment.host_unit.path, assignment.batch_id)

    def coordinators_of(self, batch: Batch) -> list[User]:
        return self.holders(Role.COORDINATOR, batch.coordinating_org.path, batch.pk)

    def group_leaders_of(self, assignment: Assignment) -> list[User]:
        """Who reviews the person's reports as a group leader: the leader and deputy of their
        group (holding the group-leader role), and group-leader grants over the batch's
        coordinating unit not limited to one batch; never the person themself.

        Reads assignment.group's leader and deputy with their cadres' accounts, and the batch's
        coordinating unit: load them with the assignment."""
        found: dict[int, User] = {}
        group = assignment.group
        if group is not None:
            for leader in (group.leader, group.deputy):
                user = leader.cadre.user if leader is not None else None
                if user is None or not user.is_active:
                    continue
                # Leading the group counts only with the role for this batch (or for none):
                # a grant left over for another batch does not make a reviewer here.
                grants = self._group_leader_grants
                if (user.pk, None) in grants or (user.pk, assignment.batch_id) in grants:
                    found.setdefault(user.pk, user)
        for user in self.holders(
            Role.GROUP_LEADER,
            assignment.batch.coordinating_org.path,
            assignment.batch_id,
            unlimited_only=True,
        ):
            found.setdefault(user.pk, user)
        own = assignment.cadre.user_id
        return [user for pk, user in found.items() if pk != own]


def cadre_user_of(assignment: Assignment) -> User | None:
    """The person's own account, if they have an active one (reads assignment.cadre.user)."""
    user: Any = assignment.cadre.user
    return user if user is not None and user.is_active else None


def approvers_of(leave: LeaveRequest, *, role: str | None = None) -> list[User]:
    return Recipients().approvers_of(leave, role=role)


def host_leaders_of(assignment: Assignment) -> list[User]:
    return Recipients().host_leaders_of(assignment)


def group_leaders_of(assignment: Assignment) -> list[User]:
    return Recipients().group_leaders_of(assignment)


def coordinators_of(batch: Batch) -> list[User]:
    return Recipients().coordinators_of(batch)
