"""Attendance pages: a person's overview (在岗概况), the batch's monthly return (考勤月报) with its
sending and Excel files, and the leave ledger (假期台账) export.

One host unit's month is small and downloads at once; a whole batch's return or ledger may
run to thousands of people and is made by a background job (duty.jobs), whose page shows the
progress and then the file.
"""

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from guazhi.core.audit import audit_record
from guazhi.core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from guazhi.core.jobs import job_start
from guazhi.core.spreadsheets import xlsx_response
from guazhi.core.text import join_list
from guazhi.duty import jobs
from guazhi.duty.exports_attendance import (
    attendance_return_workbook,
    ledger_balances,
    ledger_entries,
    ledger_workbook,
)
from guazhi.duty.forms.attendance import ReturnSubmitForm
from guazhi.duty.models import LeaveType
from guazhi.duty.periods import month_end, month_start, month_text, parse_month
from guazhi.duty.selectors import attendance as selectors
from guazhi.duty.selectors.ledger import leave_balances
from guazhi.duty.selectors.scope import access_duty_assignment, duty_assignment_queryset, is_own
from guazhi.duty.services.attendance import attendance_return_submit as return_submit
from guazhi.duty.views.common import render_batch_page, render_person_page
from guazhi.orgs.access import acting_user, roles_required
from guazhi.orgs.models import Organisation, Role
from guazhi.programmes.models import Assignment, Batch
from guazhi.programmes.selectors.scope import BATCH_STAFF_ROLES, access_batch

EVERYONE_CONCERNED = (*BATCH_STAFF_ROLES, Role.CADRE)


@roles_required(*EVERYONE_CONCERNED)
def assignment_overview(request: HttpRequest, assignment_pk: int) -> HttpResponse:
    actor = acting_user(request)
    assignment = access_duty_assignment(actor=actor, pk=assignment_pk)
    today = timezone.localdate()
    return render_person_page(
        request,
        "duty/overview.html",
        assignment,
        {
            "overview": selectors.duty_overview(actor=actor, assignment=assignment, today=today),
            "balances": leave_balances(assignment),
            "own": is_own(actor=actor, assignment=assignment),
            "today": today,
        },
    )


def _default_month(today: dt.date) -> dt.date:
    """The month whose return is being prepared: the last one."""
    return month_start(month_start(today) - dt.timedelta(days=1))


def _month_of(request: HttpRequest, today: dt.date) -> dt.date:
    return parse_month(request.GET.get("month")) or _default_month(today)


def _page_url(batch: Batch, month: dt.date) -> str:
    query = urlencode({"month": f"{month:%Y-%m}"})
    return f"{reverse('duty:attendance_batch', kwargs={'batch_pk': batch.pk})}?{query}"


@roles_required(*BATCH_STAFF_ROLES)
def attendance_batch(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk)
    today = timezone.localdate()
    month = _month_of(request, today)
    sections = selectors.attendance_returns(actor=actor, batch=batch, month=month, today=today)
    return render_batch_page(
        request,
        "duty/attendance_batch.html",
        batch,
        {
            "month": month,
            "month_value": f"{month:%Y-%m}",
            "month_text": month_text(month),
            "month_over": today > month_end(month),
            "due": selectors.attendance_return_due(batch, month),
            "sections": sections,
            "people": sum(len(section.people) for section in sections),
            "leave_notes": _leave_notes(sections, selectors.batch_leave_types(batch)),
            "form": ReturnSubmitForm(),
        },
    )


def _leave_notes(
    sections: list[selectors.UnitReturn], leave_types: list[LeaveType]
) -> dict[int, str]:
    """Each person's leave by type in words (年休假2.0天、事假0.5天), for the rows that have any."""
    names = {t.pk: t.get_kind_display() for t in leave_types}
    return {
        row.assignment.pk: join_list(
            gettext("%(type)s%(days)s天") % {"type": names.get(pk, ""), "days": days}
            for pk, days in row.leave_by_type.items()
        )
        for section in sections
        for row in section.people
        if row.leave_by_type
    }


