"""The 考核花名册 (roster of a round's people and their results) as Excel.

One row per person the reader's roles reach (selectors.forms.roster_rows): 序号、姓名、性别、出生年月、
派出单位及职务、挂职单位及职务、人员类别、综合得分、建议等次、确定等次、备注. The score and the grades
are filled only where the reader may see that person's result; elsewhere the cells stay empty
and the rows come after the ranked ones, by name. A report to read and file: everything follows
the language of the person who asked, the data (names, units, grades) stays as stored.
"""

from collections.abc import Sequence

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from guazhi.core.documents import safe_filename
from guazhi.core.jinja import format_date
from guazhi.core.spreadsheets import (
    TITLE_FONT,
    report_cell,
    report_header_line,
    set_column_widths,
    workbook_bytes,
)
from guazhi.evaluation.models import EvaluationRound
from guazhi.evaluation.selectors.forms import RosterRow

SCORE_FORMAT = "0.00"
# Title, round, a note, a blank line; the table's header on the fifth row.
HEADER_ROW = 5
WIDTHS = (6, 10, 6, 10, 30, 30, 10, 10, 10, 10, 24)


def headers() -> list[str]:
    return [
        _("序号"),
        _("姓名"),
        _("性别"),
        _("出生年月"),
        _("派出单位及职务"),
        _("挂职单位及职务"),
        _("人员类别"),
        _("综合得分"),
        _("建议等次"),
        _("确定等次"),
        _("备注"),
    ]


def roster_line(sheet: WriteOnlyWorksheet, number: int, row: RosterRow) -> list[object]:
    assignment = row.evaluee.assignment
    cadre = assignment.cadre
    score = (
        report_cell(sheet, float(row.score), number_format=SCORE_FORMAT)
        if row.score is not None
        else None
    )
    return [
        number,
        cadre.name,
        cadre.gender,
        f"{cadre.birth_date:%Y.%m}" if cadre.birth_date else "",
        f"{assignment.home_unit.name}{cadre.position}",
        f"{assignment.host_unit.name}{assignment.post.title}",
        cadre.get_staff_type_display(),
        score,
        row.proposed or None,
        row.grade or None,
        row.note or None,
    ]


def roster_workbook(*, round: EvaluationRound, rows: Sequence[RosterRow]) -> bytes:
    """The roster as an .xlsx file's bytes."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("考核花名册"))
    set_column_widths(sheet, WIDTHS)
    sheet.freeze_panes = f"C{HEADER_ROW + 1}"
    sheet.append([report_cell(sheet, _("考核花名册"), font=TITLE_FONT)])
    sheet.append(
        [
            _("%(batch)s · %(round)s（%(start)s至%(end)s）")
            % {
                "batch": round.batch.name,
                "round": round.name,
                "start": format_date(round.period_start),
                "end": format_date(round.period_end),
            }
        ]
    )
    sheet.append(
        [
            _("考核状态：%(state)s。得分和等次仅列出您有权查看的人员。制表日期：%(date)s。")
            % {"state": round.get_state_display(), "date": format_date(timezone.localdate())}
        ]
    )
    sheet.append([])
    sheet.append(report_header_line(sheet, headers()))
    for number, row in enumerate(rows, start=1):
        sheet.append(roster_line(sheet, number, row))
    return workbook_bytes(workbook)


def roster_filename(round: EvaluationRound) -> str:
    return _("考核花名册_%(round)s_%(date)s.xlsx") % {
        "round": safe_filename(round.name),
        "date": f"{timezone.localdate():%Y%m%d}",
    }
