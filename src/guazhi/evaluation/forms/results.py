"""Forms of the results pages: a person's grade for the committee, the decision, a reason (to
reopen the decision, or for the quota's exception), an objection and its settlement, and the
person's own opinion."""

from collections.abc import Iterable

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guazhi.core.forms import GuazhiForm
from guazhi.evaluation.models import Evaluee
from guazhi.evaluation.services.decisions import NOTE_MAX_LENGTH, grade_choices
from guazhi.evaluation.services.grading import grade_label
from guazhi.evaluation.services.publicity import CONTENT_MAX_LENGTH


class GradeForm(GuazhiForm):
    grade = forms.ChoiceField(label=_("拟定等次"), required=False)
    note = forms.CharField(
        label=_("调整说明"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("等次与建议等次不同时必须填写，随考核委员会决定存档。"),
    )

    def __init__(self, *args: object, evaluee: Evaluee, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["grade"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", _("按建议等次")),
            *((grade, grade_label(grade)) for grade in grade_choices(evaluee)),
        ]


class DecisionForm(GuazhiForm):
    decided_on = forms.DateField(
        label=_("决定日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    body = forms.CharField(label=_("决定机构"), max_length=100, initial=_("考核委员会"))
    members = forms.CharField(
        label=_("参加人员"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    minutes = forms.CharField(
        label=_("会议记录"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["decided_on"].initial = timezone.localdate()


class ReasonForm(GuazhiForm):
    reason = forms.CharField(
        label=_("原因"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ExceptionForm(GuazhiForm):
    reason = forms.CharField(
        label=_("批准理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("写明批准机关、文号或会议，以及超出比例的理由。"),
    )


class ObjectionForm(GuazhiForm):
    evaluee = forms.TypedChoiceField(label=_("对谁提出异议"), coerce=int)
    content = forms.CharField(
        label=_("异议内容"),
        max_length=CONTENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("请如实反映具体问题；异议由组织部门核实处理。"),
    )
    contact = forms.CharField(label=_("联系方式"), required=False, max_length=50)

    def __init__(self, *args: object, people: Iterable[Evaluee], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["evaluee"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [
            (person.pk, f"{person.assignment.cadre.name}（{person.assignment.host_unit.name}）")
            for person in people
        ]


class ResolutionForm(GuazhiForm):
    resolution = forms.CharField(
        label=_("处理结果"),
        max_length=CONTENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("写明核实情况和处理意见。"),
    )


class Opinion(models.TextChoices):
    AGREE = "agree", _("同意")
    OBJECT = "object", _("有异议")


class AcknowledgementForm(GuazhiForm):
    opinion = forms.ChoiceField(
        label=_("本人意见"), choices=Opinion.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=CONTENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("有异议时必须写明对哪些内容有异议。签署后不能修改。"),
    )
