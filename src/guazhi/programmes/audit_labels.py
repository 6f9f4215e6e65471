"""What the audit log page calls the programmes app's actions, objects, detail keys and values.

Found by core/views/audit.py (it reads every app's `audit_labels` module), so each app names
its own records without core knowing the apps.
"""

from collections.abc import Iterable
from typing import cast

from django.db.models import Field, Model
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from guazhi.programmes.models import (
    ApplicationState,
    Assignment,
    AssignmentState,
    AttendanceStatus,
    Batch,
    BatchState,
    Direction,
    Group,
    Notice,
    Objection,
    Outcome,
    Post,
    Publicity,
    RunMode,
    SelectionStep,
    SelectionStepKind,
    TrainingSession,
)
from guazhi.programmes.models.assignments import ObjectionChannel

ACTIONS: dict[str, Promise] = {
    "batch.create": _("新建批次"),
    "batch.update": _("修改批次"),
    "batch.transition": _("变更批次状态"),
    "post.create": _("新增岗位"),
    "post.update": _("修改岗位"),
    "notice.create": _("编写选派通知"),
    "notice.publish": _("发布选派通知"),
    "notice.update": _("修改选派通知"),
    "notice.correct": _("更正选派通知"),
    "application.submit": _("提交报名"),
    "application.change": _("修改报名"),
    "application.resubmit": _("重新报名"),
    "application.withdraw": _("撤回报名"),
    "recommendation.create": _("推荐干部"),
    "recommendation.decline": _("谢绝推荐"),
    "host_preference.set": _("设置接收单位意向"),
    "run.start": _("发起人岗匹配"),
    "run.finish": _("人岗匹配计算完成"),
    "run.fail": _("人岗匹配计算失败"),
    "run.pairs": _("调整人岗指定与排除"),
    "run.adopt": _("采纳匹配方案"),
    "selection_step.create": _("记录考察或决定环节"),
    "selection_step.update": _("更正考察或决定环节"),
    "selection_step.confirm": _("重新确认考察或决定环节"),
    "assignment.cancel": _("取消人选"),
    "assignment.approve": _("批准人选"),
    "assignment.report_duty": _("登记报到"),
    "assignment.party_transfer": _("登记党组织关系转接"),
    "assignment.outcome": _("登记挂职结果"),
    "publicity.start": _("开始公示"),
    "publicity.withdraw": _("撤回公示"),
    "publicity.approve": _("公示审批"),
    "publicity.export": _("导出公示名单"),
    "objection.create": _("登记异议"),
    "objection.resolve": _("处理异议"),
    "group.create": _("新建小组"),
    "group.update": _("调整小组"),
    "group.member_remove": _("移出小组"),
    "training.create": _("安排岗前培训"),
    "training.update": _("修改岗前培训"),
    "training.delete": _("删除岗前培训"),
    "training.attendance": _("登记培训出勤"),
    "attachment.create": _("上传附件"),
    "attachment.delete": _("删除附件"),
    "attachment.download": _("下载附件"),
}
OBJECT_TYPES: dict[str, Promise] = {
    "programmes.batch": _("批次"),
    "programmes.post": _("岗位"),
    "programmes.notice": _("选派通知"),
    "programmes.application": _("报名"),
    "programmes.recommendation": _("推荐"),
    "programmes.matchingrun": _("匹配方案"),
    "programmes.assignment": _("挂职安排"),
    "programmes.selectionstep": _("选派环节"),
    "programmes.publicity": _("公示"),
    "programmes.objection": _("异议"),
    "programmes.group": _("小组"),
    "programmes.trainingsession": _("岗前培训"),
    "core.attachment": _("附件"),
}


def _fields(model: type[Model], names: Iterable[str]) -> dict[str, Promise]:
    """Field names as they appear in `changes` ({field: [old, new]}), by their model labels."""
    labels: dict[str, Promise] = {}
    for name in names:
        field = model._meta.get_field(name)
        assert isinstance(field, Field)
        labels[name] = cast(Promise, field.verbose_name)  # gettext_lazy in every model
    return labels


