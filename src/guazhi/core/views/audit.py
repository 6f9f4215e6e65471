"""The audit log page: who did what, when and from where, for coordinators and admins."""

import datetime as dt
import json
import pkgutil
from importlib import import_module
from types import ModuleType
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from guazhi.core import selectors
from guazhi.core.forms import GuazhiForm
from guazhi.core.rendering import render_page
from guazhi.core.text import join_clauses, join_list
from guazhi.orgs.access import roles_required
from guazhi.orgs.models import Role

PAGE_SIZE = 50
DETAIL_LIMIT = 160

# Actions the code base records, in words people read. Unknown actions fall back to
# "<verb> <thing>" by the parts of their name, then to the code itself.
ACTION_LABELS: dict[str, Promise] = {
    "auth.login": _("登录"),
    "auth.logout": _("退出登录"),
    "auth.login_failed": _("登录失败"),
    "auth.password_change": _("修改密码"),
    "account.create": _("创建账号"),
    "account.bootstrap_admin": _("创建初始管理员"),
    "org.create": _("新建单位"),
    "org.update": _("修改单位"),
    "org.move": _("移动单位"),
    "cadre.create": _("新增干部"),
    "cadre.update": _("修改干部信息"),
    "role.grant": _("授予角色"),
    "role.revoke": _("撤销角色"),
    "calendar.override_create": _("新增工作日历调整"),
    "calendar.override_update": _("修改工作日历调整"),
    "calendar.override_delete": _("删除工作日历调整"),
    "calendar.import_year": _("录入全年放假安排"),
    "job.start": _("启动后台任务"),
    "export": _("导出"),
    "notification.read": _("标记通知已读"),
    "notification.read_all": _("全部通知标为已读"),
    "remind.run": _("每日提醒"),
}
VERBS: dict[str, Promise] = {
    "create": _("新建"),
    "update": _("修改"),
    "delete": _("删除"),
    "import": _("导入"),
    "export": _("导出"),
    "grant": _("授予"),
    "revoke": _("撤销"),
    "approve": _("审批"),
}
# Words inside a phrase ("Create unit"): in English they are not capitalised as labels are.
THINGS: dict[str, Promise] = {
    "org": pgettext_lazy("in a phrase", "单位"),
    "cadre": pgettext_lazy("in a phrase", "干部"),
    "role": pgettext_lazy("in a phrase", "角色"),
    "account": pgettext_lazy("in a phrase", "账号"),
    "calendar": pgettext_lazy("in a phrase", "工作日历"),
    "job": pgettext_lazy("in a phrase", "后台任务"),
}
OBJECT_TYPES: dict[str, Promise] = {
    "orgs.organisation": _("单位"),
    "orgs.cadreprofile": _("干部"),
    "orgs.roleassignment": pgettext_lazy("object type", "角色授权"),
    "orgs.user": _("账号"),
    "core.workdayoverride": _("工作日历调整"),
    "core.job": _("后台任务"),
    "core.notification": _("通知"),
}
DETAIL_KEYS: dict[str, Promise] = {
    "changes": _("变更"),
    "date": _("日期"),
    "is_workday": _("上班"),
    "note": _("说明"),
    "year": _("年份"),
    "user": _("账号"),
    "username": _("用户名"),
    "role": _("角色"),
    "organisation": _("单位"),
    "parent": _("上级单位"),
    "from": _("原上级"),
    "to": _("新上级"),
    "home_unit": _("工作单位"),
    "kind": _("类型"),
    "created": _("新增"),
    "updated": _("更新"),
    "unchanged": _("未变"),
    "rest_days": _("放假"),
    "make_up_workdays": _("调休上班"),
    "subtree_size": _("单位数"),
    "profile": _("干部"),
    "relatives_changed": _("亲属变更"),
    "sent": _("发出"),
    "advanced": _("状态推进"),
    "emailed": _("邮件"),
    "count": _("数量"),
}
# Stored values with a label, per detail key (a stored state reads as its label).
DETAIL_VALUES: dict[str, dict[str, Promise]] = {}


# Per action, the detail labels of the area that writes it: two areas may use one key for two
# things (a calendar override's note, a grade's 调整说明), and each event reads as its own area
# says. The merged tables above stay the fallback (and name the filters).
AREA_DETAIL_KEYS: dict[str, dict[str, Promise]] = {}
AREA_DETAIL_VALUES: dict[str, dict[str, dict[str, Promise]]] = {}


def _label_areas(module: ModuleType) -> list[ModuleType]:
    """An app's audit_labels module, or each area module of its audit_labels package."""
    if not hasattr(module, "__path__"):
        return [module]
    return [
        import_module(f"{module.__name__}.{info.name}")
        for info in pkgutil.iter_modules(module.__path__)
    ]


