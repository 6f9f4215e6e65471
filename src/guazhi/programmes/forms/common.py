"""What the programmes forms share: date inputs, unit pickers and values as services take them.

The browser's own date and time pickers need ISO values (type="date", "datetime-local"); the
unit pickers indent each unit below the highest one offered; and every form hands its
service text as "" rather than None, since the services check a blank themselves.
"""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet

from guazhi.orgs.forms.units import UnitChoiceField
from guazhi.orgs.models import Organisation

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format=DATETIME_LOCAL)


def date_field(
    label: Any,
    *,
    required: bool = False,
    help_text: Any = "",
    error_messages: dict[str, Any] | None = None,
) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DateInput(),
        error_messages=error_messages,
    )


def tree_depth(units: QuerySet[Organisation]) -> int:
    """The depth of the highest unit offered: a picker's list indents from there."""
    return min((path.count(".") - 1 for path in units.values_list("path", flat=True)), default=0)


def unit_field(
    units: QuerySet[Organisation],
    *,
    base_depth: int,
    label: Any,
    empty_label: Any,
    invalid: Any,
    help_text: Any = "",
) -> UnitChoiceField:
    """One unit from `units`, not required: the service says when one is missing. `invalid`
    answers a unit outside `units` (gone, or outside the person's scope)."""
    return UnitChoiceField(
        queryset=units,
        base_depth=base_depth,
        label=label,
        required=False,
        empty_label=empty_label,
        help_text=help_text,
        error_messages={"invalid_choice": invalid},
    )


def service_fields(
    form: forms.Form, names: Iterable[str], *, text: Iterable[str]
) -> dict[str, Any]:
    """The cleaned values of `names` as a service takes them: the `text` ones "" when blank."""
    fields = {name: form.cleaned_data.get(name) for name in names}
    for name in text:
        fields[name] = fields[name] or ""
    return fields
