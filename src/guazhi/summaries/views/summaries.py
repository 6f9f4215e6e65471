"""Summary pages: a person's summaries, one summary (read view, trail, the step its reader may
take), the person's editor with its JSON autosave endpoint, a batch's overview and template.

The cadre writes on a phone as often as at a desk: every page is a column of panels, tables turn
into cards under 600 px (data-label), and the editor is a column of textareas. The editor saves
by itself (static/js/summary_editor.js: after 3 s without typing and on leaving the page, with
every keystroke also kept in the browser's localStorage) and works as a plain form without
JavaScript: the form carries the version it was loaded at, so a save made meanwhile elsewhere
shows both texts instead of being overwritten, with or without JavaScript.
"""

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.db import models
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from guazhi.core.errors import Forbidden, GuazhiError, InvalidTransition, NotFound, ValidationFailed
from guazhi.core.forms import GuazhiForm, show_service_errors
from guazhi.core.text import ascii_number
from guazhi.duty.navigation import EVERYONE_CONCERNED
from guazhi.duty.selectors.scope import access_duty_assignment, is_own
from guazhi.duty.views.common import render_batch_page, render_person_page, submit
from guazhi.orgs.access import acting_user, roles_required
from guazhi.orgs.models import Role
from guazhi.programmes.selectors.scope import BATCH_STAFF_ROLES, access_batch, can_manage_batch
from guazhi.summaries.forms.exports import BatchExportForm
from guazhi.summaries.models import SummaryKind, SummarySection, SummaryState
from guazhi.summaries.models.summaries import Summary
from guazhi.summaries.selectors import summaries as selectors
from guazhi.summaries.selectors.library import library_panel
from guazhi.summaries.selectors.scope import access_summary
from guazhi.summaries.services import summaries as services
from guazhi.summaries.services.summaries import SummaryEditConflict
from guazhi.summaries.services.templates import (
    FIXED_SECTIONS,
    HEADING_MAX_LENGTH,
    summary_template_of,
    summary_template_update,
)

REVIEWER_ROLES = (Role.COORDINATOR, Role.GROUP_LEADER)
REFUSALS = (InvalidTransition, Forbidden)
# Empty rows the template page offers for new sections at a time.
NEW_TEMPLATE_ROWS = 2


# --- forms ----------------------------------------------------------------------------------


class StartForm(GuazhiForm):
    kind = forms.ChoiceField(choices=SummaryKind.choices, widget=forms.HiddenInput)


class EditorForm(GuazhiForm):
    """The title and one textarea per section (section_<key>), with the version the text was
    loaded at. Blank sections are allowed while writing; submitting refuses them."""

    base_version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    title = forms.CharField(label=gettext_lazy("标题"), max_length=services.TITLE_MAX_LENGTH)

    def __init__(self, *args: Any, sections: list[SummarySection], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sections = sections
        for section in sections:
            self.fields[f"section_{section.key}"] = forms.CharField(
                label=section.heading,
                required=False,
                strip=False,
                max_length=services.BODY_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 8, "data-section-key": section.key}),
            )

    def section_fields(self) -> list[forms.BoundField]:
        return [self[f"section_{section.key}"] for section in self.sections]

    def bodies(self) -> dict[str, str]:
        return {
            section.key: self.cleaned_data[f"section_{section.key}"] for section in self.sections
        }

    @classmethod
    def initial_of(cls, summary: Summary, sections: list[SummarySection]) -> dict[str, Any]:
        return {
            "base_version": summary.version,
            "title": summary.title,
            **{f"section_{section.key}": section.body for section in sections},
        }


class ReviewDecision(models.TextChoices):
    ACCEPT = "accept", gettext_lazy("通过")
    RETURN = "return", gettext_lazy("退回修改")


class ReviewForm(GuazhiForm):
    decision = forms.ChoiceField(
        label=gettext_lazy("审阅结果"), choices=ReviewDecision.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=gettext_lazy("审阅意见"),
        required=False,
        max_length=services.COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("退回时必须填写，说明需要修改的地方。"),
    )


