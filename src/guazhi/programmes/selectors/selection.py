"""Reads for vetting, decision and publicity (考察、决定与公示), and what a batch's state allows.

The refusal checks (`*_refusal`) answer, in Chinese, why an action cannot be taken now, or None
when it can. The services raise them and the pages show them instead of the button, so the
page and the rule never disagree.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from guazhi.core.calendar import (
    add_working_days,
    is_workday,
    uncovered_years_warning,
    year_warning,
)
from guazhi.core.errors import NotFound
from guazhi.core.jinja import format_date
from guazhi.core.text import join_list
from guazhi.programmes.events import EVENT_LABELS as ALL_EVENT_LABELS
from guazhi.programmes.events import batch_event_note
from guazhi.programmes.models import (
    Assignment,
    AssignmentState,
    Batch,
    BatchEvent,
    BatchState,
    MatchingRun,
    Objection,
    Publicity,
    SelectionStep,
    SelectionStepKind,
)
from guazhi.programmes.selectors.runs import current_adoption
from guazhi.programmes.selectors.scope import assignment_queryset, batch_queryset, can_manage_batch

# Vetting and the decision happen once the list is proposed, and may be corrected while it is
# publicised (a date typed wrong); publicity itself runs only in the publicity state.
STEP_STATES = (BatchState.MATCHING, BatchState.PUBLICITY)
# A proposed person may fail vetting or withdraw; an approved one may still withdraw or be
# found out before reporting for duty. Once on duty the way out is an outcome, not a cancel.
CANCELLABLE_STATES = (AssignmentState.PROPOSED, AssignmentState.APPROVED)
# Holding one of these in another batch keeps a person off this batch's approved list: one
# person serves in one secondment at a time.
SERVING_ELSEWHERE_STATES = (AssignmentState.APPROVED, AssignmentState.ACTIVE)
# The people a publicity list names: everyone proposed at the start who was not cancelled.
PUBLICISED_STATES = (
    AssignmentState.PROPOSED,
    AssignmentState.APPROVED,
    AssignmentState.ACTIVE,
    AssignmentState.ENDED,
)

# Event kinds this area writes on the batch timeline, and what the timeline calls them.
EVENT_STEP = "selection_step"
EVENT_CANCELLED = "assignment_cancelled"
EVENT_PUBLICITY_STARTED = "publicity_started"
EVENT_OBJECTION_RECORDED = "objection_recorded"
EVENT_OBJECTION_RESOLVED = "objection_resolved"
EVENT_PUBLICITY_APPROVED = "publicity_approved"
EVENT_PUBLICITY_WITHDRAWN = "publicity_withdrawn"
EVENT_LABELS: dict[str, Promise] = {
    kind: ALL_EVENT_LABELS[kind]
    for kind in (
        EVENT_STEP,
        EVENT_CANCELLED,
        EVENT_PUBLICITY_STARTED,
        EVENT_OBJECTION_RECORDED,
        EVENT_OBJECTION_RESOLVED,
        EVENT_PUBLICITY_APPROVED,
        EVENT_PUBLICITY_WITHDRAWN,
    )
}


# The period --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicityPeriod:
    starts_on: dt.date  # the day the notice goes up
    first_day: dt.date  # the first working day counted (starts_on itself when it is one)
    ends_on: dt.date  # the last working day of the period
    working_days: int
    warnings: list[str] = field(default_factory=list)  # years the work calendar lacks


def publicity_period(*, starts_on: dt.date, working_days: int) -> PublicityPeriod:
    """The period of a publicity of `working_days` working days posted on `starts_on`.

    The day the notice goes up counts as day 1 when it is a working day: a notice posted on a
    Monday for 5 working days runs to Friday, the way offices count it (and it can only help
    the public to count the day it sees the notice). Posted on a rest day, the period starts
    on the next working day. Holidays and their make-up workdays (调休) come from the work
    calendar; years it has no schedule for are named in `warnings`.
    """
    ends_on = add_working_days(starts_on - dt.timedelta(days=1), working_days)
    first_day = starts_on if is_workday(starts_on) else add_working_days(starts_on, 1)
    warnings = [
        warning
        for year in range(starts_on.year, ends_on.year + 1)
        if (warning := year_warning(year)) is not None
    ]
    return PublicityPeriod(starts_on, first_day, ends_on, working_days, warnings)


# Steps and the list they were about -------------------------------------------------------


def step_label(kind: str) -> str:
    return str(SelectionStepKind(kind).label)


def outdated_steps(*, steps: dict[str, SelectionStep], adoption: MatchingRun | None) -> set[str]:
    """The kinds of `steps` recorded before `adoption` (the batch's current adopted run).

    Vetting and the decision are about one proposed list: once another run is adopted they
    were about the list it replaced, so they count as missing until recorded again (recording
    an unchanged step again confirms it for the new list). The time the step was last
    recorded counts, not its date: a meeting held last week may well be about a list adopted
    in the system today, which only the person recording it can tell.
    """
    if adoption is None or adoption.adopted_at is None:
        return set()
    return {kind for kind, step in steps.items() if step.updated_at < adoption.adopted_at}


def _step_missing(kind: str, steps: dict[str, SelectionStep], outdated: set[str]) -> str | None:
    """Why step `kind` does not count for the current list ("" when it does)."""
    if kind not in steps:
        return _("尚未记录“%(step)s”环节。") % {"step": step_label(kind)}
    if kind in outdated:
        return _(
            "“%(step)s”环节记录于采纳当前匹配方案之前，请针对当前拟任人选重新记录"
            "（日期未变也请重新保存确认）。"
        ) % {"step": step_label(kind)}
    return None


def current_step_blockers(
    *, batch: Batch, steps: dict[str, SelectionStep] | None = None
) -> list[str]:
    """What is missing of vetting and decision for the batch's current list, in Chinese."""
    steps = selection_steps(batch=batch) if steps is None else steps
    outdated = outdated_steps(steps=steps, adoption=current_adoption(batch=batch))
    found = (_step_missing(kind, steps, outdated) for kind in SelectionStepKind.values)
    return [reason for reason in found if reason]


# Refusals ----------------------------------------------------------------------------------


def step_refusal(
    *,
    batch: Batch,
    kind: str,
    steps: dict[str, SelectionStep],
    publicity: Publicity | None,
    proposed_count: int,
    outdated: set[str] | frozenset[str] = frozenset(),
) -> str | None:
    """Why the step `kind` cannot be recorded (or re-recorded) now, or None. `outdated` are
    the kinds recorded before the current adoption (outdated_steps)."""
    if batch.state not in STEP_STATES:
        return _(
            "只有“匹配中”或“公示中”的批次可以记录考察和决定环节，本批次当前为“%(state)s”。"
        ) % {"state": batch.get_state_display()}
    if publicity is not None and publicity.approved_at is not None:
        return _("公示结果已审批，考察和决定环节不能再修改。")
    if proposed_count == 0:
        return _("本批次还没有拟任人选，请先采纳匹配方案。")
    if kind == SelectionStepKind.DECISION:
        if SelectionStepKind.VETTING not in steps:
            return _("请先记录组织考察，再记录党委（党组）研究决定。")
        if SelectionStepKind.VETTING in outdated:
            return _(
                "组织考察记录于采纳当前匹配方案之前，请先针对当前拟任人选重新记录组织考察，"
                "再记录党委（党组）研究决定。"
            )
    return None


def publicity_start_refusal(
    *,
    batch: Batch,
    steps: dict[str, SelectionStep],
    publicity: Publicity | None,
    proposed_count: int,
    outdated: set[str] | frozenset[str] = frozenset(),
) -> str | None:
    """Why publicity cannot start now, or None. `outdated` are the kinds recorded before the
    current adoption (outdated_steps)."""
    if publicity is not None:
        return _("本批次已于%(date)s开始公示。") % {"date": format_date(publicity.starts_on)}
    if batch.state != BatchState.PUBLICITY:
        return _(
            "只有“公示中”的批次可以开始公示，本批次当前为“%(state)s”，请先在批次概况中转入公示阶段。"
        ) % {"state": batch.get_state_display()}
    if SelectionStepKind.VETTING not in steps:
        return _("尚未记录组织考察，不能开始公示。")
    if SelectionStepKind.DECISION not in steps:
        return _("尚未记录党委（党组）研究决定，不能开始公示。")
    stale = [kind for kind in SelectionStepKind.values if kind in outdated]
    if stale:
        return _(
            "%(steps)s记录于采纳当前匹配方案之前，请针对当前拟任人选重新记录后再开始公示。"
        ) % {"steps": join_list(step_label(kind) for kind in stale)}
    if proposed_count == 0:
        return _("没有拟任人选，不能开始公示。")
    return None


def publicity_approve_refusal(
    *,
    batch: Batch,
    publicity: Publicity | None,
    open_objections: int,
    proposed_count: int,
    today: dt.date,
    serving_elsewhere: list[str] | None = None,
) -> str | None:
    """Why the publicity result cannot be approved on `today`, or None. `serving_elsewhere`
    describes the proposed people approved or on duty in another batch (serving_elsewhere)."""
    if publicity is None:
        return _("尚未开始公示，不能审批。")
    if publicity.approved_at is not None:
        return _("公示结果已于%(date)s审批。") % {"date": format_date(publicity.approved_at)}
    if batch.state != BatchState.PUBLICITY:
        return _("只有“公示中”的批次可以审批公示结果，本批次当前为“%(state)s”。") % {
            "state": batch.get_state_display()
        }
    if today <= publicity.ends_on:
        return _("公示期至%(end)s结束，%(next)s起方可审批。") % {
            "end": format_date(publicity.ends_on),
            "next": format_date(publicity.ends_on + dt.timedelta(days=1)),
        }
    if open_objections:
        return _("还有%(n)s条异议尚未处理，处理完毕后方可审批。") % {"n": open_objections}
    if proposed_count == 0:
        return _("没有待批准的拟任人选。")
    if serving_elsewhere:
        return _(
            "%(people)s，一人不能同时在两个批次挂职：请先取消其在本批次的人选，再审批公示结果。"
        ) % {"people": join_list(serving_elsewhere)}
    return None


def serving_elsewhere(*, batch: Batch, cadre_ids: list[int] | None = None) -> list[str]:
    """The people proposed in `batch` (or among `cadre_ids`) who are approved or on duty in
    another batch, each as "王芳已在“2026年第一批”获批挂职", by name."""
    if cadre_ids is None:
        cadre_ids = list(
            Assignment.objects.filter(batch=batch, state=AssignmentState.PROPOSED).values_list(
                "cadre_id", flat=True
            )
        )
    rows = (
        Assignment.objects.filter(cadre_id__in=cadre_ids, state__in=SERVING_ELSEWHERE_STATES)
        .exclude(batch=batch)
        .order_by("cadre__name_pinyin", "cadre_id", "id")
        .values_list("cadre__name", "batch__name", "state")
    )
    return [
        (
            _("%(name)s已在“%(batch)s”获批挂职")
            if state == AssignmentState.APPROVED
            else _("%(name)s正在“%(batch)s”挂职")
        )
        % {"name": name, "batch": batch_name}
        for name, batch_name, state in rows
    ]


def publicity_withdraw_refusal(*, publicity: Publicity | None) -> str | None:
    """Why the current publicity cannot be withdrawn, or None. Approval closes the record."""
    if publicity is None:
        return _("本批次没有进行中的公示。")
    if publicity.approved_at is not None:
        return _("公示结果已于%(date)s审批，不能撤回。") % {
            "date": format_date(publicity.approved_at)
        }
    return None


# The pages ---------------------------------------------------------------------------------


def _with_people(queryset: QuerySet[Assignment]) -> QuerySet[Assignment]:
    return queryset.select_related("cadre", "home_unit", "post", "host_unit", "run").order_by(
        "host_unit__path", "post_id", "cadre__name_pinyin", "id"
    )


def selection_assignments(*, actor, batch: Batch, states) -> QuerySet[Assignment]:  # type: ignore[no-untyped-def]
    """The batch's assignments in `states` that the actor sees, in list order (by host unit)."""
    return _with_people(assignment_queryset(actor).filter(batch=batch, state__in=states))


def batch_publicity(*, batch: Batch) -> Publicity | None:
    """The batch's current publicity (the latest not withdrawn), or None. Call after
    access_batch: the batch is already scoped."""
    return (
        Publicity.objects.filter(batch=batch, withdrawn_at__isnull=True)
        .select_related("approved_by")
        .order_by("-id")
        .first()
    )


def past_publicities(*, batch: Batch) -> list[Publicity]:
    """The batch's withdrawn publicities, newest first, each with `objection_list` filled
    (call after access_batch with manage=True: objections name who raised them)."""
    past = list(
        Publicity.objects.filter(batch=batch, withdrawn_at__isnull=False)
        .select_related("withdrawn_by")
        .order_by("-id")
    )
    by_publicity: dict[int, list[Objection]] = {publicity.pk: [] for publicity in past}
    for objection in Objection.objects.filter(publicity__in=past).select_related(
        "assignment__cadre", "resolved_by"
    ):
        by_publicity[objection.publicity_id].append(objection)
    for publicity in past:
        publicity.objection_list = by_publicity[publicity.pk]  # type: ignore[attr-defined]
    return past


def selection_steps(*, batch: Batch) -> dict[str, SelectionStep]:
    steps = SelectionStep.objects.filter(batch=batch).select_related("recorded_by")
    return {step.kind: step for step in steps}


def publicity_objections(*, publicity: Publicity) -> list[Objection]:
    return list(
        publicity.objections.select_related(
            "assignment__cadre", "assignment__post", "assignment__host_unit", "resolved_by"
        )
    )


@dataclass
class SelectionOverview:
    """Everything the selection page shows, and the reasons behind every missing button."""

    batch: Batch
    proposed: list[Assignment]
    approved: list[Assignment]
    cancelled: list[Assignment]
    steps: dict[str, SelectionStep]
    # Kinds recorded before the current adoption: they count as missing until recorded again.
    outdated_steps: set[str]
    publicity: Publicity | None
    period: PublicityPeriod | None  # of the publicity, with the calendar's warnings
    objections: list[Objection]
    open_objections: int
    step_refusals: dict[str, str | None]
    start_refusal: str | None
    approve_refusal: str | None
    withdraw_refusal: str | None
    past: list[Publicity]  # withdrawn publicities, newest first, with their objections
    working_days: int  # what a publicity started now would last
    # Before the start: this year's and next year's schedules missing from the work calendar.
    calendar_warnings: list[str]
    events: list["EventLine"]


@dataclass(frozen=True)
class EventLine:
    """A line of the selection page's record: the event and its note in the reader's language."""

    event: BatchEvent
    note: str


def selection_overview(*, actor, batch: Batch, today: dt.date | None = None) -> SelectionOverview:  # type: ignore[no-untyped-def]
    """The selection page of `batch` (already accessed with manage=True) as `actor` sees it."""
    today = today or timezone.localdate()
    people = list(
        selection_assignments(
            actor=actor,
            batch=batch,
            states=(*CANCELLABLE_STATES, AssignmentState.CANCELLED),
        )
    )
    proposed = [a for a in people if a.state == AssignmentState.PROPOSED]
    steps = selection_steps(batch=batch)
    outdated = outdated_steps(steps=steps, adoption=current_adoption(batch=batch))
    publicity = batch_publicity(batch=batch)
    objections = publicity_objections(publicity=publicity) if publicity else []
    open_objections = sum(1 for objection in objections if objection.resolved_at is None)
    period = None
    if publicity is not None:
        period = publicity_period(
            starts_on=publicity.starts_on, working_days=publicity.working_days
        )
    events = [
        EventLine(event, batch_event_note(event))
        for event in BatchEvent.objects.filter(
            batch=batch, kind__in=EVENT_LABELS.keys()
        ).select_related("actor")[:30]
    ]
    return SelectionOverview(
        batch=batch,
        proposed=proposed,
        approved=[a for a in people if a.state == AssignmentState.APPROVED],
        cancelled=[a for a in people if a.state == AssignmentState.CANCELLED],
        steps=steps,
        outdated_steps=outdated,
        publicity=publicity,
        period=period,
        objections=objections,
        open_objections=open_objections,
        step_refusals={
            kind: step_refusal(
                batch=batch,
                kind=kind,
                steps=steps,
                publicity=publicity,
                proposed_count=len(proposed),
                outdated=outdated,
            )
            for kind in SelectionStepKind.values
        },
        start_refusal=publicity_start_refusal(
            batch=batch,
            steps=steps,
            publicity=publicity,
            proposed_count=len(proposed),
            outdated=outdated,
        ),
        approve_refusal=publicity_approve_refusal(
            batch=batch,
            publicity=publicity,
            open_objections=open_objections,
            proposed_count=len(proposed),
            today=today,
            serving_elsewhere=serving_elsewhere(
                batch=batch, cadre_ids=[a.cadre_id for a in proposed]
            )
            if publicity is not None and publicity.approved_at is None
            else [],
        ),
        withdraw_refusal=publicity_withdraw_refusal(publicity=publicity),
        past=past_publicities(batch=batch),
        working_days=batch.publicity_working_days,
        calendar_warnings=uncovered_years_warning(today) if publicity is None else [],
        events=events,
    )


def publicity_list(*, actor, batch: Batch) -> list[Assignment]:  # type: ignore[no-untyped-def]
    """The people a publicity names, in list order (cancelled ones are off the list)."""
    return list(selection_assignments(actor=actor, batch=batch, states=PUBLICISED_STATES))


def access_objection(*, actor, pk: int) -> Objection:  # type: ignore[no-untyped-def]
    """An objection of a batch the actor manages, else NotFound (the same for missing)."""
    objection = (
        Objection.objects.filter(pk=pk, publicity__batch__in=batch_queryset(actor))
        .select_related(
            "publicity__batch__coordinating_org",
            "assignment__cadre",
            "assignment__post",
            "assignment__host_unit",
        )
        .first()
    )
    if objection is None or not can_manage_batch(actor=actor, batch=objection.publicity.batch):
        raise NotFound()
    return objection


def objection_assignment_choices(*, actor, batch: Batch) -> QuerySet[Assignment]:  # type: ignore[no-untyped-def]
    """Whom an objection may be about: the people still on the publicised list."""
    return selection_assignments(actor=actor, batch=batch, states=CANCELLABLE_STATES)


# The public notice -------------------------------------------------------------------------


def objection_instructions(*, publicity: Publicity, batch: Batch) -> list[str]:
    """How to object, as the notice's paragraphs: the coordinators' own text, else the usual
    wording naming the coordinating organisation (the Word document says the same)."""
    how = publicity.text or _(
        "公示期间，如对公示对象有异议，可通过来信、来电、来访等方式向%(org)s反映。"
        "反映问题应实事求是，提倡署真实姓名，我们将对反映人的信息严格保密。"
    ) % {"org": batch.coordinating_org.name}
    return [line.strip() for line in how.splitlines() if line.strip()]


@dataclass
class PublicityNotice:
    """The current publicity as the public reads it: no objections, no one who raised them."""

    publicity: Publicity
    period: PublicityPeriod
    posted: bool  # False before the start date: the list is not public yet
    people: list[Assignment]
    instructions: list[str]


def publicity_notice(*, batch: Batch, today: dt.date | None = None) -> PublicityNotice | None:
    """The batch's current publicity for everyone who sees the batch (call after access_batch),
    or None before any. The list is the whole publicised list, not cut to the people the
    reader's roles reach: a public notice says the same to everyone it is posted to."""
    publicity = batch_publicity(batch=batch)
    if publicity is None:
        return None
    today = today or timezone.localdate()
    posted = today >= publicity.starts_on
    people = (
        list(_with_people(Assignment.objects.filter(batch=batch, state__in=PUBLICISED_STATES)))
        if posted
        else []
    )
    return PublicityNotice(
        publicity=publicity,
        period=publicity_period(starts_on=publicity.starts_on, working_days=publicity.working_days),
        posted=posted,
        people=people,
        instructions=objection_instructions(publicity=publicity, batch=batch),
    )
