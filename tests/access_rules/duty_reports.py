"""Who may open the periodic report pages: the person and the leaders over them; the cadre writes,
coordinators and group leaders review (the service then decides whose reports)."""

import datetime as dt

from tests.duty.world import duty_world
from tests.test_authorization_matrix import EVERY_ROLE, Rule

STAFF = ("admin", "coordinator", "dispatch_admin", "host_leader", "group_leader")
PERSON = {"scoped": "assignment_pk", "objects": "duty_assignment"}

RULES = {
    "duty:report_list": Rule(EVERY_ROLE, **PERSON),
    # No period posted: the page says so (302 back to the list). The admin passes the role
    # guard, and the service refuses (not their report) the same way.
    "duty:report_start": Rule(("admin", "cadre"), method="POST", **PERSON),
    "duty:report_detail": Rule(EVERY_ROLE, scoped="report_pk"),
    # No decision posted: the form comes back (200) to a reviewer, a refusal (302) to the admin.
    "duty:report_review": Rule(
        ("admin", "coordinator", "group_leader"), method="POST", scoped="report_pk"
    ),
    "duty:report_export": Rule(EVERY_ROLE, scoped="report_pk"),
    "duty:report_batch": Rule(STAFF, scoped="batch_pk", objects="duty_batch"),
}


def _reports(world, role):  # type: ignore[no-untyped-def]
    """A submitted report of the person inside (the cadre's own) and of the one outside."""
    from guazhi.duty.models import PeriodicReport, ReportState

    found = duty_world(world)
    start = found.today.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)

    def report(assignment):  # type: ignore[no-untyped-def]
        made, _ = PeriodicReport.objects.get_or_create(
            assignment=assignment,
            period_start=start,
            defaults={
                "frequency": "monthly",
                "period_end": end,
                "due_on": end + dt.timedelta(days=5),
                "narrative": "本月工作汇报。",
                "state": ReportState.SUBMITTED,
            },
        )
        return made

    return report(found.serving_a), report(found.serving_b)


SCOPED = {"report_pk": _reports}
