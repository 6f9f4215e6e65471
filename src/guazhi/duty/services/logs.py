"""Writing the work log (工作纪实): a cadre records, corrects and removes entries of their own record.

An entry belongs to the person on duty: only the cadre writes it, only while the assignment is
active, dated inside the term and never ahead of today. A month whose periodic report has been
accepted is closed: the group leader accepted what the log said, so nothing in that period is
added, changed or removed afterwards. Quantities are rows of label / value / unit; a row left
blank is ignored, a row half filled is named ("第2行工作量：请填写单位。"). Files are checked by
their content (core.attachments), and the entry keeps at most MAX_FILES of them.

A form sent twice (a double tap on a slow phone) records one entry: creating locks the
person's assignment row, and inside that lock an identical entry written by the same person in
the last SAME_FORM_WINDOW (same fields, same quantities, the same files by SHA-256) is the
answer instead of a second one.
"""

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guazhi.core.attachments import attachment_delete, attachment_store, attachments_of
from guazhi.core.audit import audit_record, changed_fields, history_by
from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.jinja import format_date
from guazhi.duty.models import (
    DutyTask,
    LogQuantity,
    PeriodicReport,
    ReportState,
    TaskState,
    WorkLogEntry,
)
from guazhi.duty.periods import term_bounds
from guazhi.duty.selectors.scope import is_own
from guazhi.duty.services.rules import duty_rules_of
from guazhi.duty.services.same_form import same_form_since
from guazhi.programmes.models import Assignment, AssignmentState

TITLE_MAX = 100
LABEL_MAX = 30
UNIT_MAX = 10
MAX_FILES = 9  # a phone's photo picker offers nine at a time; more belongs in a document
# LogQuantity.value: 14 digits, 2 after the point.
VALUE_MAX = Decimal("999999999999.99")
ENTRY_FIELDS = ["date", "category", "title", "content", "accomplishment"]


@dataclass(frozen=True)
class QuantityRow:
    """One row of the quantities as typed: the value is parsed and checked by the service, so
    the page and the API get the same message naming the row."""

    label: str = ""
    value: Decimal | str | None = None
    unit: str = ""


def _check_writer(actor: Any, assignment: Assignment) -> None:
    if not is_own(actor=actor, assignment=assignment):
        raise Forbidden(_("工作纪实只能由挂职干部本人填写。"))
    if assignment.state != AssignmentState.ACTIVE:
        raise InvalidTransition(
            _("挂职安排当前为“%(state)s”，不能再填写工作纪实。")
            % {"state": assignment.get_state_display()}
        )


def accepted_report_covering(assignment: Assignment, day: dt.date) -> PeriodicReport | None:
    """The accepted periodic report whose period holds `day`: that period's log is closed."""
    return (
        PeriodicReport.objects.filter(
            assignment=assignment,
            state=ReportState.ACCEPTED,
            period_start__lte=day,
            period_end__gte=day,
        )
        .order_by("period_start")
        .first()
    )


def closed_message(report: PeriodicReport) -> str:
    """Why a period's log can no longer change (for the pages and the services alike)."""
    return _(
        "%(start)s至%(end)s的定期汇报已审阅通过，这期间的工作纪实已随汇报存档，不能再新增、修改或删除。"
    ) % {"start": format_date(report.period_start), "end": format_date(report.period_end)}


def _check_date(
    assignment: Assignment, day: dt.date | None, today: dt.date, errors: dict[str, str]
) -> None:
    if day is None:
        errors["date"] = _("请填写日期。")
        return
    start, end = term_bounds(assignment)
    if day > today:
        errors["date"] = _("日期不能晚于今天。")
    elif day < start or day > end:
        errors["date"] = _("日期须在挂职期内（%(start)s至%(end)s）。") % {
            "start": format_date(start),
            "end": format_date(end),
        }
    else:
        report = accepted_report_covering(assignment, day)
        if report is not None:
            errors["date"] = closed_message(report)


