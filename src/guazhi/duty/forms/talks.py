"""The form of a heart-to-heart talk (谈心谈话); services/talks.py checks what it says."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guazhi.core.forms import GuazhiForm
from guazhi.programmes.forms.common import date_field


class TalkForm(GuazhiForm):
    held_on = date_field(_("谈话日期"))
    talker = forms.CharField(
        label=_("谈话人"), required=False, widget=forms.TextInput(attrs={"maxlength": 50})
    )
    participants = forms.CharField(
        label=_("参加人员"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 200}),
        help_text=_("谈话人以外在场的人，可不填。"),
    )
    topics = forms.CharField(
        label=_("谈话内容"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    follow_up = forms.CharField(
        label=_("后续跟进"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("需要跟进的事项和落实情况，可以日后补充。"),
    )

    def talk_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "held_on": data.get("held_on"),
            "talker": data.get("talker") or "",
            "participants": data.get("participants") or "",
            "topics": data.get("topics") or "",
            "follow_up": data.get("follow_up") or "",
        }
