"""Inside/outside objects for the duty pages every area shares: a person on duty and a batch on
duty. Use them with `Rule(..., scoped="assignment_pk", objects="duty_assignment")` or
`Rule(..., scoped="batch_pk", objects="duty_batch")`."""

from tests.duty.world import duty_world
from tests.test_authorization_matrix import Rule

RULES = {
    # A cadre's way in (their record on duty, or a page saying there is none); an administrator
    # passes every role check and gets the page saying there is none.
    "duty:home": Rule(("admin", "cadre")),
}


def _duty_assignments(world, role):  # type: ignore[no-untyped-def]
    found = duty_world(world)  # the cadre's inside assignment is their own: serving_a
    return found.serving_a, found.serving_b


def _duty_batches(world, role):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    return found.batch_a, found.batch_b


SCOPED = {"duty_assignment": _duty_assignments, "duty_batch": _duty_batches}
