"""The tabs of one person's on-duty record: one list, each tab shown to the roles that may open it.

The same pages serve the cadre (their own record) and the leaders whose roles reach them; the
talks tab is for leaders only and never shown on one's own record.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from guazhi.duty.selectors.scope import is_own
from guazhi.orgs.models import Role
from guazhi.orgs.scopes import scopes_of
from guazhi.programmes.models import Assignment

LEADERS = frozenset({Role.COORDINATOR, Role.DISPATCH_ADMIN, Role.HOST_LEADER, Role.GROUP_LEADER})
EVERYONE_CONCERNED = LEADERS | {Role.CADRE}


@dataclass(frozen=True)
class PersonTab:
    key: str
    label: str | Promise
    url_name: str
    roles: frozenset[str]
    leaders_only: bool = False  # hidden on one's own record


PERSON_TABS = (
    PersonTab(
        "overview",
        pgettext_lazy("navigation", "在岗概况"),
        "duty:assignment_overview",
        EVERYONE_CONCERNED,
    ),
    PersonTab(
        "leave", pgettext_lazy("navigation", "请销假"), "duty:leave_list", EVERYONE_CONCERNED
    ),
    PersonTab(
        "away", pgettext_lazy("navigation", "外出报备"), "duty:away_list", EVERYONE_CONCERNED
    ),
    PersonTab("log", pgettext_lazy("navigation", "工作纪实"), "duty:log_list", EVERYONE_CONCERNED),
    PersonTab(
        "tasks", pgettext_lazy("navigation", "任务清单"), "duty:task_list", EVERYONE_CONCERNED
    ),
    PersonTab(
        "reports", pgettext_lazy("navigation", "定期汇报"), "duty:report_list", EVERYONE_CONCERNED
    ),
    PersonTab(
        "summaries",
        pgettext_lazy("navigation", "挂职总结"),
        "summaries:summary_list",
        EVERYONE_CONCERNED,
    ),
    PersonTab(
        "talks",
        pgettext_lazy("navigation", "谈心谈话"),
        "duty:talk_list",
        LEADERS,
        leaders_only=True,
    ),
    PersonTab(
        "checks", pgettext_lazy("navigation", "检查记录"), "duty:check_list", EVERYONE_CONCERNED
    ),
)


@dataclass(frozen=True)
class ShownTab:
    key: str
    label: str | Promise
    url: str


def person_tabs(*, actor, assignment: Assignment) -> list[ShownTab]:  # type: ignore[no-untyped-def]
    """The tabs `actor` may open on `assignment`'s record, in order."""
    scopes = scopes_of(actor)
    own = is_own(actor=actor, assignment=assignment)
    shown = []
    for tab in PERSON_TABS:
        if not scopes.has(*tab.roles) or (tab.leaders_only and own):
            continue
        url = reverse(tab.url_name, kwargs={"assignment_pk": assignment.pk})
        shown.append(ShownTab(tab.key, tab.label, url))
    return shown
