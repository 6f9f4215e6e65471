"""Which summaries a batch export takes: those of the batch the actor's roles reach, filtered."""

from typing import Any

from django.db.models import QuerySet

from guazhi.programmes.models import Batch
from guazhi.summaries.models import Summary, SummaryState
from guazhi.summaries.selectors.scope import summary_queryset


def summaries_for_export(
    *, actor: Any, batch: Batch, state: str = "", kind: str = ""
) -> QuerySet[Summary]:
    """The batch's summaries in the actor's scope ("" for any state or kind, drafts excepted),
    with what the
    document reads loaded, by host unit, then person (pinyin), then kind."""
    # A draft never submitted is the person's own (selectors.scope.can_read_summary_text): a
    # batch export is made by staff, so it holds only summaries submitted at least once.
    found = (
        summary_queryset(actor).filter(assignment__batch=batch).exclude(state=SummaryState.DRAFT)
    )
    if state:
        found = found.filter(state=state)
    if kind:
        found = found.filter(kind=kind)
    return (
        found.select_related("assignment__cadre", "assignment__host_unit", "assignment__post")
        .prefetch_related("sections")
        .order_by(
            "assignment__host_unit__path",
            "assignment__cadre__name_pinyin",
            "assignment__cadre_id",
            "-kind",  # 阶段总结 (midterm) before 期满总结 (final)
            "id",
        )
    )
