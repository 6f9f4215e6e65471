"""Who sees which batch and which assignment (programmes/selectors/scope.py)."""

import pytest

from guazhi.core.errors import NotFound
from guazhi.orgs.models import RoleAssignment
from guazhi.orgs.scopes import grants_changed
from guazhi.programmes.selectors.scope import (
    access_batch,
    assignment_queryset,
    batch_queryset,
    can_manage_batch,
)
from tests.factories import CadreFactory, UserFactory
from tests.programmes.factories import BatchFactory, PostFactory, assign
from tests.programmes.world import programme_world


def batch_names(actor) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(batch.name for batch in batch_queryset(actor))


@pytest.mark.parametrize(
    "role", ["coordinator", "dispatch_admin", "host_leader", "group_leader", "cadre"]
)
def test_every_role_of_district_a_sees_batch_a_and_not_batch_b(world, role):  # type: ignore[no-untyped-def]
    programme_world(world)
    assert batch_names(world.users[role]) == ["2027年浔阳区挂职干部"]


def test_admin_sees_every_batch(world):  # type: ignore[no-untyped-def]
    programme_world(world)
    assert batch_names(world.users["admin"]) == ["2027年浔阳区挂职干部", "2027年濂溪区挂职干部"]


def test_a_cadre_sees_a_call_only_once_its_notice_is_published(world):  # type: ignore[no-untyped-def]
    unpublished = BatchFactory(
        name="未发布通知的批次", coordinating_org=world.district_a, dispatching=[world.school_a]
    )
    assert batch_names(world.users["cadre"]) == []
    assert batch_names(world.users["coordinator"]) == [unpublished.name]


def test_a_host_leader_sees_a_batch_only_through_a_post_at_their_unit(world):  # type: ignore[no-untyped-def]
    batch = BatchFactory(
        name="另一批次", coordinating_org=world.district_b, dispatching=[world.school_b]
    )
    host = world.users["host_leader"]
    assert batch_names(host) == []
    PostFactory(batch=batch, host_unit=world.township_a)
    assert batch_names(host) == ["另一批次"]
    # Seeing is not managing: only coordinators over the coordinating unit manage a batch.
    assert not can_manage_batch(actor=host, batch=batch)
    with pytest.raises(NotFound):
        access_batch(actor=host, pk=batch.pk, manage=True)


def test_a_batch_limited_grant_reaches_that_batch_only(world):  # type: ignore[no-untyped-def]
    found = programme_world(world)
    other = BatchFactory(
        name="同区另一批次", coordinating_org=world.district_a, dispatching=[world.school_a]
    )
    leader = UserFactory(username="leader-of-a")
    RoleAssignment.objects.create(
        user=leader, role="group_leader", organisation=world.district_a, batch=found.batch_a
    )
    grants_changed(user_ids=[leader.pk])
    leader.refresh_from_db()
    assert batch_names(leader) == [found.batch_a.name]
    # A grant over the district without a batch reaches both.
    assert batch_names(world.users["group_leader"]) == sorted([found.batch_a.name, other.name])
    # Granted for the batch but leading no group yet: nobody's record.
    assert list(assignment_queryset(leader)) == []
    # The world's group leader holds the role over district A without a batch: all of A.
    assert [a.pk for a in assignment_queryset(world.users["group_leader"])] == [
        found.assignment_a.pk
    ]


def test_a_batch_limited_coordinator_manages_that_batch_only_and_no_units(world):  # type: ignore[no-untyped-def]
    from guazhi.orgs import selectors as org_selectors

    found = programme_world(world)
    other = BatchFactory(
        name="同区另一批次", coordinating_org=world.district_a, dispatching=[world.school_a]
    )
    limited = UserFactory(username="limited")
    RoleAssignment.objects.create(
        user=limited, role="coordinator", organisation=world.district_a, batch=found.batch_a
    )
    grants_changed(user_ids=[limited.pk])
    limited.refresh_from_db()
    assert can_manage_batch(actor=limited, batch=found.batch_a)
    assert not can_manage_batch(actor=limited, batch=other)
    # A grant limited to a batch reaches that batch's records, not the unit tree or roster.
    assert list(org_selectors.unit_list(actor=limited)) == []
    assert list(org_selectors.cadre_list(actor=limited)) == []


def test_assignments_by_role(world):  # type: ignore[no-untyped-def]
    found = programme_world(world)
    elsewhere = assign(
        PostFactory(batch=found.batch_a, host_unit=world.township_b),
        CadreFactory(name="吴刚", home_unit=world.school_b),
    )

    def seen(role: str) -> list[str]:
        return sorted(a.cadre.name for a in assignment_queryset(world.users[role]))

    assert seen("coordinator") == ["吴刚", "陈明"]  # the whole batch A
    assert seen("dispatch_admin") == ["陈明"]  # from 浔阳区委党校
    assert seen("host_leader") == ["陈明"]  # serving at 白鹿镇
    assert seen("cadre") == []  # only their own, and 张三 has none
    assert seen("admin") == ["吴刚", "周亮", "陈明"]
    assert elsewhere.pk not in [a.pk for a in assignment_queryset(world.users["host_leader"])]
