"""Who may open the away-report and attendance pages (see tests/test_authorization_matrix.py)."""

import datetime as dt

from tests.duty.world import duty_world
from tests.test_authorization_matrix import EVERY_ROLE, Rule

STAFF = ("admin", "coordinator", "dispatch_admin", "host_leader", "group_leader")
PERSON = {"scoped": "assignment_pk", "objects": "duty_assignment"}
BATCH = {"scoped": "batch_pk", "objects": "duty_batch"}

RULES = {
    "duty:assignment_overview": Rule(EVERY_ROLE, **PERSON),
    "duty:ledger_export": Rule(EVERY_ROLE, **PERSON),
    "duty:away_list": Rule(EVERY_ROLE, **PERSON),
    # Only the person files a report; an administrator passes the role guard and is sent back
    # to the list with the reason (302).
    "duty:away_create": Rule(("admin", "cadre"), **PERSON),
    # The host leader acknowledges (an administrator is refused with a message: 302).
    "duty:away_acknowledge": Rule(("admin", "host_leader"), method="POST", scoped="away_pk"),
    "duty:away_withdraw": Rule(("admin", "cadre"), method="POST", scoped="away_pk"),
    "duty:away_document": Rule(EVERY_ROLE, scoped="away_pk"),
    "duty:attendance_batch": Rule(STAFF, **BATCH),
    # A post without a unit and month is sent back to the page (302).
    "duty:attendance_return_submit": Rule(("admin", "host_leader"), method="POST", **BATCH),
    # Without a host unit the export sends back to the page (302).
    "duty:attendance_export": Rule(STAFF, **BATCH),
    "duty:attendance_export_batch": Rule(STAFF, method="POST", **BATCH),
    "duty:ledger_export_batch": Rule(STAFF, method="POST", **BATCH),
}


def _next_saturday(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=7 + (5 - today.weekday()) % 7)


def _away_reports(world, role):  # type: ignore[no-untyped-def]
    from guazhi.duty.models import AwayReport, AwayState

    found = duty_world(world)
    saturday = _next_saturday(found.today)

    def report(assignment):  # type: ignore[no-untyped-def]
        return AwayReport.objects.create(
            assignment=assignment,
            reason="探望父母",
            destination="南昌市",
            leave_date=saturday,
            leave_half="am",
            return_date=saturday + dt.timedelta(days=1),
            return_half="pm",
            stand_in="李明",
            contact_phone="13800000000",
            state=AwayState.SUBMITTED,
        )

    return report(found.serving_a), report(found.serving_b)


SCOPED = {"away_pk": _away_reports}
