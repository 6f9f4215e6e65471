"""The work log pages: a person's log with the form to add an entry (phone first), one entry,
its correction and removal, and the batch's 工作纪实 tab (per month, per group, per person).

Everyone whose roles reach the person reads the log; only the person writes it. "添加一行"
works without JavaScript (the form comes back with one more row); with htmx only the rows are
swapped, so what is typed and the files chosen stay in place. Enter in a field saves: the
form's first button is a hidden 保存, so a phone's 前往 key never adds a row instead.

The person's log page is the one a cadre opens most (benchmarks/duty_pages.py measures it):
a reader's page builds no entry form, the person's blank form is drawn once a day and kept,
and 更多 computes nothing but the next entries.
"""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template import engines
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_POST
from markupsafe import Markup

from guazhi.core.attachments import max_attachment_bytes
from guazhi.core.errors import GuazhiError, InvalidTransition, ValidationFailed
from guazhi.core.forms import show_service_errors
from guazhi.core.page_cache import cached_page
from guazhi.core.rendering import render_page
from guazhi.duty.forms.logs import (
    DEFAULT_ROWS,
    LogBatchFilterForm,
    LogEntryForm,
    LogFilterForm,
    QuantityRowForm,
    posted_row_count,
    quantity_rows,
)
from guazhi.duty.models import DutyRules
from guazhi.duty.periods import month_start, parse_month
from guazhi.duty.selectors import logs as selectors
from guazhi.duty.selectors.scope import access_duty_assignment, is_own
from guazhi.duty.services import logs as services
from guazhi.duty.services.rules import duty_rules_of
from guazhi.duty.views.common import act, render_batch_page, render_person_page
from guazhi.orgs.access import acting_user, roles_required
from guazhi.orgs.models import Role
from guazhi.programmes.models import Assignment, AssignmentState
from guazhi.programmes.selectors.scope import BATCH_STAFF_ROLES, access_batch

EVERYONE = (*BATCH_STAFF_ROLES, Role.CADRE)


# The person's blank entry form as drawn: for one person on one day in one language it is
# always the same (today's date offered, the batch's categories, the size limit), and drawing
# its widgets cost about a fifth of the whole page, the page a cadre opens most. A form coming
# back with what was typed or with errors is always drawn afresh. Bounded like core.jinja.url.
_blank_forms: dict[tuple[Any, ...], str] = {}
BLANK_FORMS_MAX = 2000


def blank_form_html(
    request: HttpRequest, assignment: Assignment, rules: DutyRules, today: dt.date
) -> Markup:
    """The fields of the person's blank entry form (log_list.html's block "entry_fields"),
    drawn on the first visit of the day and kept; the forms are not even built afterwards."""
    key = (
        get_language(),
        today,
        tuple(rules.log_categories),
        max_attachment_bytes(),
        assignment.pk,
    )
    found = _blank_forms.get(key)
    if found is None:
        form, rows = _entry_forms(
            request, categories=rules.log_categories, initial={"date": today, "category": ""}
        )
        template = engines["jinja2"].get_template("duty/log_list.html").template  # type: ignore[attr-defined]
        context = template.new_context({"form": form, "rows": rows, "assignment": assignment})
        found = "".join(template.blocks["entry_fields"](context))
        if len(_blank_forms) >= BLANK_FORMS_MAX:
            _blank_forms.clear()
        _blank_forms[key] = found
    return Markup(found)


def _writable(actor: Any, assignment: Assignment) -> bool:
    return assignment.state == AssignmentState.ACTIVE and is_own(actor=actor, assignment=assignment)


def _entry_forms(
    request: HttpRequest,
    *,
    categories: list[str],
    initial: dict[str, Any] | None = None,
    initial_rows: list[dict[str, Any]] | None = None,
    files: list[Any] | None = None,
) -> tuple[LogEntryForm, list[QuantityRowForm]]:
    posted = request.method == "POST"
    initial_rows = initial_rows or []
    count = len(initial_rows) + 1 if initial_rows else DEFAULT_ROWS
    if posted:
        count = posted_row_count(request.POST, count) + (1 if "add_row" in request.POST else 0)
    form = LogEntryForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        categories=categories,
        files=files or [],
        initial=initial,
    )
    rows = quantity_rows(request.POST if posted else None, count=count, initial=initial_rows)
    return form, rows