class AppraisalForm(GuazhiForm):
    appraisal = forms.CharField(
        label=gettext_lazy("鉴定意见"),
        max_length=services.COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("接收单位对其挂职期间思想、工作、作风等方面的鉴定。"),
        error_messages={"required": gettext_lazy("请填写鉴定意见。")},
    )


class ArchiveForm(GuazhiForm):
    comment = forms.CharField(
        label=gettext_lazy("备注"),
        required=False,
        max_length=services.COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OverviewFilter(GuazhiForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("总结类型"),
        required=False,
        choices=[("", gettext_lazy("全部类型")), *SummaryKind.choices],
    )
    state = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[("", gettext_lazy("全部状态")), *selectors.state_filter_choices()],
    )


# --- a person's summaries -------------------------------------------------------------------


@roles_required(*EVERYONE_CONCERNED)
def summary_list(request: HttpRequest, assignment_pk: int) -> HttpResponse:
    actor = acting_user(request)
    assignment = access_duty_assignment(actor=actor, pk=assignment_pk)
    return render_person_page(
        request,
        "summaries/summary_list.html",
        assignment,
        {
            "rows": selectors.person_summary_rows(actor=actor, assignment=assignment),
            "own": is_own(actor=actor, assignment=assignment),
            "today": timezone.localdate(),
        },
    )


@roles_required(Role.CADRE)
@require_POST
def summary_start(request: HttpRequest, assignment_pk: int) -> HttpResponse:
    """Draft the summary of the kind posted (or open it, made before) and go to its editor."""
    actor = acting_user(request)
    assignment = access_duty_assignment(actor=actor, pk=assignment_pk)
    form = StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("请选择总结类型。"))
        return redirect("summaries:summary_list", assignment_pk=assignment.pk)
    try:
        summary = services.summary_draft(
            actor=actor, assignment=assignment, kind=form.cleaned_data["kind"]
        )
    except (*REFUSALS, ValidationFailed) as refusal:
        messages.error(request, str(refusal.message))
        return redirect("summaries:summary_list", assignment_pk=assignment.pk)
    if selectors.can_edit_summary(actor=actor, summary=summary):
        return redirect("summaries:summary_edit", summary_pk=summary.pk)
    return redirect("summaries:summary_detail", summary_pk=summary.pk)


# --- one summary ----------------------------------------------------------------------------


