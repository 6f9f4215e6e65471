"""Who may open the rating pages: raters (host leaders, dispatch admins, group leaders) their inbox
and the form of the people they reach; coordinators over the batch the democratic evaluation
(codes, sheet, paper ballots, the table); anyone at all the code form, which needs no account."""

from tests.evaluation.world import evaluation_world
from tests.test_authorization_matrix import EVERY_ROLE, MANAGERS, Rule

RATERS = ("admin", "dispatch_admin", "host_leader", "group_leader")
PERSON = {"scoped": "evaluee_pk", "objects": "ratings_evaluee"}
ROUND = {"scoped": "round_pk", "objects": "ratings_round"}

RULES = {
    "evaluation:rating_inbox": Rule(RATERS),
    # The admin passes the role guard, rates nobody and is sent back to the inbox (302).
    "evaluation:rating_form": Rule(RATERS, **PERSON),
    "evaluation:paper_ballot": Rule(MANAGERS, **PERSON),
    "evaluation:democratic_round": Rule(MANAGERS, **ROUND),
    "evaluation:democratic_export": Rule(MANAGERS, **ROUND),
    # Nothing posted: the form comes back (200).
    "evaluation:code_issue": Rule(MANAGERS, method="POST", **ROUND),
    # Void every unused code of the round (none: a message, 302).
    "evaluation:code_void": Rule(MANAGERS, method="POST", data={"evaluee": "all"}, **ROUND),
    "evaluation:code_sheet": Rule(MANAGERS, **ROUND),
    "evaluation:code_entry": Rule(EVERY_ROLE, public=True),
}


def _evaluees(world, role):  # type: ignore[no-untyped-def]
    found = evaluation_world(world)  # 张三 inside every staff role's reach; 周亮 outside
    return found.evaluee_a, found.evaluee_b


def _rounds(world, role):  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    return found.round, found.round_b


SCOPED = {"ratings_evaluee": _evaluees, "ratings_round": _rounds}
