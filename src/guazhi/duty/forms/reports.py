"""Forms of the periodic report pages: choose a period, write the narrative, review."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from guazhi.core.forms import GuazhiForm
from guazhi.duty.services.reports import NARRATIVE_MAX_LENGTH


class ReportStartForm(GuazhiForm):
    """The period to write for, named by its first day (the button of the period's row)."""

    period = forms.DateField(label=_("汇报期间"), widget=forms.HiddenInput)


class NarrativeForm(GuazhiForm):
    # Blank is allowed while drafting; submitting refuses it (the service says so).
    narrative = forms.CharField(
        label=_("汇报正文"),
        required=False,
        max_length=NARRATIVE_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "上方的纪实汇总由系统根据本期工作纪实生成；这里写本期主要工作、体会、存在问题和下步打算。"
        ),
    )


class ReviewDecision(models.TextChoices):
    ACCEPT = "accept", _("通过")
    RETURN = "return", _("退回修改")


class ReviewForm(GuazhiForm):
    decision = forms.ChoiceField(
        label=_("审阅结果"), choices=ReviewDecision.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("审阅意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("退回时必须填写，说明需要修改的地方。"),
    )