def _parse_value(value: Decimal | str | None) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    text = str(value).strip().replace(",", "").replace("，", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return Decimal("NaN")
    return number


def _checked_quantities(
    rows: Sequence[QuantityRow], errors: dict[str, str]
) -> list[tuple[str, Decimal, str]]:
    """The filled rows as (label, value, unit); every wrong row named by its place (from 1),
    under the key "quantities.<n>.<field>" that the page puts next to the row's field."""
    checked: list[tuple[str, Decimal, str]] = []
    for number, row in enumerate(rows, start=1):
        label, unit = (row.label or "").strip(), (row.unit or "").strip()
        raw_value = row.value.strip() if isinstance(row.value, str) else row.value
        if not label and not unit and raw_value in (None, ""):
            continue  # a blank row is not a row
        value = _parse_value(row.value)
        key = f"quantities.{number}"
        prefix = _("第%(n)s行工作量：") % {"n": number}
        if not label:
            errors[f"{key}.label"] = prefix + _("请填写事项。")
        elif len(label) > LABEL_MAX:
            errors[f"{key}.label"] = prefix + _("事项不能超过%(n)s个字。") % {"n": LABEL_MAX}
        if value is None:
            errors[f"{key}.value"] = prefix + _("请填写数量。")
        elif not value.is_finite() or value <= 0:
            errors[f"{key}.value"] = prefix + _("数量须为正数。")
        elif value > VALUE_MAX or value != value.quantize(Decimal("0.01")):
            errors[f"{key}.value"] = prefix + _("数量最多12位整数、2位小数。")
        if not unit:
            errors[f"{key}.unit"] = prefix + _("请填写单位。")
        elif len(unit) > UNIT_MAX:
            errors[f"{key}.unit"] = prefix + _("单位不能超过%(n)s个字。") % {"n": UNIT_MAX}
        if value is not None and value.is_finite():
            checked.append((label, value, unit))
    return checked


def _check_fields(
    *,
    assignment: Assignment,
    entry: WorkLogEntry | None,
    date: dt.date | None,
    category: str,
    title: str,
    content: str,
    quantities: Sequence[QuantityRow],
    today: dt.date,
) -> list[tuple[str, Decimal, str]]:
    errors: dict[str, str] = {}
    _check_date(assignment, date, today, errors)
    categories = duty_rules_of(assignment.batch).log_categories
    # An old entry keeps a category the batch has since renamed or removed.
    if not category:
        errors["category"] = _("请选择类别。")
    elif category not in categories and not (entry is not None and category == entry.category):
        errors["category"] = _("类别“%(category)s”不在本批次的工作纪实类别中。") % {
            "category": category
        }
    if not title:
        errors["title"] = _("请填写标题。")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("标题不能超过%(n)s个字。") % {"n": TITLE_MAX}
    if not content:
        errors["content"] = _("请填写内容。")
    checked = _checked_quantities(quantities, errors)
    if errors:
        raise ValidationFailed(_("工作纪实填写有误。"), detail=errors)
    return checked


def _store_files(
    *, actor: Any, entry: WorkLogEntry, files: Sequence[Any], already: int
) -> list[str]:
    if already + len(files) > MAX_FILES:
        message = _("每条工作纪实最多%(n)s个附件（已有%(had)s个）。") % {
            "n": MAX_FILES,
            "had": already,
        }
        raise ValidationFailed(message, detail={"files": message})
    stored = []
    for upload in files:
        try:
            attachment = attachment_store(actor=actor, owner=entry, upload=upload)
        except ValidationFailed as error:  # the message names the file; the form shows it
            raise ValidationFailed(error.message, detail={"files": error.message}) from error
        stored.append(attachment.name)
    return stored


def _save_quantities(entry: WorkLogEntry, checked: list[tuple[str, Decimal, str]]) -> None:
    LogQuantity.objects.bulk_create(
        LogQuantity(entry=entry, label=label, value=value, unit=unit)
        for label, value, unit in checked
    )


def _quantity_texts(checked: list[tuple[str, Decimal, str]]) -> list[str]:
    return [f"{label} {value.normalize():f} {unit}" for label, value, unit in checked]


@transaction.atomic
def log_entry_create(
    *,
    actor: Any,
    assignment: Assignment,
    date: dt.date | None,
    category: str,
    title: str,
    content: str,
    accomplishment: bool = False,
    quantities: Sequence[QuantityRow] = (),
    files: Sequence[Any] = (),
    today: dt.date | None = None,
) -> WorkLogEntry:
    """A new entry on the cadre's own active assignment, with its quantities and files; the
    entry the same person recorded moments ago when this one is identical to it (the same form
    sent twice), and then nothing is written."""
    today = today or timezone.localdate()
    # The person's row is the lock two submissions of one form queue on (see the docstring).
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("batch")
        .get(pk=assignment.pk)
    )
    _check_writer(actor, assignment)
    title, content = (title or "").strip(), (content or "").strip()
    checked = _check_fields(
        assignment=assignment,
        entry=None,
        date=date,
        category=category,
        title=title,
        content=content,
        quantities=quantities,
        today=today,
    )
    assert date is not None  # checked above
    author = actor if getattr(actor, "is_authenticated", False) else None
    fields = {
        "date": date,
        "category": category,
        "title": title,
        "content": content,
        "accomplishment": bool(accomplishment),
    }
    sent_before = _same_entry(assignment, author, fields, checked, files)
    if sent_before is not None:
        return sent_before
    entry = WorkLogEntry(
        assignment=assignment,
        date=date,
        category=category,
        title=title,
        content=content,
        accomplishment=bool(accomplishment),
        created_by=author,
    )
    history_by(actor, entry)
    entry.save()
    _save_quantities(entry, checked)
    stored = _store_files(actor=actor, entry=entry, files=files, already=0)
    audit_record(
        actor=actor,
        action="log_entry.create",
        obj=entry,
        detail={
            "date": str(date),
            "category": category,
            "title": title,
            "accomplishment": entry.accomplishment,
            "quantities": _quantity_texts(checked),
            "files": stored,
        },
    )
    return entry


