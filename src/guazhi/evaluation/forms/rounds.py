"""Forms of the round set-up pages: create, settings, criteria and rater weights (each list with a
live sum, static/js/evaluation_weights.js), thresholds, the people evaluated, the reason for a
move, and the person's self-assessment. They parse; services/rounds.py checks and names what is
wrong (a sum other than 100 included), so a refusal reads the same from the API."""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guazhi.core.forms import GuazhiForm
from guazhi.evaluation.models import (
    SCHEME_GRADES,
    Criterion,
    EvaluatedBy,
    EvaluationRound,
    GradeScheme,
    RaterRole,
    RoundKind,
)
from guazhi.evaluation.services.rounds import (
    DEMOCRATIC_MINIMUM_MAX,
    EXCELLENT_QUOTA_MAX,
    NAME_MAX_LENGTH,
    PUBLICITY_DAYS_MAX,
    REASON_MAX_LENGTH,
    SELF_ASSESSMENT_MAX_LENGTH,
    CriterionRow,
)
from guazhi.programmes.forms.common import date_field
from guazhi.programmes.models import Assignment

# Criterion rows offered beyond the current ones, for adding a criterion.
BLANK_CRITERIA = 2
MAX_CRITERIA = 12


def _weight(label: Any, *, group: str) -> forms.DecimalField:
    """A weight box counted by the page's live sum: `group` names the sum it belongs to."""
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(
            attrs={
                "step": "0.01",
                "min": "0",
                "max": "100",
                "inputmode": "decimal",
                "data-weight": group,
            }
        ),
    )


def _whole(label: Any, *, max_value: int, help_text: Any = "") -> forms.IntegerField:
    """A whole number from 0 to `max_value` (the service's bound: the form says it first)."""
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=0,
        max_value=max_value,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0", "max": str(max_value)}),
    )


class RoundCreateForm(GuazhiForm):
    kind = forms.ChoiceField(label=_("考核类型"), choices=RoundKind.choices)
    name = forms.CharField(
        label=_("名称"),
        required=False,
        max_length=NAME_MAX_LENGTH,
        help_text=_("留空则按类型和期间生成，如“2026年度考核”。"),
    )
    period_start = date_field(_("考核期间起始日期"))
    period_end = date_field(
        _("考核期间截止日期"),
        help_text=_(
            "留空则按类型确定：平时考核为本季度，期中考核为挂职期前半段，年度考核为本年度，"
            "期满考核为整个挂职期（均不超出挂职期）。"
        ),
    )
    deadline = date_field(
        _("评分截止日期"), help_text=_("留空则为考核期间结束（或今天）后第10个工作日。")
    )

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "name": data.get("name") or "",
            "period_start": data.get("period_start"),
            "period_end": data.get("period_end"),
            "deadline": data.get("deadline"),
        }


