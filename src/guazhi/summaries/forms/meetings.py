"""Forms of the meeting pages: the meeting, its minutes, its speakers, the summaries discussed,
a file.

They parse input only; services.meetings decides what is allowed and names what is wrong, so
text fields are not required here (the service says what is missing, in one voice with its
other checks).
"""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guazhi.core.attachments import max_attachment_bytes, size_text
from guazhi.core.forms import GuazhiForm
from guazhi.programmes.forms.common import date_field
from guazhi.programmes.models import Assignment
from guazhi.summaries.models import MeetingKind, Summary
from guazhi.summaries.services.meetings import MINUTES_MAX, OTHERS_MAX, TOPIC_MAX


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self) -> None:
        super().__init__(format="%H:%M")


def participant_label(assignment: Assignment) -> str:
    return gettext("%(name)s（%(host)s %(post)s）") % {
        "name": assignment.cadre.name,
        "host": assignment.host_unit.name,
        "post": assignment.post.title,
    }


class MeetingForm(GuazhiForm):
    kind = forms.ChoiceField(
        label=_("会议类型"), required=False, choices=[("", _("请选择")), *MeetingKind.choices]
    )
    title = forms.CharField(
        label=_("会议名称"), required=False, widget=forms.TextInput(attrs={"maxlength": 100})
    )
    held_on = date_field(_("日期"))
    starts_at = forms.TimeField(
        label=_("开始时间"), required=False, widget=TimeInput(), help_text=_("可不填。")
    )
    place = forms.CharField(
        label=_("地点"), required=False, widget=forms.TextInput(attrs={"maxlength": 100})
    )
    participants = forms.TypedMultipleChoiceField(
        label=_("参会挂职干部"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("本批次在岗或已期满的挂职干部；日期在今天及以后的，所选人员会收到通知。"),
    )
    other_participants = forms.CharField(
        label=_("其他参会人员"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": OTHERS_MAX}),
        help_text=_("领导、嘉宾等，按会议通知填写。"),
    )

    def __init__(self, *args: Any, offered: Sequence[Assignment] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offered = {assignment.pk: assignment for assignment in offered}
        field: Any = self.fields["participants"]
        field.choices = [(a.pk, participant_label(a)) for a in offered]

    def meeting_fields(self) -> dict[str, Any]:
        """The service's arguments: assignments for the ids chosen among those offered."""
        data = self.cleaned_data
        return {
            "kind": data.get("kind") or "",
            "title": data.get("title") or "",
            "held_on": data.get("held_on"),
            "starts_at": data.get("starts_at"),
            "place": data.get("place") or "",
            "participants": [self.offered[pk] for pk in data.get("participants") or []],
            "other_participants": data.get("other_participants") or "",
        }


class MinutesForm(GuazhiForm):
    minutes = forms.CharField(
        label=_("会议纪要"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "maxlength": MINUTES_MAX}),
    )


class SpeakerRowForm(GuazhiForm):
    """One participant's line of the speakers form; prefixed by the assignment id. A blank
    order leaves the person out; the others speak in the order of their numbers."""

    order = forms.IntegerField(
        label=_("发言顺序"),
        required=False,
        min_value=1,
        max_value=99,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": 99}),
    )
    topic = forms.CharField(
        label=_("发言题目"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": TOPIC_MAX}),
    )

    def __init__(self, *args: Any, person: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The table's head labels the columns; each control still needs its own name for
        # screen readers.
        self.fields["order"].widget.attrs["aria-label"] = gettext("%(name)s的发言顺序") % {
            "name": person
        }
        self.fields["topic"].widget.attrs["aria-label"] = gettext("%(name)s的发言题目") % {
            "name": person
        }


def summary_label(summary: Summary) -> str:
    return gettext("%(name)s：%(title)s（%(kind)s，%(state)s）") % {
        "name": summary.assignment.cadre.name,
        "title": summary.title,
        "kind": summary.get_kind_display(),
        "state": summary.get_state_display(),
    }


class SummaryLinkForm(GuazhiForm):
    summaries = forms.TypedMultipleChoiceField(
        label=_("会上交流的总结"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("本批次人员的总结。"),
    )

    def __init__(self, *args: Any, offered: Sequence[Summary] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offered = {summary.pk: summary for summary in offered}
        field: Any = self.fields["summaries"]
        field.choices = [(s.pk, summary_label(s)) for s in offered]

    def chosen(self) -> list[Summary]:
        return [self.offered[pk] for pk in self.cleaned_data.get("summaries") or []]


class MeetingFileForm(GuazhiForm):
    file = forms.FileField(label=_("会议材料"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "会议纪要签发稿、发言材料、照片等：PDF、Word、Excel、PowerPoint、图片（PNG、JPEG、GIF）或纯文本，不超过 %(limit)s。"
        ) % {"limit": size_text(max_attachment_bytes())}
