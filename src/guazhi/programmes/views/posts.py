"""Post pages: a batch's posts, creating and editing one, and importing them from Excel.

Everyone who sees a batch reads its posts (host leaders those of their own units); the
coordinators of the batch write them while it is in planning or recruiting. The import runs
as a background job (core.jobs), like the unit import: the page checks the upload, starts the
job and sends the browser to the job's page, which shows progress and then the outcome.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext, gettext_lazy

from guazhi.core.jobs import job_start
from guazhi.core.spreadsheets import MAX_UPLOAD_BYTES, sheet_sample, xlsx_response
from guazhi.orgs.access import acting_user, roles_required
from guazhi.orgs.imports import manageable_units
from guazhi.orgs.models import Organisation
from guazhi.orgs.views.transfers import XlsxUploadForm
from guazhi.programmes import imports
from guazhi.programmes.forms.posts import PostForm
from guazhi.programmes.models import Batch, Post
from guazhi.programmes.selectors import batches as selectors
from guazhi.programmes.selectors.scope import (
    BATCH_MANAGER_ROLES,
    BATCH_READER_ROLES,
    access_batch,
    can_manage_batch,
)
from guazhi.programmes.services import posts as services
from guazhi.programmes.views.common import render_batch_page, submit

PAGE_SIZE = 50
SAMPLE_FILENAME = gettext_lazy("岗位导入模板.xlsx")


@roles_required(*BATCH_READER_ROLES)
def post_list(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk)
    posts = selectors.post_list(actor=actor, batch=batch)
    page = Paginator(posts, PAGE_SIZE).get_page(request.GET.get("page"))
    totals = posts.aggregate(capacity=Sum("capacity"))
    return render_batch_page(
        request,
        "programmes/post_list.html",
        batch,
        {
            "page": page,
            "capacity": totals["capacity"] or 0,
            "can_edit": can_manage_batch(actor=actor, batch=batch)
            and selectors.posts_editable(batch),
        },
        partial="results",
    )


@roles_required(*BATCH_MANAGER_ROLES)
def post_create(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk, manage=True)
    return _post_form_page(request, batch, None, selectors.batch_unit_choices(actor=actor))


@roles_required(*BATCH_MANAGER_ROLES)
def post_edit(request: HttpRequest, post_pk: int) -> HttpResponse:
    actor = acting_user(request)
    post = selectors.access_post(actor=actor, pk=post_pk, manage=True)
    units = selectors.batch_unit_choices(actor=actor)
    # The post's own unit stays on offer even if someone else (an admin) chose it.
    units = (units | units.model.objects.filter(pk=post.host_unit_id)).distinct().order_by("path")
    return _post_form_page(request, post.batch, post, units)


def _post_form_page(
    request: HttpRequest, batch: Batch, post: Post | None, units: QuerySet[Organisation]
) -> HttpResponse:
    """Add a post (post None) or edit one: the same form and page."""
    actor = acting_user(request)
    form = PostForm(
        request.POST if request.method == "POST" else None,
        units=units,
        initial=PostForm.initial_for(post) if post is not None else None,
    )
    if request.method == "POST" and form.is_valid():
        if post is None:
            saved = submit(
                form, services.post_create, actor=actor, batch=batch, **form.post_fields()
            )
        else:
            saved = submit(form, services.post_update, actor=actor, post=post, **form.post_fields())
        if saved is not None:
            if post is None:
                messages.success(
                    request,
                    gettext("已新增岗位“%(unit)s %(title)s”。")
                    % {"unit": saved.host_unit.name, "title": saved.title},
                )
            else:
                messages.success(request, gettext("岗位信息已保存。"))
            again = post is None and "again" in request.POST
            return redirect(
                "programmes:post_create" if again else "programmes:post_list", batch_pk=batch.pk
            )
    return render_batch_page(
        request,
        "programmes/post_form.html",
        batch,
        {"form": form, "post": post, "editable": selectors.posts_editable(batch)},
        status=400 if form.is_bound else 200,
    )


@roles_required(*BATCH_MANAGER_ROLES)
def post_import(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk, manage=True)
    editable = selectors.posts_editable(batch)
    form = XlsxUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and editable and form.is_valid():
        job = job_start(
            actor=actor,
            kind=imports.POST_IMPORT,
            params={"batch": batch.pk},
            upload=form.cleaned_data["file"],
        )
        return redirect("core:job_detail", job_pk=job.pk)
    return render_batch_page(
        request,
        "programmes/post_import.html",
        batch,
        {
            "form": form,
            "spec": imports.post_spec(),
            "editable": editable,
            "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
        },
        status=400 if form.is_bound else 200,
    )


@roles_required(*BATCH_MANAGER_ROLES)
def post_import_sample(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    access_batch(actor=actor, pk=batch_pk, manage=True)
    labels = manageable_units(actor).labels()
    return xlsx_response(sheet_sample(imports.post_spec(labels)), str(SAMPLE_FILENAME))
