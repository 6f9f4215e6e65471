"""Who may open the results pages: staff over the batch read the results table (what rows it
shows is the selectors' business), coordinators decide, publish, adjust grades, check flags and
settle objections; everyone concerned reads a person's result (the person only once published)
and the publicity; the person signs their opinion. The rounds here are published, their
publicity open today, so every page has something to show: a move a published round refuses
(publish again, reopen) sends the coordinator back to the results (302), and a form posted
empty comes back (200)."""

import datetime as dt

from django.utils import timezone

from tests.evaluation.results_world import rate, results_world
from tests.test_authorization_matrix import EVERY_ROLE, MANAGERS, Rule

STAFF = ("admin", "coordinator", "dispatch_admin", "host_leader", "group_leader")
ROUND = {"scoped": "round_pk", "objects": "results_round"}
EVALUEE = {"scoped": "evaluee_pk", "objects": "results_evaluee"}

RULES = {
    "evaluation:round_results": Rule(STAFF, **ROUND),
    "evaluation:result_decide": Rule(MANAGERS, method="POST", **ROUND),
    "evaluation:result_reopen": Rule(MANAGERS, method="POST", **ROUND),
    "evaluation:result_quota_exception": Rule(MANAGERS, method="POST", **ROUND),
    "evaluation:result_publish": Rule(MANAGERS, method="POST", **ROUND),
    "evaluation:result_publicity": Rule(EVERY_ROLE, **ROUND),
    # Posted empty: the form comes back; the cadre, on the list themselves, has nobody else
    # to object to and gets the page back too.
    "evaluation:objection_raise": Rule(EVERY_ROLE, method="POST", **ROUND),
    "evaluation:objection_resolve": Rule(
        MANAGERS, scoped="objection_pk", objects="results_objection"
    ),
    "evaluation:flag_dismiss": Rule(
        MANAGERS, method="POST", scoped="flag_pk", objects="results_flag"
    ),
    "evaluation:evaluee_result": Rule(EVERY_ROLE, **EVALUEE),
    "evaluation:result_adjust": Rule(MANAGERS, **EVALUEE),
    # The administrator passes the role guard; the service refuses (not their result): 302.
    "evaluation:result_acknowledge": Rule(("admin", "cadre"), method="POST", **EVALUEE),
}


def _published(world):  # type: ignore[no-untyped-def]
    found = getattr(world, "_results", None)
    if found is not None:
        return found
    from guazhi.evaluation.models import EvaluationRound, Evaluee, FlagKind, Objection, RatingFlag

    found = results_world(world, state="published")
    today = timezone.localdate()
    EvaluationRound.objects.filter(pk__in=[found.round_a.pk, found.round_b.pk]).update(
        publicity_start=today - dt.timedelta(days=1), publicity_end=today + dt.timedelta(days=7)
    )
    Evaluee.objects.filter(pk__in=[found.zhang.pk, found.zhou.pk]).update(
        score="95.00", rank=1, proposed_grade="优秀", grade="优秀", role_scores={}
    )
    flags, objections = [], []
    for round, evaluee in ((found.round_a, found.zhang), (found.round_b, found.zhou)):
        rating = rate(evaluee, "host_leadership", "95", uniform=True)
        flags.append(
            RatingFlag.objects.create(
                round=round, rating=rating, kind=FlagKind.UNIFORM, detail="各项均为 95 分"
            )
        )
        objections.append(
            Objection.objects.create(round=round, evaluee=evaluee, content="反映的问题。")
        )
    world._results = (found, flags, objections)
    return world._results


def _rounds(world, role):  # type: ignore[no-untyped-def]
    found, _flags, _objections = _published(world)
    return found.round_a, found.round_b


def _evaluees(world, role):  # type: ignore[no-untyped-def]
    found, _flags, _objections = _published(world)
    return found.zhang, found.zhou


def _flags(world, role):  # type: ignore[no-untyped-def]
    _found, flags, _objections = _published(world)
    return flags[0], flags[1]


def _objections(world, role):  # type: ignore[no-untyped-def]
    _found, _flags, objections = _published(world)
    return objections[0], objections[1]


SCOPED = {
    "results_round": _rounds,
    "results_evaluee": _evaluees,
    "results_flag": _flags,
    "results_objection": _objections,
}
