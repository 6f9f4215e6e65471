"""The page cache beside a write still in flight (PostgreSQL, where writes really overlap).

Audit ids are handed out in order but transactions commit in any order: a write that took id N
and commits after another write took N+1 and committed does not change the newest id. A page
read in between must not be kept under that state, or the first write would stay hidden until
the cache entry expires.

Run on PostgreSQL: python -m tests.postgres pytest tests/core/test_page_cache_concurrency.py
"""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from guazhi.core import page_cache
from guazhi.core.audit import audit_record
from guazhi.duty.services.logs import log_entry_create
from tests.duty.test_log_views import list_url
from tests.duty.world import duty_world
from tests.pages import as_user, page

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "走访辖区企业"


def test_a_write_committed_after_a_later_one_shows_on_the_next_read(world, client) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes one transaction at a time: ids commit in order")
    found = duty_world(world)
    url = list_url(found.serving_a)
    as_user(client, world, "cadre")
    client.get(url)  # the session's CSRF cookie, which a kept page carries
    written, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def write_and_wait_before_committing() -> None:
        try:
            with transaction.atomic():
                log_entry_create(  # audited: takes the lower id
                    actor=world.users["cadre"],
                    assignment=found.serving_a,
                    date=found.today - dt.timedelta(days=1),
                    category="走访",
                    title=TITLE,
                    content="走访。",
                    today=found.today,
                )
                written.set()
                release.wait(timeout=30)
        except BaseException as error:  # reported below: a thread cannot fail the test
            failures.append(error)
            written.set()
        finally:
            connection.close()

    writer = threading.Thread(target=write_and_wait_before_committing)
    writer.start()
    try:
        assert written.wait(timeout=30)
        audit_record(actor=None, action="test.another_write")  # a later id, committed first
        assert TITLE not in page(client.get(url))  # the entry is not committed yet
        seen = page_cache._local_writes
    finally:
        release.set()
        writer.join(timeout=30)
    assert not failures
    # The writer ran in this process, whose own saves the page cache counts; in a deployment
    # it is another worker process, whose saves this one never hears of.
    page_cache._local_writes = seen

    assert TITLE in page(client.get(url))
