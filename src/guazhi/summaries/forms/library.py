"""The experience library's forms: proposing and offering, editing a document, a bulk import,
and the reader's filters."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guazhi.core.forms import GuazhiForm
from guazhi.core.text import join_list
from guazhi.orgs.models import OrgKind
from guazhi.summaries.services.anonymise import parse_extra_names
from guazhi.summaries.services.keywords import clean_keywords
from guazhi.summaries.services.library import REASON_MAX_LENGTH, REASON_TOO_LONG
from guazhi.summaries.services.library_import import MAX_FILE_BYTES, MAX_FILES


class ProposeForm(GuazhiForm):
    anonymise = forms.BooleanField(label=_("匿名化（替换人名、单位名）"), required=False)
    extra_names = forms.CharField(
        label=_("另需替换的名称"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("每行一个，如村名、企业名、其他人名。"),
    )

    def clean_extra_names(self) -> list[str]:
        return parse_extra_names(self.cleaned_data.get("extra_names", ""))


class OfferForm(GuazhiForm):
    anonymise = forms.BooleanField(label=_("匿名化（替换人名、单位名）"), required=False)


class WithdrawForm(GuazhiForm):
    reason = forms.CharField(
        label=_("撤下原因"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        # Django's own message does not say which field; the page shows it above the form.
        error_messages={"max_length": _(REASON_TOO_LONG)},
    )


class FilterForm(GuazhiForm):
    """The reader's search box and filters; anything unreadable counts as blank."""

    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    year = forms.IntegerField(label=_("年份"), required=False, min_value=1949, max_value=2999)
    kind = forms.ChoiceField(
        label=_("挂职单位类型"), required=False, choices=[("", ""), *OrgKind.choices]
    )
    keyword = forms.CharField(label=_("关键词"), required=False, max_length=20)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented recipe); the service reads each one's
    type from its content and names the file when it cannot."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs={
                    "accept": ".docx,.txt,.md,"
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
                    "text/plain,text/markdown"
                }
            ),
        )
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            found = [single(item, initial) for item in data if item]
        else:
            found = [single(data, initial)] if data else []
        if not found:
            raise forms.ValidationError(_("请选择要导入的文件。"))
        if len(found) > MAX_FILES:
            raise forms.ValidationError(_("一次最多导入 %(max)s 个文件。") % {"max": MAX_FILES})
        too_big = [upload.name for upload in found if upload.size > MAX_FILE_BYTES]
        if too_big:
            raise forms.ValidationError(
                _("以下文件超过 %(mb)s MB，请拆分后再导入：%(names)s")
                % {"mb": MAX_FILE_BYTES // (1024 * 1024), "names": join_list(too_big)}
            )
        return found


class ImportForm(GuazhiForm):
    uploads = MultipleFileField(
        label=_("文件"), help_text=_("可多选 .docx、.txt、.md 文件，一次最多 50 个。")
    )
    year = forms.IntegerField(label=_("年份"), min_value=1949)
    host_unit_kind = forms.ChoiceField(
        label=_("挂职单位类型"), required=False, choices=[("", _("不区分")), *OrgKind.choices]
    )
    owner_org = forms.TypedChoiceField(label=_("管理单位"), coerce=int)
    to_simplified = forms.BooleanField(
        label=_("将繁体字转换为简体字"), required=False, initial=False
    )

    def __init__(self, *args: Any, owners: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner_org"]
        assert isinstance(owner, forms.ChoiceField)
        owner.choices = [(org.pk, org.name) for org in owners]
        if len(owners) == 1:
            owner.initial = owners[0].pk
        self.fields["year"].initial = timezone.localdate().year

    def clean_year(self) -> int:
        year: int = self.cleaned_data["year"]
        latest = timezone.localdate().year + 1
        if year > latest:
            raise forms.ValidationError(_("年份应在1949年至%(max)s年之间。") % {"max": latest})
        return year


class DocumentEditForm(GuazhiForm):
    """Title, keywords and the sections as heading_<n> / body_<n> pairs; one blank pair more
    than the document has, to add a section; a pair left blank drops that section."""

    title = forms.CharField(label=_("标题"), max_length=200)
    keywords = forms.CharField(
        label=_("关键词"),
        required=False,
        max_length=400,
        help_text=_("以空格或顿号分隔；留空则按正文重新提取。"),
    )

    def __init__(self, *args: Any, section_count: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.section_count = section_count + 1
        for index in range(self.section_count):
            self.fields[f"heading_{index}"] = forms.CharField(
                label=_("第%(n)s部分标题") % {"n": index + 1}, required=False, max_length=50
            )
            self.fields[f"body_{index}"] = forms.CharField(
                label=_("第%(n)s部分正文") % {"n": index + 1},
                required=False,
                widget=forms.Textarea(attrs={"rows": 8}),
            )

    @staticmethod
    def initial_for(title: str, sections: list[dict[str, str]], keywords: list[str]) -> dict:
        initial: dict[str, Any] = {"title": title, "keywords": "、".join(keywords)}
        for index, section in enumerate(sections):
            initial[f"heading_{index}"] = section.get("heading", "")
            initial[f"body_{index}"] = section.get("body", "")
        return initial

    def sections(self) -> list[dict[str, str]]:
        return [
            {
                "heading": self.cleaned_data.get(f"heading_{index}", ""),
                "body": self.cleaned_data.get(f"body_{index}", ""),
            }
            for index in range(self.section_count)
        ]

    def section_fields(self) -> list[tuple[Any, Any]]:
        return [
            (self[f"heading_{index}"], self[f"body_{index}"]) for index in range(self.section_count)
        ]

    def keyword_list(self) -> list[str] | None:
        raw = self.cleaned_data.get("keywords", "")
        return clean_keywords(raw) if raw.strip() else None
