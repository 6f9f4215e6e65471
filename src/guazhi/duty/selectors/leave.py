"""Reading leave: a person's requests, the approval inbox, one request (see selectors.scope),
and who may do what next with a request (the buttons a page shows; services check again).

A leave is read by whoever reads the person's on-duty record (duty_assignment_queryset); it is
decided by whoever holds the current step's role over the step's unit (can_act_on_step).
"""

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet, Window
from django.utils import timezone
from django.utils.translation import gettext

from guazhi.core.attachments import register_attachment_access
from guazhi.core.errors import NotFound, ValidationFailed
from guazhi.duty.models import (
    ApproverRole,
    AwayReport,
    Half,
    LeaveDecision,
    LeaveKind,
    LeaveLedgerEntry,
    LeaveRequest,
    LeaveState,
    LeaveType,
)
from guazhi.duty.selectors.away import away_awaiting_acknowledgement
from guazhi.duty.selectors.scope import (
    _STEP_UNIT,
    awaiting_actor,
    can_act_on_step,
    duty_assignment_queryset,
    is_own,
    step_unit_path,
)
from guazhi.duty.services.leave_checks import check_period, days_text
from guazhi.orgs.models import Organisation, Role, RoleAssignment, User
from guazhi.orgs.scopes import scopes_of
from guazhi.programmes.models import Assignment, AssignmentState

# What a leave page shows of the person and the units, in the query that fetches the leave.
LEAVE_RELATED = (
    "leave_type",
    "assignment__batch__coordinating_org",
    "assignment__cadre__user",
    "assignment__post",
    "assignment__host_unit",
    "assignment__home_unit",
    "created_by",
)
INBOX_PAGE_SIZE = 20
MAX_INBOX_PAGE = 1_000_000


# --- who may do what -------------------------------------------------------------------------


def is_leave_owner(*, actor: Any, leave: LeaveRequest) -> bool:
    return is_own(actor=actor, assignment=leave.assignment)


def host_leader_over(*, actor: Any, assignment: Assignment) -> bool:
    """The actor holds the host-leader role itself (not as administrator) over the host unit."""
    scopes = scopes_of(actor)
    if Role.HOST_LEADER not in scopes.roles:
        return False
    path = assignment.host_unit.path
    return any(
        grant.role == Role.HOST_LEADER
        and path.startswith(grant.path)
        and grant.batch_id in (None, assignment.batch_id)
        for grant in scopes.grants
    )


def can_request_leave(*, actor: Any, assignment: Assignment) -> bool:
    """Leave is asked by the person themselves, while on duty."""
    return assignment.state == AssignmentState.ACTIVE and is_own(actor=actor, assignment=assignment)


def can_record_emergency(*, actor: Any, assignment: Assignment) -> bool:
    """Leave entered afterwards: by the person, or by the host unit's leader for them."""
    return assignment.state == AssignmentState.ACTIVE and (
        is_own(actor=actor, assignment=assignment)
        or host_leader_over(actor=actor, assignment=assignment)
    )


@dataclass(frozen=True)
class LeaveActions:
    """What the actor may do next with one request (each still checked by its service)."""

    submit: bool = False
    edit: bool = False
    withdraw: bool = False
    decide: bool = False
    extend: bool = False
    report_back: bool = False
    attach: bool = False

    @property
    def any(self) -> bool:
        return any(vars(self).values())


def leave_actions(*, actor: Any, leave: LeaveRequest, today: dt.date | None = None) -> LeaveActions:
    today = today or timezone.localdate()
    own = is_leave_owner(actor=actor, leave=leave)
    entered = own or leave.created_by_id == actor.pk
    state = leave.state
    begun = leave.start_date <= today
    return LeaveActions(
        submit=own and state == LeaveState.DRAFT,
        edit=own and state == LeaveState.DRAFT,
        withdraw=entered
        and (
            state in (LeaveState.DRAFT, LeaveState.PENDING)
            or (state == LeaveState.APPROVED and not begun)
        ),
        decide=state == LeaveState.PENDING and can_act_on_step(actor=actor, leave=leave),
        extend=own
        and state in (LeaveState.APPROVED, LeaveState.ON_LEAVE)
        and today <= leave.end_date
        and not leave_is_continued(leave),
        report_back=(own or host_leader_over(actor=actor, assignment=leave.assignment))
        and (
            state in (LeaveState.ON_LEAVE, LeaveState.OVERDUE)
            or (state == LeaveState.APPROVED and begun)
        )
        and not leave_is_continued(leave, approved_only=True),
        attach=entered and state not in (LeaveState.WITHDRAWN, LeaveState.REJECTED),
    )


# Extensions that carry a leave on: approved or beyond (the person is due back at their end).
CONTINUING_STATES = (
    LeaveState.APPROVED,
    LeaveState.ON_LEAVE,
    LeaveState.OVERDUE,
    LeaveState.RETURNED,
)


