"""The away-from-post report form (外出报备单) as a Word document in the official format.

Offices file a paper copy signed by the host unit's leader; the document carries what the
person reported and, once acknowledged, who acknowledged it and when, with room to sign.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from docx.shared import Mm

from guazhi.core.documents import (
    add_body,
    add_signature,
    add_table,
    add_title,
    document_bytes,
    document_date,
    official_document,
)
from guazhi.core.jinja import format_date
from guazhi.duty.models import AwayReport, Half


def _moment(day: dt.date, half: str) -> str:
    return _("%(date)s%(half)s") % {"date": format_date(day), "half": Half(half).label}


def away_report_document(report: AwayReport) -> bytes:
    """The form: the person, the trip and the stand-in in a ruled table, then the host unit's
    acknowledgement (or a blank to sign)."""
    assignment = report.assignment
    document = official_document()
    add_title(document, _("挂职干部外出报备单"))
    if report.acknowledged_by is not None and report.acknowledged_at is not None:
        acknowledged = _("%(name)s于%(date)s确认") % {
            "name": report.acknowledged_by.get_full_name() or report.acknowledged_by.username,
            "date": format_date(report.acknowledged_at, with_time=True),
        }
    else:
        acknowledged = report.get_state_display()
    rows = [
        (_("姓名"), assignment.cadre.name),
        (_("派出单位"), assignment.home_unit.name),
        (_("挂职单位及职务"), f"{assignment.host_unit.name}{assignment.post.title}"),
        (_("去向"), report.destination),
        (_("事由"), report.reason),
        (_("离开时间"), _moment(report.leave_date, report.leave_half)),
        (_("返回时间"), _moment(report.return_date, report.return_half)),
        (_("工作代理人"), report.stand_in),
        (_("联系电话"), report.contact_phone),
        (_("报备时间"), format_date(report.created_at, with_time=True)),
        (_("接收单位意见"), acknowledged),
    ]
    add_table(document, [_("项目"), _("内容")], rows, widths=[Mm(40), Mm(116)])
    add_body(document, _("外出期间保持通讯畅通，如遇紧急工作随时返岗。"))
    add_signature(
        document, assignment.host_unit.name, document_date(timezone.localdate(report.created_at))
    )
    return document_bytes(document)
