"""A background job's page (progress, then its outcome) and its result file, for its owner only."""

import mimetypes
import uuid

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect

from guazhi.core.audit import audit_record
from guazhi.core.errors import NotFound
from guazhi.core.jobs import access_job, job_failure, job_kind_get, job_kind_label
from guazhi.core.models import Job
from guazhi.core.rendering import render_page
from guazhi.core.spreadsheets import XLSX_CONTENT_TYPE, attachment_header
from guazhi.orgs.access import ANY_ROLE, roles_required
from guazhi.orgs.scopes import scopes_of


@roles_required(ANY_ROLE)
def job_detail(request: HttpRequest, job_pk: uuid.UUID) -> HttpResponse:
    job = access_job(actor=request.user, pk=job_pk)
    failure = job_failure(job) if job.state == Job.State.FAILED else None
    return render_page(
        request,
        "core/job_detail.html",
        {
            "job": job,
            "label": job_kind_label(job.kind),
            "failure": failure,
            "errors": failure.problems if failure else None,
            "states": Job.State,
        },
        partial="status",
    )


def _still_entitled(request: HttpRequest, job: Job) -> bool:
    """The owner still holds a role that may start the job (JobKind.roles)."""
    found = job_kind_get(job.kind)
    return found is None or not found.roles or scopes_of(request.user).has(*found.roles)


@roles_required(ANY_ROLE)
def job_download(request: HttpRequest, job_pk: uuid.UUID) -> HttpResponseBase:
    job = access_job(actor=request.user, pk=job_pk)
    if not job.finished:
        # Not ready yet (a link followed too early): the job's page shows how far it has got.
        return redirect("core:job_detail", job_pk=job.pk)
    name = job.result.get("file") if job.state == Job.State.SUCCEEDED else None
    if not name or not default_storage.exists(name) or not _still_entitled(request, job):
        raise NotFound()
    filename = job.result.get("filename") or "export.xlsx"
    # Taking personal data out of the system is what an auditor asks about: record each download.
    audit_record(
        actor=request.user,
        action="export.download",
        obj=job,
        detail={"kind": job.kind, "filename": filename, "rows": job.result.get("rows")},
    )
    content_type = (
        XLSX_CONTENT_TYPE
        if filename.endswith(".xlsx")
        else mimetypes.guess_type(filename)[0] or "application/octet-stream"
    )
    response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
    response["Content-Disposition"] = attachment_header(filename)
    response["Cache-Control"] = "private, no-store"
    return response
