"""Batch pages: the list each role sees, the form, the overview with its moves and timeline."""

import datetime as dt

import pytest
from django.urls import reverse

from guazhi.programmes.models import Batch, BatchEvent
from guazhi.programmes.services import batches as services
from tests.factories import CadreFactory
from tests.pages import as_user, field_error, page
from tests.programmes.factories import BatchFactory, PostFactory, assign
from tests.programmes.world import programme_world


def form_data(world, **changes):  # type: ignore[no-untyped-def]
    return {
        "name": "2027年浔阳区第二批下派挂职干部",
        "direction": "down",
        "full_time": "on",
        "term_start": "2027-03-01",
        "term_end": "2028-02-29",
        "coordinating_org": str(world.district_a.pk),
        "dispatching_orgs": [str(world.school_a.pk)],
        "co_managing_org": "",
        "supervising_org": "",
        "max_age": "40",
        "min_rank": "",
        "max_rank": "",
        "min_education": "大学本科",
        "exclude_serving": "on",
        "require_dispatching_home": "on",
        "max_choices": "5",
        "max_per_dispatch_at_host": "2",
        "max_leadership_per_host": "2",
        "max_levels_above": "0",
        "min_women": "1",
        "min_minority": "0",
        "min_non_party": "0",
        "publicity_working_days": "5",
    } | changes


def batch_state() -> list[tuple]:
    return list(Batch.objects.order_by("pk").values_list("pk", "name", "state", "term_end"))


# The list ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["admin", "coordinator", "dispatch_admin", "host_leader", "group_leader", "cadre"]
)
def test_each_role_lists_the_batches_it_sees(world, client, role) -> None:  # type: ignore[no-untyped-def]
    found = programme_world(world)
    body = page(as_user(client, world, role).get(reverse("programmes:batch_list")))
    assert found.batch_a.name in body
    assert (found.batch_b.name in body) is (role == "admin")
    assert ("新建批次" in body) is (role in ("admin", "coordinator"))


def test_the_list_counts_posts_capacity_and_people_newest_first(world, client) -> None:  # type: ignore[no-untyped-def]
    found = programme_world(world)
    PostFactory(batch=found.batch_a, host_unit=world.township_a, capacity=3)
    assign(found.post_a, CadreFactory(home_unit=world.school_a), state="cancelled")
    newer = BatchFactory(
        name="2028年浔阳区挂职干部", coordinating_org=world.district_a, dispatching=[world.school_a]
    )
    body = page(as_user(client, world, "coordinator").get(reverse("programmes:batch_list")))
    assert "共 2 个批次" in body
    assert body.index(newer.name) < body.index(found.batch_a.name)
    row = body[body.index(found.batch_a.name) :]
    assert (
        '<td data-label="岗位数" class="num">2</td>\n'
        '      <td data-label="需求人数" class="num">4</td>\n'
        '      <td data-label="挂职人员" class="num">1</td>'
    ) in row
    assert "2027年3月1日 至 2028年2月29日" in row


def test_the_list_filters_by_state(world, client) -> None:  # type: ignore[no-untyped-def]
    found = programme_world(world)
    BatchFactory(
        name="规划中的批次",
        coordinating_org=world.district_a,
        dispatching=[world.school_a],
        state="planning",
    )
    client = as_user(client, world, "coordinator")
    body = page(client.get(reverse("programmes:batch_list"), {"state": "planning"}))
    assert "共 1 个批次" in body and "规划中的批次" in body
    assert found.batch_a.name not in body
    # An unknown state is no filter at all.
    body = page(client.get(reverse("programmes:batch_list"), {"state": "nonsense"}))
    assert "共 2 个批次" in body


def test_an_htmx_filter_returns_only_the_results(world, client) -> None:  # type: ignore[no-untyped-def]
    programme_world(world)
    response = as_user(client, world, "coordinator").get(
        reverse("programmes:batch_list"), {"state": "recruiting"}, HTTP_HX_REQUEST="true"
    )
    body = page(response)
    assert "共 1 个批次" in body
    assert "<html" not in body and "新建批次" not in body


