"""Audit labels of the commendations area (merged in guazhi.evaluation.audit_labels)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from guazhi.evaluation.models import CommendationKind

ACTIONS: dict[str, Promise] = {
    "commendation.nominate": _("表彰提名"),
    "commendation.approve": _("批准表彰提名"),
    "commendation.reject": _("不批准表彰提名"),
    "commendation.withdraw": _("撤回表彰提名"),
    "commendation.decision_create": _("新建表彰决定"),
    "commendation.decision_update": _("修改表彰决定"),
    "commendation.decision_export": _("下载表彰决定"),
}
OBJECT_TYPES: dict[str, Promise] = {
    "evaluation.nomination": _("表彰提名"),
    "evaluation.commendationdecision": _("表彰决定"),
}
DETAIL_KEYS: dict[str, Promise] = {
    "name": _("姓名"),
    "commendation_kind": _("表彰类型"),
    "honorary_title": _("荣誉称号"),
    "from_result": _("依据考核结果"),
    "comment": _("审批意见"),
    "title": _("标题"),
    "number": _("文号"),
    "count": _("人数"),
    "fields": _("修改的项目"),
    "added": _("增列人数"),
    "removed": _("移除人数"),
}
DETAIL_VALUES: dict[str, dict[str, Promise]] = {
    "commendation_kind": {kind.value: kind.label for kind in CommendationKind},
    "fields": {
        "title": _("标题"),
        "number": _("文号"),
        "issued_on": _("印发日期"),
        "issuer": _("发文机关"),
        "preamble": _("正文"),
    },
}
