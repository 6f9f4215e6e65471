"""The monthly return's forms: the month picked (YYYY-MM) and sending one unit's return."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from guazhi.core.forms import GuazhiForm
from guazhi.duty.periods import parse_month


class ReturnSubmitForm(GuazhiForm):
    host_unit = forms.IntegerField(widget=forms.HiddenInput)
    month = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("说明"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 500}),
    )

    def clean_month(self) -> dt.date:
        month = parse_month(self.cleaned_data.get("month"))
        if month is None:
            raise forms.ValidationError(_("月份格式应如 2026-10。"))
        return month