def leave_is_continued(leave: LeaveRequest, *, approved_only: bool = False) -> bool:
    """Whether an extension carries the leave on: then the extension is the one to extend
    (one waiting counts: one extension at a time), or, `approved_only`, the one to report back
    on and to be overdue on (one still waiting may be refused: the leave ends as approved)."""
    states = CONTINUING_STATES if approved_only else (LeaveState.PENDING, *CONTINUING_STATES)
    return LeaveRequest.objects.filter(extends=leave, state__in=states).exists()


def step_approvers(assignment: Assignment, role: str) -> list[User]:
    """The active accounts holding `role`'s approver role over the step's unit (a grant on the
    unit or above it, for every batch or for this one): whom to tell that a step waits. Never
    the person themselves (a leader who is also seconded does not decide their own leave)."""
    _path_field, held_role = _STEP_UNIT[ApproverRole(role)]
    unit_ids = Organisation.ids_on(step_unit_path(assignment, role))
    holders = RoleAssignment.objects.filter(role=held_role, organisation_id__in=unit_ids).filter(
        Q(batch__isnull=True) | Q(batch_id=assignment.batch_id)
    )
    approvers = User.objects.filter(pk__in=holders.values("user_id"), is_active=True)
    if assignment.cadre.user_id is not None:
        approvers = approvers.exclude(pk=assignment.cadre.user_id)
    return list(approvers.order_by("pk"))


# --- reading -------------------------------------------------------------------------------


def leave_queryset(actor: Any) -> QuerySet[LeaveRequest]:
    """The requests of the on-duty records the actor reads."""
    return LeaveRequest.objects.filter(
        assignment_id__in=duty_assignment_queryset(actor).values("pk")
    )


def _hidden_draft(actor: Any, leave: LeaveRequest) -> bool:
    """A draft is the person's own business: hidden from everyone else."""
    return leave.state == LeaveState.DRAFT and not is_own(actor=actor, assignment=leave.assignment)


def access_leave(*, actor: Any, pk: int) -> LeaveRequest:
    """One request the actor may read; NotFound for missing and forbidden alike."""
    leave = leave_queryset(actor).filter(pk=pk).select_related(*LEAVE_RELATED).first()
    if leave is None or _hidden_draft(actor, leave):
        raise NotFound()
    return leave


def leave_list(*, actor: Any, assignment: Assignment) -> QuerySet[LeaveRequest]:
    """A person's requests, latest first (the caller has checked the record with
    access_duty_assignment); drafts are the person's own business."""
    rows = LeaveRequest.objects.filter(assignment=assignment).select_related("leave_type")
    if not is_own(actor=actor, assignment=assignment):
        rows = rows.exclude(state=LeaveState.DRAFT)
    return rows.order_by("-start_slot", "-id")


def leave_decisions(leave: LeaveRequest) -> list[LeaveDecision]:
    return list(leave.decisions.select_related("decided_by").order_by("step", "id"))


def leave_ledger_rows(leave: LeaveRequest) -> list[LeaveLedgerEntry]:
    return list(leave.ledger.select_related("created_by").order_by("created_at", "id"))


def leave_chain_of(leave: LeaveRequest) -> list[LeaveRequest]:
    """The requests one absence is made of: the first leave and its extensions, in order."""
    first = leave
    seen = {first.pk}
    while first.extends_id is not None and first.extends_id not in seen:
        parent = LeaveRequest.objects.select_related("leave_type").get(pk=first.extends_id)
        seen.add(parent.pk)
        first = parent
    chain = [first]
    while True:
        following = (
            LeaveRequest.objects.filter(extends=chain[-1])
            .exclude(pk__in=[item.pk for item in chain])
            .select_related("leave_type")
            .order_by("pk")
        )
        found = list(following)
        if not found:
            return chain
        chain.extend(found)


def approval_inbox(*, actor: Any) -> QuerySet[LeaveRequest]:
    """The requests waiting for a step the actor acts on, longest waiting first: the rule and
    the order only (approval_inbox_page loads what a page shows). Counted and sliced off the
    (awaiting_role, state, assignment, submitted_at, id) index alone, without a join."""
    return LeaveRequest.objects.filter(awaiting_actor(actor)).order_by("submitted_at", "id")


@dataclass(frozen=True, slots=True)
class InboxRow:
    """What an inbox row shows of one request, labels already in the reader's language."""

    pk: int
    person: str
    unit: str
    post: str
    leave_type: str
    start_date: dt.date
    start_half: str
    end_date: dt.date
    end_half: str
    days: Decimal
    submitted_at: dt.datetime | None
    extension: bool
    emergency: bool


def approval_inbox_page(*, actor: Any, number: Any) -> Page:
    """One page of the inbox (`number` as the request gave it: not a number gives the first
    page, out of range the last, as Paginator.get_page does), as a Django Page for the pager.

    Two queries whatever the number waiting: the page's ids with the count of them all (a
    window over the index, no join, so nothing to plan over the requests of a whole batch),
    then the page's own rows with the person, unit, post and type. Rows are plain values, not
    models: a page of them costs what it shows."""
    try:
        wanted = int(number) if number is not None else 1
    except (TypeError, ValueError):
        wanted = 1
    # Past any real inbox, and its offset still a number the database takes (a page number of
    # twenty digits made an OFFSET beyond 64 bits): read as "past the last page".
    wanted = min(wanted, MAX_INBOX_PAGE)
    ordered = approval_inbox(actor=actor)
    ids, total = _inbox_slice(ordered, wanted) if wanted >= 1 else ([], 0)
    if not ids:  # nothing waits, or past the last page
        total = ordered.count()
        last = max(1, math.ceil(total / INBOX_PAGE_SIZE))
        if total and wanted != last:
            ids, total = _inbox_slice(ordered, last)
        wanted = last
    paginator = Paginator(range(total), INBOX_PAGE_SIZE)  # counts and numbers the pages only
    return Page(_inbox_rows(ids), wanted, paginator)


