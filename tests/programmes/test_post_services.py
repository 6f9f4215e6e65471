"""Post services: a post at a unit the coordinator manages, with sound values, only while the
batch is in planning or recruiting."""

import pytest

from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.models import AuditEvent
from guazhi.programmes.models import Post
from guazhi.programmes.services import posts as services
from tests.factories import UserFactory, grant
from tests.programmes.factories import BatchFactory, PostFactory


def post_rows() -> list[tuple]:
    return list(
        Post.objects.order_by("pk").values_list(
            "pk", "host_unit_id", "title", "capacity", "required_tags", "preferred_tags"
        )
    )


@pytest.fixture
def batch(world):  # type: ignore[no-untyped-def]
    return BatchFactory(
        coordinating_org=world.district_a, dispatching=[world.school_a], state="planning"
    )


def test_a_coordinator_adds_a_post_at_a_unit_of_its_district(world, batch) -> None:  # type: ignore[no-untyped-def]
    post = services.post_create(
        actor=world.users["coordinator"],
        batch=batch,
        host_unit=world.township_a,
        title=" 党委副书记 ",
        portfolio="工业、招商引资",
        required_tags=["招商引资"],
        preferred_tags=["乡村振兴", "产业发展"],
        capacity=2,
        rank="副科级",
    )
    post.refresh_from_db()
    assert (post.title, post.capacity, post.rank, post.leadership) == (
        "党委副书记",
        2,
        "副科级",
        True,
    )
    assert (post.required_tags, post.preferred_tags) == (["招商引资"], ["乡村振兴", "产业发展"])
    audit = AuditEvent.objects.get(action="post.create")
    assert audit.detail == {"batch": batch.name, "organisation": "白鹿镇"}


def test_each_wrong_value_is_named_and_nothing_is_saved(world, batch) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as refused:
        services.post_create(
            actor=world.users["coordinator"],
            batch=batch,
            host_unit=None,
            title="",
            capacity=0,
            rank="大官",
            required_tags=["招商引资", "乡村振兴"],
            preferred_tags=["乡村振兴", "一个特别特别特别特别特别特别长的专长名称啊"],
        )
    assert refused.value.detail == {
        "title": "挂职职务不能为空。",
        "capacity": "需求人数至少为1。",
        "rank": "挂职职务级别不在可选范围内。",
        "preferred_tags": "优先专长每项不超过20个字：一个特别特别特别特别特别特别长的专长名称啊。",
        "host_unit": "请选择接收单位。",
    }
    assert post_rows() == []


def test_a_tag_cannot_be_both_required_and_preferred(world, batch) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as refused:
        services.post_create(
            actor=world.users["coordinator"],
            batch=batch,
            host_unit=world.township_a,
            title="党委副书记",
            required_tags=["招商引资", "乡村振兴"],
            preferred_tags=["乡村振兴", "招商引资", "文旅"],
        )
    assert refused.value.detail == {
        "preferred_tags": "优先专长不能与必备专长重复：乡村振兴、招商引资。"
    }
    assert post_rows() == []


def test_a_capacity_above_the_cap_is_refused(world, batch) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as refused:
        services.post_create(
            actor=world.users["coordinator"],
            batch=batch,
            host_unit=world.township_a,
            title="党委副书记",
            capacity=100,
        )
    assert refused.value.detail == {"capacity": "需求人数不能超过99。"}


def test_a_coordinator_of_district_b_cannot_put_a_post_at_a_unit_of_district_a(world) -> None:  # type: ignore[no-untyped-def]
    actor = grant(UserFactory(username="coordinator_b"), "coordinator", world.district_b)
    batch_b = BatchFactory(
        coordinating_org=world.district_b, dispatching=[world.school_b], state="planning"
    )
    with pytest.raises(ValidationFailed) as refused:
        services.post_create(
            actor=actor, batch=batch_b, host_unit=world.township_a, title="党委副书记"
        )
    assert refused.value.detail == {"host_unit": "接收单位不在您的管辖范围内。"}
    batch_a = BatchFactory(
        coordinating_org=world.district_a, dispatching=[world.school_a], state="planning"
    )
    with pytest.raises(Forbidden):
        services.post_create(
            actor=actor, batch=batch_a, host_unit=world.township_b, title="党委副书记"
        )
    assert post_rows() == []


