"""Reading the work log (工作纪实): a person's entries, one entry, the monthly accomplishment rule.

A person's log is read newest first, a page at a time, by keyset ("更多" continues after the
last entry shown) on the index (assignment, -date, -id): a page costs the same on the first
day of the term and after a million entries, and no page view counts the whole log.

The monthly rule (DutyRules.monthly_accomplishment_required): every month a person is on duty
needs at least one entry marked 做成一件事. A month still running is "not yet", not "missed".

Files attached to an entry are read by whoever may read the entry (registered below; the app
imports this module when it starts).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from guazhi.core.attachments import kind_of, register_attachment_access
from guazhi.core.errors import NotFound
from guazhi.core.models import Attachment
from guazhi.core.text import ascii_number
from guazhi.duty.models import DutyRules, LogQuantity, WorkLogEntry
from guazhi.duty.periods import month_end, month_start, month_text, months_between, term_bounds
from guazhi.duty.selectors.log_summary import QuantityTotal, quantity_text_key, quantity_total
from guazhi.duty.selectors.scope import duty_assignment_queryset
from guazhi.duty.services.rules import duty_rules_of
from guazhi.programmes.models import Assignment, Batch, Group

PAGE_SIZE = 20
# The fields a list of entries shows (log_entry_page).
LIST_FIELDS = ("id", "assignment_id", "date", "category", "title", "content", "accomplishment")
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif"})


# Months ------------------------------------------------------------------------------------


def term_months(assignment: Assignment, *, until: dt.date | None = None) -> list[dt.date]:
    """The months of the term, oldest first, up to `until`'s month when given."""
    start, end = term_bounds(assignment)
    return months_between(start, min(end, until) if until else end)


# Reading entries ---------------------------------------------------------------------------


def log_entry_queryset(actor: Any) -> QuerySet[WorkLogEntry]:
    """The entries of the records on duty the actor's roles reach."""
    return WorkLogEntry.objects.filter(assignment__in=duty_assignment_queryset(actor).values("pk"))


def access_log_entry(*, actor: Any, pk: int) -> WorkLogEntry:
    entry = (
        log_entry_queryset(actor)
        .filter(pk=pk)
        .select_related(
            "assignment__batch__coordinating_org",
            "assignment__cadre__user",
            "assignment__post",
            "assignment__host_unit",
            "assignment__home_unit",
            "created_by",
        )
        .prefetch_related(Prefetch("quantities", LogQuantity.objects.order_by("id")))
        .first()
    )
    if entry is None:
        raise NotFound()
    return entry


def _may_read_entry(actor: Any, entry: WorkLogEntry) -> bool:
    return duty_assignment_queryset(actor).filter(pk=entry.assignment_id).exists()


register_attachment_access(WorkLogEntry, _may_read_entry)


@dataclass(frozen=True)
class EntryFile:
    attachment: Attachment
    is_image: bool
    kind_label: str


def entry_files(entry: WorkLogEntry) -> list[EntryFile]:
    """An entry's files, images first (shown as thumbnails), then the others (as links)."""
    attachments = Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(WorkLogEntry), object_id=entry.pk
    ).order_by("created_at", "id")
    files = [_entry_file(a) for a in attachments]
    return sorted(files, key=lambda f: not f.is_image)


def _entry_file(attachment: Attachment) -> EntryFile:
    kind = kind_of(attachment.mime_type)
    return EntryFile(
        attachment,
        attachment.mime_type in IMAGE_TYPES,
        str(kind.label) if kind else attachment.mime_type,
    )


@dataclass(frozen=True)
class EntryRow:
    entry: WorkLogEntry
    quantities: list[LogQuantity]
    files: list[EntryFile]


@dataclass(frozen=True)
class LogPage:
    rows: list[EntryRow]
    next_cursor: str  # "" on the last page


def _cursor(entry: WorkLogEntry) -> str:
    return f"{entry.date.isoformat()}_{entry.pk}"


def _parse_cursor(text: str) -> tuple[dt.date, int] | None:
    day, _sep, pk = (text or "").partition("_")
    try:
        return dt.date.fromisoformat(day), int(pk)
    except ValueError:
        return None