def _save(form: LogEntryForm, rows: list[QuantityRowForm], service: Any, **arguments: Any) -> Any:
    """The service's answer, or None with its refusal on the form (a row's message on the row)."""
    valid = form.is_valid()
    if not (all([row.is_valid() for row in rows]) and valid):
        return None
    if "remove_files" in form.fields:
        arguments["remove_files"] = form.cleaned_data.get("remove_files") or []
    try:
        return service(
            **arguments,
            **form.entry_fields(),
            quantities=[row.row() for row in rows],
            files=form.cleaned_data.get("files") or [],
        )
    except ValidationFailed as error:
        show_service_errors(form, error, rows={"quantities": rows})
    except InvalidTransition as error:
        form.add_error(None, str(error.message))
    return None


@roles_required(*EVERYONE)
@cached_page
def log_list(request: HttpRequest, assignment_pk: int) -> HttpResponse:
    actor = acting_user(request)
    assignment = access_duty_assignment(actor=actor, pk=assignment_pk)
    today = timezone.localdate()
    rules = duty_rules_of(assignment.batch)
    if request.method == "GET" and request.GET.get("after") and request.htmx:  # type: ignore[attr-defined]
        # 更多 through htmx: the next entries alone, nothing else of the page is computed.
        return render_page(
            request,
            "duty/log_list.html",
            _entries_context(request, assignment, rules, today),
            partial="entries",
        )
    # A reader's page has no entry form (the person's own page is the only one with it), and
    # the person's blank one comes drawn already; a POST always reaches the service, which
    # refuses anyone but the person.
    form: LogEntryForm | None = None
    rows: list[QuantityRowForm] = []
    blank = None
    if request.method == "POST":
        form, rows = _entry_forms(
            request, categories=rules.log_categories, initial={"date": today, "category": ""}
        )
    elif _writable(actor, assignment):
        blank = blank_form_html(request, assignment, rules, today)
    if request.method == "POST" and "add_row" in request.POST:
        if request.htmx:  # type: ignore[attr-defined]
            # Only the rows go back: nothing else of the page is computed.
            return render_page(
                request,
                "duty/log_list.html",
                {"rows": rows, "assignment": assignment},
                partial="quantity_rows",
            )
        # Without JavaScript the whole page comes back, with one more row.
    elif request.method == "POST":
        assert form is not None
        entry = _save(
            form, rows, services.log_entry_create, actor=actor, assignment=assignment, today=today
        )
        if entry is not None:
            messages.success(request, gettext("已记录“%(title)s”。") % {"title": entry.title})
            return redirect("duty:log_list", assignment_pk=assignment.pk)
    months = []
    if rules.monthly_accomplishment_required:
        months = selectors.log_months(actor=actor, assignment=assignment, today=today, rules=rules)
    return render_person_page(
        request,
        "duty/log_list.html",
        assignment,
        {
            "form": form,
            "rows": rows,
            "blank_form_html": blank,
            "months": months,
            **_entries_context(request, assignment, rules, today),
        },
    )


def _entries_context(
    request: HttpRequest, assignment: Assignment, rules: DutyRules, today: dt.date
) -> dict[str, Any]:
    """The filters and the page of entries they choose (the whole list, or 更多's next page)."""
    actor = acting_user(request)
    months = list(reversed(selectors.term_months(assignment, until=today)))
    filters = LogFilterForm(request.GET or None, months=months, categories=rules.log_categories)
    chosen: dict[str, Any] = filters.cleaned_data if filters.is_valid() else {}
    params = {
        key: value
        for key, value in (
            ("month", chosen.get("month") or ""),
            ("category", chosen.get("category") or ""),
            ("accomplishments", "on" if chosen.get("accomplishments") else ""),
        )
        if value
    }
    page = selectors.log_entry_page(
        actor=actor,
        assignment=assignment,
        month=parse_month(params.get("month", "")),
        category=params.get("category", ""),
        accomplishments_only="accomplishments" in params,
        after=request.GET.get("after", ""),
    )
    return {
        "filters": filters,
        "params": params,
        "page": page,
        "continued": bool(request.GET.get("after")),
    }


