"""The shared evaluation world is what its docstring says (other areas' tests rely on it)."""

from guazhi.evaluation.models import GradeScheme, RaterRole, RoundState
from guazhi.evaluation.selectors.scope import evaluee_queryset, rater_role_for, round_queryset
from tests.evaluation.world import evaluation_world


def test_the_world_round_has_two_people_rated_by_each_role(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    assert found.round.state == RoundState.OPEN
    assert [(e.assignment.cadre.name, e.scheme) for e in found.round.evaluees.order_by("id")] == [
        ("张三", GradeScheme.CIVIL_SERVANT),
        ("钱组长", GradeScheme.INSTITUTION),
    ]
    assert found.round.criteria.count() == 5
    assert found.round.thresholds.count() == 9
    roles = {
        name: rater_role_for(actor=world.users[name], assignment=found.duty.serving_a)
        for name in ("host_leader", "dispatch_admin", "group_leader", "coordinator", "cadre")
    }
    assert roles == {
        "host_leader": RaterRole.HOST_LEADERSHIP,
        "dispatch_admin": RaterRole.DISPATCH,
        "group_leader": RaterRole.GROUP_LEADER,
        "coordinator": None,
        "cadre": None,
    }
    assert (
        rater_role_for(actor=world.users["group_leader"], assignment=found.leader_assignment)
        is None
    )
    assert list(round_queryset(world.users["cadre"])) == [found.round]
    assert list(evaluee_queryset(world.users["cadre"])) == [found.evaluee_a]
    assert found.round_b not in round_queryset(world.users["coordinator"])
