"""Who may download summaries as Word: one summary, whoever reads it (the person and the
leaders over them); a batch's as a zip, the staff over the batch (each gets the summaries their
roles reach)."""

from tests.test_authorization_matrix import EVERY_ROLE, Rule

STAFF = ("admin", "coordinator", "dispatch_admin", "host_leader", "group_leader")

RULES = {
    "summaries:summary_word": Rule(EVERY_ROLE, scoped="summary_pk", objects="exported_summary"),
    # Nothing archived in the duty world's batch: the page says so (302 back to the batch's
    # summaries); what a started job holds is tested in tests/summaries/test_exports.py.
    "summaries:batch_export": Rule(
        STAFF, method="POST", scoped="batch_pk", objects="duty_batch", data={"state": "archived"}
    ),
}


def _summaries(world, role):  # type: ignore[no-untyped-def]
    """An archived final summary of the person inside (the cadre's own) and of the one outside."""
    from guazhi.summaries.models import Summary, SummaryKind
    from tests.summaries.world import summary_world

    found = summary_world(world)

    def final(assignment):  # type: ignore[no-untyped-def]
        made = Summary.objects.filter(assignment=assignment, kind=SummaryKind.FINAL).first()
        return made or found.archived(assignment)

    return final(found.zhang), final(found.zhou)


SCOPED = {"exported_summary": _summaries}
