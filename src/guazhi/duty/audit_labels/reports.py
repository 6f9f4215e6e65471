"""Audit labels of the reports area (merged in guazhi.duty.audit_labels)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTIONS: dict[str, Promise] = {
    "report.draft": _("撰写定期汇报"),
    "report.refresh": _("重新生成汇报的纪实汇总"),
    "report.update": _("修改定期汇报正文"),
    "report.submit": _("提交定期汇报"),
    "report.accept": _("通过定期汇报"),
    "report.return": _("退回定期汇报"),
}
OBJECT_TYPES: dict[str, Promise] = {
    "duty.periodicreport": _("定期汇报"),
}
DETAIL_KEYS: dict[str, Promise] = {
    "period_start": _("汇报期间起始日期"),
    "period_end": _("汇报期间截止日期"),
    "resubmission": _("退回后重新提交"),
    "length": _("正文字数"),
    "comment": _("意见"),
}
DETAIL_VALUES: dict[str, dict[str, Promise]] = {}
