"""Excel files of the attendance area: the monthly return (考勤月报) and the leave ledger (假期台账).

Both are reports to read and file, not sheets to import back, so everything in them follows
the language of the person who asked (a job's owner: core.jobs.job_language). The workbooks
are written in openpyxl's write-only mode, so a batch of thousands of people keeps memory flat;
the readers behind them take a scoped queryset of people and cost a fixed number of queries.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from guazhi.core.jinja import format_date
from guazhi.core.spreadsheets import (
    TITLE_FONT,
    report_cell,
    report_header_line,
    set_column_widths,
    workbook_bytes,
)
from guazhi.duty.models import Half, LeaveLedgerEntry, LeaveType, LedgerKind
from guazhi.duty.periods import month_end, month_start, month_text
from guazhi.duty.selectors.attendance import AttendanceFigures, attendance_return_due
from guazhi.programmes.models import Assignment, Batch

Report = Callable[[int, int], None]

LABEL_FONT = Font(bold=True)
DAYS_FORMAT = "0.0"
RATE_FORMAT = "0.0%"
# Dates as format_date writes them elsewhere in the workbook: 2026年11月5日 in Chinese.
DATE_FORMAT_ZH = 'yyyy"年"m"月"d"日"'
DATE_FORMAT_EN = "yyyy-mm-dd"
# The return's first rows: title, batch, unit, month, due date, a blank; then the table.
RETURN_HEADER_ROW = 7


def date_format() -> str:
    """The number format of a date cell in the active language (as core.jinja.format_date)."""
    return DATE_FORMAT_EN if translation.get_language() == "en" else DATE_FORMAT_ZH


# The monthly return --------------------------------------------------------------------------


def attendance_return_workbook(
    *,
    batch: Batch,
    unit_name: str,
    month: dt.date,
    figures: Sequence[AttendanceFigures],
    leave_types: Sequence[LeaveType],
    progress: Report | None = None,
) -> bytes:
    """One sheet titled 考勤月报: the batch, the unit (or units), the month and the due date on
    the first rows, then a header row and one row per person."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("考勤月报"))
    headers = [
        _("序号"),
        _("姓名"),
        _("派出单位"),
        _("接收单位"),
        _("挂职岗位"),
        _("应出勤（天）"),
        *[_("%(type)s（天）") % {"type": t.get_kind_display()} for t in leave_types],
        _("请假合计（天）"),
        _("脱岗（天）"),
        _("实际出勤（天）"),
        _("在岗率"),
        _("备注"),
    ]
    set_column_widths(sheet, [6, 10, 18, 16, 16, 10, *[10] * len(leave_types), 10, 8, 10, 8, 30])
    sheet.append([report_cell(sheet, _("考勤月报"), font=TITLE_FONT)])
    for label, value in (
        (_("批次"), batch.name),
        (_("接收单位"), unit_name),
        (_("月份"), month_text(month)),
        (_("报送截止日期"), format_date(attendance_return_due(batch, month))),
    ):
        sheet.append([report_cell(sheet, label, font=LABEL_FONT), value])
    sheet.append([])
    sheet.append(report_header_line(sheet, headers))
    total = len(figures)
    for number, row in enumerate(figures, start=1):
        person = row.assignment
        notes = [_("%(date)s检查发现脱岗") % {"date": format_date(day)} for day in row.absent_days]
        # A term starting or ending within the month, or a month under way: say which days
        # the figures cover, or a reader takes 12 days due for a short month.
        if row.start > month_start(month) and row.due:
            notes.append(_("自%(date)s起统计") % {"date": format_date(row.start)})
        if row.end < month_end(month) and row.due:
            notes.append(_("统计至%(date)s") % {"date": format_date(row.end)})
        sheet.append(
            [
                number,
                person.cadre.name,
                person.home_unit.name,
                person.host_unit.name,
                person.post.title,
                report_cell(sheet, row.due, number_format=DAYS_FORMAT),
                *[
                    report_cell(
                        sheet, row.leave_by_type.get(t.pk, Decimal(0)), number_format=DAYS_FORMAT
                    )
                    for t in leave_types
                ],
                report_cell(sheet, row.leave, number_format=DAYS_FORMAT),
                report_cell(sheet, row.absent, number_format=DAYS_FORMAT),
                report_cell(sheet, row.present, number_format=DAYS_FORMAT),
                report_cell(sheet, row.rate, number_format=RATE_FORMAT)
                if row.rate is not None
                else "—",
                "；".join(notes),
            ]
        )
        if progress is not None:
            progress(number, total)
    return workbook_bytes(workbook)


# The leave ledger ----------------------------------------------------------------------------


