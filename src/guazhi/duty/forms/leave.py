"""Forms of leave and return: asking, entering afterwards, extending, reporting back, deciding.

They parse input only; services/leave*.py decide what is allowed and name what is wrong, so the
fields are not required here (the service says what is missing, in one voice with its other
checks). Phones first: native date pickers, the half day a short select beside each date.
"""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guazhi.core.attachments import max_attachment_bytes, size_text
from guazhi.core.forms import GuazhiForm
from guazhi.duty.models import Half, LeaveDecisionKind, LeaveType
from guazhi.duty.selectors.ledger import Balance
from guazhi.duty.services.leave_checks import days_text
from guazhi.programmes.forms.common import date_field


def _half(label: Any, initial: str) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=Half.choices, initial=initial, required=False)


def _text(
    label: Any, *, max_length: int, input_type: str = "text", **attrs: Any
) -> forms.CharField:
    widget = forms.TextInput(attrs={"maxlength": max_length, **attrs})
    widget.input_type = input_type
    return forms.CharField(label=label, required=False, widget=widget)


def _file_field(label: Any) -> forms.FileField:
    return forms.FileField(label=label, required=False)


def file_hint() -> str:
    return gettext("病假须附病假条等证明。PDF、Word、图片（PNG、JPEG）等，不超过 %(limit)s。") % {
        "limit": size_text(max_attachment_bytes())
    }


class LeaveParticularsMixin(forms.Form):
    """What every request carries besides its dates: reason, stand-in, phone, a document."""

    reason = forms.CharField(
        label=_("请假事由"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    stand_in = _text(_("工作代理人"), max_length=50, autocomplete="off")
    contact_phone = _text(
        _("联系电话"), max_length=20, input_type="tel", inputmode="tel", autocomplete="tel"
    )
    file = _file_field(_("证明材料"))

    def particulars(self) -> dict[str, Any]:
        data = self.cleaned_data
        upload = data.get("file")
        return {
            "reason": data.get("reason") or "",
            "stand_in": data.get("stand_in") or "",
            "contact_phone": data.get("contact_phone") or "",
            "uploads": [upload] if upload else [],
        }


class LeaveForm(LeaveParticularsMixin, GuazhiForm):
    leave_type = forms.TypedChoiceField(
        label=_("假别"), required=False, coerce=int, empty_value=None
    )
    start_date = date_field(_("开始日期"))
    start_half = _half(_("开始时段"), Half.AM)
    end_date = date_field(_("结束日期"))
    end_half = _half(_("结束时段"), Half.PM)

    field_order = [
        "leave_type",
        "start_date",
        "start_half",
        "end_date",
        "end_half",
        "reason",
        "stand_in",
        "contact_phone",
        "file",
    ]

    def __init__(
        self,
        *args: Any,
        types: Sequence[LeaveType] = (),
        balances: Sequence[Balance] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.types = {leave_type.pk: leave_type for leave_type in types}
        left = {balance.leave_type.pk: balance.remaining for balance in balances}
        field: Any = self.fields["leave_type"]
        field.choices = [("", gettext("请选择"))] + [
            (pk, _type_label(leave_type, left.get(pk))) for pk, leave_type in self.types.items()
        ]
        self.fields["file"].help_text = file_hint()
        self.fields["stand_in"].help_text = _("请假期间代为处理工作的同事。")

    def chosen_type(self) -> LeaveType | None:
        pk = self.cleaned_data.get("leave_type")
        return self.types.get(pk) if pk is not None else None

    def period(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "leave_type": self.chosen_type(),
            "start_date": data.get("start_date"),
            "start_half": data.get("start_half") or Half.AM,
            "end_date": data.get("end_date"),
            "end_half": data.get("end_half") or Half.PM,
        }

    def request_fields(self) -> dict[str, Any]:
        return {**self.period(), **self.particulars()}


def _type_label(leave_type: LeaveType, remaining: Any) -> str:
    if remaining is None:
        return str(leave_type)
    return gettext("%(type)s（剩余%(days)s天）") % {
        "type": leave_type,
        "days": days_text(remaining),
    }


class EmergencyLeaveForm(LeaveForm):
    emergency_reason = forms.CharField(
        label=_("未能事先请假的原因"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如：突发疾病当天就医，未能提前提交申请。"),
    )

    def request_fields(self) -> dict[str, Any]:
        return {
            **super().request_fields(),
            "emergency_reason": self.cleaned_data.get("emergency_reason") or "",
        }


class ExtendForm(LeaveParticularsMixin, GuazhiForm):
    end_date = date_field(_("续假至"))
    end_half = _half(_("结束时段"), Half.PM)

    field_order = ["end_date", "end_half", "reason", "stand_in", "contact_phone", "file"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = file_hint()

    def extension_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "end_date": data.get("end_date"),
            "end_half": data.get("end_half") or Half.PM,
            **self.particulars(),
        }


class ReturnForm(GuazhiForm):
    returned_date = date_field(_("实际返岗日期"))
    returned_half = _half(_("返岗时段"), Half.AM)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["returned_half"].help_text = _(
            "回到岗位的那个半天：上午返岗选“上午”，下午才返岗选“下午”。提前返岗的，未休的天数退回额度；"
            "请假没有休的，填请假开始的那个半天，请假撤回、天数全部退回。"
        )

    def return_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "returned_date": data.get("returned_date"),
            "returned_half": data.get("returned_half") or Half.AM,
        }


class DecideForm(GuazhiForm):
    decision = forms.ChoiceField(
        label=_("审批意见"),
        choices=LeaveDecisionKind.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("意见说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("不同意时必须填写理由。"),
    )
    step = forms.IntegerField(required=False, widget=forms.HiddenInput)


class LeaveAttachmentForm(GuazhiForm):
    file = forms.FileField(label=_("证明材料"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = file_hint()