def _detail_page(
    request: HttpRequest,
    summary: Summary,
    *,
    review_form: ReviewForm | None = None,
    appraisal_form: AppraisalForm | None = None,
    archive_form: ArchiveForm | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = acting_user(request)
    actions = selectors.summary_actions(actor=actor, summary=summary)
    panel = library_panel(actor=actor, summary=summary)
    return render_person_page(
        request,
        "summaries/summary_detail.html",
        summary.assignment,
        {
            "summary": summary,
            "actions": actions,
            "sections": selectors.summary_sections(summary) if actions.read_text else [],
            "trail": selectors.summary_trail(summary),
            "own": is_own(actor=actor, assignment=summary.assignment),
            "review_form": (review_form or ReviewForm()) if actions.review else None,
            "appraisal_form": (appraisal_form or AppraisalForm()) if actions.appraise else None,
            "archive_form": (archive_form or ArchiveForm()) if actions.archive else None,
            "panel": panel,
        },
        status=status,
    )


@roles_required(*EVERYONE_CONCERNED)
def summary_detail(request: HttpRequest, summary_pk: int) -> HttpResponse:
    summary = access_summary(actor=acting_user(request), pk=summary_pk)
    return _detail_page(request, summary)


def _refused_step(request: HttpRequest, summary: Summary) -> HttpResponse:
    messages.error(
        request,
        gettext("该总结当前为“%(state)s”，您不能执行此操作。")
        % {"state": summary.get_state_display()},
    )
    return redirect("summaries:summary_detail", summary_pk=summary.pk)


@roles_required(*REVIEWER_ROLES)
@require_POST
def summary_review(request: HttpRequest, summary_pk: int) -> HttpResponse:
    actor = acting_user(request)
    summary = access_summary(actor=actor, pk=summary_pk)
    if not selectors.summary_actions(actor=actor, summary=summary).review:
        return _refused_step(request, summary)
    form = ReviewForm(request.POST)
    if form.is_valid():
        accepting = form.cleaned_data["decision"] == ReviewDecision.ACCEPT
        done = submit(
            form,
            services.summary_accept if accepting else services.summary_return,
            refusals=REFUSALS,
            actor=actor,
            summary=summary,
            comment=form.cleaned_data["comment"],
        )
        if done is not None:
            messages.success(
                request,
                gettext("总结已通过审阅，接收单位会收到通知填写鉴定意见。")
                if accepting
                else gettext("总结已退回，本人会收到通知。"),
            )
            return redirect("summaries:summary_detail", summary_pk=summary.pk)
    return _detail_page(request, summary, review_form=form)


@roles_required(Role.HOST_LEADER)
@require_POST
def summary_appraise(request: HttpRequest, summary_pk: int) -> HttpResponse:
    actor = acting_user(request)
    summary = access_summary(actor=actor, pk=summary_pk)
    if not selectors.summary_actions(actor=actor, summary=summary).appraise:
        return _refused_step(request, summary)
    form = AppraisalForm(request.POST)
    if form.is_valid():
        done = submit(
            form,
            services.summary_appraise,
            refusals=REFUSALS,
            actor=actor,
            summary=summary,
            appraisal=form.cleaned_data["appraisal"],
        )
        if done is not None:
            messages.success(request, gettext("鉴定意见已保存，等待组织部门归档。"))
            return redirect("summaries:summary_detail", summary_pk=summary.pk)
    return _detail_page(request, summary, appraisal_form=form)


@roles_required(Role.COORDINATOR)
@require_POST
def summary_archive(request: HttpRequest, summary_pk: int) -> HttpResponse:
    actor = acting_user(request)
    summary = access_summary(actor=actor, pk=summary_pk)
    if not selectors.summary_actions(actor=actor, summary=summary).archive:
        return _refused_step(request, summary)
    form = ArchiveForm(request.POST)
    if form.is_valid():
        done = submit(
            form,
            services.summary_archive,
            refusals=REFUSALS,
            actor=actor,
            summary=summary,
            comment=form.cleaned_data["comment"],
        )
        if done is not None:
            messages.success(request, gettext("总结已归档。"))
            return redirect("summaries:summary_detail", summary_pk=summary.pk)
    return _detail_page(request, summary, archive_form=form)


# --- the editor -----------------------------------------------------------------------------


def _editor_page(
    request: HttpRequest,
    summary: Summary,
    form: EditorForm,
    *,
    conflict: SummaryEditConflict | None = None,
    status: int = 200,
) -> HttpResponse:
    trail = selectors.summary_trail(summary)
    returns = [event for event in trail if event.action == "return"]
    conflicting: list[tuple[str, str, str]] = []
    if conflict is not None:
        conflicting = [
            (section.heading, conflict.bodies.get(section.key, ""), section.key)
            for section in form.sections
        ]
    return render_person_page(
        request,
        "summaries/summary_edit.html",
        summary.assignment,
        {
            "summary": summary,
            "form": form,
            "last_return": returns[-1]
            if summary.state == SummaryState.RETURNED and returns
            else None,
            "conflict": conflict,
            "conflicting": conflicting,
        },
        status=status,
    )


@roles_required(Role.CADRE)
def summary_edit(request: HttpRequest, summary_pk: int) -> HttpResponse:
    """The person's editor. POST (the form without JavaScript, and every submission) saves
    the text from the version it was loaded at; then=submit also submits it."""
    actor = acting_user(request)
    summary = access_summary(actor=actor, pk=summary_pk)
    if not selectors.can_edit_summary(actor=actor, summary=summary):
        if is_own(actor=actor, assignment=summary.assignment):
            messages.info(
                request,
                gettext("该总结当前为“%(state)s”，不能修改。")
                % {"state": summary.get_state_display()},
            )
        else:
            messages.error(request, gettext("只有挂职干部本人可以撰写和提交挂职总结。"))
        return redirect("summaries:summary_detail", summary_pk=summary.pk)
    sections = selectors.summary_sections(summary)
    if request.method != "POST":
        form = EditorForm(initial=EditorForm.initial_of(summary, sections), sections=sections)
        return _editor_page(request, summary, form)
    form = EditorForm(request.POST, sections=sections)
    if not form.is_valid():
        return _editor_page(request, summary, form)
    submitting = request.POST.get("then") == "submit"
    arguments = {
        "actor": actor,
        "summary": summary,
        "title": form.cleaned_data["title"],
        "bodies": form.bodies(),
        "base_version": form.cleaned_data["base_version"],
    }
    try:
        if submitting:
            services.summary_submit(**arguments)
        else:
            services.summary_save(**arguments)
    except SummaryEditConflict as conflict:
        # The person's text stays in the form, now based on the version saved meanwhile: saving
        # again keeps theirs; the other text is shown beside it to copy from.
        data = request.POST.copy()
        data["base_version"] = str(conflict.version)
        form = EditorForm(data, sections=sections)
        form.is_valid()
        form.add_error(None, str(conflict.message))
        return _editor_page(request, summary, form, conflict=conflict, status=409)
    except ValidationFailed as error:
        show_service_errors(form, error)
        return _editor_page(request, summary, form)
    except REFUSALS as refusal:
        messages.error(request, str(refusal.message))
        return redirect("summaries:summary_detail", summary_pk=summary.pk)
    if submitting:
        messages.success(request, gettext("总结已提交，等待组长审阅。"))
        return redirect("summaries:summary_detail", summary_pk=summary.pk)
    messages.success(request, gettext("已保存。"))
    return redirect("summaries:summary_edit", summary_pk=summary.pk)


def _json_error(error: GuazhiError, status: int | None = None) -> JsonResponse:
    return JsonResponse(error.as_dict(), status=status or error.status)


@roles_required(Role.CADRE)
@require_POST
def summary_save(request: HttpRequest, summary_pk: int) -> JsonResponse:
    """The editor's autosave: JSON {base_version, title, bodies: {key: text}} in (or the
    editor's form fields, as navigator.sendBeacon or a plain form sends them); out
    {version, saved_at} (200), or {code, message, detail} with 400 (invalid), 403, 404, or 409:
    code "edit_conflict" with detail {version, title, bodies} (saved meanwhile elsewhere), or
    "invalid_transition" (no longer editable: submitted from another tab)."""
    actor = acting_user(request)
    try:
        summary = access_summary(actor=actor, pk=summary_pk)
        payload = _save_payload(request)
        saved = services.summary_save(actor=actor, summary=summary, **payload)
    except (NotFound, Forbidden, ValidationFailed, InvalidTransition) as error:
        return _json_error(error)
    return JsonResponse(
        {"version": saved.version, "saved_at": timezone.localtime(saved.updated_at).isoformat()}
    )


def _save_payload(request: HttpRequest) -> dict[str, Any]:
    invalid = ValidationFailed(gettext("保存的内容格式不正确，请刷新页面后重试。"))
    if request.content_type != "application/json":
        posted = request.POST
        version = ascii_number(posted.get("base_version", ""))
        if version is None or "title" not in posted:
            raise invalid
        bodies = {
            name.removeprefix("section_"): value
            for name, value in posted.items()
            if name.startswith("section_")
        }
        return {"base_version": version, "title": posted["title"], "bodies": bodies}
    try:
        data = json.loads(request.body or b"{}")
    except ValueError as error:
        raise invalid from error
    if not isinstance(data, dict):
        raise invalid
    sent_version, sent_title, sent_bodies = (
        data.get("base_version"),
        data.get("title"),
        data.get("bodies"),
    )
    if (
        not isinstance(sent_version, int)
        or isinstance(sent_version, bool)
        or not isinstance(sent_title, str)
        or not isinstance(sent_bodies, dict)
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in sent_bodies.items())
    ):
        raise invalid
    return {"base_version": sent_version, "title": sent_title, "bodies": sent_bodies}


