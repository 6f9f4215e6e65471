"""Audit labels of the ratings area (merged in guazhi.evaluation.audit_labels).

Detail keys are one namespace across every app (core.views.audit merges them), so the keys
here are named for this area ("rater_role", not "role", which core reads as an account role);
"person", "people" and "rows" mean what the other areas' do and keep their labels."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from guazhi.evaluation.models import RaterRole

ACTIONS: dict[str, Promise] = {
    "rating.submit": _("考核评分"),
    "rating.update": _("修改考核评分"),
    "ballot.code": _("民主测评投票（测评码）"),
    "ballot.paper": _("录入纸质票"),
    "code.issue": _("发放民主测评码"),
    "code.void": _("作废民主测评码"),
    "democratic.export": _("导出民主测评统计表"),
}
OBJECT_TYPES: dict[str, Promise] = {
    "evaluation.evaluee": _("考核对象"),
    "evaluation.evaluationround": _("考核轮次"),
}
DETAIL_KEYS: dict[str, Promise] = {
    "rater_role": _("评价主体"),
    "weighted_total": _("加权得分"),
    "changed_items": _("修改的考核内容"),
    "codes": _("测评码数量"),
    "shown_people": _("显示得分的人数"),
}
DETAIL_VALUES: dict[str, dict[str, Promise]] = {
    "rater_role": {choice.value: choice.label for choice in RaterRole},
}
