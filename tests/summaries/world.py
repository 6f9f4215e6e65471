"""Summaries in the shared `world`: the duty world plus summaries made in any state of the flow.

`summary_world(world)` gives the duty world's two people on duty — 张三 (the world's cadre, batch A
at 白鹿镇, inside every role) and 周亮 (batch B at 莲花镇, outside every role) — and a factory
`found.summary(assignment, kind=..., state=...)` that writes a summary straight into the database
as the flow would have left it (the trail's actors are the world's users, even for 周亮): the batch's default sections with the texts below, the trail
(SummaryEvent rows by the world's users: the person drafts and submits, the group leader accepts,
the host leader appraises, the coordinator archives) and the timestamps. `found.archived(...)` and
`found.drafted(...)` are the two states other areas need most; `log(...)` writes a work-log entry.

The rows are made directly (no service, no audit event, no notification) so tests of other areas
(Word export, library, meetings) do not depend on the flow's rules; the flow's own tests go
through the services (tests/summaries/test_summary_services.py).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from guazhi.duty.models import LogQuantity, WorkLogEntry
from guazhi.orgs.models import User
from guazhi.programmes.models import Assignment
from guazhi.summaries.models import (
    DEFAULT_SECTIONS,
    Summary,
    SummaryEvent,
    SummaryEventAction,
    SummaryKind,
    SummarySection,
    SummaryState,
)
from tests.duty.world import DutyWorld, duty_world

# The texts a summary made here carries, by section key (基本情况 is written from the assignment).
BODIES: dict[str, str] = {
    "work": (
        "一、推动产业发展。走访辖区企业32家，协调解决用地、用工问题12个。\n"
        "二、抓好基层党建。指导村级党组织规范化建设，组织主题党日活动8次。"
    ),
    "insights": "深入基层、贴近群众，才能把工作做实做细。",
    "shortcomings": "对农村政策的理解还不够深，调研成果转化不够。",
    "next_steps": "回原单位后继续保持联系，把挂职所学用到本职工作中。",
}
APPRAISAL = "该同志挂职期间工作认真负责，作风扎实，群众评价好，圆满完成挂职任务。"

# The order the flow reaches each state in, with the step that led there and who took it.
_STEPS: tuple[tuple[str, str, str], ...] = (
    (SummaryState.SUBMITTED, SummaryEventAction.SUBMIT, "cadre"),
    (SummaryState.ACCEPTED, SummaryEventAction.ACCEPT, "group_leader"),
    (SummaryState.APPRAISED, SummaryEventAction.APPRAISE, "host_leader"),
    (SummaryState.ARCHIVED, SummaryEventAction.ARCHIVE, "coordinator"),
)


def basic_text(assignment: Assignment) -> str:
    cadre = assignment.cadre
    start = assignment.start_date or assignment.batch.term_start
    end = assignment.end_date or assignment.batch.term_end
    return (
        f"{cadre.name}，{assignment.home_unit.name}{cadre.position}，"
        f"{start:%Y年%-m月%-d日}至{end:%Y年%-m月%-d日}在{assignment.host_unit.name}挂职，"
        f"任{assignment.post.title}。"
    )


@dataclass
class SummaryWorld:
    duty: DutyWorld
    zhang: Assignment  # 张三 at 白鹿镇, batch A: inside every role of the world
    zhou: Assignment  # 周亮 at 莲花镇, batch B: outside every role
    users: dict[str, User] = field(default_factory=dict)

    def user(self, role: str) -> User:
        """The world's account for a role ("cadre", "group_leader", …), fresh from the database
        as the next request loads it (no cached scopes carried over)."""
        return User.objects.get(pk=self.users[role].pk)

    def summary(
        self,
        assignment: Assignment | None = None,
        *,
        kind: str = SummaryKind.FINAL,
        state: str = SummaryState.DRAFT,
        bodies: dict[str, str] | None = None,
        title: str | None = None,
    ) -> Summary:
        """A summary of `assignment` (张三's by default) in `state`, as the flow leaves it.

        RETURNED has a submit and a return (comment "请补充具体数据。") in its trail; APPRAISED
        and ARCHIVED carry APPRAISAL by the host leader."""
        assignment = assignment or self.zhang
        texts = {"basic": basic_text(assignment), **BODIES, **(bodies or {})}
        now = timezone.now()
        summary = Summary.objects.create(
            assignment=assignment,
            kind=kind,
            title=title or _default_title(assignment, kind),
            state=SummaryState.DRAFT,
        )
        SummarySection.objects.bulk_create(
            SummarySection(
                summary=summary, position=index, key=key, heading=heading, body=texts.get(key, "")
            )
            for index, (key, heading) in enumerate(DEFAULT_SECTIONS, start=1)
        )
        trail = [(SummaryEventAction.DRAFT, "cadre", "")]
        if state == SummaryState.RETURNED:
            trail += [
                (SummaryEventAction.SUBMIT, "cadre", ""),
                (SummaryEventAction.RETURN, "group_leader", "请补充具体数据。"),
            ]
            summary.submitted_at = now
        elif state != SummaryState.DRAFT:
            reached = [step[0] for step in _STEPS].index(state)
            for _state, action, role in _STEPS[: reached + 1]:
                trail.append((action, role, APPRAISAL if action == "appraise" else ""))
            summary.submitted_at = now
            if reached >= 1:
                summary.accepted_at = now
            if reached >= 2:
                summary.appraisal = APPRAISAL
                summary.appraised_by = self.users["host_leader"]
                summary.appraised_at = now
            if reached >= 3:
                summary.archived_at = now
        summary.state = state
        summary.save()
        SummaryEvent.objects.bulk_create(
            SummaryEvent(summary=summary, action=action, actor=self.users[role], comment=comment)
            for action, role, comment in trail
        )
        return Summary.objects.get(pk=summary.pk)

    def drafted(self, assignment: Assignment | None = None, **kwargs: str) -> Summary:
        return self.summary(assignment, state=SummaryState.DRAFT, **kwargs)  # type: ignore[arg-type]

    def archived(self, assignment: Assignment | None = None, **kwargs: str) -> Summary:
        return self.summary(assignment, state=SummaryState.ARCHIVED, **kwargs)  # type: ignore[arg-type]


def log(assignment: Assignment, day: dt.date, title: str, **fields: Any) -> WorkLogEntry:
    """A work-log entry of the person on `day`; quantities=[(label, value, unit), …],
    accomplishment=True for a 做成一件事 entry, category (default 走访)."""
    quantities = fields.pop("quantities", ())
    made = WorkLogEntry.objects.create(
        assignment=assignment,
        date=day,
        category=fields.pop("category", "走访"),
        title=title,
        content=title,
        **fields,
    )
    for label, value, unit in quantities:
        LogQuantity.objects.create(entry=made, label=label, value=Decimal(value), unit=unit)
    return made


def _default_title(assignment: Assignment, kind: str) -> str:
    suffix = "挂职锻炼期满总结" if kind == SummaryKind.FINAL else "挂职锻炼阶段总结"
    return f"{assignment.cadre.name}同志{suffix}"


def summary_world(world) -> SummaryWorld:  # type: ignore[no-untyped-def]
    found = getattr(world, "_summaries", None)
    if found is not None:
        return found
    duty = duty_world(world)
    found = SummaryWorld(
        duty=duty,
        zhang=Assignment.objects.get(pk=duty.serving_a.pk),
        zhou=Assignment.objects.get(pk=duty.serving_b.pk),
        users=dict(world.users),
    )
    world._summaries = found
    return found


__all__ = ["APPRAISAL", "BODIES", "SummaryWorld", "basic_text", "log", "summary_world"]