# --- a batch's summaries --------------------------------------------------------------------


@roles_required(*BATCH_STAFF_ROLES)
def batch_summaries(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk)
    filters = OverviewFilter(request.GET)
    kind = state = ""
    if filters.is_valid():
        kind, state = filters.cleaned_data["kind"], filters.cleaned_data["state"]
    overview = selectors.batch_summary_overview(actor=actor, batch=batch, kind=kind, state=state)
    # The export takes the same filter, except "not started" (nothing to export).
    export_state = state if state in SummaryState.values else ""
    return render_batch_page(
        request,
        "summaries/batch_summaries.html",
        batch,
        {
            "overview": overview,
            "filters": filters,
            "filtered": bool(kind or state),
            "kinds": selectors.KINDS,
            "kind_labels": dict(SummaryKind.choices),
            "can_manage": can_manage_batch(actor=actor, batch=batch),
            "export_form": BatchExportForm(initial={"state": export_state, "kind": kind}),
        },
    )


def _template_rows(request: HttpRequest) -> list[dict[str, Any]]:
    """The rows posted by the template page: key, heading, order and removal, in page order."""
    rows = []
    count = min(ascii_number(request.POST.get("rows", "")) or 0, 40)
    for index in range(count):
        rows.append(
            {
                "key": request.POST.get(f"key_{index}", ""),
                "heading": request.POST.get(f"heading_{index}", ""),
                "order": request.POST.get(f"order_{index}", ""),
                "remove": request.POST.get(f"remove_{index}") == "on",
                "index": index,
            }
        )
    return rows