@roles_required(*EVERYONE)
def log_entry_detail(request: HttpRequest, log_entry_pk: int) -> HttpResponse:
    actor = acting_user(request)
    entry = selectors.access_log_entry(actor=actor, pk=log_entry_pk)
    assignment = entry.assignment
    closed = services.accepted_report_covering(assignment, entry.date)
    return render_person_page(
        request,
        "duty/log_entry_detail.html",
        assignment,
        {
            "entry": entry,
            "quantities": list(entry.quantities.all()),
            "files": selectors.entry_files(entry),
            "tasks": list(entry.tasks.order_by("target_month", "id")),
            "editable": _writable(actor, assignment) and closed is None,
            "closed": services.closed_message(closed) if closed is not None else "",
        },
    )


@roles_required(Role.CADRE)
def log_entry_edit(request: HttpRequest, log_entry_pk: int) -> HttpResponse:
    actor = acting_user(request)
    entry = selectors.access_log_entry(actor=actor, pk=log_entry_pk)
    assignment = entry.assignment
    if not _writable(actor, assignment):
        messages.error(request, gettext("工作纪实只能由挂职干部本人在挂职期间修改。"))
        return redirect("duty:log_entry_detail", log_entry_pk=entry.pk)
    closed = services.accepted_report_covering(assignment, entry.date)
    if closed is not None:
        messages.error(request, services.closed_message(closed))
        return redirect("duty:log_entry_detail", log_entry_pk=entry.pk)
    rules = duty_rules_of(assignment.batch)
    files = [f.attachment for f in selectors.entry_files(entry)]
    form, rows = _entry_forms(
        request,
        categories=rules.log_categories,
        initial={
            "date": entry.date,
            "category": entry.category,
            "title": entry.title,
            "content": entry.content,
            "accomplishment": entry.accomplishment,
        },
        initial_rows=[
            {"label": q.label, "value": f"{q.value.normalize():f}", "unit": q.unit}
            for q in entry.quantities.all()
        ],
        files=files,
    )
    partial = None
    if request.method == "POST" and "add_row" in request.POST:
        partial = "quantity_rows"
    elif request.method == "POST":
        saved = _save(form, rows, services.log_entry_update, actor=actor, entry=entry)
        if saved is not None:
            messages.success(request, gettext("已保存“%(title)s”。") % {"title": saved.title})
            return redirect("duty:log_entry_detail", log_entry_pk=saved.pk)
    return render_person_page(
        request,
        "duty/log_entry_form.html",
        assignment,
        {"entry": entry, "form": form, "rows": rows},
        partial=partial,
    )


@roles_required(Role.CADRE)
@require_POST
def log_entry_delete(request: HttpRequest, log_entry_pk: int) -> HttpResponse:
    actor = acting_user(request)
    entry = selectors.access_log_entry(actor=actor, pk=log_entry_pk)
    if act(
        request,
        gettext("已删除“%(title)s”。") % {"title": entry.title},
        services.log_entry_delete,
        refusals=(GuazhiError,),
        actor=actor,
        entry=entry,
    ):
        return redirect("duty:log_list", assignment_pk=entry.assignment_id)
    return redirect("duty:log_entry_detail", log_entry_pk=entry.pk)


@roles_required(*BATCH_STAFF_ROLES)
def log_batch(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk)
    today = timezone.localdate()
    months = selectors.log_batch_months(batch)
    groups = selectors.log_batch_groups(batch)
    default = min(max(month_start(today), months[0]), months[-1]) if months else None
    filters = LogBatchFilterForm(
        request.GET or None,
        months=months,
        groups=groups,
        initial={"month": default.strftime("%Y-%m") if default else ""},
    )
    chosen: dict[str, Any] = filters.cleaned_data if filters.is_valid() else {}
    month = parse_month(chosen.get("month") or "") or default
    summary = (
        selectors.log_batch_month(
            actor=actor, batch=batch, month=month, group=chosen.get("group") or "", today=today
        )
        if month is not None
        else None
    )
    return render_batch_page(
        request,
        "duty/log_batch.html",
        batch,
        {
            "filters": filters,
            "summary": summary,
            "month_param": month.strftime("%Y-%m") if month else "",
        },
    )
