"""Who may open the pages of vetting, decision, publicity and approval: the batch's managers;
the public notice (公示) is read by everyone who sees the batch, cadres of its dispatching
units included (the world's cadre belongs to batch_a's dispatching party school).

Objections are the area's own kwarg: one under batch_a's publicity (district A, inside every
manager's scope) and one under batch_b's (district B, outside).
"""

import datetime as dt

from tests.programmes.world import programme_world
from tests.test_authorization_matrix import EVERY_ROLE, MANAGERS, Rule

RULES = {
    "programmes:selection": Rule(MANAGERS, scoped="batch_pk"),
    # Posted empty: the page comes back with the form's errors (200) or the refusal (302).
    "programmes:selection_step": Rule(MANAGERS, method="POST", scoped="batch_pk"),
    "programmes:assignment_cancel": Rule(MANAGERS, method="POST", scoped="assignment_pk"),
    "programmes:publicity_start": Rule(MANAGERS, method="POST", scoped="batch_pk"),
    "programmes:publicity": Rule(MANAGERS, scoped="batch_pk"),
    "programmes:objection_create": Rule(MANAGERS, scoped="batch_pk"),
    "programmes:objection_resolve": Rule(MANAGERS, scoped="objection_pk"),
    "programmes:publicity_approve": Rule(MANAGERS, method="POST", scoped="batch_pk"),
    "programmes:publicity_export": Rule(MANAGERS, scoped="batch_pk"),
    # Posted empty: the page again with the reason missing, nothing withdrawn.
    "programmes:publicity_withdraw": Rule(MANAGERS, method="POST", scoped="batch_pk"),
    "programmes:publicity_notice": Rule(EVERY_ROLE, scoped="batch_pk"),
}


def _objections(world, role):  # type: ignore[no-untyped-def]
    from guazhi.programmes.models import Objection, Publicity

    found = programme_world(world)
    pair = []
    for batch in (found.batch_a, found.batch_b):
        publicity, _created = Publicity.objects.get_or_create(
            batch=batch,
            defaults={
                "starts_on": dt.date(2026, 11, 2),
                "working_days": 5,
                "ends_on": dt.date(2026, 11, 6),
            },
        )
        objection = publicity.objections.first() or Objection.objects.create(
            publicity=publicity, received_on=dt.date(2026, 11, 3), content="反映问题"
        )
        pair.append(objection)
    return pair[0], pair[1]


SCOPED = {"objection_pk": _objections}