@pytest.mark.parametrize("role", ["dispatch_admin", "host_leader", "group_leader", "cadre"])
def test_other_roles_write_no_posts(world, batch, role) -> None:  # type: ignore[no-untyped-def]
    post = PostFactory(batch=batch, host_unit=world.township_a)
    before = post_rows()
    with pytest.raises(Forbidden):
        services.post_create(
            actor=world.users[role], batch=batch, host_unit=world.township_a, title="副镇长"
        )
    with pytest.raises(Forbidden):
        services.post_update(actor=world.users[role], post=post, title="副镇长")
    assert post_rows() == before


@pytest.mark.parametrize(
    ("state", "label"),
    [
        ("matching", "匹配中"),
        ("publicity", "公示中"),
        ("training", "岗前培训"),
        ("active", "在岗"),
        ("evaluating", "考核中"),
        ("closed", "已结束"),
    ],
)
def test_posts_are_written_only_in_planning_and_recruiting(world, state, label) -> None:  # type: ignore[no-untyped-def]
    batch = BatchFactory(
        coordinating_org=world.district_a, dispatching=[world.school_a], state=state
    )
    post = PostFactory(batch=batch, host_unit=world.township_a)
    before = post_rows()
    message = f"批次处于“{label}”阶段，岗位只能在规划中或报名中新增和修改。"
    with pytest.raises(InvalidTransition) as refused:
        services.post_create(
            actor=world.users["coordinator"],
            batch=batch,
            host_unit=world.township_a,
            title="副镇长",
        )
    assert refused.value.message == message
    with pytest.raises(InvalidTransition):
        services.post_update(actor=world.users["coordinator"], post=post, capacity=3)
    assert post_rows() == before


def test_an_edit_saves_the_changed_fields_and_audits_them(world) -> None:  # type: ignore[no-untyped-def]
    batch = BatchFactory(coordinating_org=world.district_a, dispatching=[world.school_a])
    post = PostFactory(batch=batch, host_unit=world.township_a)
    services.post_update(
        actor=world.users["coordinator"],
        post=post,
        capacity=2,
        required_tags=["基层党建"],
        leadership=False,
    )
    post.refresh_from_db()
    assert (post.capacity, post.required_tags, post.leadership) == (2, ["基层党建"], False)
    audit = AuditEvent.objects.get(action="post.update")
    assert audit.detail == {
        "changes": {
            "required_tags": [[], ["基层党建"]],
            "capacity": [1, 2],
            "leadership": [True, False],
        }
    }


def test_an_edit_that_changes_nothing_is_not_audited(world) -> None:  # type: ignore[no-untyped-def]
    batch = BatchFactory(coordinating_org=world.district_a, dispatching=[world.school_a])
    post = PostFactory(batch=batch, host_unit=world.township_a)
    services.post_update(
        actor=world.users["coordinator"], post=post, capacity=1, title="党委副书记"
    )
    assert not AuditEvent.objects.filter(action="post.update").exists()


def test_the_demo_posts_go_through_the_service_round_the_host_units(world, batch) -> None:  # type: ignore[no-untyped-def]
    created = services.demo_posts(
        actor=world.users["coordinator"], batch=batch, host_units=[world.township_a, world.school_a]
    )
    assert [(p.host_unit.name, p.title) for p in created] == [
        ("白鹿镇", "党委副书记"),
        ("浔阳区委党校", "党委委员、副镇长"),
        ("白鹿镇", "党政办副主任"),
        ("浔阳区委党校", "副镇长"),
        ("白鹿镇", "社会事务办副主任"),
        ("浔阳区委党校", "应急管理办副主任"),
    ]
    assert sum(p.capacity for p in created) == 7
    assert AuditEvent.objects.filter(action="post.create").count() == 6
