"""Forms of the serving stage: reporting for duty, outcomes, groups, training and attendance.

They parse input only; the services in services/duty_start.py and services/groups.py decide
what is allowed and name what is wrong.
"""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guazhi.core.attachments import max_attachment_bytes, size_text
from guazhi.core.forms import GuazhiForm
from guazhi.programmes.forms.common import DateTimeLocalInput, date_field, service_fields
from guazhi.programmes.models import Assignment, AttendanceStatus, Outcome


def _datetime(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, required=False, widget=DateTimeLocalInput())


class ReportDutyForm(GuazhiForm):
    start_date = date_field(_("到岗日期"), required=True)
    party_transfer_on = date_field(
        _("党组织关系转接日期"), help_text=_("尚未转接的可留空，转接后再登记。")
    )
    party_transfer_note = forms.CharField(
        label=_("党组织关系转接说明"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 200}),
        help_text=_("如：已转入白鹿镇机关党支部"),
    )


class PartyTransferForm(GuazhiForm):
    party_transfer_on = date_field(_("党组织关系转接日期"), required=True)
    party_transfer_note = forms.CharField(
        label=_("党组织关系转接说明"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 200}),
    )


class OutcomeForm(GuazhiForm):
    outcome = forms.ChoiceField(label=_("挂职结果"), choices=[("", _("请选择")), *Outcome.choices])
    on = date_field(_("日期"), required=True)
    reason = forms.CharField(
        label=_("原因或说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("提前结束和延长须填写原因。"),
    )
    extended_to = date_field(_("延长至"), help_text=_("仅“延长”填写：新的期满日期。"))


def member_label(assignment: Assignment) -> str:
    return gettext("%(name)s（%(home)s → %(host)s %(post)s）") % {
        "name": assignment.cadre.name,
        "home": assignment.home_unit.name,
        "host": assignment.host_unit.name,
        "post": assignment.post.title,
    }


def leader_label(assignment: Assignment) -> str:
    user = assignment.cadre.user
    if user is None or not user.is_active:
        return gettext("%(name)s（无系统账号）") % {"name": assignment.cadre.name}
    return assignment.cadre.name


class GroupForm(GuazhiForm):
    # Not required: the service says what is missing, in one voice with the other checks.
    name = forms.CharField(
        label=_("小组名称"), required=False, widget=forms.TextInput(attrs={"maxlength": 100})
    )
    members = forms.TypedMultipleChoiceField(
        label=_("组员"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("本批次已批准或在岗、尚未编入其他小组的人员。"),
    )
    leader = forms.TypedChoiceField(label=_("组长"), required=False, coerce=int, empty_value=None)
    deputy = forms.TypedChoiceField(label=_("副组长"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, offered: Sequence[Assignment] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offered = {assignment.pk: assignment for assignment in offered}
        members: Any = self.fields["members"]
        members.choices = [(a.pk, member_label(a)) for a in offered]
        for name in ("leader", "deputy"):
            field: Any = self.fields[name]
            field.choices = [("", gettext("（暂不指定）"))] + [
                (a.pk, leader_label(a)) for a in offered
            ]
        self.fields["leader"].help_text = _("组长、副组长须为本组组员，将获得本批次的组长角色。")

    def chosen(self) -> dict[str, Any]:
        """The service's arguments: assignments for the ids chosen among those offered."""
        data = self.cleaned_data
        return {
            "name": data.get("name") or "",
            "members": [self.offered[pk] for pk in data.get("members") or []],
            "leader": self.offered.get(data["leader"]) if data.get("leader") else None,
            "deputy": self.offered.get(data["deputy"]) if data.get("deputy") else None,
        }


class TrainingSessionForm(GuazhiForm):
    topic = forms.CharField(
        label=_("培训主题"), required=False, widget=forms.TextInput(attrs={"maxlength": 200})
    )
    starts_at = _datetime(_("开始时间"))
    ends_at = _datetime(_("结束时间"))
    place = forms.CharField(
        label=_("地点"), required=False, widget=forms.TextInput(attrs={"maxlength": 100})
    )
    description = forms.CharField(
        label=_("内容简介"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def session_fields(self) -> dict[str, Any]:
        """The cleaned values as services.groups takes them."""
        names = ("topic", "starts_at", "ends_at", "place", "description")
        return service_fields(self, names, text=("topic", "place", "description"))


class AttendanceRowForm(GuazhiForm):
    """One participant's line of the attendance list; prefixed by the assignment id."""

    status = forms.ChoiceField(
        label=_("出勤情况"),
        required=False,
        choices=[("", _("未登记")), *AttendanceStatus.choices],
    )
    note = forms.CharField(
        label=_("备注"), required=False, widget=forms.TextInput(attrs={"maxlength": 200})
    )

    def __init__(self, *args: Any, person: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The table's head labels the columns; each control still needs its own name for
        # screen readers (and for whoever fills the list in by label).
        self.fields["status"].widget.attrs["aria-label"] = gettext("%(name)s的出勤情况") % {
            "name": person
        }
        self.fields["note"].widget.attrs["aria-label"] = gettext("%(name)s的备注") % {
            "name": person
        }


class MaterialForm(GuazhiForm):
    file = forms.FileField(label=_("培训材料"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "PDF、Word、Excel、PowerPoint、图片（PNG、JPEG、GIF）或纯文本，不超过 %(limit)s。"
        ) % {"limit": size_text(max_attachment_bytes())}
