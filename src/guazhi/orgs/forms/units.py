"""Unit forms: they only parse input; the services validate it and name what is wrong."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from guazhi.core.forms import GuazhiForm
from guazhi.orgs.models import Organisation, OrgKind, OrgLevel

# A full-width space indents as wide as one Chinese character, in any font, inside <option>.
INDENT = "\u3000"


def unit_option_label(unit: Organisation, base_depth: int) -> str:
    return f"{INDENT * max(unit.depth - base_depth, 0)}{unit.name}"


class UnitChoiceField(forms.ModelChoiceField):
    """A unit picked from a tree-shaped list (indented by depth below the actor's top unit)."""

    def __init__(self, *args: Any, base_depth: int = 0, **kwargs: Any) -> None:
        self.base_depth = base_depth
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Organisation) -> str:
        return unit_option_label(obj, self.base_depth)

    def offer_only(self, units: Iterable[Organisation]) -> None:
        """Show only `units` while still accepting anything in the queryset, so the service
        (not a generic "invalid choice") explains why a shown-elsewhere choice is refused."""
        blank = [("", self.empty_label)] if self.empty_label is not None else []
        self.choices = blank + [(unit.pk, self.label_from_instance(unit)) for unit in units]


class UnitFieldsForm(GuazhiForm):
    # Not required here and no max_length: the service says what is wrong, in one voice for
    # the form and the Excel importer. The widget attributes only help the browser.
    name = forms.CharField(
        label=_("单位名称"), required=False, widget=forms.TextInput(attrs={"maxlength": 100})
    )
    # Plain values offered through a select (not ChoiceField) so that an unknown value is the
    # service's to report, together with every other problem, rather than the form's alone.
    kind = forms.CharField(
        label=_("单位类型"),
        required=False,
        widget=forms.Select(choices=[("", _("请选择")), *OrgKind.choices]),
    )
    level = forms.CharField(
        label=_("行政级别"),
        required=False,
        widget=forms.Select(choices=[("", _("请选择")), *OrgLevel.choices]),
    )
    region_name = forms.CharField(
        label=_("行政区划名称"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 50}),
        help_text=_("如：江西省九江市浔阳区"),
    )
    region_code = forms.CharField(
        label=_("行政区划代码"),
        required=False,
        widget=forms.TextInput(
            attrs={"maxlength": 6, "inputmode": "numeric", "autocomplete": "off"}
        ),
        help_text=_("6位数字，如 360403"),
    )

    def unit_fields(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in UnitFieldsForm.base_fields}


class UnitCreateForm(UnitFieldsForm):
    field_order = ["parent", "name", "kind", "level", "region_name", "region_code"]

    def __init__(
        self,
        *args: Any,
        parents: QuerySet[Organisation],
        base_depth: int,
        top_level_allowed: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"] = UnitChoiceField(
            queryset=parents,
            base_depth=base_depth,
            label=_("上级单位"),
            required=not top_level_allowed,
            empty_label=_("（无，作为顶级单位）") if top_level_allowed else _("请选择上级单位"),
            error_messages={
                "required": _("请选择上级单位。"),
                "invalid_choice": _("上级单位不存在或不在您的管辖范围内。"),
            },
        )
        self.order_fields(self.field_order)


class UnitMoveForm(GuazhiForm):
    def __init__(
        self,
        *args: Any,
        parents: QuerySet[Organisation],
        offered: Iterable[Organisation],
        base_depth: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = UnitChoiceField(
            queryset=parents,
            base_depth=base_depth,
            label=_("新的上级单位"),
            empty_label=_("请选择"),
            error_messages={
                "required": _("请选择新的上级单位。"),
                "invalid_choice": _("新的上级单位不存在或不在您的管辖范围内。"),
            },
        )
        field.offer_only(offered)
        self.fields["parent"] = field
