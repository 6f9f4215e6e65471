"""Who may open the spot-inspection pages: the batch's coordinators plan and record; everyone
who reaches a person's record on duty reads their recorded checks."""

from tests.duty.world import duty_world
from tests.test_authorization_matrix import EVERY_ROLE, MANAGERS, Rule

RULES = {
    "duty:inspection_list": Rule(MANAGERS, scoped="batch_pk", objects="duty_batch"),
    "duty:inspection_detail": Rule(MANAGERS, scoped="inspection_pk"),
    # Posted empty: the allowed roles are refused with the reason (302 back to the page).
    "duty:inspection_complete": Rule(MANAGERS, method="POST", scoped="inspection_pk"),
    # Posted empty: the allowed roles get the page back with the form's errors.
    "duty:check_record": Rule(MANAGERS, method="POST", scoped="check_pk"),
    "duty:check_rectified": Rule(MANAGERS, method="POST", scoped="check_pk"),
    "duty:check_list": Rule(EVERY_ROLE, scoped="assignment_pk", objects="duty_assignment"),
}


def _inspections(world, role):  # type: ignore[no-untyped-def]
    from guazhi.duty.models import Inspection, InspectionCheck, SamplingMode

    found = duty_world(world)

    def planned(assignment):  # type: ignore[no-untyped-def]
        inspection, _ = Inspection.objects.get_or_create(
            batch=assignment.batch,
            planned_on=found.today,
            defaults={"sampling": SamplingMode.ALL},
        )
        InspectionCheck.objects.get_or_create(inspection=inspection, assignment=assignment)
        return inspection

    return planned(found.serving_a), planned(found.serving_b)


def _checks(world, role):  # type: ignore[no-untyped-def]
    inside, outside = _inspections(world, role)
    return inside.checks.get(), outside.checks.get()


SCOPED = {"inspection_pk": _inspections, "check_pk": _checks}
