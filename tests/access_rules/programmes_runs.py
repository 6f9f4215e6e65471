"""Who may open the matching pages (coordinators over the batch, admins), and the runs inside
and outside each role's scope (run_pk)."""

from tests.programmes.factories import apply
from tests.programmes.test_run_inputs import computed_run
from tests.programmes.world import programme_world
from tests.test_authorization_matrix import MANAGERS, Rule

RULES = {
    "programmes:run_list": Rule(MANAGERS, scoped="batch_pk"),
    "programmes:run_create": Rule(MANAGERS, scoped="batch_pk"),
    "programmes:run_compare": Rule(MANAGERS, scoped="batch_pk"),
    "programmes:run_pairs": Rule(MANAGERS, scoped="batch_pk"),
    "programmes:run_detail": Rule(MANAGERS, scoped="run_pk"),
    # The inside batch is recruiting: adoption is refused with a message, and the page answers.
    "programmes:run_adopt": Rule(MANAGERS, method="POST", scoped="run_pk"),
    "programmes:run_export": Rule(MANAGERS, scoped="run_pk"),
}


def _runs(world, role):  # type: ignore[no-untyped-def]
    found = getattr(world, "_runs", None)
    if found is None:
        programmes = programme_world(world)
        apply(programmes.batch_a, world.cadre_a, [programmes.post_a])
        apply(programmes.batch_b, world.cadre_b, [programmes.post_b])
        found = world._runs = (
            computed_run(programmes.batch_a, world.users["admin"]),
            computed_run(programmes.batch_b, world.users["admin"]),
        )
    return found


SCOPED = {"run_pk": _runs}
