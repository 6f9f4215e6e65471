"""The monthly return sent twice at the same moment (two leaders of one unit, or a double
click), proven on PostgreSQL: one return, and the other sender is told it was sent."""

import datetime as dt

import pytest

from guazhi.core.errors import InvalidTransition
from guazhi.core.models import AuditEvent
from guazhi.duty.models import AttendanceReturn
from guazhi.duty.services.attendance import attendance_return_submit
from guazhi.orgs.models import User
from tests.concurrency import side_by_side
from tests.duty.test_attendance_returns import on_duty

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_return_sent_twice_at_once_is_sent_once(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)

    def send() -> int:
        return attendance_return_submit(
            actor=User.objects.get(username="host"),
            batch=found.batch_a,
            host_unit=world.township_a,
            month=dt.date(2026, 10, 1),
            today=dt.date(2026, 11, 3),
        ).pk

    answers, errors = side_by_side(send, send)
    assert AttendanceReturn.objects.count() == 1
    assert answers == [AttendanceReturn.objects.get().pk]
    assert len(errors) == 1 and isinstance(errors[0], InvalidTransition)
    assert AuditEvent.objects.filter(action="attendance.return_submit").count() == 1
