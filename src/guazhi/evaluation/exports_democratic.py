"""The 民主测评统计表 (democratic evaluation table) of a round, as Excel.

One row per person of the round: the ballots counted and, when the person's figures may be shown
(selectors.ratings.democratic_visible: the round no longer taking ballots, and at least the
round's minimum of ballots), the average per criterion, the average weighted score and how many
ballots fell in each score band. Below the minimum the row says so and holds no figure at all.
The table never names a voter or a code: a ballot has neither (see evaluation.models.ratings).
A report to read and file, so everything follows the language of the person who asked.
"""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from guazhi.core.jinja import format_date
from guazhi.core.spreadsheets import (
    TITLE_FONT,
    report_cell,
    report_header_line,
    set_column_widths,
    workbook_bytes,
)
from guazhi.evaluation.models import RoundState
from guazhi.evaluation.selectors.ratings import BANDS, DemocraticOverview

SCORE_FORMAT = "0.00"
# Title, round, minimum rule, a blank line; the table's header on the fifth row.
HEADER_ROW = 5


def band_label(index: int) -> str:
    low, high = BANDS[index]
    if high is None:
        return _("%(low)s分及以上（票）") % {"low": low}
    if low == 0:
        return _("%(high)s分以下（票）") % {"high": high}
    return _("%(low)s–%(high)s分（票）") % {"low": low, "high": high}


def hidden_text(overview: DemocraticOverview, ballots: int) -> str:
    """What a row without figures says instead (the same words as the round's page)."""
    round = overview.round
    if round.state in (RoundState.DRAFT, RoundState.OPEN):
        return _("测评进行中，截止后显示")
    if ballots == 0:
        return _("无测评票")
    return _("不足 %(n)s 票，不显示") % {"n": round.democratic_minimum}


def headers(overview: DemocraticOverview) -> list[str]:
    return [
        _("序号"),
        _("姓名"),
        _("接收单位"),
        _("挂职岗位"),
        _("有效票数"),
        *(criterion.name for criterion in overview.criteria),
        _("平均得分"),
        *(band_label(index) for index in range(len(BANDS))),
    ]


def _score(sheet: WriteOnlyWorksheet, value: Decimal) -> WriteOnlyCell:
    return report_cell(sheet, float(value), number_format=SCORE_FORMAT)


def democratic_workbook(overview: DemocraticOverview) -> bytes:
    """The table as an .xlsx file's bytes."""
    round = overview.round
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("民主测评统计表"))
    columns = headers(overview)
    widths = [6, 12, 20, 18, 10, *([9] * len(overview.criteria)), 10, *([12] * len(BANDS))]
    set_column_widths(sheet, widths)
    sheet.freeze_panes = f"C{HEADER_ROW + 1}"
    sheet.append([report_cell(sheet, _("民主测评统计表"), font=TITLE_FONT)])
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
            _(
                "本表按 0–100 分计；每人有效票数不少于 %(n)s 张且测评截止后方显示得分，不足的不显示任何分数。"
                "制表日期：%(date)s。"
            )
            % {"n": round.democratic_minimum, "date": format_date(timezone.localdate())}
        ]
    )
    sheet.append([])
    sheet.append(report_header_line(sheet, columns))
    for number, row in enumerate(overview.rows, start=1):
        assignment = row.evaluee.assignment
        line: list[object] = [
            number,
            assignment.cadre.name,
            assignment.host_unit.name,
            assignment.post.title if assignment.post_id else "",
            row.ballots,
        ]
        if row.shown and row.average is not None:
            line += [_score(sheet, value) for value in row.averages]
            line += [_score(sheet, row.average), *row.bands]
        else:
            line += [hidden_text(overview, row.ballots)]
        sheet.append(line)
    return workbook_bytes(workbook)


def export_filename(overview: DemocraticOverview) -> str:
    return _("民主测评统计表_%(round)s_%(date)s.xlsx") % {
        "round": overview.round.name,
        "date": f"{timezone.localdate():%Y%m%d}",
    }
