"""The post form: it parses what people type (tags as text); services.posts holds the rules."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from guazhi.core.forms import GuazhiForm
from guazhi.core.text import join_list
from guazhi.orgs import services as org_services
from guazhi.orgs import vocab
from guazhi.orgs.models import Organisation
from guazhi.programmes.forms.common import service_fields, tree_depth, unit_field
from guazhi.programmes.models import Post
from guazhi.programmes.services.posts import POST_FIELDS


def _label(name: str) -> Any:
    return Post._meta.get_field(name).verbose_name  # type: ignore[union-attr]


class PostForm(GuazhiForm):
    # Not required and no max_length: the service says what is wrong, in one voice for the
    # form and the Excel importer. The widget attributes only help the browser.
    title = forms.CharField(
        label=_label("title"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 100}),
        help_text=_("挂职期间担任的职务，如：党委副书记、办公室副主任"),
    )
    portfolio = forms.CharField(
        label=_label("portfolio"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 200}),
        help_text=_("如：工业、招商引资"),
    )
    duties = forms.CharField(
        label=_label("duties"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("匹配时会与干部的专业特长和经历比对，写得越具体越好。"),
    )
    required_tags = forms.CharField(
        label=_label("required_tags"),
        required=False,
        help_text=_(
            "硬性条件：不具备必备专长的干部不会被匹配到本岗位。多项用逗号、顿号或空格分隔，"
            "如：招商引资、乡村振兴"
        ),
    )
    preferred_tags = forms.CharField(
        label=_label("preferred_tags"),
        required=False,
        help_text=_("加分条件，不能与必备专长重复。多项用逗号、顿号或空格分隔。"),
    )
    capacity = forms.IntegerField(
        label=_label("capacity"),
        required=False,
        initial=1,
        widget=forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
    )
    rank = forms.CharField(
        label=_label("rank"),
        required=False,
        widget=forms.Select(choices=[("", _("不限")), *vocab.Rank.choices]),
        help_text=_("用于“不高挂”检查：干部职级加上批次允许的高挂级数须不低于此级别。"),
    )
    leadership = forms.BooleanField(
        label=_label("leadership"),
        required=False,
        initial=True,
        help_text=_("计入同一领导班子挂职干部人数上限。"),
    )
    location = forms.CharField(
        label=_label("location"), required=False, widget=forms.TextInput(attrs={"maxlength": 100})
    )

    field_order = ["host_unit", *POST_FIELDS[1:]]

    def __init__(self, *args: Any, units: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host_unit"] = unit_field(
            units,
            base_depth=tree_depth(units),
            label=_label("host_unit"),
            empty_label=_("请选择"),
            invalid=_("接收单位不存在或不在您的管辖范围内。"),
        )
        self.order_fields(self.field_order)

    @staticmethod
    def initial_for(post: Post) -> dict[str, Any]:
        initial = {name: getattr(post, name) for name in POST_FIELDS}
        initial["host_unit"] = post.host_unit_id
        for name in ("required_tags", "preferred_tags"):
            initial[name] = join_list(getattr(post, name))  # parse_tags reads "、" and ", " alike
        return initial

    def post_fields(self) -> dict[str, Any]:
        """The cleaned values as services.posts takes them."""
        text = ("title", "portfolio", "duties", "location", "rank")
        fields = service_fields(self, POST_FIELDS, text=text)
        for name in ("required_tags", "preferred_tags"):
            fields[name] = org_services.parse_tags(fields[name] or "")
        return fields
