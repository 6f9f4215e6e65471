"""Two reminder runs at the same moment (cron on two machines, or cron beside the worker) tell
everyone once and email everyone once: proven on PostgreSQL, where they really run side by side."""

import datetime as dt
import threading
from typing import Any

import pytest
from django.core import mail
from django.db import connection

from guazhi.core.models import Notification
from guazhi.duty.reminders import RemindReport, remind
from tests.duty.test_remind import _busy_day

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RUNS = 2


def test_two_runs_at_once_send_nothing_twice(world) -> None:  # type: ignore[no-untyped-def]
    _busy_day(world)
    start = threading.Barrier(RUNS)
    reports: list[RemindReport] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait(timeout=30)
            reports.append(remind(today=dt.date(2026, 6, 3)))
        except BaseException as error:  # reported below: a thread cannot fail the test itself
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(RUNS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len(reports) == RUNS
    # Nine notifications between them, whichever run made each; each emailed once.
    assert Notification.objects.count() == 9
    assert sum(report.total for report in reports) == 9
    assert sum(report.emailed for report in reports) == 7
    addresses: Any = sorted(email.to[0] for email in mail.outbox)
    assert addresses == ["zhangsan@xunyang.gov.cn"] * 4 + ["zhao@bailu.gov.cn"] * 3
    assert (
        Notification.objects.filter(emailed_at__isnull=True).exclude(recipient__email="").count()
        == 0
    )