def _own_fields(model: type[Model]) -> list[str]:
    """Every field a service may record a change of, but the name (labelled once below)."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if field.name not in {"id", "name", "created_at", "updated_at"}
    ]


DETAIL_KEYS: dict[str, Promise] = {
    # Fields that services record in `changes`. A name two models share gets a word that fits
    # both (批次名称 / 小组名称 -> 名称): the action already says what was changed.
    **_fields(Batch, _own_fields(Batch)),
    **_fields(
        Post,
        [
            "host_unit",
            "portfolio",
            "duties",
            "required_tags",
            "preferred_tags",
            "capacity",
            "location",
            "rank",
            "leadership",
        ],
    ),
    **_fields(Notice, ["body", "deadline"]),
    **_fields(
        Assignment,
        [
            "start_date",
            "end_date",
            "party_transfer_on",
            "party_transfer_note",
            "outcome",
            "outcome_on",
            "outcome_reason",
        ],
    ),
    **_fields(Group, ["leader", "deputy"]),
    **_fields(TrainingSession, ["topic", "starts_at", "ends_at", "place", "description"]),
    **_fields(SelectionStep, ["held_on"]),
    **_fields(Objection, ["received_on", "channel", "resolution", "upheld"]),
    **_fields(Publicity, ["starts_on", "ends_on", "working_days"]),
    "name": _("名称"),
    "title": _("名称"),
    "dispatching_orgs": _("派出单位"),
    # Keys of the details themselves.
    "batch": _("批次"),
    "reason": _("原因"),
    "from_state": _("原状态"),
    "to_state": _("新状态"),
    "dispatching": _("派出单位"),
    "rows": _("行数"),
    "members": _("组员"),
    "added": _("加入"),
    "removed": _("移出"),
    "was": _("原任"),
    "fingerprint": _("校验码"),
    "objective": _("总分"),
    "assigned": _("安排人数"),
    "assignments": _("人选数"),
    "cancelled": _("取消的人选"),
    "seed": _("随机种子"),
    "mode": _("匹配方式"),
    "weights": _("权重"),
    "require_choice": _("只在填报的岗位中安排"),
    "dropped_pairs": _("已失效的指定或排除"),
    "ineligible": _("不符合条件的人员"),
    "pins": _("指定人岗"),
    "forbids": _("排除人岗"),
    "code": _("错误代码"),
    "detail": _("详情"),
    "violations": _("违反硬性条件数"),
    "choices": _("志愿岗位"),
    "confirms_recommendation": _("确认推荐"),
    "recommendation_decline_undone": _("撤销谢绝推荐"),
    "cadre": _("干部"),
    "unit": _("单位"),
    "old": _("原值"),
    "new": _("新值"),
    "demo": _("演示数据"),
    "people": _("人数"),
    "reasons": _("原因"),
    "blockers": _("未满足的条件"),
    "anonymous": _("匿名反映"),
    "assignment": _("涉及人员"),
    "open_objections": _("未处理的异议"),
    "format": _("格式"),
    "materials": _("培训材料"),
    "changed": _("变更人数"),
    **{status.value: status.label for status in AttendanceStatus},
    # Attachments (core.attachments records them for the files this app keeps).
    "owner": _("所属对象"),
    "size": _("大小（字节）"),
    "sha256": _("SHA-256 校验值"),
}

# Stored values that have a label: the audit page shows "拟任", not "proposed".
_STATES: dict[str, Promise] = {
    **{state.value: state.label for state in BatchState},
    **{state.value: state.label for state in AssignmentState},
    **{state.value: state.label for state in ApplicationState},
}
DETAIL_VALUES: dict[str, dict[str, Promise]] = {
    "state": _STATES,
    "from_state": _STATES,
    "to_state": _STATES,
    "from": _STATES,
    "to": _STATES,
    "mode": dict(RunMode.choices),
    "kind": {**dict(SelectionStepKind.choices), "matching_run": _("匹配方案")},
    "channel": dict(ObjectionChannel.choices),
    "outcome": dict(Outcome.choices),
    "direction": dict(Direction.choices),
    "was": {"leader": _("组长"), "deputy": _("副组长")},
}