def _ordered_sections(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The kept rows as (key, heading) in the order their numbers give (page order for ties and
    blanks); a new row left empty is no section."""

    def order(row: dict[str, Any]) -> tuple[float, int]:
        try:
            return (float(row["order"]), row["index"])
        except ValueError:
            return (float(row["index"] + 1), row["index"])

    kept = [
        row
        for row in rows
        if not (row["remove"] and row["key"] not in FIXED_SECTIONS)
        and (row["key"] or row["heading"].strip())
    ]
    return [(row["key"], row["heading"]) for row in sorted(kept, key=order)]


@roles_required(Role.COORDINATOR)
def template_edit(request: HttpRequest, batch_pk: int) -> HttpResponse:
    """The batch's summary template: rename, renumber (reorder), add, remove sections."""
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk, manage=True)
    template = summary_template_of(batch)
    error = ""
    if request.method == "POST":
        rows = _template_rows(request)
        try:
            summary_template_update(actor=actor, batch=batch, sections=_ordered_sections(rows))
        except ValidationFailed as refusal:
            error = str(refusal.message)
        else:
            messages.success(request, gettext("总结模板已保存，此后撰写的总结按新模板生成。"))
            return redirect("summaries:template_edit", batch_pk=batch.pk)
    else:
        rows = [
            {"key": row["key"], "heading": row["heading"], "order": index + 1, "remove": False}
            for index, row in enumerate(template.sections)
        ]
        rows += [
            {"key": "", "heading": "", "order": "", "remove": False}
            for _ in range(NEW_TEMPLATE_ROWS)
        ]
    return render_batch_page(
        request,
        "summaries/template_edit.html",
        batch,
        {
            "rows": rows,
            "error": error,
            "fixed": FIXED_SECTIONS,
            "heading_max_length": HEADING_MAX_LENGTH,
        },
        status=400 if error else 200,
    )
