"""Audit labels of the work-record area: the log, the task list, talks (merged in
guazhi.duty.audit_labels)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from guazhi.duty.models import TaskState

ACTIONS: dict[str, Promise] = {
    "log_entry.create": _("填写工作纪实"),
    "log_entry.update": _("修改工作纪实"),
    "log_entry.delete": _("删除工作纪实"),
    "task.propose": _("提出任务"),
    "task.agree": _("确认任务"),
    "task.drop": _("取消任务"),
    "task.tick_off": _("任务销号"),
    "talk.record": _("记录谈心谈话"),
    "talk.update": _("修改谈心谈话记录"),
}
OBJECT_TYPES: dict[str, Promise] = {
    "duty.worklogentry": _("工作纪实"),
    "duty.dutytask": _("任务清单事项"),
    "duty.hearttalk": _("谈心谈话"),
}
# Keys other apps already label the same way (date, title, reason, changes) are not repeated:
# the labels of every app are merged into one table.
DETAIL_KEYS: dict[str, Promise] = {
    "category": _("类别"),
    "content": _("内容"),
    "accomplishment": _("做成一件事"),
    "quantities": _("工作量"),
    "files": _("附件"),
    "removed_files": _("删除的附件"),
    "target_month": _("计划完成月份"),
    "month": _("月份"),
    "done_note": _("完成情况"),
    "evidence": _("佐证纪实"),
    "held_on": _("谈话日期"),
    "talker": _("谈话人"),
    "fields": _("修改的项目"),
    "task_state": _("原状态"),
}
DETAIL_VALUES: dict[str, dict[str, Promise]] = {
    "task_state": {str(value): label for value, label in TaskState.choices},
    "fields": {
        "held_on": _("谈话日期"),
        "talker": _("谈话人"),
        "participants": _("参加人员"),
        "topics": _("谈话内容"),
        "follow_up": _("后续跟进"),
    },
}
