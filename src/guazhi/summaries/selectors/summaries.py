"""Reading summaries: when each kind may be started, a person's summaries, one summary's sections,
trail and the steps the reader may take, and a batch's overview (scope: selectors.scope).

When a kind may be started (drafted), counted on the person's own term (the day they reported
for duty, else the batch's start, to their end date, else the batch's end):

- the mid-term summary (阶段总结) from the first day of the term to its last: it looks back on
  the term so far; once the term is over the final summary is what is written;
- the final summary (期满总结) in the last two months of the term (from the day after the date
  two calendar months before the term's last day) and at any time after the term: the person
  writes it while finishing and may finish it after going home.

Both only while the assignment is on duty or ended (duty.selectors.scope.DUTY_STATES).
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from guazhi.core.text import pinyin_key, text_syllables
from guazhi.duty.periods import term_bounds
from guazhi.duty.selectors.scope import DUTY_STATES, duty_assignment_queryset, is_own
from guazhi.programmes.models import Assignment, Batch
from guazhi.summaries.models import (
    EDITABLE_STATES,
    Summary,
    SummaryEvent,
    SummaryKind,
    SummarySection,
    SummaryState,
)
from guazhi.summaries.selectors.scope import (
    can_appraise_summary,
    can_archive_summary,
    can_read_summary_text,
    can_review_summary,
    can_write_summary,
)

# The final summary may be started this many calendar months before the term's last day.
FINAL_OPENS_MONTHS_BEFORE_END = 2
# The state shown for a kind that has no summary yet.
MISSING = "missing"
MISSING_LABEL = gettext_lazy("未开始")
KINDS = (SummaryKind.MIDTERM, SummaryKind.FINAL)


def _months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (the month's last day when it is shorter:
    two months before 30 April is 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = (following - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


@dataclass(frozen=True)
class DraftWindow:
    opens_on: dt.date
    closes_on: dt.date | None  # None: open for good once opened

    def is_open(self, today: dt.date) -> bool:
        return self.opens_on <= today and (self.closes_on is None or today <= self.closes_on)

    def not_yet(self, today: dt.date) -> bool:
        return today < self.opens_on


def draft_window(assignment: Assignment, kind: str) -> DraftWindow:
    """When the person may start this kind of summary (see the module note). Reads the batch."""
    start, end = term_bounds(assignment)
    if kind == SummaryKind.MIDTERM:
        return DraftWindow(start, end)
    opens = _months_before(end, FINAL_OPENS_MONTHS_BEFORE_END) + dt.timedelta(days=1)
    return DraftWindow(max(start, opens), None)


def can_start_summary(
    *, actor: Any, assignment: Assignment, kind: str, today: dt.date | None = None
) -> bool:
    today = today or timezone.localdate()
    return (
        assignment.state in DUTY_STATES
        and can_write_summary(actor=actor, assignment=assignment)
        and draft_window(assignment, kind).is_open(today)
    )


def can_edit_summary(*, actor: Any, summary: Summary) -> bool:
    return summary.state in EDITABLE_STATES and can_write_summary(
        actor=actor, assignment=summary.assignment
    )


# --- one summary ----------------------------------------------------------------------------


def summary_sections(summary: Summary) -> list[SummarySection]:
    return list(summary.sections.order_by("position"))


def summary_trail(summary: Summary) -> list[SummaryEvent]:
    """Every step of the flow, oldest first, with who took it and the comment."""
    return list(summary.events.select_related("actor").order_by("created_at", "id"))


@dataclass(frozen=True)
class SummaryActions:
    """What the reader may do with the summary now (the forms the page shows)."""

    edit: bool = False
    review: bool = False
    appraise: bool = False
    archive: bool = False
    read_text: bool = True

    @property
    def any_step(self) -> bool:
        return self.review or self.appraise or self.archive


def summary_actions(*, actor: Any, summary: Summary) -> SummaryActions:
    """Reads the assignment as access_summary loads it (batch, host unit, group leaders)."""
    assignment = summary.assignment
    state = summary.state
    return SummaryActions(
        edit=can_edit_summary(actor=actor, summary=summary),
        review=state == SummaryState.SUBMITTED
        and can_review_summary(actor=actor, assignment=assignment),
        appraise=state == SummaryState.ACCEPTED
        and can_appraise_summary(actor=actor, assignment=assignment),
        archive=state == SummaryState.APPRAISED
        and can_archive_summary(actor=actor, assignment=assignment),
        read_text=can_read_summary_text(actor=actor, summary=summary),
    )


# --- a person's summaries ---------------------------------------------------------------------


@dataclass(frozen=True)
class PersonSummaryRow:
    kind: str
    label: str | Promise
    summary: Summary | None
    window: DraftWindow
    can_start: bool

    @property
    def state(self) -> str:
        return self.summary.state if self.summary is not None else MISSING


def person_summary_rows(
    *, actor: Any, assignment: Assignment, today: dt.date | None = None
) -> list[PersonSummaryRow]:
    """Both kinds for the person (the caller checked the actor reads the assignment)."""
    today = today or timezone.localdate()
    found = {summary.kind: summary for summary in Summary.objects.filter(assignment=assignment)}
    own = is_own(actor=actor, assignment=assignment)
    rows = []
    for kind in KINDS:
        window = draft_window(assignment, kind)
        summary = found.get(kind)
        if summary is not None:
            summary.assignment = assignment
        rows.append(
            PersonSummaryRow(
                kind=kind,
                label=SummaryKind(kind).label,
                summary=summary,
                window=window,
                can_start=summary is None
                and own
                and assignment.state in DUTY_STATES
                and window.is_open(today),
            )
        )
    return rows


# --- a batch's overview -----------------------------------------------------------------------


@dataclass
class OverviewCell:
    kind: str
    summary_id: int | None = None
    state: str = MISSING
    state_label: str | Promise = ""
    # The reader may take the next step now (review, appraise, archive).
    actionable: bool = False


@dataclass
class OverviewRow:
    assignment: Assignment
    cells: list[OverviewCell]


@dataclass
class BatchSummaryOverview:
    rows: list[OverviewRow] = field(default_factory=list)
    people: int = 0  # before the filter
    waiting: int = 0  # summaries whose next step is the reader's


def _pinyin(text: str) -> str:
    return pinyin_key(text_syllables(text))


def batch_summary_overview(
    *, actor: Any, batch: Batch, kind: str = "", state: str = ""
) -> BatchSummaryOverview:
    """Every person of the batch on duty (or ended) the actor reaches, with both kinds' states,
    sorted by group then name; `kind` and `state` ("missing" for none yet) keep the rows whose
    summary of that kind (or of either kind) is in that state. Two queries whatever the
    batch's size (people with their group's leaders, and their summaries)."""
    people = sorted(
        duty_assignment_queryset(actor)
        .filter(batch=batch)
        .select_related(
            "cadre", "host_unit", "post", "group__leader__cadre", "group__deputy__cadre"
        ),
        key=lambda person: (
            person.group is None,
            _pinyin(person.group.name) if person.group is not None else "",
            person.group_id or 0,
            person.cadre.name_pinyin,
            person.pk,
        ),
    )
    summaries: dict[tuple[int, str], Summary] = {
        (found.assignment_id, found.kind): found
        for found in Summary.objects.filter(assignment__in=[p.pk for p in people]).only(
            "pk", "assignment_id", "kind", "state"
        )
    }
    overview = BatchSummaryOverview(people=len(people))
    kinds = [kind] if kind in KINDS else list(KINDS)
    for person in people:
        person.batch = batch  # the same batch: its coordinating unit is loaded already
        cells = []
        for each in KINDS:
            summary = summaries.get((person.pk, each))
            cell = OverviewCell(kind=each)
            if summary is not None:
                summary.assignment = person
                cell.summary_id = summary.pk
                cell.state = summary.state
                cell.state_label = summary.get_state_display()
                actions = summary_actions(actor=actor, summary=summary)
                cell.actionable = actions.any_step
                overview.waiting += cell.actionable
            else:
                cell.state_label = MISSING_LABEL
            cells.append(cell)
        if state and not any(cell.state == state for cell in cells if cell.kind in kinds):
            continue
        overview.rows.append(OverviewRow(person, cells))
    return overview


def state_filter_choices() -> list[tuple[str, str | Promise]]:
    """The states a batch's overview filters by, in the flow's order, "missing" first."""
    return [(MISSING, MISSING_LABEL), *SummaryState.choices]
