"""Who may open the forms pages: the staff who read a round see its forms page and export its
roster (their people, results where they may see them); one person's form is the coordinator's
to print, and the person's own once published; the round's zip is the coordinator's."""

from tests.test_authorization_matrix import Rule

STAFF = ("admin", "coordinator", "dispatch_admin", "host_leader", "group_leader")
ROUND = {"scoped": "round_pk", "objects": "forms_round"}
PERSON = {"scoped": "evaluee_pk", "objects": "forms_evaluee"}

RULES = {
    "evaluation:form_list": Rule(STAFF, **ROUND),
    # Starts the job and sends to its page (302).
    "evaluation:form_batch": Rule(("admin", "coordinator"), method="POST", **ROUND),
    "evaluation:roster_export": Rule(STAFF, **ROUND),
    # The cadre's inside person is their own evaluation, published.
    "evaluation:form_annual": Rule(("admin", "coordinator", "cadre"), **PERSON),
    "evaluation:form_appraisal": Rule(("admin", "coordinator", "cadre"), **PERSON),
}


def _published(world):  # type: ignore[no-untyped-def]
    from guazhi.evaluation.models import RoundState
    from tests.evaluation.forms_world import results_world

    return results_world(world, state=RoundState.PUBLISHED)


def _rounds(world, role):  # type: ignore[no-untyped-def]
    found = _published(world)
    return found.round, found.round_b


def _evaluees(world, role):  # type: ignore[no-untyped-def]
    found = _published(world)
    return found.evaluee_a, found.evaluee_b


SCOPED = {"forms_round": _rounds, "forms_evaluee": _evaluees}