def _sha256_of(upload: Any) -> str:
    """The file's SHA-256, read in chunks and rewound: attachment_store reads it again."""
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _same_entry(
    assignment: Assignment,
    author: Any,
    fields: dict[str, Any],
    checked: list[tuple[str, Decimal, str]],
    files: Sequence[Any],
) -> WorkLogEntry | None:
    """An entry `author` recorded on `assignment` within SAME_FORM_WINDOW that says exactly
    this: the same fields, quantities (in order) and files (by content). Called under the
    assignment's lock, so a second submission sees the first one's entry once it committed."""
    candidates = list(
        WorkLogEntry.objects.filter(
            assignment=assignment,
            created_by=author,
            created_at__gte=same_form_since(),
            **fields,
        ).order_by("id")
    )
    if not candidates:
        return None
    wanted_files = sorted(_sha256_of(upload) for upload in files)
    for candidate in candidates:
        quantities = [
            (q.label, q.value, q.unit)
            for q in LogQuantity.objects.filter(entry=candidate).order_by("id")
        ]
        stored = sorted(a.sha256 for a in attachments_of(candidate))
        if quantities == checked and stored == wanted_files:
            return candidate
    return None


def _lock_entry(entry: WorkLogEntry) -> WorkLogEntry:
    return (
        WorkLogEntry.objects.select_for_update(of=("self",))
        .select_related("assignment__batch", "assignment__cadre")
        .get(pk=entry.pk)
    )


def _check_open(entry: WorkLogEntry) -> None:
    """The entry's own date must not lie in a period whose report was accepted."""
    report = accepted_report_covering(entry.assignment, entry.date)
    if report is not None:
        raise InvalidTransition(closed_message(report))


@transaction.atomic
def log_entry_update(
    *,
    actor: Any,
    entry: WorkLogEntry,
    date: dt.date | None,
    category: str,
    title: str,
    content: str,
    accomplishment: bool = False,
    quantities: Sequence[QuantityRow] = (),
    files: Sequence[Any] = (),
    remove_files: Sequence[int] = (),
    today: dt.date | None = None,
) -> WorkLogEntry:
    """Correct an entry: its fields, its quantities (replaced by the rows given), files added
    and files removed (by attachment id)."""
    today = today or timezone.localdate()
    entry = _lock_entry(entry)
    _check_writer(actor, entry.assignment)
    _check_open(entry)
    title, content = (title or "").strip(), (content or "").strip()
    checked = _check_fields(
        assignment=entry.assignment,
        entry=entry,
        date=date,
        category=category,
        title=title,
        content=content,
        quantities=quantities,
        today=today,
    )
    before = {name: getattr(entry, name) for name in ENTRY_FIELDS}
    before_quantities = [
        f"{q.label} {q.value.normalize():f} {q.unit}" for q in entry.quantities.all()
    ]
    entry.date, entry.category, entry.title, entry.content = date, category, title, content  # type: ignore[assignment]
    entry.accomplishment = bool(accomplishment)
    changes = changed_fields(entry, before, ENTRY_FIELDS)
    history_by(actor, entry)
    entry.save(update_fields=[*ENTRY_FIELDS, "updated_at"])
    entry.quantities.all().delete()
    _save_quantities(entry, checked)
    after_quantities = _quantity_texts(checked)
    if after_quantities != before_quantities:
        changes["quantities"] = [before_quantities, after_quantities]
    existing = list(attachments_of(entry))
    removed = [a for a in existing if a.pk in set(remove_files)]
    for attachment in removed:
        attachment_delete(actor=actor, attachment=attachment)
    stored = _store_files(
        actor=actor, entry=entry, files=files, already=len(existing) - len(removed)
    )
    audit_record(
        actor=actor,
        action="log_entry.update",
        obj=entry,
        detail={
            "changes": changes,
            "files": stored,
            "removed_files": [a.name for a in removed],
        },
    )
    return entry


@transaction.atomic
def log_entry_delete(*, actor: Any, entry: WorkLogEntry, today: dt.date | None = None) -> None:
    """Remove an entry with its quantities and files. An entry that proves a ticked-off task
    stays: removing it would leave the task ticked off on nothing."""
    entry = _lock_entry(entry)
    _check_writer(actor, entry.assignment)
    _check_open(entry)
    proving = list(
        DutyTask.objects.filter(evidence=entry, state=TaskState.DONE).values_list(
            "title", flat=True
        )
    )
    if proving:
        raise InvalidTransition(
            _("这条工作纪实是任务“%(tasks)s”的销号佐证，不能删除。") % {"tasks": "”“".join(proving)}
        )
    files = list(attachments_of(entry))
    for attachment in files:
        attachment_delete(actor=actor, attachment=attachment)
    audit_record(
        actor=actor,
        action="log_entry.delete",
        obj=entry,
        detail={
            "date": str(entry.date),
            "category": entry.category,
            "title": entry.title,
            "accomplishment": entry.accomplishment,
            "files": [a.name for a in files],
        },
    )
    history_by(actor, entry)
    entry.delete()
