"""Audit labels of the away-report and attendance area (merged in guazhi.duty.audit_labels)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from guazhi.duty.models import AwayState

ACTIONS: dict[str, Promise] = {
    "away.submit": _("填报外出报备"),
    "away.acknowledge": _("确认外出报备"),
    "away.withdraw": _("撤回外出报备"),
    "away.document": _("下载外出报备单"),
    "attendance.return_submit": _("报送考勤月报"),
    "attendance.export": _("导出考勤月报"),
    "attendance.ledger_export": _("导出假期台账"),
}
OBJECT_TYPES: dict[str, Promise] = {
    "duty.awayreport": _("外出报备"),
    "duty.attendancereturn": _("考勤月报"),
}
DETAIL_KEYS: dict[str, Promise] = {
    "leave": _("离开"),
    "return": _("返回"),
    "destination": _("去向"),
    "person": _("人员"),
    "away_state": _("报备状态"),
    "month": _("月份"),
    "host_unit": _("接收单位"),
    "due": _("报送截止日期"),
    "timeliness": _("是否按时"),
    "rows": _("行数"),
}
DETAIL_VALUES: dict[str, dict[str, Promise]] = {
    "away_state": {str(value): label for value, label in AwayState.choices},
    "timeliness": {"late": _("逾期报送"), "on_time": _("按时报送")},
}
