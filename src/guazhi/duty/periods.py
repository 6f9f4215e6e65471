"""Calendar months and a person's term: the small date helpers every duty area shares.

A month is represented by its first day (2026-03-01 for March 2026), as stored in the models
and sent by <input type="month">.
"""

import calendar
import datetime as dt
import re

from django.utils.translation import gettext as _

from guazhi.programmes.models import Assignment

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def next_month(day: dt.date) -> dt.date:
    """The first day of the month after `day`'s."""
    return month_end(day) + dt.timedelta(days=1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first days of the months from `first`'s to `last`'s, oldest first."""
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def month_text(month: dt.date) -> str:
    """The month as a reader sees it: 2026年3月 (translated)."""
    return _("%(year)s年%(month)s月") % {"year": month.year, "month": month.month}


def parse_month(text: str | None) -> dt.date | None:
    """The first day of the month written as 2026-10 (what <input type="month"> sends), else
    None. Strict on purpose: a year outside 2000–2100 is refused rather than read, so a
    mistyped year cannot reach date arithmetic at the edges of the calendar."""
    match = MONTH.match((text or "").strip())
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return dt.date(year, month, 1)


def term_bounds(assignment: Assignment) -> tuple[dt.date, dt.date]:
    """The first and last day of the person's term: the day they reported for duty (else the
    batch's start) to their end date (else the batch's end)."""
    start = assignment.start_date or assignment.batch.term_start
    end = assignment.end_date or assignment.batch.term_end
    return start, end
