"""Creating, editing and moving units through the services, and the unit selectors."""

import pytest

from guazhi.core.errors import Forbidden, NotFound, ValidationFailed
from guazhi.core.models import AuditEvent
from guazhi.orgs import selectors, services
from guazhi.orgs.models import Organisation
from tests.factories import CadreFactory, UnitFactory


def unit_state() -> list[tuple]:
    return list(
        Organisation.objects.order_by("pk").values_list("pk", "name", "parent_id", "path", "kind")
    )


def create(world, **overrides):  # type: ignore[no-untyped-def]
    fields = {
        "name": "浔阳区财政局",
        "kind": "party_government",
        "level": "county",
        "region_name": "",
        "region_code": "",
    }
    fields.update(overrides)
    parent = fields.pop("parent", world.district_a)
    return services.unit_create(actor=world.users["coordinator"], parent=parent, **fields)


# Create ------------------------------------------------------------------------------------


def test_a_coordinator_creates_a_unit_under_its_district_with_path_pinyin_and_audit(world):  # type: ignore[no-untyped-def]
    unit = create(world, region_name="江西省九江市浔阳区", region_code="360403")
    unit.refresh_from_db()
    assert unit.parent == world.district_a
    assert unit.path == f"{world.district_a.path}{unit.pk}."
    assert unit.name_initials == "xyqczj"
    assert (unit.region_name, unit.region_code) == ("江西省九江市浔阳区", "360403")
    event = AuditEvent.objects.get(action="org.create", object_id=str(unit.pk))
    assert event.actor == world.users["coordinator"]
    assert event.detail == {"parent": "浔阳区"}


def test_a_duplicate_name_under_one_parent_is_refused_and_nothing_is_written(world):  # type: ignore[no-untyped-def]
    before, audits = unit_state(), AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        create(world, name="白鹿镇")
    assert refused.value.detail == {"name": "同一上级下已有同名单位。"}
    assert unit_state() == before
    assert AuditEvent.objects.count() == audits


def test_the_same_name_under_another_parent_is_allowed(world):  # type: ignore[no-untyped-def]
    unit = create(world, name="白鹿镇", parent=world.school_a)
    assert unit.parent == world.school_a


def test_a_bad_region_code_is_refused_with_a_message_naming_the_field(world):  # type: ignore[no-untyped-def]
    before = unit_state()
    with pytest.raises(ValidationFailed) as refused:
        create(world, region_code="36040")
    assert refused.value.detail == {"region_code": "行政区划代码应为6位数字。"}
    assert unit_state() == before


def test_missing_name_kind_and_level_are_each_named(world):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as refused:
        create(world, name="  ", kind="", level="castle", region_name="长" * 51)
    assert refused.value.detail == {
        "name": "单位名称不能为空。",
        "kind": "单位类型不能为空。",
        "level": "行政级别不在可选范围内。",
        "region_name": "行政区划名称不能超过50个字。",
    }


def test_a_coordinator_cannot_create_under_a_unit_outside_its_scope(world):  # type: ignore[no-untyped-def]
    before = unit_state()
    with pytest.raises(Forbidden):
        create(world, parent=world.district_b)
    assert unit_state() == before


def test_only_an_admin_creates_a_top_level_unit(world):  # type: ignore[no-untyped-def]
    before = unit_state()
    with pytest.raises(Forbidden) as refused:
        create(world, parent=None, name="湖州市")
    assert refused.value.message == "只有系统管理员可以创建顶级单位。"
    assert unit_state() == before
    top = services.unit_create(
        actor=world.users["admin"], parent=None, name="湖州市", kind="county", level="city"
    )
    assert (top.parent, top.path) == (None, f"{top.pk}.")


# Edit --------------------------------------------------------------------------------------


def test_editing_saves_only_what_changed_and_audits_the_changes(world):  # type: ignore[no-untyped-def]
    services.unit_update(
        actor=world.users["coordinator"],
        unit=world.township_a,
        name="白鹿镇人民政府",
        region_code="360403",
    )
    world.township_a.refresh_from_db()
    assert (world.township_a.name, world.township_a.name_initials) == ("白鹿镇人民政府", "blzrmzf")
    event = AuditEvent.objects.get(action="org.update", object_id=str(world.township_a.pk))
    assert event.detail == {
        "changes": {"name": ["白鹿镇", "白鹿镇人民政府"], "region_code": ["", "360403"]}
    }


def test_an_edit_that_changes_nothing_writes_no_audit_event(world):  # type: ignore[no-untyped-def]
    services.unit_update(actor=world.users["coordinator"], unit=world.township_a, name="白鹿镇")
    assert not AuditEvent.objects.filter(action="org.update").exists()


def test_renaming_to_a_sibling_name_is_refused(world):  # type: ignore[no-untyped-def]
    before = unit_state()
    with pytest.raises(ValidationFailed) as refused:
        services.unit_update(
            actor=world.users["coordinator"], unit=world.township_a, name="浔阳区委党校"
        )
    assert refused.value.detail == {"name": "同一上级下已有同名单位。"}
    assert unit_state() == before


def test_a_coordinator_cannot_edit_a_unit_outside_its_scope(world):  # type: ignore[no-untyped-def]
    before = unit_state()
    with pytest.raises(Forbidden):
        services.unit_update(actor=world.users["coordinator"], unit=world.township_b, name="莲花乡")
    assert unit_state() == before