def ledger_entries(people: QuerySet[Assignment]) -> QuerySet[LeaveLedgerEntry]:
    """Every ledger row of `people` (a scoped queryset), person by person in the order the
    rows were written."""
    return (
        LeaveLedgerEntry.objects.filter(assignment__in=people.values("pk"))
        .select_related(
            "assignment__cadre", "assignment__host_unit", "leave_type", "request", "created_by"
        )
        .order_by(
            "assignment__host_unit__path",
            "assignment__cadre__name_pinyin",
            "assignment_id",
            "created_at",
            "id",
        )
    )


@dataclass(frozen=True)
class LedgerBalance:
    assignment: Assignment
    leave_type: LeaveType
    granted: Decimal | None
    taken: Decimal
    remaining: Decimal | None


def ledger_balances(people: QuerySet[Assignment], batch: Batch) -> Iterator[LedgerBalance]:
    """Each person's balance of each of the batch's leave types at the end of the ledger, summed
    from its rows (as selectors.ledger.leave_balances does for one person), in two queries.
    A type since made inactive is kept, as in the return's columns: its rows are in the
    ledger sheet, and days taken under it still count."""
    sums: dict[tuple[int, int], dict[str, Any]] = {
        (row["assignment_id"], row["leave_type_id"]): dict(row)
        for row in LeaveLedgerEntry.objects.filter(assignment__in=people.values("pk"))
        .values("assignment_id", "leave_type_id")
        .annotate(
            granted=Sum("days", filter=Q(kind=LedgerKind.GRANT)),
            used=Sum("days", filter=~Q(kind=LedgerKind.GRANT)),
        )
    }
    types = list(LeaveType.objects.filter(batch=batch).order_by("id"))
    for person in people:
        for leave_type in types:
            row = sums.get((person.pk, leave_type.pk), {})
            granted = row.get("granted")
            taken = -(row.get("used") or Decimal(0))
            remaining = None if granted is None else granted - taken
            yield LedgerBalance(person, leave_type, granted, taken, remaining)


def _request_span(entry: LeaveLedgerEntry) -> str:
    leave = entry.request
    if leave is None:
        return ""
    return _("%(start)s%(start_half)s至%(end)s%(end_half)s") % {
        "start": format_date(leave.start_date),
        "start_half": Half(leave.start_half).label,
        "end": format_date(leave.end_date),
        "end_half": Half(leave.end_half).label,
    }


def ledger_workbook(
    *,
    title: str,
    entries: Iterable[LeaveLedgerEntry],
    balances: Iterable[LedgerBalance],
    total: int = 0,
    progress: Report | None = None,
) -> bytes:
    """Two sheets: 假期台账, every ledger row; 假期余额, each person's balance per type."""
    workbook = Workbook(write_only=True)
    rows_sheet = workbook.create_sheet(_("假期台账"))
    set_column_widths(rows_sheet, [6, 10, 16, 10, 8, 8, 12, 34, 30])
    rows_sheet.append([report_cell(rows_sheet, title, font=TITLE_FONT)])
    rows_sheet.append(
        report_header_line(
            rows_sheet,
            [
                _("序号"),
                _("姓名"),
                _("接收单位"),
                _("假别"),
                _("类型"),
                _("天数"),
                _("记账日期"),
                _("请假起止"),
                _("说明"),
            ],
        )
    )
    done = 0
    for done, entry in enumerate(entries, start=1):
        rows_sheet.append(
            [
                done,
                entry.assignment.cadre.name,
                entry.assignment.host_unit.name,
                entry.leave_type.get_kind_display(),
                entry.get_kind_display(),
                report_cell(rows_sheet, entry.days, number_format=DAYS_FORMAT),
                report_cell(
                    rows_sheet,
                    timezone.localtime(entry.created_at).date(),
                    number_format=date_format(),
                ),
                _request_span(entry),
                entry.note,
            ]
        )
        if progress is not None:
            progress(done, max(total, done))
    balance_sheet = workbook.create_sheet(_("假期余额"))
    set_column_widths(balance_sheet, [10, 16, 10, 10, 10, 10])
    balance_sheet.append(
        report_header_line(
            balance_sheet,
            [
                _("姓名"),
                _("接收单位"),
                _("假别"),
                _("额度（天）"),
                _("已休（天）"),
                _("剩余（天）"),
            ],
        )
    )
    for balance in balances:
        balance_sheet.append(
            [
                balance.assignment.cadre.name,
                balance.assignment.host_unit.name,
                balance.leave_type.get_kind_display(),
                report_cell(balance_sheet, balance.granted, number_format=DAYS_FORMAT)
                if balance.granted is not None
                else "",
                report_cell(balance_sheet, balance.taken, number_format=DAYS_FORMAT),
                report_cell(balance_sheet, balance.remaining, number_format=DAYS_FORMAT)
                if balance.remaining is not None
                else "",
            ]
        )
    return workbook_bytes(workbook)
