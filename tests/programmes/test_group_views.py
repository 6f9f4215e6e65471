"""The group pages: the list for the batch's staff, creating and editing for coordinators."""

from django.urls import reverse

from guazhi.orgs.models import RoleAssignment
from guazhi.programmes.models import Assignment, Batch, Group
from tests.factories import CadreFactory, UserFactory
from tests.pages import as_user, field_error, page
from tests.programmes.factories import PostFactory, assign
from tests.programmes.world import programme_world


def serving(world, batch_state: str = "training") -> tuple[Batch, Assignment, Assignment]:  # type: ignore[no-untyped-def]
    """batch_a with 陈明 (no account) and 刘洋 (account "liuyang") approved."""
    found = programme_world(world)
    Batch.objects.filter(pk=found.batch_a.pk).update(state=batch_state)
    Assignment.objects.filter(pk=found.assignment_a.pk).update(state="approved")
    post = PostFactory(batch=found.batch_a, host_unit=world.township_a, title="镇长助理")
    liu = CadreFactory(
        name="刘洋",
        home_unit=world.school_a,
        user=UserFactory(username="liuyang", full_name="刘洋"),
    )
    return (
        Batch.objects.get(pk=found.batch_a.pk),
        Assignment.objects.get(pk=found.assignment_a.pk),
        assign(post, liu, state="approved"),
    )


def list_url(batch: Batch) -> str:
    return reverse("programmes:group_list", kwargs={"batch_pk": batch.pk})


def create_url(batch: Batch) -> str:
    return reverse("programmes:group_create", kwargs={"batch_pk": batch.pk})


def test_a_coordinator_creates_a_group_and_the_page_says_who_got_the_role(world, client):  # type: ignore[no-untyped-def]
    batch, chen, liu = serving(world)
    client = as_user(client, world, "coordinator")
    form = page(client.get(create_url(batch)))
    assert "陈明（浔阳区委党校 → 白鹿镇 党委副书记）" in form
    assert "陈明（无系统账号）" in form  # offered as leader, with the warning
    response = client.post(
        create_url(batch),
        {"name": "第一组", "members": [chen.pk, liu.pk], "leader": liu.pk, "deputy": chen.pk},
    )
    assert response.status_code == 302 and response["Location"] == list_url(batch)
    body = page(client.get(list_url(batch)))
    assert "小组“第一组”已保存。" in body
    assert "已授予刘洋本批次的组长角色。" in body
    assert "陈明没有系统账号，未能授予组长角色；为其开通账号后重新保存本小组即可。" in body
    assert '<h2>第一组 <span class="badge">2人</span></h2>' in body
    assert RoleAssignment.objects.filter(
        user__username="liuyang", role="group_leader", batch=batch
    ).exists()


def test_a_refused_group_shows_the_reason_on_the_field(world, client):  # type: ignore[no-untyped-def]
    batch, chen, liu = serving(world)
    response = as_user(client, world, "coordinator").post(
        create_url(batch), {"name": "第一组", "members": [liu.pk], "leader": chen.pk}
    )
    assert response.status_code == 200
    assert field_error("leader", "组长须从本组组员中选定。") in page(response)
    assert Group.objects.count() == 0


def test_editing_a_group_moves_the_role_to_the_new_leader(world, client):  # type: ignore[no-untyped-def]
    batch, chen, liu = serving(world)
    chen.cadre.user = UserFactory(username="chenming", full_name="陈明")
    chen.cadre.save(update_fields=["user"])
    client = as_user(client, world, "coordinator")
    client.post(
        create_url(batch), {"name": "第一组", "members": [chen.pk, liu.pk], "leader": liu.pk}
    )
    group = Group.objects.get()
    edit_url = reverse("programmes:group_edit", kwargs={"group_pk": group.pk})
    form = page(client.get(edit_url))
    assert 'value="第一组"' in form
    client.post(edit_url, {"name": "第一组", "members": [chen.pk, liu.pk], "leader": chen.pk})
    body = page(client.get(list_url(batch)))
    assert "已授予陈明本批次的组长角色。" in body
    assert "已撤销刘洋本批次的组长角色。" in body
    holders = RoleAssignment.objects.filter(role="group_leader", batch=batch)
    assert list(holders.values_list("user__username", flat=True)) == ["chenming"]


def test_staff_read_the_groups_and_only_coordinators_may_change_them(world, client):  # type: ignore[no-untyped-def]
    batch, chen, liu = serving(world)
    group = Group.objects.create(batch=batch, name="第一组", leader=liu)
    Assignment.objects.filter(pk__in=[chen.pk, liu.pk]).update(group=group)
    body = page(as_user(client, world, "host_leader").get(list_url(batch)))
    assert "第一组" in body and "刘洋" in body and "陈明" in body
    assert create_url(batch) not in body and "编辑" not in body
    client.logout()
    body = page(as_user(client, world, "coordinator").get(list_url(batch)))
    assert create_url(batch) in body
    assert reverse("programmes:group_edit", kwargs={"group_pk": group.pk}) in body


def test_outside_the_serving_stages_groups_cannot_be_created(world, client):  # type: ignore[no-untyped-def]
    batch, _chen, liu = serving(world, batch_state="publicity")
    client = as_user(client, world, "coordinator")
    assert create_url(batch) not in page(client.get(list_url(batch)))
    response = client.post(create_url(batch), {"name": "第一组", "members": [liu.pk]})
    assert response.status_code == 200
    assert (
        "批次“2027年浔阳区挂职干部”当前为“公示中”，不能建立小组；岗前培训和在岗阶段才可以。"
        in page(response)
    )
    assert Group.objects.count() == 0
