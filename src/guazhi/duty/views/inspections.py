"""Spot-inspection pages: the batch's inspections and the plan form, one inspection with its
sample and a form per person, and a person's recorded checks (检查记录).

The inspection pages are the coordinators' (the batch tab 不定期检查); everyone else learns of
a check only on the person's 检查记录 tab, once the inspection is over (completed, or its day
past: see selectors.inspections).
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from guazhi.core.jinja import format_date
from guazhi.duty.forms.inspections import CheckRecordForm, InspectionPlanForm, RectifiedForm
from guazhi.duty.models import CheckResult, Inspection, InspectionCheck, InspectionState
from guazhi.duty.navigation import EVERYONE_CONCERNED
from guazhi.duty.selectors import inspections as selectors
from guazhi.duty.selectors.scope import access_duty_assignment
from guazhi.duty.services import inspections as services
from guazhi.duty.views.common import act, render_batch_page, render_person_page, submit
from guazhi.orgs.access import acting_user, roles_required
from guazhi.programmes.models import Batch
from guazhi.programmes.selectors.scope import BATCH_MANAGER_ROLES, access_batch


def _plan_form(request: HttpRequest, batch: Batch) -> InspectionPlanForm:
    actor = acting_user(request)
    return InspectionPlanForm(
        request.POST if request.method == "POST" else None,
        initial={"planned_on": timezone.localdate()},
        units=list(selectors.batch_host_units(batch)),
        people=selectors.plannable_people(actor=actor, batch=batch),
    )


@roles_required(*BATCH_MANAGER_ROLES)
def inspection_list(request: HttpRequest, batch_pk: int) -> HttpResponse:
    """The batch's inspections and, posted, a new plan (htmx swaps only the form back when
    it needs correcting, and follows to the new inspection when it is made)."""
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk, manage=True)
    form = _plan_form(request, batch)
    if request.method == "POST" and form.is_valid():
        inspection = submit(
            form, services.inspection_plan, actor=actor, batch=batch, **form.plan_fields()
        )
        if inspection is not None:
            messages.success(
                request,
                gettext("已安排%(date)s的检查，抽取%(n)s人。")
                % {"date": format_date(inspection.planned_on), "n": inspection.checks.count()},
            )
            url = reverse("duty:inspection_detail", kwargs={"inspection_pk": inspection.pk})
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(url)
            return redirect(url)
    return render_batch_page(
        request,
        "duty/inspection_list.html",
        batch,
        {
            "inspections": selectors.inspection_list(actor=actor, batch=batch),
            "form": form,
            "open_for_planning": batch.state in services.INSPECTABLE_BATCH_STATES,
        },
        partial="plan_form" if request.method == "POST" else None,
    )


def _detail_page(
    request: HttpRequest,
    inspection: Inspection,
    *,
    bound: dict[int, CheckRecordForm] | None = None,
    bound_rectified: dict[int, RectifiedForm] | None = None,
) -> HttpResponse:
    """The inspection with a line per person; `bound` and `bound_rectified` carry a posted
    form that needs correcting, shown in place of that person's empty one."""
    actor = acting_user(request)
    checks = selectors.inspection_checks(actor=actor, inspection=inspection)
    day_leave = selectors.inspection_day_leave(actor=actor, inspection=inspection)
    today = timezone.localdate()
    open_ = inspection.state == InspectionState.PLANNED
    recordable = open_ and today >= inspection.planned_on
    rows = []
    for check in checks:
        # A posted form comes back even when the page offers none any more (the inspection
        # was completed meanwhile): it carries the reason it was refused.
        record_form = (bound or {}).get(check.pk)
        if record_form is not None:
            # The page shows the result as stored now: sent again, the form corrects that.
            record_form.rebase(services.check_version(check))
        elif recordable:
            record_form = _record_form(None, check, initial=True)
        rectified_form = (bound_rectified or {}).get(check.pk)
        if rectified_form is None and check.rectification and check.rectified_at is None:
            rectified_form = _rectified_form(None, check)
        rows.append((check, day_leave.get(check.assignment_id), record_form, rectified_form))
    return render_batch_page(
        request,
        "duty/inspection_detail.html",
        inspection.batch,
        {
            "inspection": inspection,
            "rows": rows,
            "recordable": recordable,
            "open": open_,
            "waiting": sum(1 for check in checks if not check.result),
            "draw": selectors.draw_check(actor=actor, inspection=inspection),
            "host_units": list(inspection.host_units.order_by("path")),
            "today": today,
            "absent": CheckResult.ABSENT,
        },
    )