class RoundSettingsForm(GuazhiForm):
    name = forms.CharField(label=_("名称"), max_length=NAME_MAX_LENGTH)
    period_start = date_field(_("考核期间起始日期"), required=True)
    period_end = date_field(_("考核期间截止日期"), required=True)
    deadline = date_field(_("评分截止日期"), required=True)
    evaluated_by = forms.ChoiceField(label=_("考核主体"), choices=EvaluatedBy.choices)
    excellent_quota = _whole(
        _("优秀比例上限（%）"),
        max_value=EXCELLENT_QUOTA_MAX,
        help_text=_("优秀人数占考核人数的比例上限，通常为15%至20%。"),
    )
    democratic_minimum = _whole(
        _("民主测评最少票数"),
        max_value=DEMOCRATIC_MINIMUM_MAX,
        help_text=_("某人的民主测评票数少于此数时不显示、不计分，以免推知评价人。"),
    )
    publicity_days = _whole(_("公示天数（工作日）"), max_value=PUBLICITY_DAYS_MAX)

    def __init__(self, *args: Any, round: EvaluationRound, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {field: getattr(round, field) for field in self.base_fields})
        super().__init__(*args, **kwargs)

    def arguments(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class DeadlineForm(GuazhiForm):
    """While the round is open only its deadline moves."""

    deadline = date_field(_("评分截止日期"), required=True)


class CriterionRowForm(GuazhiForm):
    """One criterion's line; prefixed by its position. A line with no name is dropped."""

    name = forms.CharField(label=_("考核内容"), required=False, max_length=20)
    description = forms.CharField(label=_("说明"), required=False, max_length=200)
    weight = _weight(_("权重（%）"), group="criteria")

    def __init__(self, *args: Any, number: int, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"criteria-{number}")
        super().__init__(*args, **kwargs)
        self.number = number
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = gettext("第%(n)s行：%(field)s") % {
                "n": number,
                "field": field.label,
            }

    @staticmethod
    def initial_of(criterion: Criterion) -> dict[str, Any]:
        return {
            "name": criterion.name,
            "description": criterion.description,
            "weight": criterion.weight.normalize(),
        }

    def row(self) -> CriterionRow:
        data = self.cleaned_data
        return CriterionRow(
            name=data.get("name") or "",
            description=data.get("description") or "",
            weight=data.get("weight"),
        )


def criterion_rows(criteria: Sequence[Criterion], data: Any = None) -> list[CriterionRowForm]:
    """The criteria's lines, then blank ones; bound to `data` (as many as it counts)."""
    if data is not None:
        try:
            count = min(int(data.get("criteria-count", 0)), MAX_CRITERIA)
        except ValueError:
            count = 0
        return [CriterionRowForm(data, number=n) for n in range(1, count + 1)]
    rows = [
        CriterionRowForm(number=n, initial=CriterionRowForm.initial_of(criterion))
        for n, criterion in enumerate(criteria, start=1)
    ]
    blanks = max(0, min(BLANK_CRITERIA, MAX_CRITERIA - len(rows)))
    return rows + [CriterionRowForm(number=len(rows) + n) for n in range(1, blanks + 1)]


class RaterWeightsForm(GuazhiForm):
    """One weight per rater role, named weight_<role>."""

    def __init__(self, *args: Any, weights: dict[str, Decimal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for role in RaterRole:
            name = f"weight_{role.value}"
            self.fields[name] = _weight(role.label, group="raters")
            value = weights.get(role.value)
            self.initial.setdefault(name, value.normalize() if value is not None else None)

    def weights(self) -> dict[str, Decimal | None]:
        return {role.value: self.cleaned_data.get(f"weight_{role.value}") for role in RaterRole}


class ThresholdsForm(GuazhiForm):
    """The lowest score of each grade but the last, per scheme: fields <scheme>_<n>."""

    def __init__(self, *args: Any, current: dict[tuple[str, str], Decimal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for scheme, grades in SCHEME_GRADES.items():
            for number, grade in enumerate(grades[:-1], start=1):
                name = f"{scheme}_{number}"
                self.fields[name] = forms.DecimalField(
                    label=gettext("%(grade)s 最低分") % {"grade": grade},
                    required=False,
                    max_digits=5,
                    decimal_places=2,
                    widget=forms.NumberInput(
                        attrs={"step": "0.01", "min": "0", "max": "100", "inputmode": "decimal"}
                    ),
                )
                value = current.get((scheme, grade))
                self.initial.setdefault(name, value.normalize() if value is not None else None)

    def fields_of(self, scheme: str) -> list[forms.BoundField]:
        return [self[f"{scheme}_{n}"] for n in range(1, len(SCHEME_GRADES[scheme]))]

    def thresholds(self) -> dict[str, list[Decimal | None]]:
        return {
            scheme: [self.cleaned_data.get(f"{scheme}_{n}") for n in range(1, len(grades))]
            for scheme, grades in SCHEME_GRADES.items()
        }


class EvaluateeAddForm(GuazhiForm):
    assignment = forms.TypedChoiceField(label=_("挂职干部"), coerce=int)
    scheme = forms.ChoiceField(
        label=_("等次方案"),
        required=False,
        choices=[("", _("按人员类别确定")), *GradeScheme.choices],
    )

    def __init__(self, *args: Any, people: Sequence[Assignment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {person.pk: person for person in people}
        field: Any = self.fields["assignment"]
        field.choices = [
            (person.pk, f"{person.cadre.name}（{person.host_unit.name}）") for person in people
        ]

    def person(self) -> Assignment:
        return self.people[self.cleaned_data["assignment"]]


class ReasonForm(GuazhiForm):
    reason = forms.CharField(
        label=_("理由"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SelfAssessmentForm(GuazhiForm):
    text = forms.CharField(
        label=_("个人总结"),
        required=False,
        max_length=SELF_ASSESSMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "对照德、能、勤、绩、廉，总结考核期间的主要工作、成效和不足。提交后评分人可以看到，"
            "个人总结不计分；评分截止前仍可修改。"
        ),
    )
