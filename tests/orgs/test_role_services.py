"""Granting and revoking roles through the services, and the role selectors."""

import pytest

from guazhi.core.errors import Forbidden, NotFound, ValidationFailed
from guazhi.core.models import AuditEvent
from guazhi.orgs import selectors, services
from guazhi.orgs.models import RoleAssignment
from guazhi.orgs.scopes import scopes_of
from tests.factories import UserFactory, grant


def assignments() -> list[tuple]:
    return list(
        RoleAssignment.objects.order_by("pk").values_list(
            "pk", "user_id", "role", "organisation_id"
        )
    )


def test_a_coordinator_grants_a_role_inside_its_scope_and_it_is_audited(world):  # type: ignore[no-untyped-def]
    coordinator, person = world.users["coordinator"], UserFactory(username="liu", full_name="刘六")
    assignment = services.role_grant(
        actor=coordinator, user=person, role="host_leader", organisation=world.township_a
    )
    assert (assignment.user, assignment.role, assignment.organisation, assignment.granted_by) == (
        person,
        "host_leader",
        world.township_a,
        coordinator,
    )
    event = AuditEvent.objects.get(action="role.grant", object_id=str(assignment.pk))
    assert event.actor == coordinator
    assert event.detail == {"user": "liu", "role": "host_leader", "organisation": "白鹿镇"}
    assert scopes_of(person).covers(world.township_a.path, ["host_leader"])


@pytest.mark.parametrize(
    ("role", "unit", "message"),
    [
        ("host_leader", "township_b", "该单位不在您的管辖范围内，不能在此授权。"),
        ("admin", "district_a", "只有系统管理员可以授予系统管理员角色。"),
    ],
    ids=["outside-its-scope", "the-admin-role"],
)
def test_a_coordinator_cannot_grant_outside_its_scope_nor_the_admin_role(  # type: ignore[no-untyped-def]
    world, role: str, unit: str, message: str
):
    person = UserFactory(username="liu")
    before, audits = assignments(), AuditEvent.objects.count()
    with pytest.raises(Forbidden) as refused:
        services.role_grant(
            actor=world.users["coordinator"],
            user=person,
            role=role,
            organisation=getattr(world, unit),
        )
    assert refused.value.message == message
    assert assignments() == before
    assert AuditEvent.objects.count() == audits


def test_granting_to_a_disabled_account_or_twice_is_refused(world):  # type: ignore[no-untyped-def]
    coordinator = world.users["coordinator"]
    disabled = UserFactory(username="gone", is_active=False)
    before = assignments()
    with pytest.raises(ValidationFailed) as refused:
        services.role_grant(
            actor=coordinator, user=disabled, role="cadre", organisation=world.school_a
        )
    assert refused.value.detail == {"user": "该账号已停用，不能授权。"}
    with pytest.raises(ValidationFailed) as twice:
        services.role_grant(
            actor=coordinator,
            user=world.users["host_leader"],
            role="host_leader",
            organisation=world.township_a,
        )
    assert twice.value.message == "该账号已在此范围内拥有该角色。"
    assert assignments() == before


def test_a_coordinator_revokes_a_role_inside_its_scope_and_it_is_audited(world):  # type: ignore[no-untyped-def]
    coordinator = world.users["coordinator"]
    assignment = RoleAssignment.objects.get(user=world.users["host_leader"])
    services.role_revoke(actor=coordinator, assignment=assignment)
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    event = AuditEvent.objects.get(action="role.revoke")
    assert (event.actor, event.object_id) == (coordinator, str(assignment.pk))
    assert event.detail == {"user": "host", "role": "host_leader", "organisation": "白鹿镇"}


def test_a_coordinator_cannot_revoke_outside_its_scope_nor_its_own_coordinator_role(world):  # type: ignore[no-untyped-def]
    coordinator = world.users["coordinator"]
    outsider = grant(UserFactory(username="outsider"), "host_leader", world.township_b)
    before, audits = assignments(), AuditEvent.objects.count()
    with pytest.raises(Forbidden):
        services.role_revoke(
            actor=coordinator, assignment=RoleAssignment.objects.get(user=outsider)
        )
    with pytest.raises(ValidationFailed) as own:
        services.role_revoke(
            actor=coordinator, assignment=RoleAssignment.objects.get(user=coordinator)
        )
    assert own.value.message == "不能撤销自己的管理角色，请由其他管理员操作。"
    assert assignments() == before
    assert AuditEvent.objects.count() == audits


def test_the_assignment_list_shows_only_the_coordinators_subtree(world):  # type: ignore[no-untyped-def]
    grant(UserFactory(username="outsider"), "host_leader", world.township_b)
    listed = selectors.role_assignment_list(actor=world.users["coordinator"])
    assert sorted(a.user.username for a in listed) == [
        "cadre",
        "coordinator",
        "dispatch",
        "groupleader",
        "host",
    ]
    by_role = selectors.role_assignment_list(actor=world.users["coordinator"], role="host_leader")
    assert [a.user.username for a in by_role] == ["host"]
    by_name = selectors.role_assignment_list(actor=world.users["coordinator"], query="赵书记")
    assert [a.user.username for a in by_name] == ["host"]
    assert len(selectors.role_assignment_list(actor=world.users["admin"])) == 6


def test_an_assignment_outside_scope_is_not_found_like_a_missing_one(world):  # type: ignore[no-untyped-def]
    outsider = grant(UserFactory(username="outsider"), "host_leader", world.township_b)
    with pytest.raises(NotFound) as outside:
        selectors.access_role_assignment(
            actor=world.users["coordinator"], pk=RoleAssignment.objects.get(user=outsider).pk
        )
    with pytest.raises(NotFound) as missing:
        selectors.access_role_assignment(actor=world.users["coordinator"], pk=999_999)
    assert outside.value.message == missing.value.message


def test_revoke_is_offered_only_where_the_service_would_allow_it(world):  # type: ignore[no-untyped-def]
    coordinator = world.users["coordinator"]
    admin_here = grant(UserFactory(username="deputyadmin"), "admin", world.district_a)

    def offered(actor, user):  # type: ignore[no-untyped-def]
        return selectors.can_revoke_role(
            actor=actor, assignment=RoleAssignment.objects.get(user=user)
        )

    assert offered(coordinator, world.users["host_leader"]) is True
    assert offered(coordinator, coordinator) is False
    assert offered(coordinator, admin_here) is False
    assert offered(world.users["admin"], admin_here) is True


def test_user_choices_find_active_accounts_by_name_or_username(world):  # type: ignore[no-untyped-def]
    UserFactory(username="zhao2", full_name="赵书记", is_active=False)
    found = selectors.user_choices_for(actor=world.users["coordinator"], query="赵书记")
    assert [u.username for u in found] == ["host"]
    assert [
        u.username
        for u in selectors.user_choices_for(actor=world.users["coordinator"], query="dispat")
    ] == ["dispatch"]


def test_a_grant_for_one_batch_does_not_stand_in_for_a_grant_over_all_batches(world):  # type: ignore[no-untyped-def]
    from tests.programmes.world import programme_world

    batch = programme_world(world).batch_a
    person = UserFactory(username="zhou", full_name="周七")
    RoleAssignment.objects.create(
        user=person, role="group_leader", organisation=world.district_a, batch=batch
    )
    granted = services.role_grant(
        actor=world.users["coordinator"],
        user=person,
        role="group_leader",
        organisation=world.district_a,
    )
    assert granted.batch is None
    assert RoleAssignment.objects.filter(user=person).count() == 2
