"""Audit labels of the rounds area (merged in guazhi.evaluation.audit_labels)."""

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from guazhi.evaluation.models import (
    SCHEME_GRADES,
    EvaluatedBy,
    GradeScheme,
    RaterRole,
    RoundKind,
)

ACTIONS: dict[str, Promise] = {
    "round.create": _("新建考核"),
    "round.update": _("修改考核设置"),
    "round.criteria": _("修改考核内容及权重"),
    "round.weights": _("修改评价主体权重"),
    "round.thresholds": _("修改等次分数线"),
    "round.evaluee_add": _("添加考核对象"),
    "round.evaluee_scheme": _("修改考核对象的等次方案"),
    "round.evaluee_remove": _("移除考核对象"),
    "round.open": _("开始评分"),
    "round.close": _("截止评分"),
    "round.reopen": _("重新开放评分"),
    "round.self_save": _("保存个人总结"),
    "round.self_submit": _("提交个人总结"),
}
OBJECT_TYPES: dict[str, Promise] = {
    "evaluation.evaluationround": _("考核轮次"),
    "evaluation.evaluee": _("考核对象"),
}
DETAIL_KEYS: dict[str, Promise] = {
    "kind": _("考核类型"),
    "name": _("名称"),
    "period_start": _("考核期间起始日期"),
    "period_end": _("考核期间截止日期"),
    "deadline": _("评分截止日期"),
    "evaluated_by": _("考核主体"),
    "excellent_quota": _("优秀比例上限（%）"),
    "democratic_minimum": _("民主测评最少票数"),
    "publicity_days": _("公示天数（工作日）"),
    "evaluees": _("考核对象人数"),
    "before": _("修改前"),
    "after": _("修改后"),
    "person": _("考核对象"),
    "scheme": _("等次方案"),
    "early": _("提前截止"),
    "reason": _("理由"),
    "length": _("字数"),
    **{role.value: role.label for role in RaterRole},
    # Thresholds are keyed "<scheme>:<grade>".
    **{
        f"{scheme}:{grade}": format_lazy("{}·{}", GradeScheme(scheme).label, grade)
        for scheme, grades in SCHEME_GRADES.items()
        for grade in grades
    },
}
DETAIL_VALUES: dict[str, dict[str, Promise]] = {
    "kind": {kind.value: kind.label for kind in RoundKind},
    "scheme": {scheme.value: scheme.label for scheme in GradeScheme},
    "evaluated_by": {value.value: value.label for value in EvaluatedBy},
}
