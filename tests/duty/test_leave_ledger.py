"""The leave ledger: grants by years of service, balances summed from it, never rewritten."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction

from guazhi.core.errors import InvalidTransition, ValidationFailed
from guazhi.duty.models import LeaveLedgerEntry, LeaveRequest, LeaveState, LeaveType, LedgerKind
from guazhi.duty.models.leave import AppendOnly
from guazhi.duty.selectors.leave import service_years_unknown
from guazhi.duty.selectors.ledger import leave_balances
from guazhi.duty.services.leave_checks import leave_grants_ensure
from tests.duty.test_leave_support import (
    MONDAY,
    approve_all,
    ask,
    decide,
    fixed_term,
    leave_type,
    record,
)

pytestmark = pytest.mark.django_db


def grants(world) -> dict[str, Decimal]:  # type: ignore[no-untyped-def]
    return {
        entry.leave_type.kind: entry.days
        for entry in LeaveLedgerEntry.objects.filter(kind=LedgerKind.GRANT).select_related(
            "leave_type"
        )
    }


@pytest.mark.parametrize(
    ("started", "days"),
    [
        (dt.date(2025, 6, 1), Decimal(0)),  # under a year at the term's start (1 March 2026)
        (dt.date(2025, 3, 1), Decimal(5)),  # exactly one year
        (dt.date(2016, 3, 2), Decimal(5)),  # a day short of ten
        (dt.date(2016, 3, 1), Decimal(10)),
        (dt.date(2006, 3, 1), Decimal(15)),
    ],
)
def test_annual_leave_is_granted_by_years_of_service_at_the_term_start(
    world, started, days
) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world, work_started=started)
    leave_grants_ensure(record(world))
    assert grants(world) == {"annual": days}
    assert not service_years_unknown(record(world))


def test_an_unknown_start_of_work_grants_five_days_and_says_so(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world, work_started=None)
    leave_grants_ensure(record(world))
    assert grants(world) == {"annual": Decimal(5)}
    assert LeaveLedgerEntry.objects.get(kind="grant").note == "参加工作时间未登记，暂按5天计"
    assert service_years_unknown(record(world))


def test_grants_are_written_once_with_a_fixed_entitlement_too(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed_term(world)
    LeaveType.objects.filter(batch=found.batch_a, kind="home_visit").update(
        entitlement_days=Decimal(20)
    )
    assert len(leave_grants_ensure(record(world))) == 2
    assert leave_grants_ensure(record(world)) == []
    assert grants(world) == {"annual": Decimal(10), "home_visit": Decimal(20)}


def test_balances_come_from_the_ledger(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    taken = approve_all(world, ask(world, MONDAY, MONDAY + dt.timedelta(days=2), kind="annual"))
    approve_all(world, ask(world, dt.date(2026, 7, 6), dt.date(2026, 7, 6)))
    rows = {
        balance.leave_type.kind: (balance.granted, balance.taken, balance.remaining)
        for balance in leave_balances(record(world))
    }
    assert rows["annual"] == (Decimal(10), Decimal(3), Decimal(7))
    assert rows["personal"] == (None, Decimal(1), None)
    assert taken.state == LeaveState.ON_LEAVE


def test_a_request_beyond_the_balance_is_refused_counting_requests_waiting(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world, work_started=dt.date(2020, 1, 1))  # 5 days
    ask(world, dt.date(2026, 6, 1), dt.date(2026, 6, 3), kind="annual")  # 3, waiting
    with pytest.raises(ValidationFailed) as error:
        ask(
            world,
            dt.date(2026, 7, 6),
            dt.date(2026, 7, 8),
            kind="annual",
            today=dt.date(2026, 6, 1),
        )
    assert error.value.detail == {"end_date": "年休假余额不足：本次3天，可用2天。"}
    assert LeaveRequest.objects.count() == 1
    assert ask(
        world, dt.date(2026, 7, 6), dt.date(2026, 7, 7), kind="annual", today=dt.date(2026, 6, 1)
    ).days == Decimal(2)


def test_the_last_approval_rechecks_the_balance(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed_term(world, work_started=dt.date(2020, 1, 1))  # 5 days
    leave = ask(world, dt.date(2026, 6, 1), dt.date(2026, 6, 3), kind="annual")
    # Spent meanwhile (an adjustment the organisation department recorded).
    LeaveLedgerEntry.objects.create(
        assignment=found.serving_a,
        leave_type=leave_type(world, "annual"),
        kind=LedgerKind.ADJUST,
        days=Decimal(-4),
        note="补记此前已休年假4天",
    )
    with pytest.raises(InvalidTransition) as error:
        decide(world, leave, "host_leader", today=dt.date(2026, 5, 1))
    assert str(error.value.message) == "不能批准：年休假余额不足：本次3天，可用1天。"
    leave.refresh_from_db()
    assert (leave.state, leave.step) == (LeaveState.PENDING, 0)
    assert not leave.decisions.exists()


def test_ledger_rows_are_never_changed_or_deleted(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    leave_grants_ensure(record(world))
    entry = LeaveLedgerEntry.objects.get(kind=LedgerKind.GRANT)
    entry.days = Decimal(30)
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    assert LeaveLedgerEntry.objects.get(pk=entry.pk).days == Decimal(10)


def test_the_database_refuses_bulk_changes_to_the_ledger(world) -> None:  # type: ignore[no-untyped-def]
    # QuerySet.update() and .delete() never ask the model: the database's triggers refuse.
    fixed_term(world)
    leave_grants_ensure(record(world))
    rows = LeaveLedgerEntry.objects.filter(kind=LedgerKind.GRANT)
    with pytest.raises(DatabaseError), transaction.atomic():
        rows.update(days=Decimal(30))
    with pytest.raises(DatabaseError), transaction.atomic():
        rows._raw_delete(rows.db)
    assert list(rows.values_list("days", flat=True)) == [Decimal(10)]
