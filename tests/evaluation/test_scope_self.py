"""A leader who is evaluated too: the person is known by their account, whatever roles it holds.

钱组长 leads 张三's group and is seconded himself. Put in his own group, he must still not rate
himself as its leader, and he must not see his own result before it is published."""

from guazhi.evaluation.models import RaterRole, RoundState
from guazhi.evaluation.selectors.scope import can_see_result, rater_role_for
from tests.evaluation.world import evaluation_world


def test_a_group_leader_does_not_rate_himself(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    leader = world.users["group_leader"]
    found.leader_assignment.group = found.group
    found.leader_assignment.save(update_fields=["group"])
    assert rater_role_for(actor=leader, assignment=found.evaluee_a.assignment) == (
        RaterRole.GROUP_LEADER
    )
    assert rater_role_for(actor=leader, assignment=found.leader_assignment) is None


def test_a_leader_sees_his_own_result_only_once_published(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world, state=RoundState.DECIDED)
    leader = world.users["group_leader"]
    assert not can_see_result(actor=leader, evaluee=found.evaluee_leader)
    found.round.state = RoundState.PUBLISHED
    found.round.save(update_fields=["state"])
    found.evaluee_leader.round = found.round
    assert can_see_result(actor=leader, evaluee=found.evaluee_leader)
