"""The matching pages (人岗匹配): runs of a batch, one run with its explanations, two runs
compared, pins and forbids, adopting a run and exporting its list. Coordinators only.

The run page polls itself while the run computes in its background job (htmx, like a job's
page), then shows the result in the same block, so the person never leaves it.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from guazhi.core.errors import GuazhiError, ValidationFailed
from guazhi.core.forms import show_service_errors
from guazhi.core.spreadsheets import xlsx_response
from guazhi.core.text import ascii_number
from guazhi.orgs.access import acting_user, roles_required
from guazhi.programmes.forms.runs import RunCompareForm, RunPairForm, RunStartForm
from guazhi.programmes.models import Batch
from guazhi.programmes.selectors import runs as selectors
from guazhi.programmes.selectors.scope import BATCH_MANAGER_ROLES, access_batch
from guazhi.programmes.services import runs as services
from guazhi.programmes.views.common import act, render_batch_page

TAB = "runs"


@roles_required(*BATCH_MANAGER_ROLES)
def run_list(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk, manage=True)
    rows = selectors.run_rows(batch=batch)
    done = [(row.run.pk, _run_label(row.run)) for row in rows if row.status.state == "done"]
    return render_batch_page(
        request,
        "programmes/run_list.html",
        batch,
        {
            "rows": rows,
            "compare_form": RunCompareForm(
                runs=done, initial={"a": done[1][0] if len(done) > 1 else None}
            )
            if len(done) > 1
            else None,
            **_start_context(batch),
        },
    )


def _start_context(batch: Batch) -> dict[str, Any]:
    """Whether runs may start, and how many pins and forbids the next one will honour."""
    pins, forbids = services.run_pairs_current(batch=batch)
    return {
        "can_start": selectors.can_start_runs(batch=batch),
        "pin_count": len(pins),
        "forbid_count": len(forbids),
    }


def _run_label(run) -> str:  # type: ignore[no-untyped-def]
    return gettext("第%(number)s号（%(mode)s）") % {
        "number": run.number,
        "mode": run.get_mode_display(),
    }


@roles_required(*BATCH_MANAGER_ROLES)
def run_create(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk, manage=True)
    form = RunStartForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                run = services.run_start(
                    actor=actor,
                    batch=batch,
                    mode=form.cleaned_data["mode"],
                    weights=form.weights(),
                    seed=form.cleaned_data["seed"],
                    note=form.cleaned_data["note"],
                    require_choice=form.cleaned_data["require_choice"],
                )
            except ValidationFailed as error:
                show_service_errors(form, error)
            except GuazhiError as error:
                form.add_error(None, str(error.message))
                status = error.status
            else:
                return redirect("programmes:run_detail", run_pk=run.pk)
    return render_batch_page(
        request,
        "programmes/run_form.html",
        batch,
        {"form": form, **_start_context(batch)},
        status=status,
    )


@roles_required(*BATCH_MANAGER_ROLES)
def run_detail(request: HttpRequest, run_pk: int) -> HttpResponse:
    actor = acting_user(request)
    run = selectors.access_run(actor=actor, pk=run_pk)
    focus = request.GET.get("candidate", "")
    report = selectors.run_report(
        run=run,
        candidate=ascii_number(focus),
        page=request.GET.get("page", 1),
        status_only=bool(getattr(request, "htmx", False)),
    )
    return render_batch_page(
        request,
        "programmes/run_detail.html",
        run.batch,
        {
            "run": run,
            "report": report,
            "can_adopt": selectors.can_start_runs(batch=run.batch)
            and report.status.state == "done"
            and not report.adopted,
        },
        partial="run_body",
    )


@roles_required(*BATCH_MANAGER_ROLES)
def run_compare(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk, manage=True)
    done = [(run.pk, _run_label(run)) for run in selectors.done_runs(batch=batch)]
    # A link from a run's page names only that run (?a=): it is preselected, not yet compared.
    chosen = "a" in request.GET and "b" in request.GET
    form = RunCompareForm(
        request.GET if chosen else None,
        runs=done,
        initial={"a": request.GET.get("a", "")[:12]},
    )
    comparison = None
    if form.is_bound and form.is_valid():
        comparison = selectors.run_comparison(
            a=selectors.access_done_run(batch=batch, pk=form.cleaned_data["a"]),
            b=selectors.access_done_run(batch=batch, pk=form.cleaned_data["b"]),
        )
    return render_batch_page(
        request,
        "programmes/run_compare.html",
        batch,
        {
            "form": form,
            "enough": len(done) > 1,
            "comparison": comparison,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@roles_required(*BATCH_MANAGER_ROLES)
def run_pairs(request: HttpRequest, batch_pk: int) -> HttpResponse:
    """The pins and forbids the next run will honour: add one, remove one."""
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk, manage=True)
    applicants, posts = selectors.pair_options(batch=batch)
    pins, forbids = services.run_pairs_current(batch=batch)
    form = RunPairForm(
        request.POST if request.method == "POST" else None, applicants=applicants, posts=posts
    )
    status = 200
    if request.method == "POST" and "remove" in request.POST:
        # A remove button names its pair as "pin:<cadre>-<post>" or "forbid:<cadre>-<post>".
        kind, _sep, named = request.POST["remove"].partition(":")
        cadre, _sep, post = named.partition("-")
        cadre_pk, post_pk = ascii_number(cadre), ascii_number(post)
        if cadre_pk is not None and post_pk is not None:
            target = (cadre_pk, post_pk)
            act(
                request,
                gettext("已保存，下一次匹配将按此执行。"),
                services.run_pairs_set,
                refusals=(GuazhiError,),
                actor=actor,
                batch=batch,
                pins=[p for p in pins if not (kind == "pin" and p == target)],
                forbids=[p for p in forbids if not (kind == "forbid" and p == target)],
            )
        return redirect("programmes:run_pairs", batch_pk=batch.pk)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            pair: tuple[int, int] = (form.cleaned_data["candidate"], form.cleaned_data["post"])
            if form.cleaned_data["kind"] == "pin":
                # A new pin for a person replaces their old one; the pair is no longer forbidden.
                changed = (
                    [p for p in pins if p[0] != pair[0]] + [pair],
                    [p for p in forbids if p != pair],
                )
            else:
                changed = ([p for p in pins if p != pair], [*forbids, pair])
            try:
                services.run_pairs_set(
                    actor=actor, batch=batch, pins=changed[0], forbids=changed[1]
                )
            except ValidationFailed as error:
                show_service_errors(form, error)
            except GuazhiError as error:
                form.add_error(None, str(error.message))
                status = error.status
            else:
                messages.success(request, gettext("已保存，下一次匹配将按此执行。"))
                return redirect("programmes:run_pairs", batch_pk=batch.pk)
    return render_batch_page(
        request,
        "programmes/run_pairs.html",
        batch,
        {
            "form": form,
            "rows": selectors.pair_rows(
                pins=pins, forbids=forbids, applicants=applicants, posts=posts
            ),
            "can_change": selectors.can_start_runs(batch=batch),
        },
        status=status,
    )


@roles_required(*BATCH_MANAGER_ROLES)
@require_POST
def run_adopt(request: HttpRequest, run_pk: int) -> HttpResponse:
    actor = acting_user(request)
    run = selectors.access_run(actor=actor, pk=run_pk)
    act(
        request,
        lambda created: (
            gettext("已采纳第%(number)s号匹配方案，拟任 %(n)s 人。")
            % {"number": run.number, "n": len(created)}
        ),
        services.run_adopt,
        refusals=(GuazhiError,),
        actor=actor,
        run=run,
    )
    return redirect("programmes:run_detail", run_pk=run.pk)


@roles_required(*BATCH_MANAGER_ROLES)
def run_export(request: HttpRequest, run_pk: int) -> HttpResponse:
    # At most a batch's posts in rows, read from the stored result: quick enough to answer at
    # once, where the roster export (a whole province) needs a background job.
    actor = acting_user(request)
    run = selectors.access_run(actor=actor, pk=run_pk)
    try:
        content = services.run_export(actor=actor, run=run)
    except GuazhiError as error:
        messages.error(request, str(error.message))
        return redirect("programmes:run_detail", run_pk=run.pk)
    return xlsx_response(content, services.run_export_filename(run))
