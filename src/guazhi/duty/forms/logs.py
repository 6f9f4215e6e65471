"""Forms of the work log: an entry with its rows of quantities and its files, and the filters.

They parse input only; services/logs.py decides what is allowed and names what is wrong (a
quantity row's message goes next to the row's field, through show_service_errors' rows).
"""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.forms.renderers import Jinja2
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guazhi.core.attachments import EXTENSION_ALIASES, KINDS, max_attachment_bytes, size_text
from guazhi.core.forms import GuazhiForm
from guazhi.core.models import Attachment
from guazhi.duty.periods import month_text
from guazhi.duty.services.logs import MAX_FILES, QuantityRow
from guazhi.programmes.forms.common import date_field

DEFAULT_ROWS = 2  # empty quantity rows offered on a new entry
# The entry form is on the person's log page, the page a cadre opens most: its widgets are
# drawn with Django's Jinja2 copies of the widget templates, at about half the cost of the
# project-wide Django-template renderer, with the same markup.
WIDGETS = Jinja2()
MAX_ROWS = 20


def _accept() -> str:
    """What the picker offers: exactly the kinds core.attachments keeps, by type and by name.
    "image/*" would offer HEIC or WebP photos the server then refuses; "image/jpeg" makes a
    phone's camera and gallery hand over JPEG."""
    kinds = [kind.mime_type for kind in KINDS] + [kind.extension for kind in KINDS]
    return ",".join(dict.fromkeys([*kinds, *EXTENSION_ALIASES]))


ACCEPT = _accept()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented recipe): a list, possibly empty.

    An empty file passes: core.attachments refuses it with a message naming the file, which
    Django's own check ("The submitted file is empty.") would not."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class LogEntryForm(GuazhiForm):
    default_renderer = WIDGETS
    date = date_field(_("日期"))
    category = forms.ChoiceField(label=_("类别"), required=False)
    title = forms.CharField(
        label=_("标题"), required=False, widget=forms.TextInput(attrs={"maxlength": 100})
    )
    content = forms.CharField(
        label=_("内容"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    accomplishment = forms.BooleanField(
        label=_("做成一件事"),
        required=False,
        help_text=_("这条纪实记的是本月做成的一件实事。"),
    )
    # Named as the service names it; the form metaclass takes the field off the class, so it
    # does not shadow BaseForm.files at run time.
    files = MultipleFileField(label=_("照片和附件"))  # type: ignore[assignment]
    remove_files = forms.TypedMultipleChoiceField(
        label=_("删除附件"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: Any,
        categories: Sequence[str] = (),
        files: Sequence[Attachment] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        category: Any = self.fields["category"]
        choices = list(categories)
        current = self.initial.get("category")
        if current and current not in choices:  # an old entry keeps a category since removed
            choices.append(current)
        category.choices = [("", gettext("请选择")), *((c, c) for c in choices)]
        self.fields["files"].help_text = gettext(
            "可一次选择多张照片；图片、PDF、Word、Excel、PowerPoint 或纯文本，每个不超过 %(limit)s，每条最多 %(n)s 个。"
        ) % {"limit": size_text(max_attachment_bytes()), "n": MAX_FILES}
        remove: Any = self.fields["remove_files"]
        remove.choices = [(a.pk, a.name) for a in files]
        if not files:
            del self.fields["remove_files"]

    def entry_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "date": data.get("date"),
            "category": data.get("category") or "",
            "title": data.get("title") or "",
            "content": data.get("content") or "",
            "accomplishment": bool(data.get("accomplishment")),
        }


class QuantityRowForm(GuazhiForm):
    """One row of quantities: 走访企业 / 13 / 家. The value stays text: the service parses it and
    names the row when it is not a positive number."""

    default_renderer = WIDGETS

    label = forms.CharField(
        label=_("事项"), required=False, widget=forms.TextInput(attrs={"maxlength": 30})
    )
    value = forms.CharField(
        label=_("数量"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "maxlength": 20}),
    )
    unit = forms.CharField(
        label=_("单位"), required=False, widget=forms.TextInput(attrs={"maxlength": 10})
    )

    def __init__(self, *args: Any, number: int = 1, **kwargs: Any) -> None:
        # No ids: htmx swaps the rows in place and would carry the old inputs' attributes over
        # to the new ones of the same id (a style="" a browser added then breaks the CSP).
        # Each input is named by its aria-label instead.
        super().__init__(*args, prefix=f"q{number}", auto_id=False, **kwargs)
        self.number = number
        for field in self.fields.values():
            # The table's head names the columns; each control still needs its own name.
            field.widget.attrs["aria-label"] = gettext("第%(n)s行%(field)s") % {
                "n": number,
                "field": field.label,
            }
        self.fields["label"].widget.attrs["placeholder"] = gettext("如：走访企业")
        self.fields["unit"].widget.attrs["placeholder"] = gettext("如：家")

    def row(self) -> QuantityRow:
        data = self.cleaned_data
        return QuantityRow(
            label=data.get("label") or "",
            value=data.get("value") or "",
            unit=data.get("unit") or "",
        )


def quantity_rows(
    data: Any, *, count: int, initial: Sequence[dict[str, Any]] = ()
) -> list[QuantityRowForm]:
    """`count` row forms (at least the initial rows), numbered from 1."""
    count = max(1, min(MAX_ROWS, max(count, len(initial))))
    return [
        QuantityRowForm(data, number=n, initial=initial[n - 1] if n - 1 < len(initial) else None)
        for n in range(1, count + 1)
    ]


def posted_row_count(data: Any, default: int) -> int:
    try:
        return int(data.get("rows") or default)
    except (TypeError, ValueError):
        return default


class LogFilterForm(GuazhiForm):
    month = forms.ChoiceField(label=_("月份"), required=False)
    category = forms.ChoiceField(label=_("类别"), required=False)
    accomplishments = forms.BooleanField(label=_("只看做成的事"), required=False)

    def __init__(
        self,
        *args: Any,
        months: Sequence[Any] = (),
        categories: Sequence[str] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        month: Any = self.fields["month"]
        month.choices = [("", gettext("全部月份"))] + [
            (m.strftime("%Y-%m"), month_text(m)) for m in months
        ]
        category: Any = self.fields["category"]
        category.choices = [("", gettext("全部类别"))] + [(c, c) for c in categories]


class LogBatchFilterForm(GuazhiForm):
    month = forms.ChoiceField(label=_("月份"), required=False)
    group = forms.ChoiceField(label=_("小组"), required=False)

    def __init__(
        self,
        *args: Any,
        months: Sequence[Any] = (),
        groups: Sequence[Any] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        month: Any = self.fields["month"]
        month.choices = [(m.strftime("%Y-%m"), month_text(m)) for m in months]
        group: Any = self.fields["group"]
        group.choices = [
            ("", gettext("全部小组")),
            *((str(g.pk), g.name) for g in groups),
            ("none", gettext("未编组人员")),
        ]
