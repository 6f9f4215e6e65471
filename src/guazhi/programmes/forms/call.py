"""Forms of the call: they parse what people type; the services judge it and name what is wrong.

Fields a service checks are not required here, so a missing value gets the service's message,
in the same words the API would give.
"""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guazhi.core.forms import GuazhiForm
from guazhi.core.text import ascii_number
from guazhi.orgs.models import CadreProfile
from guazhi.programmes.forms.common import DATETIME_LOCAL, DateTimeLocalInput
from guazhi.programmes.models import Notice, Post
from guazhi.programmes.services.call import COMMENT_MAX, STATEMENT_MAX, TITLE_MAX


class NoticeForm(GuazhiForm):
    title = forms.CharField(
        label=_("通知标题"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": TITLE_MAX}),
        help_text=_("如：关于选派2027年第一批干部到乡镇挂职的通知"),
    )
    body = forms.CharField(
        label=_("通知正文"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("选派范围、岗位、报名方式和要求等。空一行分段。"),
    )
    deadline = forms.DateTimeField(
        label=_("报名截止时间"),
        required=False,
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        help_text=_("截止后不再接受自愿报名，已报名的干部也不能再修改或撤回。"),
    )

    @classmethod
    def initial_for(cls, notice: Notice | None) -> dict[str, Any]:
        if notice is None:
            return {}
        return {
            "title": notice.title,
            "body": notice.body,
            "deadline": timezone.localtime(notice.deadline),
        }


def post_label(post: Post) -> str:
    if post.portfolio:
        return gettext("%(unit)s · %(title)s（%(portfolio)s）") % {
            "unit": post.host_unit.name,
            "title": post.title,
            "portfolio": post.portfolio,
        }
    return f"{post.host_unit.name} · {post.title}"


class ApplicationForm(GuazhiForm):
    """One select per rank (第1志愿 …), then the statement: no script needed, and it reads
    top to bottom on a phone."""

    statement = forms.CharField(
        label=_("个人陈述"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": STATEMENT_MAX}),
        help_text=_("简述专业特长、工作经历和挂职意愿，不超过2000字。"),
    )

    def __init__(self, *args: Any, posts: list[Post], max_choices: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        options = [("", _("（不填）")), *((str(post.pk), post_label(post)) for post in posts)]
        self.choice_names = [f"choice_{rank}" for rank in range(1, max_choices + 1)]
        statement = self.fields.pop("statement")
        for rank, name in enumerate(self.choice_names, start=1):
            # A plain value through a select (not ChoiceField): a post that is not offered is
            # the service's to explain, along with every other problem of the application.
            self.fields[name] = forms.CharField(
                label=_("第%(n)s志愿") % {"n": rank},
                required=False,
                widget=forms.Select(choices=options),
            )
        self.fields["statement"] = statement

    def choices(self) -> list[int | None]:
        """Post ids by rank; a blank slot is None, a value that is no id is 0 (no such post)."""
        found: list[int | None] = []
        for name in self.choice_names:
            value = (self.cleaned_data.get(name) or "").strip()
            number = ascii_number(value)
            found.append(number if number is not None else (0 if value else None))
        return found

    @staticmethod
    def initial_for(choices: list[int]) -> dict[str, str]:
        return {f"choice_{rank}": str(post_id) for rank, post_id in enumerate(choices, start=1)}


class CadreOptionField(forms.ModelChoiceField):
    def label_from_instance(self, obj: CadreProfile) -> str:
        if obj.position:
            return gettext("%(name)s（%(unit)s · %(position)s）") % {
                "name": obj.name,
                "unit": obj.home_unit.name,
                "position": obj.position,
            }
        return gettext("%(name)s（%(unit)s）") % {"name": obj.name, "unit": obj.home_unit.name}


class RecommendationForm(GuazhiForm):
    cadre = CadreOptionField(
        label=_("推荐干部"),
        queryset=CadreProfile.objects.none(),
        empty_label=_("请选择"),
        error_messages={"invalid_choice": _("请从列表中选择可推荐的干部。")},
    )
    comment = forms.CharField(
        label=_("推荐意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": COMMENT_MAX}),
        help_text=_("推荐理由：政治素质、工作实绩、专业特长等。干部本人可以看到。"),
    )

    def __init__(
        self,
        *args: Any,
        accepted: QuerySet[CadreProfile],
        offered: list[CadreProfile],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["cadre"]
        field.queryset = accepted  # type: ignore[attr-defined]
        # Offer the search's matches only; any recommendable cadre is still accepted.
        options: list[tuple[str, str]] = [("", str(field.empty_label))]  # type: ignore[attr-defined]
        options += [(str(cadre.pk), field.label_from_instance(cadre)) for cadre in offered]  # type: ignore[attr-defined]
        field.choices = options  # type: ignore[attr-defined]


class HostPreferenceForm(GuazhiForm):
    """A number per applicant (1 = most wanted); blank leaves the applicant unranked."""

    def __init__(self, *args: Any, applicants: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cadre_ids = [cadre_id for cadre_id, _name in applicants]
        for cadre_id, name in applicants:
            self.fields[f"rank_{cadre_id}"] = forms.IntegerField(
                label=name,
                required=False,
                min_value=1,
                max_value=999,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        by_number: dict[int, str] = {}
        for cadre_id in self.cadre_ids:
            name = f"rank_{cadre_id}"
            number = cleaned.get(name)
            if number is None:
                continue
            if number in by_number:
                self.add_error(
                    name,
                    _("与%(other)s的顺序相同（%(n)s），请分出先后。")
                    % {"other": self.fields[by_number[number]].label, "n": number},
                )
            else:
                by_number[number] = name
        return cleaned

    def ranking(self) -> list[int]:
        """Cadre ids, most wanted first (numbers need not run 1, 2, 3: their order counts)."""
        numbered = [
            (self.cleaned_data[f"rank_{cadre_id}"], cadre_id)
            for cadre_id in self.cadre_ids
            if self.cleaned_data.get(f"rank_{cadre_id}") is not None
        ]
        return [cadre_id for _number, cadre_id in sorted(numbered)]

    @staticmethod
    def initial_for(ranks: dict[int, int | None]) -> dict[str, int]:
        return {f"rank_{cadre_id}": rank for cadre_id, rank in ranks.items() if rank is not None}