def test_the_list_costs_the_same_queries_for_many_batches(
    world, client, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for n in range(12):
        batch = BatchFactory(
            name=f"批次{n}", coordinating_org=world.district_a, dispatching=[world.school_a]
        )
        PostFactory(batch=batch, host_unit=world.township_a)
    client = as_user(client, world, "coordinator")
    client.get(reverse("programmes:batch_list"))  # session and scopes warmed
    with django_assert_max_num_queries(8):
        body = page(client.get(reverse("programmes:batch_list")))
    assert "共 12 个批次" in body


# Creating and editing ----------------------------------------------------------------------


def test_the_form_offers_only_the_units_the_coordinator_manages(world, client) -> None:  # type: ignore[no-untyped-def]
    body = page(as_user(client, world, "coordinator").get(reverse("programmes:batch_create")))
    assert f'<option value="{world.school_a.pk}">' in body
    assert f'<option value="{world.school_b.pk}">' not in body
    # The only unit on top of this coordinator's tree is chosen for them.
    assert f'<option value="{world.district_a.pk}" selected>浔阳区</option>' in body
    # Above the district: offered as supervising unit only.
    assert body.count(f'<option value="{world.city.pk}">') == 2
    assert "默认5个：每人最多按志愿顺序填报的岗位数，1至10。" in body


def test_a_coordinator_creates_a_batch_from_the_form(world, client) -> None:  # type: ignore[no-untyped-def]
    response = as_user(client, world, "coordinator").post(
        reverse("programmes:batch_create"), form_data(world, supervising_org=str(world.city.pk))
    )
    batch = Batch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:batch_detail", kwargs={"batch_pk": batch.pk})
    assert (batch.state, batch.max_age, batch.min_education, batch.min_women) == (
        "planning",
        40,
        "大学本科",
        1,
    )
    assert (batch.supervising_org, list(batch.dispatching_orgs.all())) == (
        world.city,
        [world.school_a],
    )


def test_the_form_shows_the_services_messages_beside_the_fields(world, client) -> None:  # type: ignore[no-untyped-def]
    response = as_user(client, world, "coordinator").post(
        reverse("programmes:batch_create"),
        form_data(world, name="", term_end="2027-01-01", dispatching_orgs=[], max_choices=""),
    )
    body = page(response)
    assert response.status_code == 400
    assert field_error("name", "批次名称不能为空。") in body
    assert field_error("term_end", "挂职结束日期应晚于开始日期。") in body
    assert field_error("dispatching_orgs", "请至少选择一个派出单位。") in body
    assert field_error("max_choices", "可填报岗位数不能为空。") in body
    assert Batch.objects.count() == 0


def test_a_unit_outside_the_coordinators_scope_is_refused_by_the_form(world, client) -> None:  # type: ignore[no-untyped-def]
    response = as_user(client, world, "coordinator").post(
        reverse("programmes:batch_create"),
        form_data(world, coordinating_org=str(world.district_b.pk)),
    )
    assert response.status_code == 400
    assert field_error("coordinating_org", "组织协调单位不存在或不在您的管辖范围内。") in page(
        response
    )
    assert Batch.objects.count() == 0


def test_the_edit_form_shows_the_batch_and_saves_changes(world, client) -> None:  # type: ignore[no-untyped-def]
    found = programme_world(world)
    client = as_user(client, world, "coordinator")
    url = reverse("programmes:batch_edit", kwargs={"batch_pk": found.batch_a.pk})
    body = page(client.get(url))
    assert f'value="{found.batch_a.name}"' in body
    assert f'<option value="{world.school_a.pk}" selected>' in body
    response = client.post(url, form_data(world, name="2027年浔阳区挂职干部（调整）"))
    assert response.status_code == 302
    found.batch_a.refresh_from_db()
    assert found.batch_a.name == "2027年浔阳区挂职干部（调整）"
    assert found.batch_a.max_age == 40


# The overview, moves and timeline ----------------------------------------------------------


def test_the_overview_shows_parties_term_settings_and_figures(world, client) -> None:  # type: ignore[no-untyped-def]
    found = programme_world(world)
    url = reverse("programmes:batch_detail", kwargs={"batch_pk": found.batch_a.pk})
    body = page(as_user(client, world, "cadre").get(url))
    assert "<dt>组织协调单位</dt><dd>浔阳区</dd>" in body
    assert '<span class="tag">浔阳区委党校</span>' in body
    assert "2027年3月1日 至 2028年2月29日" in body
    assert '<span class="value">1</span><span class="label">岗位数</span>' in body
    assert "<dt>可填报岗位数</dt><dd>5</dd>" in body
    assert "<dt>可高挂级数</dt><dd>不高挂</dd>" in body
    # A cadre reads the batch; nothing to change or move.
    assert "推进批次" not in body and "编辑批次" not in body


def test_the_coordinator_sees_the_moves_with_what_still_blocks_them(world, client) -> None:  # type: ignore[no-untyped-def]
    batch = BatchFactory(coordinating_org=world.district_a, dispatching=[world.school_a])
    url = reverse("programmes:batch_detail", kwargs={"batch_pk": batch.pk})
    body = page(as_user(client, world, "coordinator").get(url))
    assert (
        '<button type="submit" name="to_state" value="planning" class="primary">退回规划</button>'
        in body
    )
    assert (
        '<button type="submit" name="to_state" value="matching" disabled>结束报名，进入匹配</button>'
        in body
    )
    assert "“结束报名，进入匹配”暂不可用：批次还没有岗位，请先新增或导入岗位。" in body
    assert 'name="reason"' in body


def test_a_move_with_its_reason_shows_on_the_page_and_timeline(world, client) -> None:  # type: ignore[no-untyped-def]
    batch = BatchFactory(coordinating_org=world.district_a, dispatching=[world.school_a])
    PostFactory(batch=batch, host_unit=world.township_a)
    client = as_user(client, world, "coordinator")
    response = client.post(
        reverse("programmes:batch_transition", kwargs={"batch_pk": batch.pk}),
        {"to_state": "matching", "reason": "报名已截止，共12人报名"},
    )
    detail = reverse("programmes:batch_detail", kwargs={"batch_pk": batch.pk})
    assert response.status_code == 302 and response["Location"] == detail
    batch.refresh_from_db()
    assert batch.state == "matching"
    body = page(client.get(detail))
    assert "批次已转为“匹配中”。" in body
    assert "原因：报名已截止，共12人报名" in body
    assert "由 组织部王科长 从“报名中”转入" in body
    assert "<strong>状态变更</strong>\n      \n      “报名中” → “匹配中”" in body


def test_a_move_without_a_reason_is_shown_again_with_the_message(world, client) -> None:  # type: ignore[no-untyped-def]
    batch = BatchFactory(coordinating_org=world.district_a, dispatching=[world.school_a])
    response = as_user(client, world, "coordinator").post(
        reverse("programmes:batch_transition", kwargs={"batch_pk": batch.pk}),
        {"to_state": "planning", "reason": ""},
    )
    assert response.status_code == 400
    assert field_error("reason", "请填写状态变更的原因。") in page(response)
    assert Batch.objects.get(pk=batch.pk).state == "recruiting"
    assert not BatchEvent.objects.filter(batch=batch).exists()


def test_a_refused_move_comes_back_as_a_message_and_changes_nothing(world, client) -> None:  # type: ignore[no-untyped-def]
    batch = BatchFactory(coordinating_org=world.district_a, dispatching=[world.school_a])
    client = as_user(client, world, "coordinator")
    response = client.post(
        reverse("programmes:batch_transition", kwargs={"batch_pk": batch.pk}),
        {"to_state": "closed", "reason": "跳过"},
        follow=True,
    )
    assert "批次不能从“报名中”转为“已结束”。" in page(response)
    assert Batch.objects.get(pk=batch.pk).state == "recruiting"


def test_the_timeline_lists_every_event_with_who_and_when(world, client) -> None:  # type: ignore[no-untyped-def]
    actor = world.users["coordinator"]
    batch = services.batch_create(
        actor=actor,
        dispatching_orgs=[world.school_a],
        name="2027年测试批次",
        coordinating_org=world.district_a,
        direction="down",
        term_start=dt.date(2027, 3, 1),
        term_end=dt.date(2028, 2, 29),
    )
    services.batch_update(actor=actor, batch=batch, min_women=1)
    url = reverse("programmes:batch_detail", kwargs={"batch_pk": batch.pk})
    body = page(as_user(client, world, "dispatch_admin").get(url))
    assert body.count("· 组织部王科长</span>") == 2
    assert "<strong>修改批次信息</strong>" in body and "<div>女干部最少人数</div>" in body
    assert "<strong>创建批次</strong>" in body