def _read_app_labels() -> None:
    """Merge every app's `audit_labels` module (ACTIONS, OBJECT_TYPES, DETAIL_KEYS): apps name
    their own records, and core stays unaware of them. Views load after the app registry."""
    from django.apps import apps
    from django.utils.module_loading import module_has_submodule

    core_keys, core_values = dict(DETAIL_KEYS), dict(DETAIL_VALUES)
    for action in ACTION_LABELS:  # core's own actions, named above
        AREA_DETAIL_KEYS[action], AREA_DETAIL_VALUES[action] = core_keys, core_values
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "audit_labels"):
            module = import_module(f"{config.name}.audit_labels")
            ACTION_LABELS.update(getattr(module, "ACTIONS", {}))
            OBJECT_TYPES.update(getattr(module, "OBJECT_TYPES", {}))
            # The first to name a key keeps it in the fallback (core, then apps in order).
            for key, label in getattr(module, "DETAIL_KEYS", {}).items():
                DETAIL_KEYS.setdefault(key, label)
            for key, values in getattr(module, "DETAIL_VALUES", {}).items():
                DETAIL_VALUES.setdefault(key, dict(values))
            for area in _label_areas(module):
                for action in getattr(area, "ACTIONS", {}):
                    AREA_DETAIL_KEYS[action] = getattr(area, "DETAIL_KEYS", {})
                    AREA_DETAIL_VALUES[action] = getattr(area, "DETAIL_VALUES", {})


_read_app_labels()


def action_label(action: str) -> str:
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    thing, _dot, verb = action.partition(".")
    if verb not in VERBS:
        return action
    if thing in THINGS:
        # Chinese runs the words together (新建单位); English needs a space (Create unit).
        return gettext("%(verb)s%(thing)s") % {"verb": VERBS[verb], "thing": THINGS[thing]}
    return gettext("%(verb)s（%(action)s）") % {"verb": VERBS[verb], "action": action}


def _value_text(key: str, value: Any, values: dict[str, dict[str, Promise]] | None = None) -> str:
    values = DETAIL_VALUES if values is None else values
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if value is None or value == "":
        return "—"
    if key == "role" and value in Role.values:
        return str(Role(value).label)
    if isinstance(value, str) and value in values.get(key, {}):
        return str(values[key][value])
    if isinstance(value, list):
        return join_list(_value_text(key, item, values) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def compact_detail(detail: Any, limit: int = DETAIL_LIMIT, *, action: str = "") -> str:
    """One line a person can scan: 'key: value; changes: name 旧 → 新', cut at `limit`; keys
    and values labelled as the area that wrote `action` names them."""
    if not isinstance(detail, dict) or not detail:
        return "" if not detail else str(detail)[:limit]
    keys = {**DETAIL_KEYS, **AREA_DETAIL_KEYS.get(action, {})}
    values = {**DETAIL_VALUES, **AREA_DETAIL_VALUES.get(action, {})}
    parts = []
    for key, value in detail.items():
        label = str(keys.get(key, key))
        if key == "changes" and isinstance(value, dict):
            for field, change in value.items():
                if isinstance(change, list) and len(change) == 2:
                    old, new = (_value_text(field, side, values) for side in change)
                    parts.append(f"{keys.get(field, field)}: {old} → {new}")
                else:
                    parts.append(f"{keys.get(field, field)}: {_value_text(field, change, values)}")
        else:
            parts.append(f"{label}: {_value_text(key, value, values)}")
    text = join_clauses(parts)
    return text if len(text) <= limit else text[: limit - 1] + "…"


EVERYTHING = ("", _("全部"))


class AuditFilterForm(GuazhiForm):
    action = forms.ChoiceField(
        label=_("操作"), required=False, choices=[EVERYTHING, *ACTION_LABELS.items()]
    )
    actor = forms.CharField(label=_("操作人"), required=False, max_length=50)
    object_type = forms.ChoiceField(
        label=_("对象类型"), required=False, choices=[EVERYTHING, *OBJECT_TYPES.items()]
    )
    date_from = forms.DateField(
        label=_("开始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("结束日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            self.add_error("date_to", _("结束日期不能早于开始日期。"))
        return cleaned


@roles_required(Role.COORDINATOR)
def audit_list(request: HttpRequest) -> HttpResponse:
    """Newest first, 50 a page; the filters apply as they are changed (htmx swaps the results).

    A filter field with a bad value shows its error and is left out; the others still apply.
    """
    form = AuditFilterForm(request.GET)
    form.is_valid()
    filters = form.cleaned_data
    events = selectors.audit_event_list(
        actor=request.user,
        action=filters.get("action") or "",
        actor_name=filters.get("actor") or "",
        object_type=filters.get("object_type") or "",
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "event": event,
            "action": action_label(event.action),
            "object_type": str(OBJECT_TYPES.get(event.object_type, event.object_type)),
            "detail": compact_detail(event.detail, action=event.action),
            "detail_full": json.dumps(event.detail, ensure_ascii=False) if event.detail else "",
        }
        for event in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render_page(
        request,
        "core/audit_list.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
        partial="results",
    )
