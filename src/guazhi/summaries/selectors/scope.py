"""Who sees and acts on which summaries: the one place summary scope is decided.

A summary hangs off an assignment, so reading one follows the on-duty rule for the person's
record (duty/selectors/scope.py: coordinators by batch, dispatch admins by home unit, host
leaders by host unit, group leaders by group, the cadre their own). Each step of the flow then
needs its own role over the person:

- the person writes and submits (never anyone else, not even a coordinator);
- the group leader or deputy of the person's group reviews — or a coordinator over the batch
  when no group leader does (the rule periodic reports follow: duty can_review_assignment);
- a host leader over the person's host unit writes the appraisal (鉴定意见);
- a coordinator over the batch archives.

Nobody acts on their own summary except to write it, and nobody but the person reads a draft
that was never submitted (can_read_summary_text).
"""

from typing import Any

from django.db.models import QuerySet

from guazhi.core.errors import NotFound
from guazhi.duty.selectors.reports import can_review_assignment
from guazhi.duty.selectors.scope import duty_assignment_queryset, is_own
from guazhi.orgs.models import Role
from guazhi.orgs.scopes import scopes_of
from guazhi.programmes.models import Assignment
from guazhi.programmes.selectors.scope import can_manage_batch
from guazhi.summaries.models import Summary, SummaryState


def summary_queryset(actor: Any) -> QuerySet[Summary]:
    """The summaries whose person the actor's roles reach."""
    return Summary.objects.filter(assignment__in=duty_assignment_queryset(actor))


def access_summary(*, actor: Any, pk: int) -> Summary:
    """One summary the actor reads, with its assignment's people and units loaded; NotFound for
    missing and forbidden alike."""
    summary = (
        summary_queryset(actor)
        .select_related(
            "assignment__batch__coordinating_org",
            "assignment__cadre__user",
            "assignment__post",
            "assignment__host_unit",
            "assignment__home_unit",
            "assignment__group__leader__cadre",
            "assignment__group__deputy__cadre",
        )
        .filter(pk=pk)
        .first()
    )
    if summary is None:
        raise NotFound()
    return summary


def can_write_summary(*, actor: Any, assignment: Assignment) -> bool:
    return is_own(actor=actor, assignment=assignment)


def can_review_summary(*, actor: Any, assignment: Assignment) -> bool:
    """Group leader or deputy of the person's group, or a coordinator over the batch; never the
    person. Load assignment.group's leader and deputy with the assignment."""
    return can_review_assignment(actor=actor, assignment=assignment)


def can_appraise_summary(*, actor: Any, assignment: Assignment) -> bool:
    """A host leader over the person's host unit (for every batch or for this one): the role
    itself, so a system administrator, who reads everything, appraises nobody."""
    if is_own(actor=actor, assignment=assignment):
        return False
    path = assignment.host_unit.path
    return any(
        grant.role == Role.HOST_LEADER
        and grant.batch_id in (None, assignment.batch_id)
        and path.startswith(grant.path)
        for grant in scopes_of(actor).grants
    )


def can_archive_summary(*, actor: Any, assignment: Assignment) -> bool:
    """A coordinator over the batch (or a system administrator, who manages every batch: filing
    is management, not a judgement on the person)."""
    if is_own(actor=actor, assignment=assignment):
        return False
    return can_manage_batch(actor=actor, batch=assignment.batch)


def can_read_summary_text(*, actor: Any, summary: Summary) -> bool:
    """A draft is the person's own until first submitted: others who reach the person see that
    it exists (its state), never its text, as with periodic reports. Once submitted, whoever
    reads the summary reads its text (a returned one included: the reviewer has read it)."""
    if summary.state != SummaryState.DRAFT:
        return True
    return is_own(actor=actor, assignment=summary.assignment)