def log_entry_page(
    *,
    actor: Any,
    assignment: Assignment,
    month: dt.date | None = None,
    category: str = "",
    accomplishments_only: bool = False,
    after: str = "",
    size: int = PAGE_SIZE,
) -> LogPage:
    """A page of the person's log, newest first, after the cursor `after` (from the previous
    page's `next_cursor`). `assignment` comes from access_duty_assignment for `actor`.
    Three queries whatever the log's length: entries, their quantities, their files.

    Every person's page of the log list runs this, so it is written for the cost of building
    the queries as much as for the database: quantities and files are read by entry id
    straight off their tables, without prefetch machinery or joins."""
    entries = WorkLogEntry.objects.filter(assignment_id=assignment.pk)
    if month is not None:
        entries = entries.filter(date__gte=month_start(month), date__lte=month_end(month))
    if category:
        entries = entries.filter(category=category)
    if accomplishments_only:
        entries = entries.filter(accomplishment=True)
    cursor = _parse_cursor(after)
    if cursor is not None:
        day, pk = cursor
        # date <= day first: the index seeks to the cursor instead of walking past newer rows.
        entries = entries.filter(Q(date__lte=day), Q(date__lt=day) | Q(pk__lt=pk))
    # What a list item shows: the timestamps and the author are left to the entry's own page.
    found = list(entries.order_by("-date", "-id").only(*LIST_FIELDS)[: size + 1])
    shown = found[:size]
    quantities: dict[int, list[LogQuantity]] = defaultdict(list)
    files: dict[int, list[EntryFile]] = defaultdict(list)
    if shown:
        ids = [entry.pk for entry in shown]
        for quantity in LogQuantity.objects.filter(entry_id__in=ids).order_by("id"):
            quantities[quantity.entry_id].append(quantity)
        for attachment in (
            Attachment.objects.filter(
                content_type=ContentType.objects.get_for_model(WorkLogEntry), object_id__in=ids
            )
            .order_by("created_at", "id")
            .only("id", "object_id", "name", "mime_type", "size")
        ):
            files[attachment.object_id].append(_entry_file(attachment))
    rows = [EntryRow(entry, quantities[entry.pk], files[entry.pk]) for entry in shown]
    return LogPage(rows, _cursor(shown[-1]) if len(found) > size else "")


# The monthly accomplishment rule -----------------------------------------------------------


class Compliance(StrEnum):
    MET = "met"  # at least one accomplishment in the month
    OPEN = "open"  # none yet, the month is still running
    MISSED = "missed"  # the month is over without one
    EXEMPT = "exempt"  # not required: the batch does not ask, or not on duty that month

    @property
    def label(self) -> str:
        return {
            Compliance.MET: _("已做成"),
            Compliance.OPEN: _("本月尚未做成"),
            Compliance.MISSED: _("未做成"),
            Compliance.EXEMPT: _("不要求"),
        }[self]


def compliance_of(
    *,
    required: bool,
    assignment: Assignment,
    month: dt.date,
    accomplishments: int,
    today: dt.date,
) -> Compliance:
    start, end = term_bounds(assignment)
    if not required or month > today or month_end(month) < start or month > end:
        return Compliance.EXEMPT
    if accomplishments > 0:
        return Compliance.MET
    return Compliance.OPEN if month_end(month) >= today else Compliance.MISSED


def _rules(batch: Batch) -> DutyRules:
    return duty_rules_of(batch)  # made with the defaults on first use, even by a read


@dataclass(frozen=True)
class MonthMark:
    month: dt.date
    label: str
    status: Compliance


def log_months(
    *,
    actor: Any,
    assignment: Assignment,
    today: dt.date | None = None,
    rules: DutyRules | None = None,
) -> list[MonthMark]:
    """The term's months so far, newest first, each marked by the monthly rule. One query on
    the index (assignment, accomplishment, date): the distinct months that hold an
    accomplishment, never a count of the log."""
    today = today or timezone.localdate()
    months = term_months(assignment, until=today)
    required = (rules or _rules(assignment.batch)).monthly_accomplishment_required
    done: set[dt.date] = set()
    if months:
        done = set(
            WorkLogEntry.objects.filter(
                assignment_id=assignment.pk,
                accomplishment=True,
                date__gte=months[0],
                date__lte=month_end(months[-1]),
            )
            .annotate(month=TruncMonth("date"))
            .order_by()
            .values_list("month", flat=True)
            .distinct()
        )
    return [
        MonthMark(
            month,
            month_text(month),
            compliance_of(
                required=required,
                assignment=assignment,
                month=month,
                accomplishments=int(month in done),
                today=today,
            ),
        )
        for month in reversed(months)
    ]


def _totals(rows: dict[tuple[str, str], Any]) -> list[QuantityTotal]:
    """Totals by label and unit, sorted as the periodic report's summary sorts them (by the
    label's pinyin, then the unit's), so a batch's tab and a person's report read alike."""
    return [
        QuantityTotal(label, unit, quantity_total(total))
        for (label, unit), total in sorted(
            rows.items(),
            key=lambda row: (
                quantity_text_key(row[0][0]),
                row[0][0],
                quantity_text_key(row[0][1]),
                row[0][1],
            ),
        )
    ]


