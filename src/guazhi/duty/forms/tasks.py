"""Forms of the task list: proposing a task, ticking one off with its proof, dropping one.

They parse input only; services/tasks.py decides what is allowed and names what is wrong.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guazhi.core.forms import GuazhiForm
from guazhi.core.jinja import format_date
from guazhi.duty.models import WorkLogEntry
from guazhi.duty.periods import month_text, parse_month


def _month_choices(months: Sequence[dt.date]) -> list[tuple[str, str]]:
    return [(m.strftime("%Y-%m"), month_text(m)) for m in months]


class TaskProposeForm(GuazhiForm):
    title = forms.CharField(
        label=_("任务"), required=False, widget=forms.TextInput(attrs={"maxlength": 100})
    )
    description = forms.CharField(
        label=_("目标与措施"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    target_month = forms.ChoiceField(label=_("计划完成月份"), required=False)

    def __init__(self, *args: Any, months: Sequence[dt.date] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        month: Any = self.fields["target_month"]
        month.choices = [("", gettext("请选择")), *_month_choices(months)]

    def task_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data.get("title") or "",
            "description": data.get("description") or "",
            "target_month": parse_month(data.get("target_month") or ""),
        }


def evidence_label(entry: WorkLogEntry) -> str:
    mark = gettext("（做成一件事）") if entry.accomplishment else ""
    return f"{format_date(entry.date)} {entry.title}{mark}"


class TaskTickOffForm(GuazhiForm):
    month = forms.ChoiceField(label=_("销号月份"), required=False)
    note = forms.CharField(
        label=_("完成情况"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.TypedMultipleChoiceField(
        label=_("佐证纪实"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("选择证明这项任务已完成的工作纪实（可多选），按月份分组。"),
        error_messages={
            # The value is an entry's id: one deleted meanwhile, or not the person's own.
            "invalid_choice": _(
                "所选的工作纪实（编号%(value)s）已不在本人的挂职期纪实中，请重新选择。"
            )
        },
    )

    def __init__(
        self,
        *args: Any,
        months: Sequence[dt.date] = (),
        entries: Sequence[WorkLogEntry] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        month: Any = self.fields["month"]
        month.choices = _month_choices(months)
        evidence: Any = self.fields["evidence"]
        evidence.choices = [(entry.pk, evidence_label(entry)) for entry in entries]

    def tick_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "month": parse_month(data.get("month") or ""),
            "note": data.get("note") or "",
            "evidence": list(data.get("evidence") or []),
        }


class TaskDropForm(GuazhiForm):
    reason = forms.CharField(
        label=_("取消原因"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 100}),
        help_text=_("不超过100字，本人和其他领导都能看到。"),
    )
