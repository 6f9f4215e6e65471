"""Spot-inspection forms: planning one, recording a check, closing a rectification.

They parse input only; services.inspections decides what is allowed and names what is wrong.
What a form itself must refuse (a number that is not one, a box no longer offered) it names
in Chinese with the field, never Django's generic message with a raw id in it.
The plan form offers no seed: one the coordinator could type in is one they could try out
beforehand until the draw suited them, so the service draws it and the page shows it after.
"""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guazhi.core.forms import GuazhiForm
from guazhi.duty.models import CheckResult, SamplingMode
from guazhi.orgs.models import Organisation
from guazhi.programmes.forms.common import date_field
from guazhi.programmes.models import Assignment


def person_label(assignment: Assignment) -> str:
    return gettext("%(name)s（%(host)s %(post)s）") % {
        "name": assignment.cadre.name,
        "host": assignment.host_unit.name,
        "post": assignment.post.title,
    }


class InspectionPlanForm(GuazhiForm):
    planned_on = date_field(
        _("检查日期"),
        required=False,
        error_messages={"invalid": _("请填写正确的检查日期。")},
    )
    host_units = forms.TypedMultipleChoiceField(
        label=_("检查范围"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选即检查本批次全部接收单位。"),
        error_messages={
            "invalid_choice": _("所选接收单位已不在本批次，请刷新后重选。"),
            "invalid_list": _("请重新选择检查范围。"),
        },
    )
    # Not required here: the service names a missing choice together with the other mistakes.
    sampling_mode = forms.ChoiceField(
        label=_("抽查方式"),
        required=False,
        choices=SamplingMode.choices,
        initial=SamplingMode.RANDOM,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("请选择抽查方式。")},
        help_text=_(
            "随机抽取：从检查当天在岗的人员中随机抽取，随机种子自动生成并记录；"
            "全部：检查范围内当天在岗的全部人员；指定人员：只检查下面勾选的人员。"
        ),
    )
    sample_size = forms.IntegerField(
        label=_("抽查人数"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 1}),
        help_text=_("仅随机抽取填写；超过在岗人数时全部检查。"),
        error_messages={"invalid": _("抽查人数须为整数。")},
    )
    spread_across_hosts = forms.BooleanField(
        label=_("按接收单位分散抽取"),
        required=False,
        help_text=_("各接收单位轮流抽取，每个单位都抽到1人后才会在同一单位抽第2人。"),
    )
    chosen = forms.TypedMultipleChoiceField(
        label=_("指定人员"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("仅“指定人员”方式勾选。"),
        error_messages={
            "invalid_choice": _("所选人员已不在岗，请刷新后重选。"),
            "invalid_list": _("请重新选择指定人员。"),
        },
    )
    inspectors = forms.CharField(
        label=_("检查人员"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 200}),
        help_text=_("如：组织部王科长、党校李老师"),
    )
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        units: Sequence[Organisation] = (),
        people: Sequence[Assignment] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.units = {unit.pk: unit for unit in units}
        self.people = {person.pk: person for person in people}
        host_units: Any = self.fields["host_units"]
        host_units.choices = [(unit.pk, unit.name) for unit in units]
        chosen: Any = self.fields["chosen"]
        chosen.choices = [(person.pk, person_label(person)) for person in people]

    def plan_fields(self) -> dict[str, Any]:
        """The service's arguments: units and people for the ids ticked among those offered."""
        data = self.cleaned_data
        return {
            "planned_on": data.get("planned_on"),
            "host_units": [self.units[pk] for pk in data.get("host_units") or []],
            "sampling_mode": data.get("sampling_mode") or "",
            "sample_size": data.get("sample_size"),
            "spread_across_hosts": bool(data.get("spread_across_hosts")),
            "chosen": [self.people[pk] for pk in data.get("chosen") or []],
            "inspectors": (data.get("inspectors") or "").strip(),
            "note": (data.get("note") or "").strip(),
        }


class CheckRecordForm(GuazhiForm):
    """One person's line of an inspection: prefixed by the check's id."""

    result = forms.ChoiceField(
        label=_("检查结果"),
        required=False,
        choices=[("", _("请选择")), *CheckResult.choices],
        error_messages={"invalid_choice": _("请选择检查结果。")},
    )
    findings = forms.CharField(
        label=_("发现问题"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    rectification = forms.CharField(
        label=_("整改要求"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    rectification_due = date_field(
        _("整改期限"), error_messages={"invalid": _("请填写正确的整改期限。")}
    )
    # The result the form was shown with (services.inspections.check_version), so a result
    # recorded meanwhile by another coordinator is not overwritten unseen.
    based_on = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, person: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One form per person on the page: each control names whose it is for screen readers.
        for name, field in self.fields.items():
            if name != "based_on":
                field.widget.attrs["aria-label"] = gettext("%(name)s：%(field)s") % {
                    "name": person,
                    "field": field.label,
                }

    def rebase(self, version: str) -> None:
        """Base a form that came back (refused) on the result the page now shows with it, so
        that sending it again after looking is taken as a deliberate correction."""
        data = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
        data[self.add_prefix("based_on")] = version
        self.data = data

    def record_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "result": data.get("result") or "",
            "findings": (data.get("findings") or "").strip(),
            "rectification": (data.get("rectification") or "").strip(),
            "rectification_due": data.get("rectification_due"),
            # Absent from the post (an old page, a script): compare with "never recorded".
            "based_on": data.get("based_on") or "",
        }


class RectifiedForm(GuazhiForm):
    note = forms.CharField(
        label=_("整改情况"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, person: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].widget.attrs["aria-label"] = gettext("%(name)s：%(field)s") % {
            "name": person,
            "field": self.fields["note"].label,
        }
