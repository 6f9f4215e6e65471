"""Forms for cadre profiles, their avoidance relatives, and a cadre's login account.

The forms parse what people type (dates, choices, tags); the rules live in
services.cadre_field_errors, so the form, the importer and the API cannot disagree. The forms
add only checks that belong to the page: a half-filled relative row, the repeated password.
"""

from typing import Any

from django import forms
from django.contrib.auth.password_validation import (
    MinimumLengthValidator,
    get_default_password_validators,
)
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from guazhi.core.forms import GuazhiForm
from guazhi.core.text import join_list
from guazhi.orgs import services, vocab
from guazhi.orgs.forms.units import UnitChoiceField
from guazhi.orgs.models import CadreProfile, Organisation

RELATIVE_ROWS_EMPTY = 3
RELATIVE_ROWS_MAX = 20


def _label(field: str) -> Any:
    return CadreProfile._meta.get_field(field).verbose_name  # type: ignore[union-attr]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class CadreForm(GuazhiForm):
    name = forms.CharField(label=_label("name"), max_length=50)
    gender = forms.ChoiceField(label=_label("gender"), choices=vocab.Gender.choices)
    birth_date = forms.DateField(
        label=_label("birth_date"), widget=DateInput(), help_text=_("如 1985-06-01")
    )
    ethnicity = forms.ChoiceField(
        label=_label("ethnicity"),
        # The stored value stays the standard's Chinese name; the option reads in the page's language.
        choices=[(e, _(e)) for e in vocab.ETHNICITIES],
        initial="汉族",
    )
    political_status = forms.ChoiceField(
        label=_label("political_status"), choices=vocab.PoliticalStatus.choices
    )
    education = forms.ChoiceField(label=_label("education"), choices=vocab.Education.choices)
    degree = forms.ChoiceField(
        label=_label("degree"), choices=vocab.Degree.choices, initial=vocab.Degree.NONE
    )
    professional_title = forms.CharField(
        label=_label("professional_title"), max_length=50, required=False
    )
    staff_type = forms.ChoiceField(label=_label("staff_type"), choices=vocab.StaffType.choices)
    home_unit = UnitChoiceField(label=_("工作单位"), queryset=Organisation.objects.none())
    position = forms.CharField(label=_label("position"), max_length=100, required=False)
    rank = forms.ChoiceField(label=_label("rank"), choices=vocab.Rank.choices)
    current_post_since = forms.DateField(
        label=_label("current_post_since"), widget=DateInput(), required=False
    )
    work_started_on = forms.DateField(
        label=_label("work_started_on"),
        widget=DateInput(),
        required=False,
        help_text=_("决定年休假天数：工作满1年、10年、20年分别休5天、10天、15天。"),
    )
    native_place = forms.CharField(
        label=_label("native_place"), max_length=50, required=False, help_text=_("如 江西九江")
    )
    native_region_code = forms.CharField(
        label=_label("native_region_code"),
        max_length=6,
        required=False,
        help_text=_("6位数字，如 360402"),
    )
    expertise = forms.CharField(
        label=_label("expertise"),
        required=False,
        max_length=500,
        help_text=_("多项用顿号或逗号分隔，如：招商引资、乡村振兴"),
    )
    phone = forms.CharField(label=_label("phone"), max_length=11, required=False)
    # Longer than 18 so a number typed with spaces reaches the service, which normalises it.
    id_number = forms.CharField(
        label=_label("id_number"), max_length=24, help_text=_("出生日期和性别须与身份证号一致")
    )

    def __init__(self, *args: Any, units: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["home_unit"]
        field.queryset = units  # type: ignore[attr-defined]
        paths = units.values_list("path", flat=True)
        field.base_depth = min((path.count(".") - 1 for path in paths), default=0)  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, profile: CadreProfile) -> dict[str, Any]:
        initial = {name: getattr(profile, name) for name in cls.base_fields if name != "expertise"}
        initial["home_unit"] = profile.home_unit_id
        initial["expertise"] = join_list(profile.expertise)  # parse_tags reads "、" and ", " alike
        return initial

    def service_fields(self) -> dict[str, Any]:
        """The cleaned values as the cadre services take them."""
        fields = dict(self.cleaned_data)
        fields["expertise"] = services.parse_tags(fields["expertise"])
        return fields


class RelativeForm(GuazhiForm):
    """One relative; a row left blank is no relative, a half-filled row is an error."""

    # Rendered as table cells under column headings, so each input names itself for screen readers.
    name = forms.CharField(
        label=_("姓名"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"aria-label": _("亲属姓名")}),
    )
    relation = forms.CharField(
        label=_("关系"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"aria-label": _("与本人关系，如 配偶、父亲")}),
    )
    unit_name = forms.CharField(
        label=_("工作单位"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"aria-label": _("亲属工作单位")}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        values = {key: (data.get(key) or "").strip() for key in ("name", "relation", "unit_name")}
        if any(values.values()):
            for key, value in values.items():
                if not value:
                    self.add_error(key, _("请填写%(label)s。") % {"label": self.fields[key].label})
        return data

    @property
    def is_filled(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        if data.get("DELETE"):
            return False
        return any((data.get(key) or "").strip() for key in ("name", "relation", "unit_name"))


RelativeFormSet = forms.formset_factory(
    RelativeForm,
    extra=RELATIVE_ROWS_EMPTY,
    can_delete=True,
    max_num=RELATIVE_ROWS_MAX,
    validate_max=True,
)


def relative_formset(data: Any = None, profile: CadreProfile | None = None) -> forms.BaseFormSet:
    initial = (
        [
            {"name": r.name, "relation": r.relation, "unit_name": r.unit_name}
            for r in profile.relatives.all()
        ]
        if profile is not None
        else []
    )
    return RelativeFormSet(data, initial=initial, prefix="relatives")


def filled_relative_forms(formset: forms.BaseFormSet) -> list[RelativeForm]:
    """The rows that hold a relative, in order: the services' "relatives.<n>" counts these."""
    return [form for form in formset.forms if form.is_filled]  # type: ignore[attr-defined]


def relatives_of(formset: forms.BaseFormSet) -> list[dict[str, str]]:
    return [
        {key: form.cleaned_data[key].strip() for key in ("name", "relation", "unit_name")}
        for form in filled_relative_forms(formset)
    ]


class AccountForm(GuazhiForm):
    username = forms.CharField(
        label=_("用户名"), max_length=150, help_text=_("3位以上的字母、数字或 _ . @ -，如 zhangsan")
    )
    password = forms.CharField(
        label=_("初始密码"),
        widget=forms.PasswordInput(render_value=False),
        strip=False,
    )
    password_again = forms.CharField(
        label=_("再次输入初始密码"), widget=forms.PasswordInput(render_value=False), strip=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = _(
            "至少%(n)s位，不能全为数字，不能是常见密码，不能与用户名或姓名相似。"
        ) % {"n": _minimum_password_length()}

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        # Checked here as well as by the service's validators because Django 5.2's Chinese
        # catalogue lacks the new wording of the too-short message and would show English.
        minimum = _minimum_password_length()
        if len(password) < minimum:
            raise forms.ValidationError(_("初始密码至少需要%(n)s位。") % {"n": minimum})
        return password

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("password")
            and data.get("password_again")
            and data["password"] != data["password_again"]
        ):
            self.add_error("password_again", _("两次输入的密码不一致。"))
        return data


def _minimum_password_length() -> int:
    for validator in get_default_password_validators():
        if isinstance(validator, MinimumLengthValidator):
            return validator.min_length
    return 0
