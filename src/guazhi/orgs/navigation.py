"""The menu each role sees: only what its roles let it open."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guazhi.orgs.models import Role
from guazhi.orgs.scopes import scopes_of


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str]


EVERYONE = frozenset(Role.values)

NAV_ITEMS = (
    NavItem(_("首页"), "home", EVERYONE),
    # "navigation": a menu names the page (Units), where elsewhere 单位 is one unit.
    NavItem(
        pgettext_lazy("navigation", "单位"),
        "orgs:unit_list",
        frozenset({Role.COORDINATOR, Role.DISPATCH_ADMIN, Role.HOST_LEADER}),
    ),
    NavItem(_("干部名册"), "orgs:cadre_list", frozenset({Role.COORDINATOR, Role.DISPATCH_ADMIN})),
    NavItem(
        _("挂职批次"),
        "programmes:batch_list",
        frozenset({Role.COORDINATOR, Role.DISPATCH_ADMIN, Role.HOST_LEADER, Role.GROUP_LEADER}),
    ),
    NavItem(_("我的档案"), "orgs:my_profile", frozenset({Role.CADRE})),
    NavItem(_("选派报名"), "programmes:call_list", frozenset({Role.CADRE})),
    NavItem(_("在岗管理"), "duty:home", frozenset({Role.CADRE})),
    NavItem(
        _("待我审批"),
        "duty:approval_inbox",
        frozenset({Role.COORDINATOR, Role.DISPATCH_ADMIN, Role.HOST_LEADER}),
    ),
    NavItem(
        _("考核评分"),
        "evaluation:rating_inbox",
        frozenset({Role.DISPATCH_ADMIN, Role.HOST_LEADER, Role.GROUP_LEADER}),
    ),
    NavItem(_("我的考核"), "evaluation:my_evaluations", frozenset({Role.CADRE})),
    NavItem(_("经验库"), "summaries:library_list", EVERYONE),
    NavItem(
        pgettext_lazy("navigation", "角色授权"), "orgs:role_list", frozenset({Role.COORDINATOR})
    ),
    NavItem(_("工作日历"), "core:calendar", frozenset({Role.ADMIN})),
    NavItem(_("审计日志"), "core:audit_list", frozenset({Role.COORDINATOR})),
    NavItem(_("通知"), "core:notification_list", EVERYONE),
)


def navigation_for(user) -> list[NavItem]:  # type: ignore[no-untyped-def]
    if not getattr(user, "is_authenticated", False):
        return []
    scopes = scopes_of(user)
    return [item for item in NAV_ITEMS if scopes.has(*item.roles)]
