"""Audit labels of the meetings area (merged in guazhi.summaries.audit_labels).

Detail keys carry a "meeting_" prefix where a plain word is another area's already ("held_on"
is a talk's date in duty): the audit page merges every app's keys into one table.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from guazhi.summaries.models import MeetingKind

ACTIONS: dict[str, Promise] = {
    "meeting.create": _("安排交流会议"),
    "meeting.update": _("修改交流会议"),
    "meeting.delete": _("删除交流会议"),
    "meeting.minutes": _("记录会议纪要"),
    "meeting.speakers": _("安排代表发言"),
    "meeting.summaries": _("关联会议交流的总结"),
}
OBJECT_TYPES: dict[str, Promise] = {
    "summaries.meeting": _("交流会议"),
}
DETAIL_KEYS: dict[str, Promise] = {
    "meeting_kind": _("会议类型"),
    "meeting_title": _("会议名称"),
    "meeting_date": _("会议日期"),
    "meeting_time": _("开始时间"),
    "meeting_place": _("会议地点"),
    "participants": _("参加人员"),
    "other_participants": _("其他参会人员"),
    "participants_added": _("新增参会人员"),
    "participants_removed": _("移出参会人员"),
    "files": _("会议材料"),
    "minutes_length": _("纪要字数"),
    "minutes_first": _("首次记录"),
    "speakers": _("代表发言"),
    "summaries_linked": _("新关联的总结"),
    "summaries_unlinked": _("取消关联的总结"),
}
DETAIL_VALUES: dict[str, dict[str, Promise]] = {
    "meeting_kind": dict(MeetingKind.choices),
}
