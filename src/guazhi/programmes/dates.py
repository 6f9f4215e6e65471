"""The years a programme's dates may fall in, and the message for one outside them.

The date pickers accept any year from 1 to 9999, but the dates are then worked with: a time is
converted to UTC for storage, a publicity period is counted in working days, a term is
followed by reminders and evaluation rounds. At the ends of that range the arithmetic overflows
(a server error instead of a message), and no secondment is planned in year 1 or year 9999
anyway: a year outside these bounds is a typing slip, refused with the field named.
"""

import datetime as dt

from django.utils.translation import gettext as _

EARLIEST_YEAR = 2000
LATEST_YEAR = 2100


def year_error(value: dt.date | dt.datetime | None, label: str) -> str | None:
    """The message for `value` when its year is outside the bounds (None when it is inside, or
    missing: a missing value is the caller's own message). `label` names the field."""
    if value is None or EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        return None
    return _("%(label)s的年份应在%(low)s年至%(high)s年之间。") % {
        "label": label,
        "low": EARLIEST_YEAR,
        "high": LATEST_YEAR,
    }
