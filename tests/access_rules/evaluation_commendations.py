"""Who may open the commendation pages: the batch's staff read its nominations (the people their
roles reach) and nominate; the coordinators decide nominations and draft the decisions, which
the batch's staff read and download. A cadre is nominated, never reads the deliberation."""

from tests.test_authorization_matrix import Rule

STAFF = ("admin", "coordinator", "dispatch_admin", "host_leader", "group_leader")
MANAGERS = ("admin", "coordinator")
BATCH = {"scoped": "batch_pk", "objects": "duty_batch"}

RULES = {
    "evaluation:commendation_list": Rule(STAFF, **BATCH),
    "evaluation:commendation_nominate": Rule(STAFF, **BATCH),
    "evaluation:commendation_decision_create": Rule(MANAGERS, **BATCH),
    "evaluation:commendation_detail": Rule(STAFF, scoped="nomination_pk"),
    # No decision posted: the form comes back (200).
    "evaluation:commendation_decide": Rule(MANAGERS, method="POST", scoped="nomination_pk"),
    # The host leader nominated: they withdraw it (302), the others are refused (302 too).
    "evaluation:commendation_withdraw": Rule(STAFF, method="POST", scoped="nomination_pk"),
    "evaluation:commendation_decision_edit": Rule(MANAGERS, scoped="decision_pk"),
    "evaluation:commendation_decision_word": Rule(STAFF, scoped="decision_pk"),
}


def _nominations(world, role):  # type: ignore[no-untyped-def]
    """A pending nomination of 张三 (batch A, inside every staff role) by the host leader, and
    one of 周亮 (batch B, outside)."""
    from guazhi.evaluation.models import Nomination
    from tests.evaluation.world import evaluation_world

    found = evaluation_world(world)

    def nomination(assignment):  # type: ignore[no-untyped-def]
        made, _ = Nomination.objects.get_or_create(
            assignment=assignment,
            defaults={
                "kind": "commendation",
                "citation": "扎根基层，成绩突出。",
                "nominated_by": world.users["host_leader"],
            },
        )
        return made

    return nomination(found.duty.serving_a), nomination(found.duty.serving_b)


def _decisions(world, role):  # type: ignore[no-untyped-def]
    """A decision of batch A listing 张三's approved nomination, and one of batch B."""
    import datetime as dt

    from guazhi.evaluation.models import CommendationDecision, Nomination

    inside, outside = _nominations(world, role)

    def decision(nomination):  # type: ignore[no-untyped-def]
        batch = nomination.assignment.batch
        made, _ = CommendationDecision.objects.get_or_create(
            batch=batch,
            defaults={
                "title": "关于表彰优秀挂职干部的决定",
                "issued_on": dt.date(2026, 12, 1),
                "issuer": batch.coordinating_org.name,
            },
        )
        Nomination.objects.filter(pk=nomination.pk).update(state="approved", decision=made)
        return made

    return decision(inside), decision(outside)


SCOPED = {"nomination_pk": _nominations, "decision_pk": _decisions}
