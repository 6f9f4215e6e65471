"""Groups through the services: members, leader and deputy, and the group-leader role they get."""

from dataclasses import dataclass

import pytest

from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.models import AuditEvent
from guazhi.orgs.models import RoleAssignment, User
from guazhi.programmes.models import Assignment, Batch, BatchEvent, Group, TrainingAttendance
from guazhi.programmes.selectors.scope import assignment_queryset
from guazhi.programmes.services.groups import group_create, group_update, serving_demo
from tests.factories import CadreFactory, UserFactory, grant
from tests.programmes.factories import PostFactory, assign
from tests.programmes.world import programme_world


@dataclass
class People:
    batch: Batch
    chen: Assignment  # 陈明: approved, no account
    zhang: Assignment  # 张三: approved, the world's cadre account
    liu: Assignment  # 刘洋: approved, account "liuyang"
    wang: Assignment  # 王芳: only proposed
    outside: Assignment  # 周亮 of batch_b


def people(world, batch_state: str = "training") -> People:  # type: ignore[no-untyped-def]
    found = programme_world(world)
    Batch.objects.filter(pk=found.batch_a.pk).update(state=batch_state)
    Assignment.objects.filter(pk=found.assignment_a.pk).update(state="approved")
    post = PostFactory(
        batch=found.batch_a, host_unit=world.township_a, title="镇长助理", capacity=3
    )
    liu = CadreFactory(
        name="刘洋",
        home_unit=world.school_a,
        user=UserFactory(username="liuyang", full_name="刘洋"),
    )
    grant(liu.user, "cadre", world.school_a)
    return People(
        batch=Batch.objects.get(pk=found.batch_a.pk),
        chen=Assignment.objects.get(pk=found.assignment_a.pk),
        zhang=assign(post, world.cadre_a, state="approved"),
        liu=assign(post, liu, state="approved"),
        wang=assign(post, CadreFactory(name="王芳", home_unit=world.school_a)),
        outside=found.assignment_b,
    )


def leader_grants() -> list[tuple]:
    return list(
        RoleAssignment.objects.filter(role="group_leader", batch__isnull=False)
        .order_by("user__username")
        .values_list("user__username", "organisation__name", "batch__name", "granted_by__username")
    )


def state() -> tuple:
    return (
        list(Group.objects.order_by("pk").values_list("pk", "name", "leader_id", "deputy_id")),
        list(Assignment.objects.order_by("pk").values_list("pk", "group_id")),
        leader_grants(),
        AuditEvent.objects.count(),
        BatchEvent.objects.count(),
    )


def fresh(user: User) -> User:
    """The account as the next request loads it: cached scopes are not carried over."""
    return User.objects.get(pk=user.pk)


def test_a_group_is_created_and_its_leader_and_deputy_get_the_group_leader_role(world):  # type: ignore[no-untyped-def]
    p = people(world)
    coordinator = world.users["coordinator"]
    versions = {u.username: u.roles_version for u in User.objects.all()}
    group, grants = group_create(
        actor=coordinator,
        batch=p.batch,
        name=" 第一组 ",
        members=[p.chen, p.zhang, p.liu],
        leader=p.zhang,
        deputy=p.liu,
    )
    assert (group.name, group.leader, group.deputy) == ("第一组", p.zhang, p.liu)
    assert sorted(Assignment.objects.filter(group=group).values_list("cadre__name", flat=True)) == [
        "刘洋",
        "张三",
        "陈明",
    ]
    assert [u.username for u in grants.granted] == ["cadre", "liuyang"]
    assert (grants.revoked, grants.without_account) == ([], [])
    assert leader_grants() == [
        ("cadre", "浔阳区", "2027年浔阳区挂职干部", "coordinator"),
        ("liuyang", "浔阳区", "2027年浔阳区挂职干部", "coordinator"),
    ]
    # Their cached scopes are invalidated, so the role works from their next request on.
    assert fresh(world.users["cadre"]).roles_version == versions["cadre"] + 1
    assert User.objects.get(username="liuyang").roles_version == versions["liuyang"] + 1
    granted = AuditEvent.objects.filter(action="role.grant").order_by("pk")
    assert [event.detail for event in granted] == [
        {
            "user": "cadre",
            "role": "group_leader",
            "organisation": "浔阳区",
            "batch": "2027年浔阳区挂职干部",
        },
        {
            "user": "liuyang",
            "role": "group_leader",
            "organisation": "浔阳区",
            "batch": "2027年浔阳区挂职干部",
        },
    ]
    created = AuditEvent.objects.get(action="group.create")
    assert created.detail == {
        "members": ["陈明", "张三", "刘洋"],
        "leader": "张三",
        "deputy": "刘洋",
    }
    assert BatchEvent.objects.get(kind="group_create").note == "建立小组“第一组”，3人。"


