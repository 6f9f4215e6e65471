"""Audit labels of the exports area (merged in guazhi.summaries.audit_labels).

Detail keys are shared by every app on the audit page, so these carry their own names
(summary_kind, not kind: a job's "kind" is its job kind)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from guazhi.summaries.models import SummaryKind, SummaryState

ACTIONS: dict[str, Promise] = {
    "summary.export": _("下载挂职总结（Word）"),
    "summary.batch_export": _("批量导出挂职总结（Word）"),
}
OBJECT_TYPES: dict[str, Promise] = {
    "summaries.summary": _("挂职总结"),
}
DETAIL_KEYS: dict[str, Promise] = {
    "summary_kind": _("总结类型"),
    "summary_state": _("总结状态"),
}
DETAIL_VALUES: dict[str, dict[str, Promise]] = {
    "summary_kind": {str(value): label for value, label in SummaryKind.choices},
    "summary_state": {str(value): label for value, label in SummaryState.choices},
}
