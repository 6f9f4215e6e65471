"""Audit labels of the results area (merged in guazhi.evaluation.audit_labels)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from guazhi.evaluation.models import FlagKind

ACTIONS: dict[str, Promise] = {
    "result.compute": _("计算考核结果"),
    "result.grade_set": _("调整拟定等次"),
    "result.decide": _("登记考核委员会决定"),
    "result.reopen": _("重新决定考核结果"),
    "result.quota_exception": _("登记超比例批准"),
    "result.quota_exception_withdraw": _("撤销超比例批准"),
    "result.flag_dismiss": _("核实评分异常提示"),
    "result.publish": _("公布考核结果"),
    "result.objection_raise": _("对优秀等次公示提出异议"),
    "result.objection_resolve": _("处理公示异议"),
    "result.acknowledge": _("签署本人意见"),
}
OBJECT_TYPES: dict[str, Promise] = {
    "evaluation.evaluationround": _("考核轮次"),
    "evaluation.evaluee": _("考核对象"),
    "evaluation.ratingflag": _("评分异常提示"),
    "evaluation.objection": _("公示异议"),
}
DETAIL_KEYS: dict[str, Promise] = {
    "evaluees": _("考核人数"),
    "scored": _("有得分人数"),
    "incomplete": _("评价主体不全人数"),
    "excellent_limit": _("优秀比例上限人数"),
    "excellent": _("优秀（好）人数"),
    "tied": _("并列待定人数"),
    "flags": _("评分异常提示数"),
    "proposed": _("建议等次"),
    "grade": _("确定等次"),
    "note": _("调整说明"),
    "decided_on": _("决定日期"),
    "body": _("决定机构"),
    "quota_exception": _("有超比例批准"),
    "changed": _("调整等次的人员"),
    "reason": _("原因"),
    "kind": _("类型"),
    "detail": _("说明"),
    "publicity_start": _("公示开始日期"),
    "publicity_end": _("公示结束日期"),
    "evaluee": _("考核对象"),
    "name": _("姓名"),
    "resolution": _("处理结果"),
    "again": _("修改处理结果"),
    "agrees": _("同意考核结果"),
}
DETAIL_VALUES: dict[str, dict[str, Promise]] = {
    "kind": {kind.value: kind.label for kind in FlagKind},
}
