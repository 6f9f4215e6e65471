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