def _unit_of(request_value: object, batch: Batch) -> Organisation:
    """A host unit of the batch named by a request parameter, or NotFound."""
    try:
        pk = int(str(request_value))
    except ValueError:
        raise NotFound() from None
    unit = Organisation.objects.filter(
        pk=pk, pk__in=Assignment.objects.filter(batch=batch).values("host_unit_id")
    ).first()
    if unit is None:
        raise NotFound()
    return unit


@roles_required(Role.HOST_LEADER)
@require_POST
def attendance_return_send(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk)
    form = ReturnSubmitForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("请从考勤月报页面报送。"))
        return redirect("duty:attendance_batch", batch_pk=batch.pk)
    month = form.cleaned_data["month"]
    unit = _unit_of(form.cleaned_data["host_unit"], batch)
    try:
        return_submit(
            actor=actor, batch=batch, host_unit=unit, month=month, note=form.cleaned_data["note"]
        )
    except (ValidationFailed, InvalidTransition, Forbidden) as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            gettext("已报送%(unit)s%(month)s的考勤月报。")
            % {"unit": unit.name, "month": month_text(month)},
        )
    return redirect(_page_url(batch, month))


@roles_required(*BATCH_STAFF_ROLES)
def attendance_export(request: HttpRequest, batch_pk: int) -> HttpResponse:
    """One host unit's return for a month, as Excel, at once."""
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk)
    month = _month_of(request, timezone.localdate())
    if not request.GET.get("host_unit"):
        messages.error(request, gettext("请选择要导出的接收单位。"))
        return redirect(_page_url(batch, month))
    unit = _unit_of(request.GET["host_unit"], batch)
    figures = selectors.attendance_batch_month(actor, batch, month, host_unit=unit)
    content = attendance_return_workbook(
        batch=batch,
        unit_name=unit.name,
        month=month,
        figures=figures,
        leave_types=selectors.batch_leave_types(batch),
    )
    filename = gettext("考勤月报_%(unit)s_%(month)s.xlsx") % {
        "unit": unit.name,
        "month": month_text(month),
    }
    audit_record(
        actor=actor,
        action="attendance.export",
        obj=batch,
        detail={"host_unit": unit.name, "month": f"{month:%Y-%m}", "rows": len(figures)},
    )
    return xlsx_response(content, filename)


@roles_required(*BATCH_STAFF_ROLES)
@require_POST
def attendance_export_batch(request: HttpRequest, batch_pk: int) -> HttpResponse:
    """Every unit's return for a month in one file: a background job."""
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk)
    month = parse_month(request.POST.get("month")) or _default_month(timezone.localdate())
    job = job_start(
        actor=actor,
        kind=jobs.ATTENDANCE_EXPORT,
        params={"batch": batch.pk, "month": month.isoformat()},
    )
    return redirect("core:job_detail", job_pk=job.pk)


@roles_required(*BATCH_STAFF_ROLES)
@require_POST
def ledger_export_batch(request: HttpRequest, batch_pk: int) -> HttpResponse:
    """The batch's leave ledger (the people in the actor's scope): a background job."""
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk)
    job = job_start(actor=actor, kind=jobs.LEDGER_EXPORT, params={"batch": batch.pk})
    return redirect("core:job_detail", job_pk=job.pk)


@roles_required(*EVERYONE_CONCERNED)
def ledger_export(request: HttpRequest, assignment_pk: int) -> HttpResponse:
    """One person's leave ledger, as Excel, at once."""
    actor = acting_user(request)
    assignment = access_duty_assignment(actor=actor, pk=assignment_pk)
    people = (
        duty_assignment_queryset(actor)
        .filter(pk=assignment.pk)
        .select_related("cadre", "host_unit")
    )
    entries = list(ledger_entries(people))
    content = ledger_workbook(
        title=gettext("%(name)s 假期台账") % {"name": assignment.cadre.name},
        entries=entries,
        balances=ledger_balances(people, assignment.batch),
    )
    filename = gettext("假期台账_%(name)s_%(date)s.xlsx") % {
        "name": assignment.cadre.name,
        "date": f"{timezone.localdate():%Y%m%d}",
    }
    audit_record(
        actor=actor,
        action="attendance.ledger_export",
        obj=assignment,
        detail={"rows": len(entries)},
    )
    return xlsx_response(content, filename)
