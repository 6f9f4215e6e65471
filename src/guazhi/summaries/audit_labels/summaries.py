"""Audit labels of the summaries area (merged in guazhi.summaries.audit_labels).

Detail keys are shared by every app on the audit page, so those that another app names
differently carry their own names (summary_kind, summary_title, summary_version)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from guazhi.summaries.models import SummaryKind

ACTIONS: dict[str, Promise] = {
    "summary.draft": _("撰写挂职总结"),
    "summary.save": _("保存挂职总结"),
    "summary.submit": _("提交挂职总结"),
    "summary.accept": _("审阅通过挂职总结"),
    "summary.return": _("退回挂职总结"),
    "summary.appraise": _("填写挂职总结鉴定意见"),
    "summary.archive": _("归档挂职总结"),
    "summary_template.update": _("修改总结模板"),
}
OBJECT_TYPES: dict[str, Promise] = {
    "summaries.summary": _("挂职总结"),
    "summaries.summarytemplate": _("总结模板"),
}
DETAIL_KEYS: dict[str, Promise] = {
    "summary_kind": _("总结类型"),
    "summary_version": _("版本"),
    "sections": _("栏目"),
    "summary_title": _("标题"),
    "resubmission": _("退回后重新提交"),
    "comment": _("意见"),
    "appraisal": _("鉴定意见"),
}
DETAIL_VALUES: dict[str, dict[str, Promise]] = {
    "summary_kind": {str(value): label for value, label in SummaryKind.choices},
}
