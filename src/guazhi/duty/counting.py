"""How many days a leave takes: the leave type's counting rule over half days.

Working-day leave (年休假) counts the working half days between the first and the last half
day away, by the work calendar (statutory holidays, 调休 make-up workdays and the admin's
overrides included), so a leave across a year end or a holiday counts right. Calendar-day
leave (探亲假) counts every half day.
"""

import datetime as dt
from decimal import Decimal

from guazhi.core.calendar import working_half_days_between
from guazhi.duty.models import CountingRule, half_slot, slot_day

HALF = Decimal("0.5")


def leave_days(
    counting: str, start: dt.date, start_half: str, end: dt.date, end_half: str
) -> Decimal:
    """Days between the first half day away and the last, both included, by `counting`."""
    if counting == CountingRule.CALENDAR_DAYS:
        halves = half_slot(end, end_half) - half_slot(start, start_half) + 1
        return HALF * max(halves, 0)
    return HALF * working_half_days_between(start, start_half, end, end_half)  # type: ignore[arg-type]


def slot_days(counting: str, start_slot: int, end_slot: int) -> Decimal:
    """`leave_days` for half-day numbers (see models.leave.half_slot); 0 when end < start."""
    if end_slot < start_slot:
        return Decimal(0)
    start, start_half = slot_day(start_slot)
    end, end_half = slot_day(end_slot)
    return leave_days(counting, start, start_half, end, end_half)


def days_within(
    counting: str, start_slot: int, end_slot: int, window_start: dt.date, window_end: dt.date
) -> Decimal:
    """The part of a leave that falls between two dates (a month, for attendance)."""
    first = max(start_slot, half_slot(window_start, "am"))
    last = min(end_slot, half_slot(window_end, "pm"))
    return slot_days(counting, first, last)
