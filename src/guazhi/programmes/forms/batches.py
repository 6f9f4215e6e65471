"""Batch forms: the batch's parties, term and settings, and the reason of a state move.

They only parse what people type; services.batches says what is wrong, naming the field, so
the page and any other caller hear the same rules. Help texts say each setting's default and
what leaving it blank means.
"""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from guazhi.core.forms import GuazhiForm
from guazhi.orgs import vocab
from guazhi.orgs.forms.units import unit_option_label
from guazhi.orgs.models import Organisation
from guazhi.programmes.forms.common import date_field, service_fields, tree_depth, unit_field
from guazhi.programmes.models import Batch, Direction
from guazhi.programmes.services.batches import BATCH_FIELDS, REASON_MAX


def _label(name: str) -> Any:
    return Batch._meta.get_field(name).verbose_name  # type: ignore[union-attr]


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several units from a tree-shaped list, indented like UnitChoiceField's."""

    def __init__(self, *args: Any, base_depth: int = 0, **kwargs: Any) -> None:
        self.base_depth = base_depth
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Organisation) -> str:
        return unit_option_label(obj, self.base_depth)


def _number(name: str, help_text: Any, minimum: int = 0) -> forms.IntegerField:
    # Not required: the service names a blank that matters ("… 不能为空") with every other problem.
    return forms.IntegerField(
        label=_label(name),
        required=False,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"min": minimum, "inputmode": "numeric"}),
    )


def _select(name: str, choices: list[tuple[str, Any]], blank: Any, help_text: Any = "") -> Any:
    # Plain values offered through a select: an unknown value is the service's to report.
    return forms.CharField(
        label=_label(name),
        required=False,
        help_text=help_text,
        widget=forms.Select(choices=[("", blank), *choices]),
    )


# Sections of the form, in order: the template shows each under its heading.
SECTIONS: tuple[tuple[Any, tuple[str, ...]], ...] = (
    (
        _("基本信息"),
        (
            "name",
            "direction",
            "full_time",
            "term_start",
            "term_end",
        ),
    ),
    (
        _("参与单位"),
        ("coordinating_org", "dispatching_orgs", "co_managing_org", "supervising_org"),
    ),
    (
        _("报名条件"),
        (
            "max_age",
            "min_rank",
            "max_rank",
            "min_education",
            "exclude_serving",
            "require_dispatching_home",
            "max_choices",
        ),
    ),
    (
        _("匹配规则"),
        (
            "max_per_dispatch_at_host",
            "max_leadership_per_host",
            "max_levels_above",
            "min_women",
            "min_minority",
            "min_non_party",
        ),
    ),
    (_("公示"), ("publicity_working_days",)),
)


