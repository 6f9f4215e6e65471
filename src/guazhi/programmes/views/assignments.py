"""The batch's people (挂职人员): the list, one person's record, reporting for duty, outcomes.

Staff of the batch read the list within their scope (selectors.scope decides); a cadre reads
their own record. Coordinators and the host unit's leaders record reporting for duty;
coordinators record outcomes, and may take a proposed or approved person off the list from
their record (the form posts to the selection area's assignment_cancel).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext

from guazhi.orgs.access import acting_user, roles_required
from guazhi.orgs.models import Role
from guazhi.programmes.forms.groups import OutcomeForm, PartyTransferForm, ReportDutyForm
from guazhi.programmes.models import Assignment, AssignmentState, Outcome
from guazhi.programmes.selectors import groups as selectors
from guazhi.programmes.selectors.scope import (
    BATCH_READER_ROLES,
    BATCH_STAFF_ROLES,
    access_assignment,
    access_batch,
    can_manage_batch,
)
from guazhi.programmes.selectors.selection import CANCELLABLE_STATES
from guazhi.programmes.services import duty_start
from guazhi.programmes.views.common import render_batch_page, submit

PAGE_SIZE = 50


@roles_required(*BATCH_STAFF_ROLES)
def assignment_list(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk)
    state = request.GET.get("state", "")
    if state not in AssignmentState.values:
        state = ""
    group = request.GET.get("group", "")[:12]
    people = selectors.assignment_list(actor=actor, batch=batch, state=state, group=group)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    groups = [(str(g.pk), g.name) for g in selectors.group_choices(batch=batch)]
    return render_batch_page(
        request,
        "programmes/assignment_list.html",
        batch,
        {
            "page": page,
            "state": state,
            "states": AssignmentState.choices,
            "group": group,
            "groups": [(selectors.NO_GROUP, gettext("未分组")), *groups],
        },
        partial="results",
    )


def _actions(actor, assignment: Assignment) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    """Which steps the record's page offers: what the services would accept now."""
    batch = assignment.batch
    reports = selectors.can_report_duty(actor=actor, assignment=assignment)
    serving = batch.state in selectors.SERVING_BATCH_STATES
    manages = can_manage_batch(actor=actor, batch=batch)
    return {
        "can_report_duty": reports and serving and assignment.state == AssignmentState.APPROVED,
        "can_record_transfer": reports and assignment.state == AssignmentState.ACTIVE,
        "can_record_outcome": manages
        and batch.state in selectors.OUTCOME_BATCH_STATES
        and assignment.state == AssignmentState.ACTIVE,
        "can_cancel": manages and assignment.state in CANCELLABLE_STATES,
    }


@roles_required(*BATCH_READER_ROLES)
def assignment_detail(request: HttpRequest, assignment_pk: int) -> HttpResponse:
    actor = acting_user(request)
    assignment = access_assignment(actor=actor, pk=assignment_pk)
    return render_batch_page(
        request,
        "programmes/assignment_detail.html",
        assignment.batch,
        {
            "assignment": assignment,
            "history": selectors.assignment_history(actor=actor, assignment=assignment),
            # Handed over apart from the record, and only to those who may read it: the
            # template shows no reason it is not given.
            "cancelled_reason": assignment.cancelled_reason
            if selectors.can_read_cancelled_reason(actor=actor, assignment=assignment)
            else "",
            "training": selectors.assignment_training(assignment=assignment),
            **_actions(actor, assignment),
        },
    )


@roles_required(Role.COORDINATOR, Role.HOST_LEADER)
def assignment_report_duty(request: HttpRequest, assignment_pk: int) -> HttpResponse:
    """Reporting for duty on an approved assignment; on an active one, the Party relationship
    transfer that often follows some weeks later."""
    actor = acting_user(request)
    assignment = selectors.access_assignment_for_duty(actor=actor, pk=assignment_pk)
    actions = _actions(actor, assignment)
    data = request.POST if request.method == "POST" else None
    form: ReportDutyForm | PartyTransferForm | None = None
    if actions["can_report_duty"]:
        today = timezone.localdate()
        start = min(
            max(today, duty_start.earliest_start(assignment)), duty_start.latest_end(assignment)
        )
        form = ReportDutyForm(data, initial={"start_date": start})
    elif actions["can_record_transfer"]:
        form = PartyTransferForm(
            data,
            initial={
                "party_transfer_on": assignment.party_transfer_on,
                "party_transfer_note": assignment.party_transfer_note,
            },
        )
    if form is not None and data is not None and form.is_valid():
        fields = form.cleaned_data
        if isinstance(form, ReportDutyForm):
            saved = submit(
                form,
                duty_start.assignment_report_duty,
                actor=actor,
                assignment=assignment,
                **fields,
            )
            done = gettext("已登记%(name)s报到。")
        else:
            saved = submit(
                form,
                duty_start.assignment_party_transfer_record,
                actor=actor,
                assignment=assignment,
                on=fields["party_transfer_on"],
                note=fields.get("party_transfer_note") or "",
            )
            done = gettext("已登记%(name)s的党组织关系转接。")
        if saved is not None:
            messages.success(request, done % {"name": assignment.cadre.name})
            return redirect("programmes:assignment_detail", assignment_pk=assignment.pk)
    return render_batch_page(
        request,
        "programmes/assignment_report_duty.html",
        assignment.batch,
        {
            "assignment": assignment,
            "form": form,
            "earliest": duty_start.earliest_start(assignment),
            "early_days": duty_start.EARLY_START_DAYS,
            "serving_states": selectors.SERVING_BATCH_STATES,
        },
    )


@roles_required(Role.COORDINATOR)
def assignment_outcome(request: HttpRequest, assignment_pk: int) -> HttpResponse:
    actor = acting_user(request)
    assignment = access_assignment(actor=actor, pk=assignment_pk, manage=True)
    actions = _actions(actor, assignment)
    form = None
    if actions["can_record_outcome"]:
        form = OutcomeForm(
            request.POST if request.method == "POST" else None,
            initial={"on": timezone.localdate()},
        )
    if form is not None and request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        recorded = submit(
            form, duty_start.assignment_outcome_record, actor=actor, assignment=assignment, **fields
        )
        if recorded is not None:
            messages.success(
                request,
                gettext("已登记%(name)s的挂职结果：%(outcome)s。")
                % {"name": assignment.cadre.name, "outcome": Outcome(fields["outcome"]).label},
            )
            return redirect("programmes:assignment_detail", assignment_pk=assignment.pk)
    return render_batch_page(
        request,
        "programmes/assignment_outcome.html",
        assignment.batch,
        {
            "assignment": assignment,
            "form": form,
            "outcome_states": selectors.OUTCOME_BATCH_STATES,
        },
    )
