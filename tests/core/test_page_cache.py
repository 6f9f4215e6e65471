"""The page cache (core/page_cache.py): hot read pages come back from the cache, but never stale
after a write, never to another viewer, never past the access check, and a flash message is
still shown exactly once."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.duty.test_leave_support import ask
from tests.duty.test_log_views import entry_data, list_url
from tests.duty.world import duty_world
from tests.pages import as_user, page

INBOX = reverse("duty:approval_inbox")


def _next_monday(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=7 - today.weekday())


def test_a_page_read_again_comes_from_the_cache(world, client) -> None:  # type: ignore[no-untyped-def]
    duty_world(world)
    as_user(client, world, "host_leader")
    client.get(INBOX)  # the first page of a session sets its CSRF cookie, which the page carries
    first = page(client.get(INBOX))
    with CaptureQueriesContext(connection) as queries:
        again = page(client.get(INBOX))
    assert again == first
    # The session's user, and the one look at whether anything was written since.
    assert len(queries) == 2


def test_a_write_shows_on_the_next_read(world, client) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    as_user(client, world, "host_leader")
    assert "家中老人住院" not in page(client.get(INBOX))
    monday = _next_monday(found.today)
    ask(world, monday, monday, today=found.today)  # through the service: audited
    assert "张三" in page(client.get(INBOX))
    assert "共 1 份请假等待审批" in page(client.get(INBOX))


def test_each_viewer_gets_their_own_page_and_the_access_check_still_runs(world, client) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    monday = _next_monday(found.today)
    ask(world, monday, monday, today=found.today)
    as_user(client, world, "host_leader")
    assert "共 1 份请假等待审批" in page(client.get(INBOX))
    # The cadre asked for the leave: the inbox is not theirs to open, cached or not.
    as_user(client, world, "cadre")
    assert client.get(INBOX).status_code == 403
    # The coordinator's inbox is theirs: the leave waits for the host leader, not for them.
    as_user(client, world, "coordinator")
    assert "共 1 份请假等待审批" not in page(client.get(INBOX))


def test_a_flash_message_is_shown_once_and_the_page_after_it_is_fresh(world, client) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    as_user(client, world, "cadre")
    url = list_url(found.serving_a)
    assert "走访园区企业" not in page(client.get(url))
    response = client.post(url, entry_data(found.today))
    assert response.status_code == 302
    shown = page(client.get(url))
    assert "已记录“走访园区企业”。" in shown
    after = page(client.get(url))
    assert "已记录“走访园区企业”。" not in after
    assert "走访园区企业" in after
