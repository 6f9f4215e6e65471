"""The shared form rules: labels without a colon, and a service's errors shown where they belong."""

from django import forms
from django.utils import translation

from guazhi.core.errors import ValidationFailed
from guazhi.core.forms import GuazhiForm, show_service_errors


class PersonForm(GuazhiForm):
    name = forms.CharField(label="姓名", required=False)


class RelativeRow(GuazhiForm):
    name = forms.CharField(label="姓名", required=False)


def checked(form: forms.BaseForm) -> forms.BaseForm:
    assert form.is_valid()
    return form


def test_labels_have_no_colon_in_either_language() -> None:
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert PersonForm()["name"].label_tag() == '<label for="id_name">姓名</label>'


def test_a_service_message_goes_to_the_field_it_names_and_the_rest_above_the_form() -> None:
    form = checked(PersonForm({"name": "张三"}))
    error = ValidationFailed("有误", detail={"name": "姓名不能为空。", "id_number": "已登记。"})
    show_service_errors(form, error)
    assert form.errors == {"name": ["姓名不能为空。"], "__all__": ["已登记。"]}


def test_a_service_error_without_detail_shows_its_message_above_the_form() -> None:
    form = checked(PersonForm({"name": "张三"}))
    show_service_errors(form, ValidationFailed("该单位已停用。"))
    assert form.errors == {"__all__": ["该单位已停用。"]}


def test_row_errors_go_to_the_row_they_number_counting_from_one() -> None:
    form = checked(PersonForm({"name": "张三"}))
    rows = [checked(RelativeRow({"name": "王芳"})), checked(RelativeRow({"name": "李雷"}))]
    detail = {
        "relatives.2.name": "第2位亲属的姓名有误。",
        "relatives.1.unit": "第1位亲属的单位有误。",  # no such field: the row's own message
        "relatives.3.name": "第3位亲属不存在。",  # no such row: above the form
    }
    show_service_errors(form, ValidationFailed("有误", detail=detail), rows={"relatives": rows})
    assert rows[1].errors == {"name": ["第2位亲属的姓名有误。"]}
    assert rows[0].errors == {"__all__": ["第1位亲属的单位有误。"]}
    assert form.errors == {"__all__": ["第3位亲属不存在。"]}
