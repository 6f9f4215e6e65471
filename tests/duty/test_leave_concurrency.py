"""Leave under concurrency (issue 4 §6): things done at the same moment by two people, or twice
by one, each in its own thread with its own database connection, released together by a
barrier. On PostgreSQL this is real concurrency and the row locks decide: both transactions
run side by side until one waits for the other's lock. On SQLite the write lock taken at the
start of each transaction (transaction_mode IMMEDIATE) queues them, so the second runs after the
first has committed; the test database lives in memory with a shared cache, which answers "locked"
at once where the file database of a deployment waits (busy_timeout), so there the helper waits
and tries again, as the file database would.

Run on PostgreSQL: python -m tests.postgres pytest tests/duty/test_leave_concurrency.py
"""

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError, connection, connections

from guazhi.core.errors import GuazhiError, InvalidTransition, ValidationFailed
from guazhi.duty.models import LeaveDecision, LeaveRequest, LeaveState, LeaveType, half_slot
from guazhi.duty.services.leave_decide import leave_decide
from guazhi.orgs.models import Role
from tests.duty.test_leave_support import MONDAY, ask, fixed_term, fresh, leave_type, record
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Each call in its own thread, started together; what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = _waiting_for_the_write_lock(call)
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _waiting_for_the_write_lock(call: Callable[[], Any]) -> Any:
    """`call()`; on the in-memory SQLite test database, again while another thread holds the
    write lock (see the module's docstring). PostgreSQL never gets here: its locks wait."""
    deadline = time.monotonic() + 30
    while True:
        try:
            return call()
        except OperationalError as error:
            locked = "locked" in str(error) and connection.vendor == "sqlite"
            if not locked or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def refused(results: list[Any]) -> list[GuazhiError]:
    unexpected = [r for r in results if isinstance(r, Exception) and not isinstance(r, GuazhiError)]
    assert unexpected == [], unexpected  # a database error is not a refusal
    return [r for r in results if isinstance(r, GuazhiError)]


