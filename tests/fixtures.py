"""Shared fixtures: a small world of two districts, with one account per role in district A."""

from dataclasses import dataclass

import pytest


@dataclass
class World:
    """Two districts under one city. Roles are held over district A; district B is outside."""

    city: object
    org_department: object
    district_a: object
    district_b: object
    school_a: object
    township_a: object
    school_b: object
    township_b: object
    cadre_a: object
    cadre_b: object
    users: dict


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    from tests.factories import CadreFactory, UnitFactory, UserFactory, grant

    city = UnitFactory(
        name="江州市", kind="county", level="city", parent=None, region_code="360400"
    )
    org_department = UnitFactory(
        name="江州市委组织部", kind="organisation_department", level="city", parent=city
    )
    district_a = UnitFactory(
        name="浔阳区", kind="county", level="county", parent=city, region_code="360403"
    )
    district_b = UnitFactory(
        name="濂溪区", kind="county", level="county", parent=city, region_code="360402"
    )
    school_a = UnitFactory(
        name="浔阳区委党校", kind="party_school", level="county", parent=district_a
    )
    township_a = UnitFactory(name="白鹿镇", kind="township", level="township", parent=district_a)
    school_b = UnitFactory(
        name="濂溪区委党校", kind="party_school", level="county", parent=district_b
    )
    township_b = UnitFactory(name="莲花镇", kind="township", level="township", parent=district_b)
    cadre_user = UserFactory(username="cadre", full_name="张三")
    cadre_a = CadreFactory(name="张三", home_unit=school_a, user=cadre_user)
    cadre_b = CadreFactory(name="李四", home_unit=school_b)
    users = {
        "admin": UserFactory(username="admin", full_name="管理员", is_superuser=True),
        "coordinator": grant(
            UserFactory(username="coordinator", full_name="组织部王科长"), "coordinator", district_a
        ),
        "dispatch_admin": grant(
            UserFactory(username="dispatch", full_name="党校李老师"), "dispatch_admin", school_a
        ),
        "host_leader": grant(
            UserFactory(username="host", full_name="白鹿镇赵书记"), "host_leader", township_a
        ),
        "group_leader": grant(
            UserFactory(username="groupleader", full_name="组长钱"), "group_leader", district_a
        ),
        "cadre": grant(cadre_user, "cadre", school_a),
    }
    return World(
        city,
        org_department,
        district_a,
        district_b,
        school_a,
        township_a,
        school_b,
        township_b,
        cadre_a,
        cadre_b,
        users,
    )
