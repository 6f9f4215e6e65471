"""Forms of the rating pages: the scores of a rating (one 0–100 box per criterion of the round),
the democratic evaluation's code, and the coordinator's issuing and voiding of codes."""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guazhi.core.forms import GuazhiForm
from guazhi.evaluation.models import Criterion, Evaluee
from guazhi.evaluation.services.codes import MAX_CODES_PER_PERSON
from guazhi.evaluation.services.ratings import (
    COMMENT_MAX_LENGTH,
    SCORE_MAX,
    SCORE_MIN,
    score_field,
)


def weight_text(weight: Decimal) -> str:
    """20.00 → 20, 12.50 → 12.5: a weight as people write it."""
    text = f"{weight:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class ScoresForm(GuazhiForm):
    """One whole-number box per criterion (its name, weight and description), then a comment.
    The service checks the same rules: the form only says so before a round trip."""

    comment = forms.CharField(
        label=gettext_lazy("评语（选填）"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, criteria: Sequence[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        scores: dict[str, forms.Field] = {}
        for criterion in self.criteria:
            out_of_range = _("“%(criterion)s”的得分应为 %(low)s 到 %(high)s 之间的整数。") % {
                "criterion": criterion.name,
                "low": SCORE_MIN,
                "high": SCORE_MAX,
            }
            scores[score_field(criterion)] = forms.IntegerField(
                label=_("%(criterion)s（权重 %(weight)s%%）")
                % {"criterion": criterion.name, "weight": weight_text(criterion.weight)},
                min_value=SCORE_MIN,
                max_value=SCORE_MAX,
                help_text=criterion.description,
                error_messages={
                    "required": _("请填写“%(criterion)s”的得分。") % {"criterion": criterion.name},
                    "invalid": out_of_range,
                    "min_value": out_of_range,
                    "max_value": out_of_range,
                },
                widget=forms.NumberInput(
                    attrs={
                        "inputmode": "numeric",
                        "min": SCORE_MIN,
                        "max": SCORE_MAX,
                        "step": 1,
                        "class": "score",
                    }
                ),
            )
        # The scores first, the comment last.
        self.fields = {**scores, "comment": self.fields["comment"]}

    def score_fields(self) -> list[forms.BoundField]:
        return [self[score_field(criterion)] for criterion in self.criteria]

    def scores(self) -> dict[int, int]:
        """criterion id → score, for the service (valid form only)."""
        return {
            criterion.pk: self.cleaned_data[score_field(criterion)] for criterion in self.criteria
        }


class CodeForm(GuazhiForm):
    code = forms.CharField(
        label=gettext_lazy("测评码"),
        max_length=32,
        help_text=gettext_lazy("请输入测评票上印的 8 位测评码，不区分大小写，可省略中间的短横线。"),
        error_messages={"required": gettext_lazy("请输入测评码。")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "autocorrect": "off",
                "spellcheck": "false",
                "inputmode": "text",
                "placeholder": "ABCD-EFGH",
            }
        ),
    )


class IssueForm(GuazhiForm):
    evaluee = forms.ChoiceField(label=gettext_lazy("考核对象"), required=False)
    count = forms.IntegerField(
        label=gettext_lazy("每人发放数量"),
        min_value=1,
        max_value=MAX_CODES_PER_PERSON,
        initial=15,
        help_text=gettext_lazy("按参加民主测评的接收单位同事人数发放，每人一张。"),
    )

    def __init__(self, *args: Any, evaluees: Sequence[Evaluee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evaluee"].choices = [  # type: ignore[attr-defined]
            ("", _("全部考核对象")),
            *(
                (
                    str(e.pk),
                    _("%(person)s（%(unit)s）")
                    % {"person": e.assignment.cadre.name, "unit": e.assignment.host_unit.name},
                )
                for e in evaluees
            ),
        ]


class VoidCodeForm(GuazhiForm):
    code = forms.CharField(
        label=gettext_lazy("作废测评码"),
        max_length=32,
        help_text=gettext_lazy("测评票遗失或发错时，输入其测评码作废。已使用的测评码不能作废。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "ABCD-EFGH"}),
    )