# Move --------------------------------------------------------------------------------------


def test_moving_a_unit_rewrites_the_paths_of_its_whole_subtree(world):  # type: ignore[no-untyped-def]
    village = UnitFactory(name="白鹿村", kind="village", level="village", parent=world.township_a)
    group = UnitFactory(name="一组", kind="other", level="village", parent=village)
    services.unit_move(
        actor=world.users["coordinator"], unit=world.township_a, new_parent=world.school_a
    )
    for unit in (world.township_a, village, group):
        unit.refresh_from_db()
    assert world.township_a.parent == world.school_a
    assert world.township_a.path == f"{world.school_a.path}{world.township_a.pk}."
    assert village.path == f"{world.township_a.path}{village.pk}."
    assert group.path == f"{village.path}{group.pk}."
    event = AuditEvent.objects.get(action="org.move")
    assert event.detail == {"from": "浔阳区", "to": "浔阳区委党校", "subtree_size": 3}


def test_moving_a_unit_under_its_own_descendant_is_refused_and_nothing_changes(world):  # type: ignore[no-untyped-def]
    village = UnitFactory(name="白鹿村", kind="village", level="village", parent=world.township_a)
    before, audits = unit_state(), AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        services.unit_move(
            actor=world.users["coordinator"], unit=world.township_a, new_parent=village
        )
    assert refused.value.detail == {"parent": "不能把单位移动到它自己或它的下级单位之下。"}
    with pytest.raises(ValidationFailed):
        services.unit_move(
            actor=world.users["coordinator"], unit=world.township_a, new_parent=world.township_a
        )
    assert unit_state() == before
    assert AuditEvent.objects.count() == audits


def test_moving_next_to_a_unit_of_the_same_name_is_refused(world):  # type: ignore[no-untyped-def]
    UnitFactory(name="白鹿镇", kind="township", level="township", parent=world.school_a)
    before = unit_state()
    with pytest.raises(ValidationFailed) as refused:
        services.unit_move(
            actor=world.users["coordinator"], unit=world.township_a, new_parent=world.school_a
        )
    assert refused.value.detail == {"parent": "新的上级单位下已有同名单位。"}
    assert unit_state() == before


def test_a_coordinator_cannot_move_a_unit_out_of_its_scope(world):  # type: ignore[no-untyped-def]
    before = unit_state()
    with pytest.raises(Forbidden):
        services.unit_move(
            actor=world.users["coordinator"], unit=world.township_a, new_parent=world.district_b
        )
    assert unit_state() == before


# Selectors ---------------------------------------------------------------------------------


def test_the_unit_list_follows_each_role_and_finds_units_by_initials(world):  # type: ignore[no-untyped-def]
    def names(user, **kwargs):  # type: ignore[no-untyped-def]
        return [u.name for u in selectors.unit_list(actor=world.users[user], **kwargs)]

    assert names("coordinator") == ["浔阳区", "浔阳区委党校", "白鹿镇"]
    assert names("dispatch_admin") == ["浔阳区委党校"]
    assert names("host_leader") == ["白鹿镇"]
    assert names("cadre") == []
    assert names("admin", query="xyq") == ["浔阳区", "浔阳区委党校"]
    assert names("admin", query="bl") == ["白鹿镇"]
    assert names("coordinator", kind="township") == ["白鹿镇"]


def test_move_targets_leave_out_the_unit_and_its_descendants(world):  # type: ignore[no-untyped-def]
    village = UnitFactory(name="白鹿村", kind="village", level="village", parent=world.township_a)
    targets = selectors.unit_move_targets(actor=world.users["coordinator"], unit=world.township_a)
    assert [u.name for u in targets] == ["浔阳区", "浔阳区委党校"]
    assert village not in targets


def test_cadre_counts_cover_the_unit_and_its_subtree(world):  # type: ignore[no-untyped-def]
    CadreFactory(name="王五", home_unit=world.district_a)
    counts = selectors.unit_cadre_counts(actor=world.users["coordinator"], unit=world.district_a)
    assert counts == {"own": 1, "subtree": 2}  # 王五 in the district, 张三 in its party school
    # The host leader's scope is 白鹿镇 only: the district's figures are not theirs to read.
    with pytest.raises(NotFound):
        selectors.unit_cadre_counts(actor=world.users["host_leader"], unit=world.district_a)


def test_unit_history_lists_changes_field_by_field_newest_first(world):  # type: ignore[no-untyped-def]
    coordinator = world.users["coordinator"]
    unit = create(world)
    services.unit_update(actor=coordinator, unit=unit, name="浔阳区财政局机关", kind="other")
    services.unit_move(actor=coordinator, unit=unit, new_parent=world.school_a)
    history = selectors.unit_history(actor=coordinator, unit=unit)
    assert [entry.kind for entry in history] == ["修改", "修改", "创建"]
    assert [(c.label, c.old, c.new) for c in history[0].changes] == [
        ("上级单位", "浔阳区", "浔阳区委党校")
    ]
    assert [(c.label, c.old, c.new) for c in history[1].changes] == [
        ("单位名称", "浔阳区财政局", "浔阳区财政局机关"),
        ("单位类型", "党政机关", "其他"),
    ]
    assert history[2].changes == []
