"""Who may open the round pages: staff over the batch read a batch's rounds and a round, the
coordinators over it set it up and move it; the person writes their self-assessment and reads
their evaluations. The round of the evaluation world is open (tests/evaluation/world.py), so a
draft-only form sends the coordinator back to the round (302) and a move it refuses does too."""

from tests.evaluation.world import evaluation_world
from tests.test_authorization_matrix import MANAGERS, Rule

STAFF = ("admin", "coordinator", "dispatch_admin", "host_leader", "group_leader")
ROUND = {"scoped": "round_pk"}
EVALUEE = {"scoped": "evaluee_pk", "objects": "round_evaluee"}
BATCH = {"scoped": "batch_pk", "objects": "duty_batch"}

RULES = {
    "evaluation:round_list": Rule(STAFF, **BATCH),
    "evaluation:round_create": Rule(MANAGERS, **BATCH),
    "evaluation:round_detail": Rule(STAFF, **ROUND),
    "evaluation:round_settings": Rule(MANAGERS, **ROUND),
    "evaluation:round_weights": Rule(MANAGERS, **ROUND),
    "evaluation:round_thresholds": Rule(MANAGERS, **ROUND),
    "evaluation:round_evaluee_add": Rule(MANAGERS, method="POST", **ROUND),
    "evaluation:round_evaluee_remove": Rule(MANAGERS, method="POST", **EVALUEE),
    "evaluation:round_evaluee_scheme": Rule(MANAGERS, method="POST", **EVALUEE),
    "evaluation:round_open": Rule(MANAGERS, method="POST", **ROUND),
    # No reason posted before the deadline: the round's page comes back with the refusal.
    "evaluation:round_close": Rule(MANAGERS, method="POST", **ROUND),
    "evaluation:round_reopen": Rule(MANAGERS, method="POST", **ROUND),
    "evaluation:evaluee_evidence": Rule(STAFF, **EVALUEE),
    # The administrator passes the role guard and reads the submitted text, as raters do.
    "evaluation:self_assessment": Rule(("admin", "cadre"), **EVALUEE),
    "evaluation:my_evaluations": Rule(("admin", "cadre")),
}


def _rounds(world, role):  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    return found.round, found.round_b


def _evaluees(world, role):  # type: ignore[no-untyped-def]
    """The world's cadre (the cadre's own evaluation) inside, 周亮 in batch B outside."""
    found = evaluation_world(world)
    return found.evaluee_a, found.evaluee_b


SCOPED = {"round_pk": _rounds, "round_evaluee": _evaluees}
