"""Away reports under concurrency, proven on PostgreSQL where requests really run side by side:
a double-submitted form files one report, and two acknowledgements at once make one move."""

from collections.abc import Callable
from typing import Any

import pytest

from guazhi.core.errors import InvalidTransition, ValidationFailed
from guazhi.core.models import AuditEvent
from guazhi.duty.models import AwayReport, AwayState
from guazhi.duty.services.away import away_report_acknowledge, away_report_submit
from guazhi.orgs.models import User
from tests.concurrency import side_by_side
from tests.duty.test_away_services import on_duty, trip
from tests.factories import grant

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_double_submitted_form_files_one_report(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)

    def submit() -> int:
        cadre = User.objects.get(username="cadre")  # a fresh user per thread, as per request
        return away_report_submit(actor=cadre, assignment=found.serving_a, **trip()).pk

    answers, errors = side_by_side(submit, submit)
    assert AwayReport.objects.count() == 1
    assert answers == [AwayReport.objects.get().pk]
    assert len(errors) == 1 and isinstance(errors[0], ValidationFailed)
    assert errors[0].detail == {"leave_date": "与2026年9月12日离开的外出报备时间重叠。"}


def test_two_leaders_acknowledging_at_once_make_one_move(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    report = away_report_submit(actor=world.users["cadre"], assignment=found.serving_a, **trip())
    second = grant(
        User.objects.create(username="deputy", full_name="白鹿镇钱镇长"),
        "host_leader",
        world.township_a,
    )

    def acknowledge(username: str) -> Callable[[], Any]:
        return lambda: away_report_acknowledge(
            actor=User.objects.get(username=username), report=AwayReport.objects.get(pk=report.pk)
        )

    answers, errors = side_by_side(acknowledge("host"), acknowledge(second.username))
    assert len(answers) == 1 and len(errors) == 1
    assert isinstance(errors[0], InvalidTransition)
    assert AwayReport.objects.get().state == AwayState.ACKNOWLEDGED
    assert AuditEvent.objects.filter(action="away.acknowledge").count() == 1
