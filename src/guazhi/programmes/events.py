"""The kinds of line on a batch's timeline (BatchEvent.kind) and what the timeline calls them.

Every area writes its kinds through services/events.py; this one table names them all, so the
batch page reads every line as words and never as a code.
"""

from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from guazhi.core.i18n import stored_text

if TYPE_CHECKING:
    from guazhi.programmes.models import BatchEvent

EVENT_LABELS: dict[str, Promise] = {
    # batches and posts
    "batch_created": _("创建批次"),
    "batch_updated": _("修改批次信息"),
    "state_changed": _("状态变更"),
    "posts_imported": _("导入岗位"),
    # the call
    "notice_published": _("发布选派通知"),
    "notice_corrected": _("更正选派通知"),
    # matching
    "run_start": _("发起人岗匹配"),
    "run_done": _("人岗匹配完成"),
    "run_failed": _("人岗匹配失败"),
    "run_pairs": _("调整指定与排除"),
    "run_adopt": _("采纳匹配方案"),
    # vetting, decision, publicity
    "selection_step": _("考察与决定"),
    "assignment_cancelled": _("取消人选"),
    "publicity_started": _("开始公示"),
    "objection_recorded": _("登记异议"),
    "objection_resolved": _("处理异议"),
    "publicity_approved": _("公示审批"),
    "publicity_withdrawn": _("撤回公示"),
    # serving
    "assignment_report_duty": _("报到"),
    "assignment_outcome": _("挂职结果"),
    "group_create": _("新建小组"),
    "group_update": _("调整小组"),
    "training_create": _("安排岗前培训"),
    "training_material": _("上传培训材料"),
    "training_update": _("修改岗前培训"),
    "training_delete": _("删除岗前培训"),
    "training_material_delete": _("删除培训材料"),
}

# Where a note written as a Message keeps its msgid and parameters, to be read again later in
# whichever language the reader has chosen (the note itself stays as written, for search).
NOTE_SOURCE = "note_source"


def batch_event_note(event: "BatchEvent") -> str:
    """The event's note in the active language: a system-worded note from its source, a
    person's own words as they were typed."""
    source = (event.payload or {}).get(NOTE_SOURCE)
    if source is None:
        # Plain text is someone's words: stored_text would otherwise look it up as a msgid.
        return event.note
    return stored_text(event.note, source)
