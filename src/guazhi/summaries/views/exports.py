"""Word exports of summaries: one summary at once, a batch's as a zip made by a background job.

Taking personal writing out of the system is what an auditor asks about: each download of a
summary is audited, and a batch export once when it starts (its file's download is audited by
the job page).
"""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from guazhi.core.audit import audit_record
from guazhi.core.documents import docx_response
from guazhi.core.errors import NotFound
from guazhi.core.jobs import job_start
from guazhi.orgs.access import acting_user, roles_required
from guazhi.programmes.selectors.scope import (
    BATCH_READER_ROLES,
    BATCH_STAFF_ROLES,
    access_batch,
)
from guazhi.summaries.documents import summary_docx_bytes, summary_filename
from guazhi.summaries.forms.exports import BatchExportForm
from guazhi.summaries.jobs import SUMMARIES_EXPORT
from guazhi.summaries.selectors.exports import summaries_for_export
from guazhi.summaries.selectors.scope import access_summary, can_read_summary_text


@roles_required(*BATCH_READER_ROLES)
def summary_word(request: HttpRequest, summary_pk: int) -> HttpResponse:
    """The summary as a .docx in the official format, for whoever may read it."""
    actor = acting_user(request)
    summary = access_summary(actor=actor, pk=summary_pk)
    if not can_read_summary_text(actor=actor, summary=summary):
        raise NotFound()  # a draft never submitted is the person's own, its text included
    content = summary_docx_bytes(summary)
    audit_record(
        actor=actor,
        action="summary.export",
        obj=summary,
        detail={"summary_kind": summary.kind, "summary_state": summary.state},
    )
    return docx_response(content, summary_filename(summary))


@roles_required(*BATCH_STAFF_ROLES)
@require_POST
def batch_export(request: HttpRequest, batch_pk: int) -> HttpResponse:
    """The batch's summaries in the actor's scope (optionally of one state and kind) as a zip of
    Word files: starts the job and shows its page with the progress bar."""
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk)
    back = redirect("summaries:batch_summaries", batch_pk=batch.pk)
    form = BatchExportForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("请从挂职总结页面选择要导出的总结。"))
        return back
    state, kind = form.cleaned_data["state"], form.cleaned_data["kind"]
    count = summaries_for_export(actor=actor, batch=batch, state=state, kind=kind).count()
    if not count:
        messages.error(request, gettext("没有符合条件的挂职总结可以导出。"))
        return back
    with transaction.atomic():
        job = job_start(
            actor=actor,
            kind=SUMMARIES_EXPORT,
            params={"batch": batch.pk, "state": state, "kind": kind},
        )
        audit_record(
            actor=actor,
            action="summary.batch_export",
            obj=batch,
            detail={"summary_state": state, "summary_kind": kind, "count": count},
        )
    return redirect("core:job_detail", job_pk=job.pk)
