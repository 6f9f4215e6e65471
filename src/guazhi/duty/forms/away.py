"""The away-from-post report form (外出报备), laid out for a phone: one column, native pickers."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guazhi.core.forms import GuazhiForm
from guazhi.duty.models import Half
from guazhi.programmes.forms.common import date_field

TEXT_FIELDS = ("reason", "destination", "stand_in", "contact_phone")


class AwayReportForm(GuazhiForm):
    # Text is not required here: the service says what is missing, in the words it uses
    # everywhere (the API and the page refuse alike).
    destination = forms.CharField(
        label=_("去向"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 100, "autocomplete": "off"}),
        help_text=_("如：江西省南昌市"),
    )
    reason = forms.CharField(
        label=_("事由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
    )
    leave_date = date_field(
        _("离开日期"), required=True, error_messages={"required": _("请选择离开日期。")}
    )
    leave_half = forms.ChoiceField(label=_("离开时段"), choices=Half.choices, initial=Half.AM)
    return_date = date_field(
        _("返回日期"),
        required=True,
        error_messages={"required": _("请选择返回日期。")},
        help_text=_(
            "离开和返回的半天都算外出时间，须为周末或节假日；其中的工作日须已请假并获批准。"
        ),
    )
    return_half = forms.ChoiceField(label=_("返回时段"), choices=Half.choices, initial=Half.PM)
    stand_in = forms.CharField(
        label=_("工作代理人"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 50, "autocomplete": "off"}),
    )
    contact_phone = forms.CharField(
        label=_("联系电话"),
        required=False,
        widget=forms.TextInput(
            attrs={"maxlength": 20, "type": "tel", "inputmode": "tel", "autocomplete": "tel"}
        ),
    )

    def service_arguments(self) -> dict[str, Any]:
        """The cleaned values as away_report_submit takes them (text "" when blank)."""
        values = dict(self.cleaned_data)
        for name in TEXT_FIELDS:
            values[name] = values.get(name) or ""
        return values