@dataclass
class PersonMonth:
    assignment: Assignment
    entries: int
    accomplishments: int
    status: Compliance
    quantities: list[QuantityTotal]


@dataclass
class GroupMonth:
    group: Group | None  # None: the people in no group
    people: int = 0
    required: int = 0  # people the rule applies to this month
    compliant: int = 0
    entries: int = 0
    accomplishments: int = 0


@dataclass
class BatchMonth:
    month: dt.date
    label: str
    required: bool
    people: list[PersonMonth]
    groups: list[GroupMonth]
    quantities: list[QuantityTotal]
    totals: GroupMonth = field(default_factory=lambda: GroupMonth(None))


NO_GROUP = "none"


def log_batch_months(batch: Batch) -> list[dt.date]:
    return months_between(batch.term_start, batch.term_end)


def log_batch_groups(batch: Batch) -> list[Group]:
    """The batch's groups for the filter, in their order of creation."""
    return list(Group.objects.filter(batch=batch).order_by("id"))


def log_batch_month(
    *,
    actor: Any,
    batch: Batch,
    month: dt.date,
    group: str = "",
    today: dt.date | None = None,
) -> BatchMonth:
    """One month of a batch's log for the people the actor's roles reach: per person entries,
    accomplishments and the rule's verdict, per group members compliant / total, and quantity
    totals by label and unit. `group` is a group's id, NO_GROUP or "" (everyone).
    Four queries whatever the number of people or entries."""
    today = today or timezone.localdate()
    month = month_start(month)
    required = _rules(batch).monthly_accomplishment_required
    people = (
        duty_assignment_queryset(actor)
        .filter(batch=batch)
        .select_related("batch", "cadre", "host_unit", "post", "group")
        .order_by("group_id", "cadre__name_pinyin", "id")
    )
    if group == NO_GROUP:
        people = people.filter(group__isnull=True)
    elif (group_id := ascii_number(group)) is not None:
        people = people.filter(group_id=group_id)
    assignments = list(people)
    ids = [a.pk for a in assignments]
    in_month = {"date__gte": month, "date__lte": month_end(month)}
    counts: dict[int, tuple[int, int]] = {
        row["assignment"]: (row["entries"], row["accomplishments"])
        for row in WorkLogEntry.objects.filter(assignment__in=ids, **in_month)
        .values("assignment")
        .annotate(entries=Count("id"), accomplishments=Count("id", filter=Q(accomplishment=True)))
    }
    per_person: dict[int, dict[tuple[str, str], Decimal]] = defaultdict(dict)
    batch_totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for total in (
        LogQuantity.objects.filter(
            entry__assignment__in=ids, entry__date__gte=month, entry__date__lte=month_end(month)
        )
        .values("entry__assignment", "label", "unit")
        .annotate(total=Sum("value"))
    ):
        key, value = (total["label"], total["unit"]), quantity_total(total["total"])
        per_person[total["entry__assignment"]][key] = value
        batch_totals[key] += value
    result = BatchMonth(month, month_text(month), required, [], [], _totals(batch_totals))
    groups: dict[int | None, GroupMonth] = {}
    for assignment in assignments:
        entries, accomplishments = counts.get(assignment.pk, (0, 0))
        person = PersonMonth(
            assignment,
            entries,
            accomplishments,
            compliance_of(
                required=required,
                assignment=assignment,
                month=month,
                accomplishments=accomplishments,
                today=today,
            ),
            _totals(per_person[assignment.pk]),
        )
        result.people.append(person)
        tally = groups.setdefault(assignment.group_id, GroupMonth(assignment.group))
        for target in (tally, result.totals):
            target.people += 1
            target.entries += person.entries
            target.accomplishments += person.accomplishments
            if person.status != Compliance.EXEMPT:
                target.required += 1
            if person.status == Compliance.MET:
                target.compliant += 1
    # Groups in their order of creation, the people in no group last.
    result.groups = sorted(
        groups.values(), key=lambda g: (g.group is None, g.group.pk if g.group else 0)
    )
    return result


def accomplishment_missing(
    *, assignments: QuerySet[Assignment], month: dt.date
) -> QuerySet[Assignment]:
    """Of `assignments`, those with no accomplishment in `month` so far (for reminders)."""
    month = month_start(month)
    return assignments.exclude(
        Exists(
            WorkLogEntry.objects.filter(
                assignment=OuterRef("pk"),
                accomplishment=True,
                date__gte=month,
                date__lte=month_end(month),
            )
        )
    )
