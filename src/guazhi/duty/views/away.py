"""Away-from-post reports (外出报备): the person's tab, the form, acknowledging and withdrawing.

The person files a report from their phone; the host unit's leader acknowledges it from the
tab or from the approval inbox (which lists selectors.away.away_awaiting_acknowledgement), and
a one-button action returns to where it was pressed when that page says so (`next`).
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from guazhi.core.audit import audit_record
from guazhi.core.documents import docx_response
from guazhi.core.errors import Forbidden, InvalidTransition
from guazhi.duty.exports_away import away_report_document
from guazhi.duty.forms.away import AwayReportForm
from guazhi.duty.models import AwayReport
from guazhi.duty.selectors import away as selectors
from guazhi.duty.selectors.scope import access_duty_assignment, is_own
from guazhi.duty.services import away as services
from guazhi.duty.views.common import act, render_person_page, submit
from guazhi.orgs.access import acting_user, roles_required
from guazhi.orgs.models import Role
from guazhi.programmes.models import AssignmentState

EVERYONE_CONCERNED = (
    Role.COORDINATOR,
    Role.DISPATCH_ADMIN,
    Role.HOST_LEADER,
    Role.GROUP_LEADER,
    Role.CADRE,
)


@roles_required(*EVERYONE_CONCERNED)
def away_list(request: HttpRequest, assignment_pk: int) -> HttpResponse:
    actor = acting_user(request)
    assignment = access_duty_assignment(actor=actor, pk=assignment_pk)
    today = timezone.localdate()
    reports = list(selectors.away_report_list(actor=actor, assignment=assignment))
    for report in reports:
        report.assignment = assignment  # the page's own record: no query per row
    rows = [
        {
            "report": report,
            "can_acknowledge": selectors.can_acknowledge_away(actor=actor, report=report),
            "can_withdraw": selectors.can_withdraw_away(actor=actor, report=report, today=today),
        }
        for report in reports
    ]
    own = is_own(actor=actor, assignment=assignment)
    return render_person_page(
        request,
        "duty/away_list.html",
        assignment,
        {"rows": rows, "can_create": own and assignment.state == AssignmentState.ACTIVE},
    )


@roles_required(Role.CADRE)
def away_create(request: HttpRequest, assignment_pk: int) -> HttpResponse:
    actor = acting_user(request)
    assignment = access_duty_assignment(actor=actor, pk=assignment_pk)
    if not is_own(actor=actor, assignment=assignment):
        # An administrator passes the role guard but is not the person: nothing to file here.
        messages.error(request, gettext("只有挂职干部本人可以填报外出报备。"))
        return redirect("duty:away_list", assignment_pk=assignment.pk)
    form = AwayReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        report = submit(
            form,
            services.away_report_submit,
            actor=actor,
            assignment=assignment,
            **form.service_arguments(),
        )
        if report is not None:
            messages.success(request, gettext("外出报备已提交，等待接收单位领导确认。"))
            return redirect("duty:away_list", assignment_pk=assignment.pk)
    return render_person_page(
        request,
        "duty/away_form.html",
        assignment,
        {"form": form},
        status=400 if form.errors else 200,
    )


def _back(request: HttpRequest, report: AwayReport) -> HttpResponse:
    """To the page the button was on (the inbox), else the person's away tab."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("duty:away_list", assignment_pk=report.assignment_id)


@roles_required(Role.HOST_LEADER)
@require_POST
def away_acknowledge(request: HttpRequest, away_pk: int) -> HttpResponse:
    actor = acting_user(request)
    report = selectors.access_away_report(actor=actor, pk=away_pk)
    act(
        request,
        gettext("已确认%(name)s的外出报备。") % {"name": report.assignment.cadre.name},
        services.away_report_acknowledge,
        refusals=(InvalidTransition, Forbidden),
        actor=actor,
        report=report,
    )
    return _back(request, report)


@roles_required(Role.CADRE)
@require_POST
def away_withdraw(request: HttpRequest, away_pk: int) -> HttpResponse:
    actor = acting_user(request)
    report = selectors.access_away_report(actor=actor, pk=away_pk)
    act(
        request,
        gettext("外出报备已撤回。"),
        services.away_report_withdraw,
        refusals=(InvalidTransition, Forbidden),
        actor=actor,
        report=report,
    )
    return _back(request, report)


@roles_required(*EVERYONE_CONCERNED)
def away_document(request: HttpRequest, away_pk: int) -> HttpResponse:
    """The report as a Word form (外出报备单) to print and file."""
    actor = acting_user(request)
    report = selectors.access_away_report(actor=actor, pk=away_pk)
    content = away_report_document(report)
    audit_record(actor=actor, action="away.document", obj=report, detail={})
    filename = gettext("外出报备单_%(name)s_%(date)s.docx") % {
        "name": report.assignment.cadre.name,
        "date": f"{report.leave_date:%Y%m%d}",
    }
    return docx_response(content, filename)