def test_a_leader_without_an_account_is_reported_and_given_nothing(world):  # type: ignore[no-untyped-def]
    p = people(world)
    _group, grants = group_create(
        actor=world.users["coordinator"],
        batch=p.batch,
        name="第一组",
        members=[p.chen, p.liu],
        leader=p.chen,
    )
    assert grants.without_account == [p.chen]
    assert grants.granted == []
    assert leader_grants() == []


@pytest.mark.parametrize(
    ("case", "error", "message"),
    [
        ("no-name", ValidationFailed, {"name": "请填写小组名称。"}),
        ("same-name", ValidationFailed, {"name": "本批次已有名为“第一组”的小组。"}),
        (
            "proposed-member",
            ValidationFailed,
            {"members": "王芳不是本批次已批准或在岗的人员，不能编入小组。"},
        ),
        (
            "other-batch",
            ValidationFailed,
            {"members": "周亮不是本批次已批准或在岗的人员，不能编入小组。"},
        ),
        (
            "in-another-group",
            ValidationFailed,
            {"members": "刘洋（第一组）已在其他小组，每人只能在一个小组。"},
        ),
        ("leader-not-member", ValidationFailed, {"leader": "组长须从本组组员中选定。"}),
        ("deputy-is-leader", ValidationFailed, {"deputy": "副组长不能与组长为同一人。"}),
        (
            "batch-recruiting",
            InvalidTransition,
            "批次“2027年浔阳区挂职干部”当前为“报名中”，不能建立小组；岗前培训和在岗阶段才可以。",
        ),
        ("host-leader", Forbidden, "只有组织部门可以建立小组。"),
    ],
)
def test_group_creation_is_refused_and_nothing_changes(world, case, error, message):  # type: ignore[no-untyped-def]
    p = people(world)
    group_create(actor=world.users["coordinator"], batch=p.batch, name="第一组", members=[p.liu])
    arguments = {
        "actor": world.users["coordinator"],
        "batch": p.batch,
        "name": "第二组",
        "members": [p.zhang],
        "leader": None,
        "deputy": None,
    }
    arguments.update(
        {
            "no-name": {"name": "  "},
            "same-name": {"name": "第一组"},
            "proposed-member": {"members": [p.zhang, p.wang]},
            "other-batch": {"members": [p.outside]},
            "in-another-group": {"members": [p.zhang, p.liu]},
            "leader-not-member": {"leader": p.chen},
            "deputy-is-leader": {"leader": p.zhang, "deputy": p.zhang},
            "host-leader": {"actor": world.users["host_leader"]},
        }.get(case, {})
    )
    if case == "batch-recruiting":
        Batch.objects.filter(pk=p.batch.pk).update(state="recruiting")
    before = state()
    with pytest.raises(error) as refused:
        group_create(**arguments)
    if isinstance(message, dict):
        assert refused.value.detail == message
    else:
        assert refused.value.message == message
    assert state() == before


def test_a_new_leader_gets_the_role_and_the_old_one_loses_it(world):  # type: ignore[no-untyped-def]
    p = people(world)
    coordinator = world.users["coordinator"]
    group, _ = group_create(
        actor=coordinator, batch=p.batch, name="第一组", members=[p.zhang, p.liu], leader=p.zhang
    )
    version = fresh(world.users["cadre"]).roles_version
    group, grants = group_update(
        actor=coordinator,
        group=group,
        name="第一组",
        members=[p.zhang, p.liu],
        leader=p.liu,
        deputy=None,
    )
    assert [u.username for u in grants.revoked] == ["cadre"]
    assert [u.username for u in grants.granted] == ["liuyang"]
    assert leader_grants() == [("liuyang", "浔阳区", "2027年浔阳区挂职干部", "coordinator")]
    assert fresh(world.users["cadre"]).roles_version == version + 1
    revoked = AuditEvent.objects.get(action="role.revoke")
    assert revoked.detail == {
        "user": "cadre",
        "role": "group_leader",
        "organisation": "浔阳区",
        "batch": "2027年浔阳区挂职干部",
    }
    updated = AuditEvent.objects.get(action="group.update")
    assert updated.detail == {
        "changes": {"leader": ["张三 · 白鹿镇 镇长助理", "刘洋 · 白鹿镇 镇长助理"]},
        "added": [],
        "removed": [],
    }


