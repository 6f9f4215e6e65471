"""Sending the monthly attendance return (考勤月报报送): once per batch, host unit and month.

The return's figures are computed from leave and inspections whenever they are shown or
exported (selectors.attendance); the row records that the host unit sent it, when and by whom,
so the organisation department sees who is late. A month is sent only once it has ended.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guazhi.core.audit import audit_record, history_by
from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.duty.models import AttendanceReturn
from guazhi.duty.periods import month_end, month_start
from guazhi.duty.selectors.attendance import (
    attendance_return_due,
    can_submit_return,
    serving_in,
)
from guazhi.duty.selectors.scope import DUTY_STATES
from guazhi.orgs.models import Organisation, User
from guazhi.programmes.models import Assignment, Batch

NOTE_MAX = 500


def _moment(today: dt.date) -> dt.datetime:
    """Now, on `today`: the time of sending, dated the day the caller says it is."""
    now = timezone.localtime()
    if now.date() == today:
        return now
    return timezone.make_aware(dt.datetime.combine(today, now.time().replace(tzinfo=None)))


def _already_sent(host_unit: Organisation, first: dt.date) -> InvalidTransition:
    return InvalidTransition(
        _("%(unit)s%(year)s年%(month)s月的考勤月报已经报送，不能重复报送。")
        % {"unit": host_unit.name, "year": first.year, "month": first.month}
    )


@transaction.atomic
def attendance_return_submit(
    *,
    actor: User,
    batch: Batch,
    host_unit: Organisation,
    month: dt.date,
    note: str = "",
    today: dt.date | None = None,
) -> AttendanceReturn:
    """The host unit's leader sends the unit's return for `month` (any day of it)."""
    today = today or timezone.localdate()
    first = month_start(month)
    if not can_submit_return(actor=actor, batch=batch, host_unit=host_unit):
        raise Forbidden(_("只有接收单位领导可以报送本单位的考勤月报。"))
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise ValidationFailed(
            _("说明不能超过%(n)s个字。") % {"n": NOTE_MAX},
            detail={"note": _("说明不能超过%(n)s个字。") % {"n": NOTE_MAX}},
        )
    if today <= month_end(first):
        raise ValidationFailed(
            _("%(year)s年%(month)s月尚未结束，月末之后才能报送该月的考勤月报。")
            % {"year": first.year, "month": first.month}
        )
    served = Assignment.objects.filter(
        serving_in(first, month_end(first)),
        batch=batch,
        host_unit=host_unit,
        state__in=DUTY_STATES,
    )
    if not served.exists():
        raise ValidationFailed(
            _("%(unit)s在%(year)s年%(month)s月没有本批次的在岗人员，无需报送考勤月报。")
            % {"unit": host_unit.name, "year": first.year, "month": first.month}
        )
    if AttendanceReturn.objects.filter(batch=batch, host_unit=host_unit, month=first).exists():
        raise _already_sent(host_unit, first)
    due = attendance_return_due(batch, first)
    try:
        # The unique constraint is the guard against two leaders sending at the same moment:
        # the second insert fails and is told it was sent.
        with transaction.atomic():
            sent = AttendanceReturn(
                batch=batch,
                host_unit=host_unit,
                month=first,
                submitted_at=_moment(today),
                submitted_by=actor,
                note=note,
            )
            history_by(actor, sent)
            sent.save()
            audit_record(
                actor=actor,
                action="attendance.return_submit",
                obj=sent,
                detail={
                    "month": first.strftime("%Y-%m"),
                    "host_unit": host_unit.name,
                    "due": due.isoformat(),
                    "timeliness": "late" if today > due else "on_time",
                },
            )
    except IntegrityError:
        raise _already_sent(host_unit, first) from None
    return sent
