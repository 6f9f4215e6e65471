"""Forms of vetting, decision, publicity, objections and approval: they parse what people type;
the rules (dates in order, the period, who may be named) live in services.selection."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from guazhi.core.forms import GuazhiForm
from guazhi.programmes.forms.common import date_field
from guazhi.programmes.models import Assignment
from guazhi.programmes.models.assignments import ObjectionChannel
from guazhi.programmes.services.selection import NOTE_MAX, TEXT_MAX


def _date(label: Any, missing: Any) -> forms.DateField:
    return date_field(
        label,
        required=True,
        error_messages={"required": missing, "invalid": _("请填写正确的日期。")},
    )


class SelectionStepForm(GuazhiForm):
    """One step (vetting or decision); the page shows one per kind, prefixed with the kind."""

    held_on = _date(_("日期"), _("请填写日期。"))
    note = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如考察组成员、考察方式，或会议名称、会议纪要文号。"),
    )


class AssignmentCancelForm(GuazhiForm):
    reason = forms.CharField(
        label=_("取消原因"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写取消原因。")},
    )


class PublicityStartForm(GuazhiForm):
    starts_on = _date(_("公示开始日期"), _("请填写公示开始日期。"))
    text = forms.CharField(
        label=_("异议反映方式"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("写入公示文件的第二段：受理单位、电话、地址等。不填则使用通用表述。"),
    )


class ObjectionForm(GuazhiForm):
    received_on = _date(_("收到日期"), _("请填写收到日期。"))
    channel = forms.ChoiceField(
        label=_("反映方式"), required=False, choices=[("", "—"), *ObjectionChannel.choices]
    )
    raised_by = forms.CharField(
        label=_("反映人"),
        required=False,
        max_length=50,
        help_text=_("匿名反映的不填。反映人信息严格保密，只有组织部门可见。"),
    )
    assignment = forms.ModelChoiceField(
        label=_("涉及人员"),
        required=False,
        queryset=Assignment.objects.none(),
        empty_label=_("不涉及具体人员"),
    )
    content = forms.CharField(
        label=_("反映内容"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("请填写反映内容。")},
    )

    def __init__(self, *args, people: QuerySet[Assignment], **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        field = self.fields["assignment"]
        field.queryset = people  # type: ignore[attr-defined]
        field.label_from_instance = lambda a: f"{a.cadre.name}（{a.host_unit.name} {a.post.title}）"  # type: ignore[attr-defined]


class ObjectionResolveForm(GuazhiForm):
    upheld = forms.TypedChoiceField(
        label=_("核查结论"),
        choices=[("yes", _("反映属实")), ("no", _("反映不属实"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择核查结论。")},
    )
    resolution = forms.CharField(
        label=_("核查处理意见"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("请填写核查处理意见。")},
    )
    cancel_assignment = forms.BooleanField(
        label=_("反映属实，同时取消该人选"),
        required=False,
        help_text=_("以核查处理意见作为取消原因；该人选不再出现在公示名单和审批中。"),
    )

    def __init__(self, *args, may_cancel: bool, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if not may_cancel:
            del self.fields["cancel_assignment"]


class PublicityApproveForm(GuazhiForm):
    note = forms.CharField(
        label=_("审批意见"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PublicityWithdrawForm(GuazhiForm):
    reason = forms.CharField(
        label=_("撤回原因"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写撤回公示的原因。")},
        help_text=_("如：公示名单有误需重新公示，或异议经核查属实需重新匹配。"),
    )
