"""Leave balances, always summed from the append-only ledger (never a stored counter)."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum

from guazhi.duty.models import LeaveLedgerEntry, LeaveType, LedgerKind
from guazhi.programmes.models import Assignment


@dataclass(frozen=True)
class Balance:
    leave_type: LeaveType
    granted: Decimal | None  # None: the type has no entitlement
    taken: Decimal  # days taken, net of days given back
    remaining: Decimal | None


def leave_balances(assignment: Assignment) -> list[Balance]:
    """One balance per active leave type of the assignment's batch, in the types' order."""
    sums = {
        row["leave_type"]: row
        for row in LeaveLedgerEntry.objects.filter(assignment=assignment)
        .values("leave_type")
        .annotate(
            granted=Sum("days", filter=Q(kind=LedgerKind.GRANT)),
            used=Sum("days", filter=~Q(kind=LedgerKind.GRANT)),
        )
    }
    balances = []
    for leave_type in LeaveType.objects.filter(batch_id=assignment.batch_id, active=True):
        row: Any = sums.get(leave_type.pk, {})
        granted = row.get("granted")
        taken = -(row.get("used") or Decimal(0))
        remaining = None if granted is None else granted - taken
        balances.append(Balance(leave_type, granted, taken, remaining))
    return balances
