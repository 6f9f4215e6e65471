"""Audit labels of the forms area (merged in guazhi.evaluation.audit_labels)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTIONS: dict[str, Promise] = {
    "evaluation_form.download": _("下载考核表"),
    "evaluation_form.batch_export": _("批量导出考核表"),
    "evaluation_roster.export": _("导出考核花名册"),
}
OBJECT_TYPES: dict[str, Promise] = {
    "evaluation.evaluationround": _("考核轮次"),
    "evaluation.evaluee": _("考核对象"),
}
DETAIL_KEYS: dict[str, Promise] = {
    "form": _("表格"),
    "name": _("姓名"),
    "count": _("人数"),
    "rows": _("行数"),
    "with_results": _("含考核结果的行数"),
}
DETAIL_VALUES: dict[str, dict[str, Promise]] = {
    "form": {"annual": _("年度考核登记表"), "appraisal": _("挂职锻炼干部总结鉴定表")},
}
