"""Audit labels of the inspections area (merged in guazhi.duty.audit_labels)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from guazhi.duty.models import CheckResult, SamplingMode

ACTIONS: dict[str, Promise] = {
    "inspection.plan": _("安排不定期检查"),
    "inspection.complete": _("完成不定期检查"),
    "check.record": _("登记检查结果"),
    "check.correct": _("更正检查结果"),
    "check.rectified": _("整改销号"),
}
OBJECT_TYPES: dict[str, Promise] = {
    "duty.inspection": _("不定期检查"),
    "duty.inspectioncheck": _("检查记录"),
}
DETAIL_KEYS: dict[str, Promise] = {
    "planned_on": _("检查日期"),
    "host_units": _("检查范围"),
    "sampling": _("抽查方式"),
    "sample_size": _("抽查人数"),
    "spread_across_hosts": _("按接收单位分散抽取"),
    "population": _("在岗名单（挂职安排编号, 接收单位编号）"),
    "drawn": _("抽取名单（挂职安排编号）"),
    "person": _("被检查人"),
    "result": _("检查结果"),
    "findings": _("发现问题"),
    "rectification": _("整改要求"),
    "rectification_due": _("整改期限"),
    "rectified_note": _("整改情况"),
    "late": _("逾期整改"),
    "checked_present": _("在岗人数"),
    "checked_on_leave": _("请假人数"),
    "checked_absent": _("脱岗人数"),
    "checked_other": _("其他情况人数"),
}
DETAIL_VALUES: dict[str, dict[str, Promise]] = {
    "sampling": dict(SamplingMode.choices),
    "result": dict(CheckResult.choices),
}
