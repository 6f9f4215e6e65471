"""Post pages: who reads which posts of a batch, and the form coordinators write them with."""

import pytest
from django.urls import reverse

from guazhi.programmes.models import Post
from tests.factories import UnitFactory
from tests.pages import as_user, field_error, page
from tests.programmes.factories import BatchFactory, PostFactory
from tests.programmes.world import programme_world


def post_rows() -> list[tuple]:
    return list(
        Post.objects.order_by("pk").values_list(
            "pk", "host_unit_id", "title", "capacity", "required_tags", "preferred_tags"
        )
    )


def form_data(world, **changes):  # type: ignore[no-untyped-def]
    return {
        "host_unit": str(world.township_a.pk),
        "title": "党委委员、副镇长",
        "portfolio": "农业农村",
        "duties": "协助分管乡村振兴工作",
        "required_tags": "乡村振兴",
        "preferred_tags": "农业技术、 电商，文旅",
        "capacity": "2",
        "rank": "副科级",
        "leadership": "on",
        "location": "白鹿镇政府",
    } | changes


@pytest.fixture
def other_township(world):  # type: ignore[no-untyped-def]
    return UnitFactory(name="新港镇", kind="township", level="township", parent=world.district_a)


def list_url(batch) -> str:  # type: ignore[no-untyped-def]
    return reverse("programmes:post_list", kwargs={"batch_pk": batch.pk})


# The list ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "sees_both"),
    [
        ("admin", True),
        ("coordinator", True),
        ("dispatch_admin", True),
        ("group_leader", True),
        ("cadre", True),
        ("host_leader", False),
    ],
)
def test_host_leaders_see_the_posts_of_their_units_and_the_others_all(
    world, client, other_township, role, sees_both
) -> None:  # type: ignore[no-untyped-def]
    found = programme_world(world)
    PostFactory(batch=found.batch_a, host_unit=other_township, title="镇长助理")
    body = page(as_user(client, world, role).get(list_url(found.batch_a)))
    assert '<td data-label="接收单位">白鹿镇' in body
    assert ("镇长助理" in body) is sees_both
    assert ("共 2 个岗位，需求 2 人" if sees_both else "共 1 个岗位，需求 1 人") in body


def test_the_list_shows_tags_capacity_rank_and_the_leadership_flag(world, client) -> None:  # type: ignore[no-untyped-def]
    found = programme_world(world)
    Post.objects.filter(pk=found.post_a.pk).update(
        required_tags=["招商引资"], preferred_tags=["乡村振兴"], capacity=3, leadership=False
    )
    body = page(as_user(client, world, "cadre").get(list_url(found.batch_a)))
    assert '<span class="tag" title="必备专长">必备·招商引资</span>' in body
    assert '<span class="tag muted" title="优先专长">乡村振兴</span>' in body
    assert '<td data-label="需求人数" class="num">3</td>' in body
    assert '<td data-label="职务级别">副科级</td>' in body
    assert '<td data-label="进入领导班子">否</td>' in body
    assert "<summary>岗位职责</summary>协助做好招商引资和产业发展工作" in body
    # Cadres read; the buttons are the coordinators'.
    assert "新增岗位" not in body and "编辑</a>" not in body


def test_coordinators_get_the_buttons_only_while_posts_may_change(world, client) -> None:  # type: ignore[no-untyped-def]
    found = programme_world(world)
    client = as_user(client, world, "coordinator")
    body = page(client.get(list_url(found.batch_a)))
    assert "新增岗位" in body and "从Excel导入" in body
    edit = reverse("programmes:post_edit", kwargs={"post_pk": found.post_a.pk})
    assert f'<a href="{edit}">编辑</a>' in body
    found.batch_a.state = "matching"
    found.batch_a.save(update_fields=["state"])
    body = page(client.get(list_url(found.batch_a)))
    assert "新增岗位" not in body and f'<a href="{edit}">' not in body


