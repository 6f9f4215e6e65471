"""Audit labels of the library area (merged in guazhi.summaries.audit_labels)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from guazhi.orgs.models import OrgKind

ACTIONS: dict[str, Promise] = {
    "library.propose": _("推荐总结入经验库"),
    "library.offer": _("申请将本人总结收入经验库"),
    "library.consent": _("同意总结收入经验库"),
    "library.decline": _("不同意总结收入经验库"),
    "library.approve": _("批准发布经验库文档"),
    "library.republish": _("重新发布经验库文档"),
    "library.withdraw": _("撤下经验库文档"),
    "library.update": _("修改经验库文档"),
    "library.import": _("导入经验库文档"),
    "library.bookmark": _("收藏经验库文档"),
    "library.unbookmark": _("取消收藏经验库文档"),
}
OBJECT_TYPES: dict[str, Promise] = {
    "summaries.librarydocument": _("经验库文档"),
}
DETAIL_KEYS: dict[str, Promise] = {
    "summary": _("来源总结"),
    "anonymised": _("匿名化"),
    "extra_names": _("另需替换的名称"),
    "again": _("再次推荐"),
    "keywords": _("关键词"),
    "by_author": _("由作者本人撤回"),
    "reason": _("原因"),
    "changed": _("修改内容"),
    "length": _("全文字数"),
    "file": _("文件"),
    "year": _("年份"),
    "host_unit_kind": _("挂职单位类型"),
    "converted": _("繁体转简体"),
}
DETAIL_VALUES: dict[str, dict[str, Promise]] = {
    "changed": {"title": _("标题"), "sections": _("正文"), "keywords": _("关键词")},
    "host_unit_kind": {value: label for value, label in OrgKind.choices},
}
