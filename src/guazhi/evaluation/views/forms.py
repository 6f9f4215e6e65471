"""The round's official forms and roster: a page listing the round's people with their forms,
one person's 年度考核登记表 or 挂职锻炼干部总结鉴定表 as Word, the whole round's forms as a zip made by
a background job (its page shows the progress bar), and the 考核花名册 as Excel.

Taking personal records out of the system is what an auditor asks about: each download of a
form and of the roster is audited, and a zip once when it starts (its file's download is
audited by the job page).
"""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from guazhi.core.audit import audit_record
from guazhi.core.documents import docx_response
from guazhi.core.jobs import job_start
from guazhi.core.spreadsheets import xlsx_response
from guazhi.evaluation.documents import (
    FormKind,
    default_form_kind,
    form_bytes,
    form_filename,
    form_kind_label,
)
from guazhi.evaluation.exports_roster import roster_filename, roster_workbook
from guazhi.evaluation.jobs import EVALUATION_FORMS
from guazhi.evaluation.selectors.forms import access_form_evaluee, form_evaluees, roster_rows
from guazhi.evaluation.selectors.scope import access_round, can_manage_round
from guazhi.orgs.access import acting_user, roles_required
from guazhi.orgs.models import Role
from guazhi.programmes.selectors.scope import BATCH_STAFF_ROLES
from guazhi.programmes.views.common import render_batch_page

# Who downloads one person's form: the coordinators over the batch, and the person (their
# own, once published: selectors.forms.can_download_form).
FORM_ROLES = (Role.COORDINATOR, Role.CADRE)


@roles_required(*BATCH_STAFF_ROLES)
def form_list(request: HttpRequest, round_pk: int) -> HttpResponse:
    """The round's people the actor reads, with each one's forms for a coordinator, the zip of
    the whole round and the roster."""
    actor = acting_user(request)
    round = access_round(actor=actor, pk=round_pk)
    manager = can_manage_round(actor=actor, round=round)
    return render_batch_page(
        request,
        "evaluation/form_list.html",
        round.batch,
        {
            "round": round,
            "people": list(form_evaluees(actor=actor, round=round)) if manager else [],
            "manager": manager,
            "default_kind": default_form_kind(round.kind),
            "kinds": [(kind, form_kind_label(kind)) for kind in FormKind.ALL],
        },
    )


def _form_download(request: HttpRequest, evaluee_pk: int, kind: str) -> HttpResponse:
    actor = acting_user(request)
    evaluee = access_form_evaluee(actor=actor, pk=evaluee_pk)
    content = form_bytes(evaluee, kind)
    audit_record(
        actor=actor,
        action="evaluation_form.download",
        obj=evaluee,
        detail={"form": kind, "name": evaluee.assignment.cadre.name},
    )
    return docx_response(content, form_filename(evaluee, kind))


@roles_required(*FORM_ROLES)
def form_annual(request: HttpRequest, evaluee_pk: int) -> HttpResponse:
    """The person's 年度考核登记表 (.docx)."""
    return _form_download(request, evaluee_pk, FormKind.ANNUAL)


@roles_required(*FORM_ROLES)
def form_appraisal(request: HttpRequest, evaluee_pk: int) -> HttpResponse:
    """The person's 挂职锻炼干部总结鉴定表 (.docx)."""
    return _form_download(request, evaluee_pk, FormKind.APPRAISAL)


@roles_required(Role.COORDINATOR)
@require_POST
def form_batch(request: HttpRequest, round_pk: int) -> HttpResponse:
    """Every person's form of the round in one zip: starts the job and shows its page."""
    actor = acting_user(request)
    round = access_round(actor=actor, pk=round_pk, manage=True)
    kind = request.POST.get("form", "")
    if kind not in FormKind.ALL:
        kind = default_form_kind(round.kind)
    count = form_evaluees(actor=actor, round=round).count()
    if not count:
        messages.error(request, gettext("该考核没有考核对象，没有可以导出的考核表。"))
        return redirect("evaluation:form_list", round_pk=round.pk)
    with transaction.atomic():
        job = job_start(
            actor=actor, kind=EVALUATION_FORMS, params={"round": round.pk, "form": kind}
        )
        audit_record(
            actor=actor,
            action="evaluation_form.batch_export",
            obj=round,
            detail={"form": kind, "count": count},
        )
    return redirect("core:job_detail", job_pk=job.pk)


@roles_required(*BATCH_STAFF_ROLES)
def roster_export(request: HttpRequest, round_pk: int) -> HttpResponse:
    """The 考核花名册 (.xlsx) of the people the actor reads, results where they may see them."""
    actor = acting_user(request)
    round = access_round(actor=actor, pk=round_pk)
    rows = roster_rows(actor=actor, round=round)
    content = roster_workbook(round=round, rows=rows)
    audit_record(
        actor=actor,
        action="evaluation_roster.export",
        obj=round,
        detail={"rows": len(rows), "with_results": sum(1 for row in rows if row.shown)},
    )
    return xlsx_response(content, roster_filename(round))
