"""Excel in and out: importing units and the cadre roster, their sample sheets, the roster export.

The work runs as a background job (core.jobs); these views only check the upload, start the
job and send the browser to the job's page, which shows progress and then the outcome.
Unit import is for coordinators; the roster is for coordinators and dispatch admins, each
within the units their roles reach (the importer checks every row against that scope).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from guazhi.core.forms import GuazhiForm
from guazhi.core.jobs import job_start
from guazhi.core.rendering import render_page
from guazhi.core.spreadsheets import (
    MAX_UPLOAD_BYTES,
    SheetSpec,
    sheet_sample,
    xlsx_response,
    xlsx_upload_problem,
)
from guazhi.orgs import imports
from guazhi.orgs.access import acting_user, roles_required
from guazhi.orgs.models import Role, User
from guazhi.orgs.scopes import ROSTER_KEEPERS

UNIT_IMPORTERS = (Role.COORDINATOR,)


class XlsxUploadForm(GuazhiForm):
    file = forms.FileField(
        label=gettext_lazy("Excel 文件（.xlsx，不超过 5 MB）"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
        error_messages={"required": gettext_lazy("请选择要上传的 Excel 文件。")},
    )

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        problem = xlsx_upload_problem(upload, upload.size)
        if problem:
            raise forms.ValidationError(problem)
        return upload


@dataclass(frozen=True)
class _Sheet:
    """What tells the unit import from the roster import; the pages are otherwise one."""

    job_kind: str
    spec: Callable[..., SheetSpec]  # called with the unit labels the sample offers
    units: Callable[[User], imports.UnitIndex]  # the units a row of this sheet may name
    template: str
    sample_url: str
    sample_filename: str | Promise  # in the reader's language, like the sample's sheet titles


UNIT_UPLOAD = _Sheet(
    job_kind=imports.UNIT_IMPORT,
    spec=imports.unit_spec,
    units=imports.manageable_units,
    template="orgs/import_units.html",
    sample_url="orgs:unit_import_sample",
    sample_filename=gettext_lazy("单位导入模板.xlsx"),
)
ROSTER_UPLOAD = _Sheet(
    job_kind=imports.CADRE_IMPORT,
    spec=imports.cadre_spec,
    units=imports.roster_units,
    template="orgs/import_cadres.html",
    sample_url="orgs:cadre_import_sample",
    sample_filename=gettext_lazy("干部名册导入模板.xlsx"),
)


def _import_page(request: HttpRequest, sheet: _Sheet) -> HttpResponse:
    form = XlsxUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        job = job_start(
            actor=request.user, kind=sheet.job_kind, params={}, upload=form.cleaned_data["file"]
        )
        return redirect("core:job_detail", job_pk=job.pk)
    return render_page(
        request,
        sheet.template,
        {
            "form": form,
            "spec": sheet.spec(),
            "sample_url": sheet.sample_url,
            "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
        },
        status=400 if form.is_bound else 200,
    )


def _sample(request: HttpRequest, sheet: _Sheet) -> HttpResponse:
    labels = sheet.units(acting_user(request)).labels()
    return xlsx_response(sheet_sample(sheet.spec(labels)), str(sheet.sample_filename))


@roles_required(*UNIT_IMPORTERS)
def unit_import(request: HttpRequest) -> HttpResponse:
    return _import_page(request, UNIT_UPLOAD)


@roles_required(*UNIT_IMPORTERS)
def unit_import_sample(request: HttpRequest) -> HttpResponse:
    return _sample(request, UNIT_UPLOAD)


@roles_required(*ROSTER_KEEPERS)
def cadre_import(request: HttpRequest) -> HttpResponse:
    return _import_page(request, ROSTER_UPLOAD)


@roles_required(*ROSTER_KEEPERS)
def cadre_import_sample(request: HttpRequest) -> HttpResponse:
    return _sample(request, ROSTER_UPLOAD)


@roles_required(*ROSTER_KEEPERS)
@require_POST
def cadre_export(request: HttpRequest) -> HttpResponse:
    # POST only: starting work is a change of state, never what a prefetch or crawler may send.
    query = request.POST.get("q", "")[:50]
    job = job_start(actor=request.user, kind=imports.CADRE_EXPORT, params={"query": query})
    return redirect("core:job_detail", job_pk=job.pk)