def _record_form(data: object, check: InspectionCheck, *, initial: bool = False) -> CheckRecordForm:
    values = {}
    if initial:
        values = {
            "result": check.result,
            "findings": check.findings,
            "rectification": check.rectification,
            "rectification_due": check.rectification_due,
            "based_on": services.check_version(check),
        }
    return CheckRecordForm(
        data, prefix=f"c{check.pk}", initial=values, person=check.assignment.cadre.name
    )


def _rectified_form(data: object, check: InspectionCheck) -> RectifiedForm:
    return RectifiedForm(data, prefix=f"r{check.pk}", person=check.assignment.cadre.name)


@roles_required(*BATCH_MANAGER_ROLES)
def inspection_detail(request: HttpRequest, inspection_pk: int) -> HttpResponse:
    inspection = selectors.access_inspection(actor=acting_user(request), pk=inspection_pk)
    return _detail_page(request, inspection)


def _back_to(check: InspectionCheck) -> HttpResponse:
    url = reverse("duty:inspection_detail", kwargs={"inspection_pk": check.inspection_id})
    return redirect(f"{url}#check-{check.pk}")


@roles_required(*BATCH_MANAGER_ROLES)
@require_POST
def check_record(request: HttpRequest, check_pk: int) -> HttpResponse:
    actor = acting_user(request)
    check = selectors.access_check(actor=actor, pk=check_pk)
    form = _record_form(request.POST, check)
    if form.is_valid():
        saved = submit(
            form, services.check_record, actor=actor, check=check, **form.record_fields()
        )
        if saved is not None:
            messages.success(
                request,
                gettext("已登记%(name)s的检查结果：%(result)s。")
                % {"name": check.assignment.cadre.name, "result": saved.get_result_display()},
            )
            return _back_to(check)
    return _detail_page(request, check.inspection, bound={check.pk: form})


@roles_required(*BATCH_MANAGER_ROLES)
@require_POST
def check_rectified(request: HttpRequest, check_pk: int) -> HttpResponse:
    actor = acting_user(request)
    check = selectors.access_check(actor=actor, pk=check_pk)
    form = _rectified_form(request.POST, check)
    if form.is_valid():
        saved = submit(
            form,
            services.check_rectified,
            actor=actor,
            check=check,
            note=(form.cleaned_data.get("note") or "").strip(),
        )
        if saved is not None:
            messages.success(
                request,
                gettext("%(name)s的整改已销号。") % {"name": check.assignment.cadre.name},
            )
            return _back_to(check)
    return _detail_page(request, check.inspection, bound_rectified={check.pk: form})


@roles_required(*BATCH_MANAGER_ROLES)
@require_POST
def inspection_complete(request: HttpRequest, inspection_pk: int) -> HttpResponse:
    actor = acting_user(request)
    inspection = selectors.access_inspection(actor=actor, pk=inspection_pk)
    act(
        request,
        gettext("检查已完成，结果不再修改。"),
        services.inspection_complete,
        actor=actor,
        inspection=inspection,
    )
    return redirect("duty:inspection_detail", inspection_pk=inspection.pk)


@roles_required(*sorted(EVERYONE_CONCERNED))
def check_list(request: HttpRequest, assignment_pk: int) -> HttpResponse:
    """A person's recorded checks: the results, the absences flagged, the rectifications."""
    actor = acting_user(request)
    assignment = access_duty_assignment(actor=actor, pk=assignment_pk)
    checks = list(selectors.recorded_checks(actor=actor, assignment=assignment))
    return render_person_page(
        request,
        "duty/check_list.html",
        assignment,
        {
            "checks": checks,
            "absences": sum(1 for check in checks if check.result == CheckResult.ABSENT),
            "today": timezone.localdate(),
            "absent": CheckResult.ABSENT,
        },
    )
