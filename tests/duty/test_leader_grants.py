"""Leading a group opens its members' records only with the group-leader role for that batch:
a grant left over for another batch (groups changed, the role moved) opens nothing here, for
reading the records nor for being reminded about them."""

from guazhi.duty.selectors.recipients import group_leaders_of
from guazhi.duty.selectors.scope import duty_assignment_queryset
from guazhi.orgs.models import RoleAssignment
from guazhi.orgs.scopes import grants_changed
from guazhi.programmes.models import Group
from tests.duty.world import duty_world
from tests.factories import CadreFactory, UserFactory
from tests.programmes.factories import PostFactory, assign


def _group_led_by(world, batch_for_grant):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    leader_user = UserFactory(username="leader.li", full_name="李明")
    leader_cadre = CadreFactory(name="李明", home_unit=world.school_a, user=leader_user)
    leading = assign(
        PostFactory(batch=found.batch_a, host_unit=world.township_a),
        leader_cadre,
        "active",
        start_date=found.serving_a.start_date,
    )
    group = Group.objects.create(batch=found.batch_a, name="第一组", leader=leading)
    found.serving_a.group = group
    found.serving_a.save(update_fields=["group"])
    RoleAssignment.objects.create(
        user=leader_user,
        role="group_leader",
        organisation=world.district_a,
        batch=batch_for_grant,
    )
    grants_changed(user_ids=[leader_user.pk])
    leader_user.refresh_from_db()
    return found, leader_user


def test_a_leader_with_the_role_for_the_batch_follows_the_group(world) -> None:  # type: ignore[no-untyped-def]
    found, leader = _group_led_by(world, duty_world(world).batch_a)
    assert found.serving_a in duty_assignment_queryset(leader)
    assert duty_assignment_queryset(leader, leaders_only=True).filter(pk=found.serving_a.pk)
    # With the world's group leader, whose grant over district A is for no one batch.
    assert [user.username for user in group_leaders_of(found.serving_a)] == [
        "leader.li",
        "groupleader",
    ]


def test_a_grant_left_for_another_batch_opens_nothing(world) -> None:  # type: ignore[no-untyped-def]
    found, leader = _group_led_by(world, duty_world(world).batch_b)
    assert not duty_assignment_queryset(leader).filter(pk=found.serving_a.pk).exists()
    assert [user.username for user in group_leaders_of(found.serving_a)] == ["groupleader"]