def test_two_approvers_on_one_step_give_one_decision(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    second_leader = grant(
        UserFactory(username="host2", full_name="白鹿镇钱镇长"), Role.HOST_LEADER, world.township_a
    )
    leave = ask(world, MONDAY, MONDAY)
    seen_by_first = fresh(world, leave, "host_leader")
    seen_by_second = fresh(world, leave, "host_leader")

    def approve(actor, seen):  # type: ignore[no-untyped-def]
        return lambda: leave_decide(
            actor=actor, leave=seen, decision="approve", step=0, today=MONDAY
        )

    results = at_once(
        approve(world.users["host_leader"], seen_by_first), approve(second_leader, seen_by_second)
    )
    errors = refused(results)
    assert len(errors) == 1 and isinstance(errors[0], InvalidTransition)
    assert (
        str(errors[0].message)
        == "这一审批环节已经处理过了（可能由其他审批人办理），请查看最新状态。"
    )
    leave.refresh_from_db()
    assert leave.state == LeaveState.ON_LEAVE
    assert LeaveDecision.objects.filter(request=leave).count() == 1
    assert leave.ledger.count() == 1


def test_a_form_sent_twice_at_once_makes_one_request(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)

    def send():  # type: ignore[no-untyped-def]
        return lambda: ask(world, MONDAY, MONDAY + dt.timedelta(days=1))

    results = at_once(send(), send())
    errors = refused(results)
    assert len(errors) == 1 and isinstance(errors[0], ValidationFailed)
    assert "start_date" in errors[0].detail
    assert LeaveRequest.objects.count() == 1


def _pending(world, start: dt.date, end: dt.date) -> LeaveRequest:  # type: ignore[no-untyped-def]
    """A waiting request written straight to the table: how two overlapping requests could
    both be waiting (made before overlap was checked, or imported)."""
    assignment = record(world)
    return LeaveRequest.objects.create(
        assignment=assignment,
        leave_type=leave_type(world, "personal"),
        start_date=start,
        end_date=end,
        start_slot=half_slot(start, "am"),
        end_slot=half_slot(end, "pm"),
        days=(end - start).days + 1,
        reason="事由",
        stand_in="李明",
        contact_phone="13912345678",
        state=LeaveState.PENDING,
        chain=["host_leader"],
        awaiting_role="host_leader",
    )


def test_two_overlapping_requests_approved_at_once_one_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    second_leader = grant(UserFactory(username="host2"), Role.HOST_LEADER, world.township_a)
    first = _pending(world, MONDAY, MONDAY + dt.timedelta(days=1))
    second = _pending(world, MONDAY + dt.timedelta(days=1), MONDAY + dt.timedelta(days=2))
    today = MONDAY - dt.timedelta(days=7)
    results = at_once(
        lambda: leave_decide(
            actor=world.users["host_leader"],
            leave=fresh(world, first, "host_leader"),
            decision="approve",
            step=0,
            today=today,
        ),
        lambda: leave_decide(
            actor=second_leader,
            leave=fresh(world, second, "host_leader"),
            decision="approve",
            step=0,
            today=today,
        ),
    )
    errors = refused(results)
    assert len(errors) == 1 and isinstance(errors[0], InvalidTransition)
    assert str(errors[0].message).startswith("不能批准：与已有的请假时间重叠")
    states = sorted(LeaveRequest.objects.values_list("state", flat=True))
    assert states == [LeaveState.APPROVED, LeaveState.PENDING]
    assert LeaveDecision.objects.count() == 1


def test_a_request_sent_while_an_overlapping_one_is_approved_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    waiting = ask(world, MONDAY, MONDAY + dt.timedelta(days=1), today=MONDAY - dt.timedelta(days=7))
    seen = fresh(world, waiting, "host_leader")
    results = at_once(
        lambda: leave_decide(
            actor=world.users["host_leader"],
            leave=seen,
            decision="approve",
            step=0,
            today=MONDAY - dt.timedelta(days=7),
        ),
        lambda: ask(
            world,
            MONDAY + dt.timedelta(days=1),
            MONDAY + dt.timedelta(days=2),
            today=MONDAY - dt.timedelta(days=7),
        ),
    )
    errors = refused(results)
    assert len(errors) == 1 and isinstance(errors[0], ValidationFailed)
    assert isinstance(results[0], LeaveRequest) and results[0].state == LeaveState.APPROVED
    assert LeaveRequest.objects.count() == 1
    assert LeaveType.objects.filter(batch=waiting.assignment.batch).count() == 6


def test_a_submit_beside_the_leave_page_granting_the_same_balance_does_not_deadlock(
    world, client, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A submit locks the person's row, then writes the term's grants; the leave page writes
    the same grants. The page's insert checks its foreign key to the person's row (FOR KEY
    SHARE): a plain FOR UPDATE made it wait for the submit while the submit waited for the
    page's grant, and PostgreSQL broke the deadlock by failing one of them."""
    from django.urls import reverse

    import guazhi.duty.services.leave as leave_services
    from guazhi.duty.models import LeaveLedgerEntry
    from tests.pages import as_user

    found = fixed_term(world)

    def leave_page(assignment: Any) -> str:
        return reverse("duty:leave_list", kwargs={"assignment_pk": assignment.pk})

    # A first page in this process imports and compiles what pages need: done beforehand (on
    # the other batch's record) so that the page below reaches its insert at once.
    assert as_user(client, world, "admin").get(leave_page(found.serving_b)).status_code == 200
    as_user(client, world, "cadre")
    locked = threading.Event()
    ensure = leave_services.leave_grants_ensure

    def ensure_after_the_page(assignment):  # type: ignore[no-untyped-def]
        locked.set()  # the person's row is locked: the page writes the grant first
        time.sleep(1.0)
        return ensure(assignment)

    monkeypatch.setattr(leave_services, "leave_grants_ensure", ensure_after_the_page)

    def open_the_page() -> int:
        locked.wait(timeout=30)
        return client.get(leave_page(found.serving_a)).status_code

    results = at_once(lambda: ask(world, MONDAY, MONDAY), open_the_page)
    assert refused(results) == []
    assert isinstance(results[0], LeaveRequest) and results[0].state == LeaveState.PENDING
    assert results[1] == 200
    grants = LeaveLedgerEntry.objects.filter(assignment=found.serving_a, kind="grant")
    assert list(grants.values_list("leave_type", "days")) == [(leave_type(world, "annual").pk, 10)]
