"""The unit pages: who may open them, what they show, and the writes they make."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guazhi.core.models import AuditEvent
from guazhi.orgs.models import Organisation
from tests.factories import UnitFactory
from tests.pages import as_user, field_error, page

READERS = ("admin", "coordinator", "dispatch_admin", "host_leader")


def unit_state() -> list[tuple]:
    return list(
        Organisation.objects.order_by("pk").values_list(
            "pk", "name", "kind", "region_code", "parent_id", "path"
        )
    )


NEW_UNIT = {
    "name": "浔阳区财政局",
    "kind": "party_government",
    "level": "county",
    "region_name": "",
    "region_code": "360403",
}


# The list ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"), [(r, 200) for r in READERS] + [("group_leader", 403), ("cadre", 403)]
)
def test_the_unit_list_opens_for_unit_readers_only(world, client, role, status):  # type: ignore[no-untyped-def]
    assert as_user(client, world, role).get(reverse("orgs:unit_list")).status_code == status


def test_the_unit_list_sends_anonymous_visitors_to_log_in(world, client):  # type: ignore[no-untyped-def]
    response = client.get(reverse("orgs:unit_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_coordinator_sees_its_district_as_an_indented_tree(world, client):  # type: ignore[no-untyped-def]
    body = page(as_user(client, world, "coordinator").get(reverse("orgs:unit_list")))
    assert "共 3 个单位" in body
    assert "濂溪区" not in body and "莲花镇" not in body
    # The district is the top of this coordinator's tree; its units sit one step in.
    district_url = reverse("orgs:unit_detail", kwargs={"unit_pk": world.district_a.pk})
    district_link = f'<a href="{district_url}">浔阳区</a>'
    assert f'<td data-label="单位名称">{district_link}' in body
    assert (
        '└&nbsp;</span><a href="'
        + reverse("orgs:unit_detail", kwargs={"unit_pk": world.township_a.pk})
        in body
    )
    assert "新增单位" in body


def test_readers_who_do_not_manage_units_see_no_create_button(world, client):  # type: ignore[no-untyped-def]
    body = page(as_user(client, world, "dispatch_admin").get(reverse("orgs:unit_list")))
    assert "共 1 个单位" in body and "浔阳区委党校" in body
    assert "新增单位" not in body


def test_the_unit_list_finds_units_by_pinyin_initials_and_kind(world, client):  # type: ignore[no-untyped-def]
    client = as_user(client, world, "coordinator")
    body = page(client.get(reverse("orgs:unit_list"), {"q": "bl"}))
    assert "共 1 个单位" in body and "白鹿镇" in body
    assert "浔阳区委党校" not in body
    body = page(client.get(reverse("orgs:unit_list"), {"kind": "party_school"}))
    assert "共 1 个单位" in body and "浔阳区委党校" in body


def test_an_htmx_search_returns_only_the_results_block(world, client):  # type: ignore[no-untyped-def]
    response = as_user(client, world, "coordinator").get(
        reverse("orgs:unit_list"), {"q": "xyq"}, HTTP_HX_REQUEST="true"
    )
    body = page(response)
    assert response.status_code == 200
    assert body.lstrip().startswith('<p class="muted">共 2 个单位</p>')
    assert "<html" not in body and 'role="search"' not in body and "新增单位" not in body


def test_the_unit_list_costs_the_same_queries_for_three_units_or_thirty(world, client):  # type: ignore[no-untyped-def]
    client = as_user(client, world, "coordinator")
    client.get(reverse("orgs:unit_list"))  # the first request of a session also loads the session
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("orgs:unit_list"))
    for n in range(27):
        UnitFactory(name=f"村{n}", kind="village", level="village", parent=world.township_a)
    with CaptureQueriesContext(connection) as many:
        body = page(client.get(reverse("orgs:unit_list")))
    assert "共 30 个单位" in body
    assert len(many) == len(few)


# The detail page ---------------------------------------------------------------------------


def test_the_detail_page_shows_fields_ancestors_children_and_cadre_count(world, client):  # type: ignore[no-untyped-def]
    body = page(
        as_user(client, world, "coordinator").get(
            reverse("orgs:unit_detail", kwargs={"unit_pk": world.district_a.pk})
        )
    )
    assert "<h1>浔阳区</h1>" in body
    assert "<dd>360403</dd>" in body
    # 江州市 is outside this coordinator's scope: named in the breadcrumb, but not a link.
    assert "<span>江州市</span>" in body
    assert "下级单位（2 个）" in body and "白鹿镇" in body and "浔阳区委党校" in body
    assert "本单位 0 人，含下级单位共 1 人" in body
    assert reverse("orgs:unit_edit", kwargs={"unit_pk": world.district_a.pk}) in body
    assert reverse("orgs:unit_move", kwargs={"unit_pk": world.district_a.pk}) in body


def test_a_host_leader_reads_its_unit_but_gets_no_edit_links(world, client):  # type: ignore[no-untyped-def]
    response = as_user(client, world, "host_leader").get(
        reverse("orgs:unit_detail", kwargs={"unit_pk": world.township_a.pk})
    )
    assert response.status_code == 200
    assert reverse("orgs:unit_edit", kwargs={"unit_pk": world.township_a.pk}) not in page(response)


@pytest.mark.parametrize(
    ("role", "unit"),
    [
        ("coordinator", "township_b"),
        ("host_leader", "district_a"),
        ("dispatch_admin", "township_a"),
    ],
)
def test_a_unit_outside_scope_is_not_found(world, client, role, unit):  # type: ignore[no-untyped-def]
    url = reverse("orgs:unit_detail", kwargs={"unit_pk": getattr(world, unit).pk})
    assert as_user(client, world, role).get(url).status_code == 404


def test_the_detail_page_shows_the_history_of_changes_with_who_made_them(world, client):  # type: ignore[no-untyped-def]
    client = as_user(client, world, "coordinator")
    client.post(
        reverse("orgs:unit_edit", kwargs={"unit_pk": world.township_a.pk}),
        {**NEW_UNIT, "name": "白鹿镇人民政府", "kind": "township", "level": "township"},
    )
    body = page(client.get(reverse("orgs:unit_detail", kwargs={"unit_pk": world.township_a.pk})))
    assert '<td data-label="操作人">组织部王科长</td>' in body
    assert "单位名称：白鹿镇 → 白鹿镇人民政府" in body
    assert "行政区划代码：— → 360403" in body


# Create ------------------------------------------------------------------------------------


def test_a_coordinator_creates_a_unit_and_it_is_audited(world, client):  # type: ignore[no-untyped-def]
    response = as_user(client, world, "coordinator").post(
        reverse("orgs:unit_create"), {**NEW_UNIT, "parent": world.district_a.pk}
    )
    unit = Organisation.objects.get(name="浔阳区财政局")
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:unit_detail", kwargs={"unit_pk": unit.pk})
    assert (unit.parent, unit.region_code) == (world.district_a, "360403")
    assert (
        AuditEvent.objects.filter(
            action="org.create", object_id=str(unit.pk), actor=world.users["coordinator"]
        ).count()
        == 1
    )


def test_the_create_form_offers_only_units_the_coordinator_manages(world, client):  # type: ignore[no-untyped-def]
    body = page(
        as_user(client, world, "coordinator").get(
            reverse("orgs:unit_create"), {"parent": world.township_a.pk}
        )
    )
    assert f'<option value="{world.township_a.pk}" selected>　白鹿镇</option>' in body
    assert "濂溪区" not in body and "江州市" not in body


def test_a_bad_region_code_is_shown_on_its_field_and_nothing_is_created(world, client):  # type: ignore[no-untyped-def]
    before = unit_state()
    response = as_user(client, world, "coordinator").post(
        reverse("orgs:unit_create"),
        {**NEW_UNIT, "region_code": "3604", "kind": "", "parent": world.district_a.pk},
    )
    body = page(response)
    assert response.status_code == 200
    assert field_error("region_code", "行政区划代码应为6位数字。") in body
    assert field_error("kind", "单位类型不能为空。") in body
    assert unit_state() == before


def test_a_duplicate_name_is_shown_on_the_name_field(world, client):  # type: ignore[no-untyped-def]
    before = unit_state()
    response = as_user(client, world, "coordinator").post(
        reverse("orgs:unit_create"), {**NEW_UNIT, "name": "白鹿镇", "parent": world.district_a.pk}
    )
    assert field_error("name", "同一上级下已有同名单位。") in page(response)
    assert unit_state() == before


def test_a_parent_outside_scope_or_none_is_refused_to_a_coordinator(world, client):  # type: ignore[no-untyped-def]
    client = as_user(client, world, "coordinator")
    before = unit_state()
    outside = page(
        client.post(reverse("orgs:unit_create"), {**NEW_UNIT, "parent": world.district_b.pk})
    )
    assert "上级单位不存在或不在您的管辖范围内。" in outside
    missing = page(client.post(reverse("orgs:unit_create"), {**NEW_UNIT, "parent": ""}))
    assert "请选择上级单位。" in missing
    assert unit_state() == before


def test_an_admin_may_create_a_top_level_unit(world, client):  # type: ignore[no-untyped-def]
    response = as_user(client, world, "admin").post(
        reverse("orgs:unit_create"), {**NEW_UNIT, "name": "湖州市", "level": "city", "parent": ""}
    )
    assert response.status_code == 302
    assert Organisation.objects.get(name="湖州市").parent is None


@pytest.mark.parametrize("role", ["dispatch_admin", "host_leader", "group_leader", "cadre"])
def test_only_unit_managers_may_create_units(world, client, role):  # type: ignore[no-untyped-def]
    client = as_user(client, world, role)
    before = unit_state()
    assert client.get(reverse("orgs:unit_create")).status_code == 403
    assert (
        client.post(
            reverse("orgs:unit_create"), {**NEW_UNIT, "parent": world.township_a.pk}
        ).status_code
        == 403
    )
    assert unit_state() == before


# Edit --------------------------------------------------------------------------------------


def test_a_coordinator_edits_a_unit_and_it_is_audited(world, client):  # type: ignore[no-untyped-def]
    url = reverse("orgs:unit_edit", kwargs={"unit_pk": world.school_a.pk})
    client = as_user(client, world, "coordinator")
    assert 'value="浔阳区委党校"' in page(client.get(url))
    response = client.post(
        url,
        {
            "name": "中共浔阳区委党校",
            "kind": "party_school",
            "level": "county",
            "region_name": "",
            "region_code": "",
        },
    )
    assert response.status_code == 302
    world.school_a.refresh_from_db()
    assert world.school_a.name == "中共浔阳区委党校"
    event = AuditEvent.objects.get(action="org.update")
    assert event.detail == {"changes": {"name": ["浔阳区委党校", "中共浔阳区委党校"]}}


def test_the_edit_form_shows_service_errors_per_field(world, client):  # type: ignore[no-untyped-def]
    before = unit_state()
    url = reverse("orgs:unit_edit", kwargs={"unit_pk": world.school_a.pk})
    body = page(
        as_user(client, world, "coordinator").post(
            url, {"name": "", "kind": "party_school", "level": "palace"}
        )
    )
    assert field_error("name", "单位名称不能为空。") in body
    assert field_error("level", "行政级别不在可选范围内。") in body
    assert unit_state() == before


@pytest.mark.parametrize(
    ("role", "status"), [("dispatch_admin", 403), ("host_leader", 403), ("coordinator", 404)]
)
def test_editing_is_refused_to_readers_and_outside_scope(world, client, role, status):  # type: ignore[no-untyped-def]
    unit = (
        world.township_b
        if role == "coordinator"
        else {"dispatch_admin": world.school_a, "host_leader": world.township_a}[role]
    )
    before = unit_state()
    response = as_user(client, world, role).post(
        reverse("orgs:unit_edit", kwargs={"unit_pk": unit.pk}), {**NEW_UNIT, "name": "改名"}
    )
    assert response.status_code == status
    assert unit_state() == before
    assert not AuditEvent.objects.filter(action="org.update").exists()


# Move --------------------------------------------------------------------------------------


def test_the_move_form_offers_only_units_outside_the_moved_subtree(world, client):  # type: ignore[no-untyped-def]
    body = page(
        as_user(client, world, "coordinator").get(
            reverse("orgs:unit_move", kwargs={"unit_pk": world.township_a.pk})
        )
    )
    assert f'<option value="{world.district_a.pk}" selected>浔阳区</option>' in body
    assert f'<option value="{world.school_a.pk}">　浔阳区委党校</option>' in body
    assert f'<option value="{world.township_a.pk}"' not in body


def test_a_coordinator_moves_a_unit_with_its_subtree_and_it_is_audited(world, client):  # type: ignore[no-untyped-def]
    village = UnitFactory(name="白鹿村", kind="village", level="village", parent=world.township_a)
    url = reverse("orgs:unit_move", kwargs={"unit_pk": world.township_a.pk})
    response = as_user(client, world, "coordinator").post(url, {"parent": world.school_a.pk})
    assert response.status_code == 302
    world.township_a.refresh_from_db()
    village.refresh_from_db()
    assert world.township_a.parent == world.school_a
    assert village.path == f"{world.school_a.path}{world.township_a.pk}.{village.pk}."
    assert AuditEvent.objects.get(action="org.move").detail == {
        "from": "浔阳区",
        "to": "浔阳区委党校",
        "subtree_size": 2,
    }


def test_moving_under_a_descendant_is_refused_with_a_chinese_message(world, client):  # type: ignore[no-untyped-def]
    village = UnitFactory(name="白鹿村", kind="village", level="village", parent=world.township_a)
    client = as_user(client, world, "coordinator")
    before, audits = unit_state(), AuditEvent.objects.count()
    url = reverse("orgs:unit_move", kwargs={"unit_pk": world.township_a.pk})
    response = client.post(url, {"parent": village.pk})
    assert response.status_code == 200
    assert field_error("parent", "不能把单位移动到它自己或它的下级单位之下。") in page(response)
    assert unit_state() == before
    assert AuditEvent.objects.count() == audits


def test_moving_to_a_unit_outside_scope_is_refused(world, client):  # type: ignore[no-untyped-def]
    before = unit_state()
    url = reverse("orgs:unit_move", kwargs={"unit_pk": world.township_a.pk})
    response = as_user(client, world, "coordinator").post(url, {"parent": world.district_b.pk})
    assert "新的上级单位不存在或不在您的管辖范围内。" in page(response)
    assert unit_state() == before


@pytest.mark.parametrize(
    ("role", "status"), [("dispatch_admin", 403), ("host_leader", 403), ("coordinator", 404)]
)
def test_moving_is_refused_to_readers_and_outside_scope(world, client, role, status):  # type: ignore[no-untyped-def]
    unit = world.township_b if role == "coordinator" else world.township_a
    before = unit_state()
    response = as_user(client, world, role).post(
        reverse("orgs:unit_move", kwargs={"unit_pk": unit.pk}), {"parent": world.school_a.pk}
    )
    assert response.status_code == status
    assert unit_state() == before
