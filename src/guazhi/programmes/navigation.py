"""The tabs of a batch's pages: one list, each tab shown to the roles that may open it."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from guazhi.orgs.models import Role
from guazhi.orgs.scopes import scopes_of
from guazhi.programmes.models import Batch, BatchState

STAFF = frozenset({Role.COORDINATOR, Role.DISPATCH_ADMIN, Role.HOST_LEADER, Role.GROUP_LEADER})
MANAGERS = frozenset({Role.COORDINATOR})


@dataclass(frozen=True)
class BatchTab:
    key: str
    label: str | Promise
    url_name: str
    roles: frozenset[str]
    # The batch states the tab is shown in (None: all). On-duty tabs appear from training on:
    # before anyone reports for duty there is nothing to attend, log or inspect.
    states: frozenset[str] | None = None


ON_DUTY = frozenset(
    {BatchState.TRAINING, BatchState.ACTIVE, BatchState.EVALUATING, BatchState.CLOSED}
)
# Labels carry the "navigation" context: 岗位 and 小组 are also model names ("Post", "Group"),
# while a tab names the list ("Posts", "Groups").
BATCH_TABS = (
    BatchTab(
        "overview",
        pgettext_lazy("navigation", "概况"),
        "programmes:batch_detail",
        STAFF | {Role.CADRE},
    ),
    BatchTab(
        "posts", pgettext_lazy("navigation", "岗位"), "programmes:post_list", STAFF | {Role.CADRE}
    ),
    BatchTab(
        "publicity_notice",
        pgettext_lazy("navigation", "公示"),
        "programmes:publicity_notice",
        STAFF | {Role.CADRE},
    ),
    BatchTab(
        "applications",
        pgettext_lazy("navigation", "报名与推荐"),
        "programmes:application_list",
        frozenset({Role.COORDINATOR, Role.DISPATCH_ADMIN, Role.HOST_LEADER}),
    ),
    BatchTab("runs", pgettext_lazy("navigation", "人岗匹配"), "programmes:run_list", MANAGERS),
    BatchTab(
        "selection", pgettext_lazy("navigation", "考察与公示"), "programmes:selection", MANAGERS
    ),
    BatchTab(
        "assignments", pgettext_lazy("navigation", "挂职人员"), "programmes:assignment_list", STAFF
    ),
    BatchTab("groups", pgettext_lazy("navigation", "小组"), "programmes:group_list", STAFF),
    BatchTab(
        "training", pgettext_lazy("navigation", "岗前培训"), "programmes:training_list", STAFF
    ),
    # On duty (guazhi.duty): the batch-wide views of its people's daily record.
    BatchTab(
        "attendance", pgettext_lazy("navigation", "考勤"), "duty:attendance_batch", STAFF, ON_DUTY
    ),
    BatchTab("worklog", pgettext_lazy("navigation", "工作纪实"), "duty:log_batch", STAFF, ON_DUTY),
    BatchTab(
        "reports", pgettext_lazy("navigation", "定期汇报"), "duty:report_batch", STAFF, ON_DUTY
    ),
    BatchTab(
        "inspections",
        pgettext_lazy("navigation", "不定期检查"),
        "duty:inspection_list",
        MANAGERS,
        ON_DUTY,
    ),
    # Summaries and meetings (guazhi.summaries).
    BatchTab(
        "summaries",
        pgettext_lazy("navigation", "挂职总结"),
        "summaries:batch_summaries",
        STAFF,
        ON_DUTY,
    ),
    BatchTab(
        "meetings",
        pgettext_lazy("navigation", "交流会议"),
        "summaries:meeting_list",
        STAFF | {Role.CADRE},
        ON_DUTY,
    ),
    # Evaluation and recognition (guazhi.evaluation).
    BatchTab(
        "evaluation",
        pgettext_lazy("navigation", "考核评价"),
        "evaluation:round_list",
        STAFF,
        ON_DUTY,
    ),
    BatchTab(
        "duty_rules", pgettext_lazy("navigation", "在岗规则"), "duty:rules_edit", MANAGERS, ON_DUTY
    ),
)


@dataclass(frozen=True)
class ShownTab:
    key: str
    label: str | Promise
    url: str


def batch_tabs(*, actor, batch: Batch) -> list[ShownTab]:  # type: ignore[no-untyped-def]
    """The tabs `actor` may open for `batch`, in order (pass as `tabs` to the page)."""
    scopes = scopes_of(actor)
    shown = []
    for tab in BATCH_TABS:
        if not scopes.has(*tab.roles) or (tab.states is not None and batch.state not in tab.states):
            continue
        shown.append(
            ShownTab(tab.key, tab.label, reverse(tab.url_name, kwargs={"batch_pk": batch.pk}))
        )
    return shown
