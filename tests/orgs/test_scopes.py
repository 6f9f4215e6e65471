"""Who sees which cadres: the roster follows the role's subtree and nothing else."""

import pytest

from guazhi.core.errors import NotFound
from guazhi.orgs import selectors


def names(queryset):  # type: ignore[no-untyped-def]
    return sorted(profile.name for profile in queryset)


def test_coordinator_sees_the_roster_of_its_district_only(world):  # type: ignore[no-untyped-def]
    assert names(selectors.cadre_list(actor=world.users["coordinator"])) == ["张三"]


def test_admin_sees_every_district(world):  # type: ignore[no-untyped-def]
    assert names(selectors.cadre_list(actor=world.users["admin"])) == ["张三", "李四"]


def test_host_leader_and_cadre_have_no_roster(world):  # type: ignore[no-untyped-def]
    assert names(selectors.cadre_list(actor=world.users["host_leader"])) == []
    assert names(selectors.cadre_list(actor=world.users["cadre"])) == []


def test_a_cadre_outside_scope_is_not_found_like_a_missing_one(world):  # type: ignore[no-untyped-def]
    coordinator = world.users["coordinator"]
    with pytest.raises(NotFound) as outside:
        selectors.access_cadre(actor=coordinator, pk=world.cadre_b.pk)
    with pytest.raises(NotFound) as missing:
        selectors.access_cadre(actor=coordinator, pk=999_999)
    assert outside.value.message == missing.value.message


def test_search_by_pinyin_initials(world):  # type: ignore[no-untyped-def]
    assert names(selectors.cadre_list(actor=world.users["admin"], query="zs")) == ["张三"]
    assert names(selectors.cadre_list(actor=world.users["admin"], query="li")) == ["李四"]
    assert names(selectors.cadre_list(actor=world.users["admin"], query="李")) == ["李四"]


def test_a_revoked_role_stops_working_on_the_next_request(world, client):  # type: ignore[no-untyped-def]
    from django.urls import reverse

    from guazhi.orgs import services
    from guazhi.orgs.models import RoleAssignment

    coordinator = world.users["coordinator"]
    client.force_login(coordinator)
    assert client.get(reverse("orgs:cadre_list")).status_code == 200  # scopes now cached

    grant = RoleAssignment.objects.get(user=coordinator)
    services.role_revoke(actor=world.users["admin"], assignment=grant)

    assert client.get(reverse("orgs:cadre_list")).status_code == 403


def test_moving_a_unit_moves_the_scope_of_those_holding_roles_over_it(world, client):  # type: ignore[no-untyped-def]
    from django.urls import reverse

    from guazhi.orgs import services

    dispatch_admin = world.users["dispatch_admin"]  # holds its role over 浔阳区委党校
    client.force_login(dispatch_admin)
    detail = reverse("orgs:cadre_detail", kwargs={"cadre_pk": world.cadre_a.pk})
    assert client.get(detail).status_code == 200  # scopes now cached with the old path

    services.unit_move(actor=world.users["admin"], unit=world.school_a, new_parent=world.district_b)

    assert client.get(detail).status_code == 200
    dispatch_admin.refresh_from_db()  # as the next request would load it
    assert [p.name for p in selectors.cadre_list(actor=dispatch_admin)] == ["张三"]


@pytest.mark.postgres
def test_postgresql_has_prefix_indexes_for_subtree_and_initials_searches(db):  # type: ignore[no-untyped-def]
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%%varchar_pattern_ops%%'"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert {"orgs_org_path_prefix", "orgs_cadre_initials_prefix"} <= names