def _inbox_slice(ordered: QuerySet[LeaveRequest], number: int) -> tuple[list[int], int]:
    """The ids on page `number` and how many wait in all."""
    first = (number - 1) * INBOX_PAGE_SIZE
    counted = ordered.annotate(total=Window(Count("pk"))).values_list("pk", "total")
    found = list(counted[first : first + INBOX_PAGE_SIZE])
    return [pk for pk, _total in found], (found[0][1] if found else 0)


def _inbox_rows(ids: list[int]) -> list[InboxRow]:
    if not ids:
        return []
    values = (
        LeaveRequest.objects.filter(pk__in=ids)
        .order_by()
        .values(
            "pk",
            "start_date",
            "start_half",
            "end_date",
            "end_half",
            "days",
            "submitted_at",
            "extends_id",
            "emergency",
            "assignment__cadre__name",
            "assignment__host_unit__name",
            "assignment__post__title",
            "leave_type__kind",
        )
    )
    found = {row["pk"]: row for row in values}
    halves = {value: str(label) for value, label in Half.choices}
    kinds = {value: str(label) for value, label in LeaveKind.choices}
    return [
        InboxRow(
            pk=row["pk"],
            person=row["assignment__cadre__name"],
            unit=row["assignment__host_unit__name"],
            post=row["assignment__post__title"],
            leave_type=kinds[row["leave_type__kind"]],
            start_date=row["start_date"],
            start_half=halves.get(row["start_half"], ""),
            end_date=row["end_date"],
            end_half=halves.get(row["end_half"], ""),
            days=row["days"],
            submitted_at=row["submitted_at"],
            extension=row["extends_id"] is not None,
            emergency=row["emergency"],
        )
        for row in map(found.get, ids)
        if row is not None  # decided between the two reads: left out rather than shown stale
    ]


def _can_read_attachment(actor: Any, leave: LeaveRequest) -> bool:
    """Whoever reads the request reads its files: a draft's only by the person (as
    access_leave), so a leader does not open the sick note of a request never sent."""
    if not leave_queryset(actor).filter(pk=leave.pk).exists():
        return False
    return not _hidden_draft(actor, leave)


register_attachment_access(LeaveRequest, _can_read_attachment)


# --- the request form -------------------------------------------------------------------------


@dataclass(frozen=True)
class DaysPreview:
    """The day count shown while a person picks dates, or why there is none yet."""

    days: Decimal | None
    message: str


def leave_days_preview(
    *,
    leave_type: LeaveType | None,
    start_date: dt.date | None,
    start_half: str,
    end_date: dt.date | None,
    end_half: str,
) -> DaysPreview:
    if leave_type is None or start_date is None or end_date is None:
        return DaysPreview(None, "")
    try:
        period = check_period(leave_type, start_date, start_half, end_date, end_half)
    except ValidationFailed as error:
        return DaysPreview(None, str(error.message))
    return DaysPreview(
        period.days,
        gettext("共 %(days)s 天（%(rule)s）")
        % {"days": days_text(period.days), "rule": leave_type.get_counting_display()},
    )


def leave_types_offered(assignment: Assignment) -> list[LeaveType]:
    return list(LeaveType.objects.filter(batch_id=assignment.batch_id, active=True))


def service_years_unknown(assignment: Assignment) -> bool:
    """Whether a type granted by years of service had to assume them (start of work unknown):
    the leave page says so, so that someone records 参加工作时间."""
    return assignment.cadre.work_started_on is None and any(
        leave_type.entitlement_by_service for leave_type in leave_types_offered(assignment)
    )


# --- the approval inbox's other half -----------------------------------------------------------

AWAY_SHOWN = 50


# What an inbox row of an away report shows.
AWAY_FIELDS = (
    "leave_date",
    "leave_half",
    "return_date",
    "return_half",
    "destination",
    "reason",
    "stand_in",
    "assignment__cadre__name",
    "assignment__host_unit__name",
)


def away_waiting(*, actor: Any) -> list[AwayReport]:
    """Away-from-post reports waiting for the actor's acknowledgement (the away area decides
    whose), earliest trip first; the inbox shows the first AWAY_SHOWN, with only what it shows."""
    if not any(grant.role == Role.HOST_LEADER for grant in scopes_of(actor).grants):
        return []  # nobody else acknowledges: no query to build
    rows = away_awaiting_acknowledgement(actor).select_related(None)
    return list(
        rows.select_related("assignment__cadre", "assignment__host_unit").only(*AWAY_FIELDS)[
            :AWAY_SHOWN
        ]
    )
