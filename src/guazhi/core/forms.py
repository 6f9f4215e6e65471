"""What every form of the project shares: labels without a colon, and a service's errors shown.

Every page form subclasses `GuazhiForm` (or, for a form Django ships, mixes in `NoLabelSuffix`),
so the label rule is made once. Services raise ValidationFailed with `detail` = {field: message};
`show_service_errors` puts each message next to the field it names.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms

from guazhi.core.errors import ValidationFailed
from guazhi.core.text import ascii_number


class NoLabelSuffix:
    """Chinese labels stand alone: no ":" (nor the "：" Django's Chinese catalogue adds)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class GuazhiForm(NoLabelSuffix, forms.Form):
    pass


def show_service_errors(
    form: forms.BaseForm,
    error: ValidationFailed,
    *,
    rows: Mapping[str, Sequence[forms.BaseForm]] | None = None,
) -> None:
    """Put a service's per-field messages on the fields they name; the rest above the form.

    A service that checks a list of rows names a row's field "<list>.<n>.<field>", n counting
    from 1; `rows` maps the list's name to the forms of those rows, in the same order.
    """
    detail = error.detail if isinstance(error.detail, dict) else {}
    for key, message in detail.items():
        target, field = _place(form, key, rows or {})
        target.add_error(field, str(message))
    if not detail:
        form.add_error(None, str(error.message))


def _place(
    form: forms.BaseForm, key: str, rows: Mapping[str, Sequence[forms.BaseForm]]
) -> tuple[forms.BaseForm, str | None]:
    parts = key.split(".")
    number = ascii_number(parts[1]) if len(parts) == 3 else None
    if number is not None and parts[0] in rows:
        forms_of_list = rows[parts[0]]
        if 0 < number <= len(forms_of_list):
            row = forms_of_list[number - 1]
            return row, parts[2] if parts[2] in row.fields else None
    return form, key if key in form.fields else None
