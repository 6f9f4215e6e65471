"""Forms of the commendation pages: a nomination, the coordinator's decision on it, and the
commendation decision (关于表彰……的决定) with the approved nominations it lists.

The choices (whom one may nominate, which nominations a decision may list) come from the
selectors and are given to the form; the services check everything again.
"""

from collections.abc import Iterable

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guazhi.core.forms import GuazhiForm
from guazhi.evaluation.documents import commendation_label, commended_line
from guazhi.evaluation.models import CommendationKind, Nomination
from guazhi.evaluation.services.commendations import (
    CITATION_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    DEFAULT_HONORARY_TITLE,
    TITLE_MAX_LENGTH,
)
from guazhi.programmes.models import Assignment


class NominationForm(GuazhiForm):
    assignment = forms.TypedChoiceField(label=_("被提名人"), coerce=int)
    kind = forms.ChoiceField(
        label=_("表彰类型"),
        choices=CommendationKind.choices,
        initial=CommendationKind.COMMENDATION,
    )
    honorary_title = forms.CharField(
        label=_("荣誉称号"),
        required=False,
        max_length=TITLE_MAX_LENGTH,
        initial=DEFAULT_HONORARY_TITLE,
        help_text=_("表彰类型为“授予荣誉称号”时填写，如“优秀挂职干部”。"),
    )
    citation = forms.CharField(
        label=_("主要事迹"),
        max_length=CITATION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("写明挂职期间的主要工作和突出成绩，将随提名报送审批。"),
    )

    def __init__(
        self, *args: object, people: Iterable[Assignment], fixed: bool = False, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["assignment"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [
            ("", "——"),
            *(
                (person.pk, f"{person.cadre.name}（{person.host_unit.name}{person.post.title}）")
                for person in people
            ),
        ]
        if fixed:  # nominated from a result: the person is that result's
            field.widget = forms.HiddenInput()


class NominationDecision(models.TextChoices):
    APPROVE = "approve", _("批准")
    REJECT = "reject", _("不批准")


class NominationDecideForm(GuazhiForm):
    decision = forms.ChoiceField(
        label=_("审批结果"), choices=NominationDecision.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("审批意见"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("不批准时必须填写，说明理由。"),
    )


def nomination_choice_label(nomination: Nomination) -> str:
    return f"{commended_line(nomination)} · {commendation_label(nomination.kind, nomination.honorary_title)}"


class DecisionForm(GuazhiForm):
    title = forms.CharField(label=_("标题"), max_length=200)
    number = forms.CharField(
        label=_("文号"), max_length=50, required=False, help_text=_("如：浔组字〔2026〕12号")
    )
    issued_on = forms.DateField(
        label=_("印发日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    issuer = forms.CharField(label=_("发文机关"), max_length=100)
    preamble = forms.CharField(
        label=_("正文"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("表彰的缘由和号召，每段一行；受表彰人员名单按表彰类型自动列在正文之后。"),
    )
    nominations = forms.TypedMultipleChoiceField(
        label=_("受表彰人员"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("已批准、尚未列入其他表彰决定的提名。"),
    )

    def __init__(self, *args: object, listable: Iterable[Nomination], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["nominations"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [
            (nomination.pk, nomination_choice_label(nomination)) for nomination in listable
        ]
        self.fields["issued_on"].initial = timezone.localdate()
