"""The batch tabs: each role sees the tabs it may open, and every tab opens."""

from guazhi.programmes.navigation import batch_tabs
from tests.programmes.world import programme_world


def test_a_coordinator_sees_every_tab_and_each_one_opens(world, client) -> None:  # type: ignore[no-untyped-def]
    batch = programme_world(world).batch_a
    coordinator = world.users["coordinator"]
    tabs = batch_tabs(actor=coordinator, batch=batch)
    assert [tab.key for tab in tabs] == [
        "overview",
        "posts",
        "publicity_notice",
        "applications",
        "runs",
        "selection",
        "assignments",
        "groups",
        "training",
    ]  # a recruiting batch: the on-duty tabs come with training
    client.force_login(coordinator)
    assert {tab.key: client.get(tab.url).status_code for tab in tabs} == {
        tab.key: 200 for tab in tabs
    }


def test_a_cadre_sees_only_the_public_tabs(world) -> None:  # type: ignore[no-untyped-def]
    batch = programme_world(world).batch_a
    tabs = batch_tabs(actor=world.users["cadre"], batch=batch)
    assert [tab.key for tab in tabs] == ["overview", "posts", "publicity_notice"]


def test_a_batch_on_duty_adds_the_on_duty_tabs_and_each_one_opens(world, client) -> None:  # type: ignore[no-untyped-def]
    from tests.duty.world import duty_world

    batch = duty_world(world).batch_a
    coordinator = world.users["coordinator"]
    tabs = batch_tabs(actor=coordinator, batch=batch)
    assert [tab.key for tab in tabs][-8:] == [
        "attendance",
        "worklog",
        "reports",
        "inspections",
        "summaries",
        "meetings",
        "evaluation",
        "duty_rules",
    ]
    client.force_login(coordinator)
    assert {tab.key: client.get(tab.url).status_code for tab in tabs} == {
        tab.key: 200 for tab in tabs
    }
