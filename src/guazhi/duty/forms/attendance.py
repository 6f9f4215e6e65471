"""The monthly return's forms: the month picked (YYYY-MM) and sending one unit's return."""

import datetime as dt
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from guazhi.core.forms import GuazhiForm

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_month(text: str | None) -> dt.date | None:
    """The first day of the month written as 2026-10 (what <input type="month"> sends)."""
    match = MONTH.match((text or "").strip())
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return dt.date(year, month, 1)


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