def test_the_post_list_costs_the_same_queries_for_many_posts(
    world, client, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    found = programme_world(world)
    for n in range(20):
        PostFactory(batch=found.batch_a, host_unit=world.township_a, title=f"岗位{n}")
    client = as_user(client, world, "coordinator")
    client.get(list_url(found.batch_a))
    with django_assert_max_num_queries(10):
        body = page(client.get(list_url(found.batch_a)))
    assert "共 21 个岗位" in body


# The form ----------------------------------------------------------------------------------


def test_a_coordinator_adds_a_post_with_tags_typed_as_text(world, client) -> None:  # type: ignore[no-untyped-def]
    found = programme_world(world)
    response = as_user(client, world, "coordinator").post(
        reverse("programmes:post_create", kwargs={"batch_pk": found.batch_a.pk}), form_data(world)
    )
    assert response.status_code == 302
    assert response["Location"] == list_url(found.batch_a)
    post = Post.objects.get(title="党委委员、副镇长")
    assert (post.required_tags, post.preferred_tags) == (["乡村振兴"], ["农业技术", "电商", "文旅"])
    assert (post.capacity, post.rank, post.leadership, post.host_unit) == (
        2,
        "副科级",
        True,
        world.township_a,
    )


def test_save_and_add_another_comes_back_to_an_empty_form(world, client) -> None:  # type: ignore[no-untyped-def]
    found = programme_world(world)
    url = reverse("programmes:post_create", kwargs={"batch_pk": found.batch_a.pk})
    response = as_user(client, world, "coordinator").post(url, form_data(world, again="1"))
    assert response.status_code == 302 and response["Location"] == url


def test_the_form_names_each_problem_beside_its_field(world, client) -> None:  # type: ignore[no-untyped-def]
    found = programme_world(world)
    before = post_rows()
    response = as_user(client, world, "coordinator").post(
        reverse("programmes:post_create", kwargs={"batch_pk": found.batch_a.pk}),
        form_data(world, title="", capacity="0", preferred_tags="乡村振兴、电商"),
    )
    body = page(response)
    assert response.status_code == 400
    assert field_error("title", "挂职职务不能为空。") in body
    assert field_error("capacity", "需求人数至少为1。") in body
    assert field_error("preferred_tags", "优先专长不能与必备专长重复：乡村振兴。") in body
    assert post_rows() == before


def test_a_host_unit_outside_the_coordinators_units_is_not_offered_nor_accepted(
    world, client
) -> None:  # type: ignore[no-untyped-def]
    found = programme_world(world)
    client = as_user(client, world, "coordinator")
    url = reverse("programmes:post_create", kwargs={"batch_pk": found.batch_a.pk})
    assert f'<option value="{world.township_b.pk}">' not in page(client.get(url))
    before = post_rows()
    response = client.post(url, form_data(world, host_unit=str(world.township_b.pk)))
    assert field_error("host_unit", "接收单位不存在或不在您的管辖范围内。") in page(response)
    assert post_rows() == before


def test_the_edit_form_shows_tags_as_text_and_saves_changes(world, client) -> None:  # type: ignore[no-untyped-def]
    found = programme_world(world)
    client = as_user(client, world, "coordinator")
    url = reverse("programmes:post_edit", kwargs={"post_pk": found.post_a.pk})
    body = page(client.get(url))
    assert 'name="preferred_tags" value="招商引资"' in body
    response = client.post(url, form_data(world, title="党委副书记", required_tags="招商引资"))
    assert response.status_code == 302
    found.post_a.refresh_from_db()
    assert (found.post_a.required_tags, found.post_a.capacity) == (["招商引资"], 2)


def test_once_matching_began_the_form_says_why_and_saves_nothing(world, client) -> None:  # type: ignore[no-untyped-def]
    batch = BatchFactory(
        coordinating_org=world.district_a, dispatching=[world.school_a], state="matching"
    )
    client = as_user(client, world, "coordinator")
    url = reverse("programmes:post_create", kwargs={"batch_pk": batch.pk})
    message = "批次处于“匹配中”阶段，岗位只能在规划中或报名中新增和修改。"
    assert message in page(client.get(url))
    response = client.post(url, form_data(world))
    assert response.status_code == 400
    assert message in page(response)
    assert post_rows() == []
