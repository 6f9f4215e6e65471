"""The batch export's choices: which summaries go into the zip (by state and kind)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guazhi.core.forms import GuazhiForm
from guazhi.summaries.models import SummaryKind, SummaryState


class BatchExportForm(GuazhiForm):
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        # Never-submitted drafts are their writers' own: not exported (selectors/exports.py).
        choices=[
            ("", _("全部状态")),
            *[(value, label) for value, label in SummaryState.choices if value != "draft"],
        ],
    )
    kind = forms.ChoiceField(
        label=_("总结类型"),
        required=False,
        choices=[("", _("全部类型")), *SummaryKind.choices],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own ids: the batch page also has a list filter with a state field.
        kwargs.setdefault("auto_id", "export_%s")
        super().__init__(*args, **kwargs)
