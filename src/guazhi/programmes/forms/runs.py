"""Forms of the matching pages: a new run's parameters, a pin or forbid, two runs to compare."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guazhi.core.forms import GuazhiForm
from guazhi.programmes.models import RunMode
from guazhi.programmes.runs_inputs import default_weights
from guazhi.programmes.services.runs import MAX_SEED, MAX_WEIGHT

WEIGHT_FIELDS: tuple[tuple[str, Any, Any], ...] = (
    ("expertise_tags", _("专长标签匹配"), _("本人专长与岗位必备、优先专长的重合程度。")),
    (
        "expertise_text",
        _("专长与岗位职责相似度"),
        _("个人专长、职务、职称、陈述与岗位职责文字的相似程度（分词后比较）。"),
    ),
    ("preference", _("本人志愿"), _("第1志愿得分最高，志愿越靠后得分越低。")),
    ("host_preference", _("接收单位意向"), _("接收单位对报名人员的排序，排在前面得分高。")),
    ("recommendation", _("单位推荐"), _("经派出单位推荐并本人确认的加分。")),
)


class RunStartForm(GuazhiForm):
    mode = forms.ChoiceField(
        label=_("匹配方式"),
        choices=RunMode.choices,
        initial=RunMode.OPTIMAL,
        widget=forms.RadioSelect,
        help_text=_(
            "总分最优：全批综合得分之和最大；稳定匹配：按本人志愿依次申请，"
            "接收单位按意向和得分择优，任何两人互换都不会使双方更满意。"
        ),
    )
    seed = forms.IntegerField(
        label=_("随机种子"),
        required=False,
        min_value=0,
        max_value=MAX_SEED,
        help_text=_("得分相同时用于决定先后；不填则随机生成并记录，填入同一数值可重现结果。"),
    )
    require_choice = forms.BooleanField(
        label=_("只安排到本人填报的岗位"),
        required=False,
        initial=True,
        help_text=_("自愿原则：不勾选时，也可能安排到本人未填报但条件相符的岗位。"),
    )
    note = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        defaults = default_weights()
        for name, label, help_text in WEIGHT_FIELDS:
            self.fields[f"weight_{name}"] = forms.FloatField(
                label=label,
                min_value=0,
                max_value=MAX_WEIGHT,
                initial=defaults[name],
                help_text=_("%(help)s默认 %(default)s。")
                % {"help": help_text, "default": defaults[name]},
                widget=forms.NumberInput(attrs={"step": "0.1"}),
            )
        # Radio buttons first, then the weights, then the rest: the order people decide in.
        order = ["mode", *(f"weight_{name}" for name, _l, _h in WEIGHT_FIELDS)]
        self.order_fields(order)

    def weights(self) -> dict[str, float]:
        return {name: self.cleaned_data[f"weight_{name}"] for name, _l, _h in WEIGHT_FIELDS}

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[f"weight_{name}"] for name, _l, _h in WEIGHT_FIELDS]


PAIR_KINDS = (("pin", _("指定（必须安排）")), ("forbid", _("排除（不得安排）")))


class RunPairForm(GuazhiForm):
    candidate = forms.TypedChoiceField(label=_("人员"), coerce=int)
    post = forms.TypedChoiceField(label=_("岗位"), coerce=int)
    kind = forms.ChoiceField(label=_("方式"), choices=PAIR_KINDS, initial="pin")

    def __init__(
        self,
        *args: Any,
        applicants: list[tuple[int, str]],
        posts: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choose = [("", _("请选择"))]
        self.fields["candidate"].choices = choose + applicants  # type: ignore[attr-defined]
        self.fields["post"].choices = choose + posts  # type: ignore[attr-defined]


class RunCompareForm(GuazhiForm):
    a = forms.TypedChoiceField(label=_("方案甲"), coerce=int)
    b = forms.TypedChoiceField(label=_("方案乙"), coerce=int)

    def __init__(self, *args: Any, runs: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["a"].choices = runs  # type: ignore[attr-defined]
        self.fields["b"].choices = runs  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("a") is not None and data.get("a") == data.get("b"):
            self.add_error("b", _("请选择两个不同的方案。"))
        return data
