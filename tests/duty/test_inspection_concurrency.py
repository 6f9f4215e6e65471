"""Inspections under concurrency, proven on PostgreSQL where the requests really run side by side:
two coordinators recording one person's result at once give one result and a refusal naming
it, and a plan form sent twice at once makes one inspection with one draw.

Each service is slowed inside its locked section (a patched step sleeps), so the two calls
truly overlap there: without the lock both would read the state before either wrote."""

import time
from collections.abc import Callable
from typing import Any

import pytest

from guazhi.core.errors import InvalidTransition
from guazhi.core.models import AuditEvent
from guazhi.duty.models import CheckResult, Inspection, InspectionCheck, SamplingMode
from guazhi.duty.services import inspections as services
from tests.concurrency import side_by_side
from tests.duty.test_inspection_services import one_check, plan, record, three_townships
from tests.factories import UserFactory, grant

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PAUSE = 0.5  # seconds inside the locked section: long enough for the other call to arrive


def slowed(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Make services.inspections' `name` pause before doing its work."""
    original = getattr(services, name)

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(PAUSE)
        return original(*args, **kwargs)

    monkeypatch.setattr(services, name, slow)


def test_two_coordinators_recording_one_result_at_once_give_one_and_a_refusal(
    world, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    _found, check = one_check(world)
    other = grant(
        UserFactory(username="coordinator2", full_name="组织部李干事"),
        "coordinator",
        world.district_a,
    )
    shown = services.check_version(check)  # both pages opened before anything was recorded
    slowed(monkeypatch, "day_leave")  # read after the check's lock, before the write

    def by(actor: Any, result: str) -> Callable[[], InspectionCheck]:
        def call() -> InspectionCheck:
            fresh = InspectionCheck.objects.get(pk=check.pk)
            return record(world, fresh, actor=actor, result=result, based_on=shown)

        return call

    answers, errors = side_by_side(
        by(world.users["coordinator"], CheckResult.ABSENT), by(other, CheckResult.PRESENT)
    )

    assert len(answers) == 1 and len(errors) == 1, errors
    assert isinstance(errors[0], InvalidTransition)
    stored = InspectionCheck.objects.select_related("checked_by").get(pk=check.pk)
    assert stored.result == answers[0].result
    expected = {
        CheckResult.ABSENT: "张三的检查结果已由组织部王科长登记为“脱岗（未经批准）”，请核对后再更正。",
        CheckResult.PRESENT: "张三的检查结果已由组织部李干事登记为“在岗”，请核对后再更正。",
    }
    assert errors[0].message == expected[stored.result]
    assert AuditEvent.objects.filter(action="check.record").count() == 1
    assert not AuditEvent.objects.filter(action="check.correct").exists()


def test_a_plan_sent_twice_at_once_makes_one_inspection(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    three_townships(world)
    slowed(monkeypatch, "on_duty_population")  # read after the batch's lock, before the insert

    def send() -> int:
        return plan(world, sampling_mode=SamplingMode.RANDOM, sample_size=2).pk

    answers, errors = side_by_side(send, send)

    assert len(answers) == 1 and len(errors) == 1, errors
    assert isinstance(errors[0], InvalidTransition)
    assert "已安排了同样的检查" in errors[0].message
    assert list(Inspection.objects.values_list("pk", flat=True)) == answers
    assert InspectionCheck.objects.count() == 2
    assert AuditEvent.objects.filter(action="inspection.plan").count() == 1