def test_a_leader_moved_to_deputy_of_another_group_loses_then_regains_the_role(world):  # type: ignore[no-untyped-def]
    """A person is in one group at most, so leading "another group" means moving: the role
    follows what they lead after each save."""
    p = people(world)
    coordinator = world.users["coordinator"]
    first, _ = group_create(
        actor=coordinator, batch=p.batch, name="第一组", members=[p.zhang], leader=p.zhang
    )
    second, _ = group_create(
        actor=coordinator, batch=p.batch, name="第二组", members=[p.liu, p.chen], leader=p.liu
    )
    _group, grants = group_update(
        actor=coordinator, group=first, name="第一组", members=[], leader=None, deputy=None
    )
    assert [u.username for u in grants.revoked] == ["cadre"]
    assert [g[0] for g in leader_grants()] == ["liuyang"]
    _group, grants = group_update(
        actor=coordinator,
        group=second,
        name="第二组",
        members=[p.liu, p.chen, p.zhang],
        leader=p.liu,
        deputy=p.zhang,
    )
    assert ([u.username for u in grants.granted], grants.revoked) == (["cadre"], [])
    assert [g[0] for g in leader_grants()] == ["cadre", "liuyang"]


def test_a_group_leader_role_granted_by_hand_is_left_alone(world):  # type: ignore[no-untyped-def]
    p = people(world)
    coordinator = world.users["coordinator"]
    by_hand = RoleAssignment.objects.create(
        user=world.users["cadre"], role="group_leader", organisation=world.district_a
    )
    group, _ = group_create(
        actor=coordinator, batch=p.batch, name="第一组", members=[p.zhang], leader=p.zhang
    )
    group_update(
        actor=coordinator, group=group, name="第一组", members=[], leader=None, deputy=None
    )
    assert RoleAssignment.objects.filter(pk=by_hand.pk).exists()
    assert leader_grants() == []


def test_members_leave_the_group_when_taken_off_the_list(world):  # type: ignore[no-untyped-def]
    p = people(world)
    coordinator = world.users["coordinator"]
    group, _ = group_create(
        actor=coordinator, batch=p.batch, name="第一组", members=[p.zhang, p.liu]
    )
    group_update(
        actor=coordinator,
        group=group,
        name="第一小组",
        members=[p.liu, p.chen],
        leader=None,
        deputy=None,
    )
    assert dict(
        Assignment.objects.filter(batch=p.batch).values_list("cadre__name", "group__name")
    ) == {
        "陈明": "第一小组",
        "张三": None,
        "刘洋": "第一小组",
        "王芳": None,
    }
    updated = AuditEvent.objects.get(action="group.update")
    assert updated.detail["added"] == ["陈明"] and updated.detail["removed"] == ["张三"]
    assert updated.detail["changes"] == {"name": ["第一组", "第一小组"]}
    # Each person's own history says which group they joined or left.
    assert p.zhang.history.first().group_id is None
    assert p.chen.history.first().group_id == group.pk


def test_group_leaders_then_see_their_members_and_stop_when_they_stop_leading(world):  # type: ignore[no-untyped-def]
    p = people(world)
    coordinator = world.users["coordinator"]
    account = world.users["cadre"]

    def seen() -> set[str]:
        return set(assignment_queryset(fresh(account)).values_list("cadre__name", flat=True))

    assert seen() == {"张三"}  # a cadre sees their own record only
    group, _ = group_create(
        actor=coordinator, batch=p.batch, name="第一组", members=[p.zhang, p.chen], leader=p.zhang
    )
    assert {"张三", "陈明"} <= seen()
    assert "周亮" not in seen()  # never another batch's people
    group_update(
        actor=coordinator, group=group, name="第一组", members=[p.chen], leader=None, deputy=None
    )
    assert seen() == {"张三"}


def test_the_demo_reports_everyone_for_duty_forms_groups_and_holds_training(world):  # type: ignore[no-untyped-def]
    p = people(world)
    made = serving_demo(actor=world.users["coordinator"], batch=p.batch, group_size=2)
    assert made == {"reported": 3, "groups": 2, "sessions": 2}
    groups = Group.objects.filter(batch=p.batch).order_by("pk")
    assert [(g.name, g.leader.cadre.name) for g in groups] == [
        ("第一组", "陈明"),
        ("第二组", "张三"),
    ]
    assert set(Assignment.objects.filter(batch=p.batch).values_list("cadre__name", "state")) == {
        ("陈明", "active"),
        ("刘洋", "active"),
        ("张三", "active"),
        ("王芳", "proposed"),
    }
    assert TrainingAttendance.objects.filter(status="present").count() == 6
