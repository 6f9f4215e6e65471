"""Audit labels of the leave area and the batch's duty rules (merged in guazhi.duty.audit_labels)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from guazhi.duty.models import ApproverRole, CountingRule, LeaveKind, LeaveState, ReportFrequency

ACTIONS: dict[str, Promise] = {
    "leave.grant": _("发放假期额度"),
    "leave.draft": _("保存请假草稿"),
    "leave.submit": _("提交请假"),
    "leave.emergency": _("事后补办请假"),
    "leave.extend": _("申请续假"),
    "leave.withdraw": _("撤回请假"),
    "leave.approve": _("同意请假"),
    "leave.reject": _("不同意请假"),
    "leave.attach": _("上传请假证明材料"),
    "leave.start": _("请假开始（休假中）"),
    "leave.overdue": _("认定逾期未销假"),
    "leave.return": _("销假"),
    "duty_rules.update": _("修改在岗管理规则"),
    "leave_type.update": _("修改假别设置"),
    "leave_rules.update": _("修改请假审批规则"),
}
OBJECT_TYPES: dict[str, Promise] = {
    "duty.leaverequest": _("请假"),
    "duty.leaveledgerentry": _("假期台账"),
    "duty.dutyrules": _("在岗管理规则"),
    "duty.leavetype": _("假别"),
}
DETAIL_KEYS: dict[str, Promise] = {
    "leave_kind": _("假别"),
    "leave_state": _("请假状态"),
    "previous_state": _("原状态"),
    "days": _("天数"),
    "chain": _("审批流程"),
    "step": _("审批环节"),
    "comment": _("审批意见"),
    "extends": _("续假的原请假"),
    "file": _("文件"),
    "returned": _("实际返岗"),
    "given_back": _("退回天数"),
    "overdue": _("曾逾期"),
    "on_return": _("销假时处理"),
    "end": _("结束日期"),
    "before": _("修改前"),
    "after": _("修改后"),
    # DutyRules and LeaveType fields, as the rules page changes them.
    "log_categories": _("工作纪实类别"),
    "monthly_accomplishment_required": _("每月须至少做成一件事"),
    "report_frequency": _("定期汇报频次"),
    "report_due_days": _("汇报提交期限（期末后天数）"),
    "attendance_return_day": _("考勤月报报送日"),
    "overdue_after_working_days": _("逾期未销假认定（工作日）"),
    "accomplishment_reminder_day": _("“做成一件事”提醒日"),
    "counting": _("计算方式"),
    "entitlement_days": _("每期额度（天）"),
    "entitlement_by_service": _("额度按工龄确定"),
    "attachment_required": _("须上传证明材料"),
    "active": _("启用"),
}
DETAIL_VALUES: dict[str, dict[str, Promise]] = {
    "leave_kind": {str(value): label for value, label in LeaveKind.choices},
    "leave_state": {str(value): label for value, label in LeaveState.choices},
    "previous_state": {str(value): label for value, label in LeaveState.choices},
    "chain": {str(value): label for value, label in ApproverRole.choices},
    "counting": {str(value): label for value, label in CountingRule.choices},
    "report_frequency": {str(value): label for value, label in ReportFrequency.choices},
}
