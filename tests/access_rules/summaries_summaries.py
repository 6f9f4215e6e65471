"""Who may open the summary pages: the person and the leaders over them read; the cadre writes;
group leaders and coordinators review, host leaders appraise, coordinators archive and edit the
batch's template (the services then decide whose summaries and in which state)."""

from tests.summaries.world import summary_world
from tests.test_authorization_matrix import EVERY_ROLE, Rule

STAFF = ("admin", "coordinator", "dispatch_admin", "host_leader", "group_leader")
PERSON = {"scoped": "assignment_pk", "objects": "duty_assignment"}

RULES = {
    "summaries:summary_list": Rule(EVERY_ROLE, **PERSON),
    # No kind posted: the page says so (302 back to the list).
    "summaries:summary_start": Rule(("admin", "cadre"), method="POST", **PERSON),
    "summaries:summary_detail": Rule(EVERY_ROLE, scoped="summary_pk"),
    # The inside summary is submitted: the person is sent to the read view (302), as is the
    # admin, who writes nobody's summary.
    "summaries:summary_edit": Rule(("admin", "cadre"), scoped="summary_pk"),
    # The editor's autosave, posted as form fields: the person's own draft saves (200). The
    # admin passes the role guard and is refused as the JSON endpoint refuses (403): nobody
    # writes another's summary.
    "summaries:summary_save": Rule(
        ("cadre",),
        method="POST",
        scoped="summary_pk",
        objects="summary_draft",
        data={"base_version": "1", "title": "张三同志挂职锻炼期满总结"},
    ),
    # No decision posted: the form comes back (200) to a reviewer, a refusal (302) to others.
    "summaries:summary_review": Rule(
        ("admin", "coordinator", "group_leader"), method="POST", scoped="summary_pk"
    ),
    "summaries:summary_appraise": Rule(
        ("admin", "host_leader"), method="POST", scoped="summary_pk"
    ),
    "summaries:summary_archive": Rule(("admin", "coordinator"), method="POST", scoped="summary_pk"),
    "summaries:batch_summaries": Rule(STAFF, scoped="batch_pk", objects="duty_batch"),
    "summaries:template_edit": Rule(
        ("admin", "coordinator"), scoped="batch_pk", objects="duty_batch"
    ),
}


def _summaries(world, role):  # type: ignore[no-untyped-def]
    """A submitted final summary of the person inside (the cadre's own) and of the one outside."""
    from guazhi.summaries.models import Summary, SummaryState

    found = summary_world(world)

    def summary(assignment):  # type: ignore[no-untyped-def]
        made = Summary.objects.filter(assignment=assignment, kind="final").first()
        return made or found.summary(assignment, state=SummaryState.SUBMITTED)

    return summary(found.zhang), summary(found.zhou)


def _drafts(world, role):  # type: ignore[no-untyped-def]
    """A draft mid-term summary of the person inside (the cadre's own) and of the one outside."""
    from guazhi.summaries.models import Summary, SummaryKind

    found = summary_world(world)

    def summary(assignment):  # type: ignore[no-untyped-def]
        made = Summary.objects.filter(assignment=assignment, kind=SummaryKind.MIDTERM).first()
        return made or found.drafted(assignment, kind=SummaryKind.MIDTERM)

    return summary(found.zhang), summary(found.zhou)


SCOPED = {"summary_pk": _summaries, "summary_draft": _drafts}