class BatchForm(GuazhiForm):
    name = forms.CharField(
        label=_label("name"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 100}),
        help_text=_("如：2027年浔阳区第一批下派挂职干部"),
    )
    direction = _select("direction", Direction.choices, _("请选择"))
    full_time = forms.BooleanField(
        label=_label("full_time"), required=False, help_text=_("不勾选表示非全日制挂职。")
    )
    term_start = date_field(_label("term_start"))
    term_end = date_field(_label("term_end"), help_text=_("应晚于开始日期；挂职期限一般为1至2年。"))
    max_age = _number(
        "max_age",
        _("留空表示不限。常见要求：科级及以下不超过40周岁，处级不超过45周岁。"),
        minimum=18,
    )
    min_rank = _select("min_rank", vocab.Rank.choices, _("不限"))
    max_rank = _select("max_rank", vocab.Rank.choices, _("不限"))
    min_education = _select(
        "min_education",
        vocab.Education.choices,
        _("不限"),
        _("留空表示不限；常见要求为大学本科及以上。"),
    )
    exclude_serving = forms.BooleanField(
        label=_label("exclude_serving"),
        required=False,
        help_text=_("默认勾选：正在挂职的干部不能报名。"),
    )
    require_dispatching_home = forms.BooleanField(
        label=_label("require_dispatching_home"),
        required=False,
        help_text=_("默认勾选：只有派出单位（含其下级单位）的干部可以报名。"),
    )
    max_choices = _number(
        "max_choices", _("默认5个：每人最多按志愿顺序填报的岗位数，1至10。"), minimum=1
    )
    max_per_dispatch_at_host = _number(
        "max_per_dispatch_at_host",
        _("默认2人：同一派出单位派到同一接收单位的最多人数；留空表示不限。"),
        minimum=1,
    )
    max_leadership_per_host = _number(
        "max_leadership_per_host",
        _("默认2人：同一领导班子中挂职干部一般不超过2名；留空表示不限。"),
        minimum=1,
    )
    max_levels_above = _number(
        "max_levels_above",
        _("默认0：不高挂，挂职职务级别不高于本人职级；1表示可高一级，最多3。"),
    )
    min_women = _number(
        "min_women", _("默认0：不作要求。匹配时尽量满足，不能满足时在匹配结果中说明。")
    )
    min_minority = _number(
        "min_minority", _("默认0：不作要求。匹配时尽量满足，不能满足时在匹配结果中说明。")
    )
    min_non_party = _number(
        "min_non_party", _("默认0：不作要求。匹配时尽量满足，不能满足时在匹配结果中说明。")
    )
    publicity_working_days = _number(
        "publicity_working_days",
        _("默认5个工作日，按工作日历计算（节假日不计），1至30。"),
        minimum=1,
    )

    def __init__(
        self,
        *args: Any,
        units: QuerySet[Organisation],
        parties: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        depth = tree_depth(units)
        self.fields["coordinating_org"] = unit_field(
            units,
            base_depth=depth,
            label=_label("coordinating_org"),
            empty_label=_("请选择"),
            help_text=_("负责本批次的组织部门，须为您管辖的单位。"),
            invalid=_("组织协调单位不存在或不在您的管辖范围内。"),
        )
        self.fields["dispatching_orgs"] = UnitMultipleChoiceField(
            queryset=units,
            base_depth=depth,
            label=_label("dispatching_orgs"),
            required=False,
            help_text=_(
                "可选多个（按住 Ctrl 或 ⌘ 点选）。这些单位及其下级单位的干部可以报名，"
                "其管理员可以推荐。"
            ),
            widget=forms.SelectMultiple(attrs={"size": 8}),
            error_messages={"invalid_choice": _("派出单位不存在或不在您的管辖范围内。")},
        )
        party_depth = tree_depth(parties)
        for name, help_text in (
            ("co_managing_org", _("选填：协助日常管理的单位。")),
            ("supervising_org", _("选填：总体负责的上级组织部门。")),
        ):
            self.fields[name] = unit_field(
                parties,
                base_depth=party_depth,
                label=_label(name),
                empty_label=_("（无）"),
                help_text=help_text,
                invalid=_("所选单位不存在或不在可选范围内。"),
            )

    @staticmethod
    def initial_for(batch: Batch) -> dict[str, Any]:
        initial = {name: getattr(batch, name) for name in BATCH_FIELDS}
        for name in ("coordinating_org", "co_managing_org", "supervising_org"):
            initial[name] = getattr(batch, f"{name}_id")
        initial["dispatching_orgs"] = list(batch.dispatching_orgs.values_list("pk", flat=True))
        return initial

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in SECTIONS]

    def batch_fields(self) -> dict[str, Any]:
        """The cleaned values as services.batches takes them (dispatching_orgs apart)."""
        text = ("name", "direction", "min_rank", "max_rank", "min_education")
        return service_fields(self, BATCH_FIELDS, text=text)

    def dispatching(self) -> Iterable[Organisation]:
        return list(self.cleaned_data.get("dispatching_orgs") or [])


class TransitionForm(GuazhiForm):
    to_state = forms.CharField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("变更原因"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": REASON_MAX}),
        help_text=_("必填，将显示在批次页面的时间线上。"),
    )
