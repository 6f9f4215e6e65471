"""Periodic report pages: a person's periods and reports, one report (the person's editor, the
reviewer's accept or return, the trail, the Word copy) and the batch's overview with the queue.

The cadre writes on a phone as often as at a desk: every page is a column of panels, tables
turn into cards under 600 px (data-label), and the editor is one textarea with two buttons.
"""

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.views.decorators.http import require_POST
from docx.shared import Mm

from guazhi.core.documents import (
    add_body,
    add_heading,
    add_signature,
    add_table,
    add_title,
    document_bytes,
    document_date,
    docx_response,
    official_document,
)
from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.duty.forms.reports import NarrativeForm, ReportStartForm, ReviewDecision, ReviewForm
from guazhi.duty.models import PeriodicReport, ReportReview, ReportState, ReviewAction
from guazhi.duty.navigation import EVERYONE_CONCERNED
from guazhi.duty.selectors import reports as selectors
from guazhi.duty.selectors.log_summary import LogSummary
from guazhi.duty.selectors.scope import access_duty_assignment, is_own
from guazhi.duty.services import reports as services
from guazhi.duty.services.rules import duty_rules_of
from guazhi.duty.views.common import render_batch_page, render_person_page, submit
from guazhi.orgs.access import acting_user, roles_required
from guazhi.orgs.models import Role
from guazhi.programmes.selectors.scope import BATCH_STAFF_ROLES, access_batch

REVIEWER_ROLES = (Role.COORDINATOR, Role.GROUP_LEADER)
# The subheadings of the summary's tables, numbered as an official document numbers them
# (（一）（二）（三）; a translation numbers its own way).
SUBHEADING_NUMBERS = (
    pgettext_lazy("numbering", "一"),
    pgettext_lazy("numbering", "二"),
    pgettext_lazy("numbering", "三"),
)
REFUSALS = (InvalidTransition, Forbidden)


def _summary_of(report: PeriodicReport) -> LogSummary | None:
    return LogSummary.from_json(report.compiled) if report.compiled else None


def _compiled_at(report: PeriodicReport) -> dt.datetime | None:
    stamp = report.compiled.get("compiled_at") if report.compiled else None
    return dt.datetime.fromisoformat(stamp) if stamp else None


@roles_required(*EVERYONE_CONCERNED)
def report_list(request: HttpRequest, assignment_pk: int) -> HttpResponse:
    actor = acting_user(request)
    assignment = access_duty_assignment(actor=actor, pk=assignment_pk)
    rules = duty_rules_of(assignment.batch)
    rows = selectors.person_report_rows(actor=actor, assignment=assignment)
    return render_person_page(
        request,
        "duty/report_list.html",
        assignment,
        {
            "rows": rows,
            "rules": rules,
            "own": is_own(actor=actor, assignment=assignment),
            "late_count": sum(1 for row in rows if row.late),
        },
    )


@roles_required(Role.CADRE)
@require_POST
def report_start(request: HttpRequest, assignment_pk: int) -> HttpResponse:
    """Open the draft of a period (made on first use, its summary compiled again after)."""
    actor = acting_user(request)
    assignment = access_duty_assignment(actor=actor, pk=assignment_pk)
    form = ReportStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("请选择汇报期间。"))
        return redirect("duty:report_list", assignment_pk=assignment.pk)
    try:
        report = services.report_draft(
            actor=actor, assignment=assignment, period_start=form.cleaned_data["period"]
        )
    except (*REFUSALS, ValidationFailed) as refusal:
        messages.error(request, str(refusal.message))
        return redirect("duty:report_list", assignment_pk=assignment.pk)
    return redirect("duty:report_detail", report_pk=report.pk)


def _detail_page(
    request: HttpRequest,
    report: PeriodicReport,
    *,
    form: NarrativeForm | None = None,
    review_form: ReviewForm | None = None,
) -> HttpResponse:
    actor = acting_user(request)
    editable = selectors.can_edit_report(actor=actor, report=report)
    reviewable = selectors.can_review_report(actor=actor, report=report)
    if editable and form is None:
        form = NarrativeForm(initial={"narrative": report.narrative})
    if reviewable and review_form is None:
        review_form = ReviewForm()
    period = selectors.period_of_report(report)
    today = timezone.localdate()
    window = selectors.submission_window(report)
    return render_person_page(
        request,
        "duty/report_detail.html",
        report.assignment,
        {
            "report": report,
            "period": period,
            "summary": _summary_of(report),
            "compiled_at": _compiled_at(report),
            "late": selectors.report_is_late(report, today),
            # The editor offers submitting only once the period (or the term) has ended.
            "window": window,
            "can_submit": window.is_open(today),
            "trail": selectors.report_trail(report),
            "form": form if editable else None,
            "review_form": review_form if reviewable else None,
            "own": is_own(actor=actor, assignment=report.assignment),
        },
    )


@roles_required(*EVERYONE_CONCERNED)
def report_detail(request: HttpRequest, report_pk: int) -> HttpResponse:
    """The report; for the person while it is a draft or returned, the editor too: POST saves
    the narrative, then=refresh also compiles the summary again, then=submit submits."""
    actor = acting_user(request)
    report = selectors.access_report(actor=actor, pk=report_pk)
    if request.method != "POST":
        return _detail_page(request, report)
    if not selectors.can_edit_report(actor=actor, report=report):
        messages.error(
            request,
            gettext("该汇报当前为“%(state)s”，不能修改。") % {"state": report.get_state_display()},
        )
        return redirect("duty:report_detail", report_pk=report.pk)
    form = NarrativeForm(request.POST)
    if form.is_valid():
        narrative = form.cleaned_data["narrative"]
        if request.POST.get("then") == "submit":
            done = submit(
                form,
                services.report_submit,
                refusals=REFUSALS,
                actor=actor,
                report=report,
                narrative=narrative,
            )
            success = gettext("汇报已提交，等待组长审阅。")
        elif request.POST.get("then") == "refresh":
            # The button sits in the editor: what is being written is saved with it.
            done = submit(
                form,
                services.report_refresh,
                refusals=REFUSALS,
                actor=actor,
                report=report,
                narrative=narrative,
            )
            success = gettext("草稿已保存，并已按最新的工作纪实重新生成汇总。")
        else:
            done = submit(
                form,
                services.report_update_narrative,
                refusals=REFUSALS,
                actor=actor,
                report=report,
                narrative=narrative,
            )
            success = gettext("草稿已保存。")
        if done is not None:
            messages.success(request, success)
            return redirect("duty:report_detail", report_pk=report.pk)
    return _detail_page(request, report, form=form)


@roles_required(*REVIEWER_ROLES)
@require_POST
def report_review(request: HttpRequest, report_pk: int) -> HttpResponse:
    actor = acting_user(request)
    report = selectors.access_report(actor=actor, pk=report_pk)
    if not selectors.can_review_report(actor=actor, report=report):
        if report.state != ReportState.SUBMITTED:
            refusal = gettext("该汇报当前为“%(state)s”，不在待审阅状态。") % {
                "state": report.get_state_display()
            }
        else:
            refusal = gettext("您不能审阅该汇报：审阅由本人所在小组的组长、副组长或组织部门进行。")
        messages.error(request, refusal)
        return redirect("duty:report_detail", report_pk=report.pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        accepting = form.cleaned_data["decision"] == ReviewDecision.ACCEPT
        done = submit(
            form,
            services.report_accept if accepting else services.report_return,
            refusals=REFUSALS,
            actor=actor,
            report=report,
            comment=form.cleaned_data["comment"],
        )
        if done is not None:
            messages.success(
                request,
                gettext("汇报已通过。") if accepting else gettext("汇报已退回，本人会收到通知。"),
            )
            return redirect("duty:report_detail", report_pk=report.pk)
    return _detail_page(request, report, review_form=form)


@roles_required(*BATCH_STAFF_ROLES)
def report_batch(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk)
    overview = selectors.batch_report_overview(actor=actor, batch=batch)
    return render_batch_page(
        request,
        "duty/report_batch.html",
        batch,
        {
            "overview": overview,
            "queue": [
                (report, selectors.period_of_report(report))
                for report in selectors.review_queue(actor=actor, batch=batch)
            ],
            "rules": duty_rules_of(batch),
        },
    )


# --- the Word copy ------------------------------------------------------------------------


def _trail_line(review: ReportReview) -> str:
    who = review.actor.get_full_name() if review.actor is not None else ""
    line = gettext("%(date)s %(who)s%(action)s") % {
        "date": document_date(timezone.localtime(review.created_at).date()),
        "who": who,
        "action": review.get_action_display(),
    }
    if review.comment:
        line += gettext("：%(comment)s") % {"comment": review.comment}
    return line


def report_document(report: PeriodicReport, trail: list[ReportReview]) -> bytes:
    """The report as a Word document in the official format (GB/T 9704): title, who and when,
    the log summary as tables, the narrative, the review comments, signed by the person."""
    assignment = report.assignment
    summary = _summary_of(report)
    period = selectors.period_of_report(report)
    document = official_document()
    add_title(document, gettext("%(period)s挂职工作汇报") % {"period": period.label})
    add_body(
        document,
        gettext("汇报人：%(name)s（%(home)s，挂职%(host)s%(post)s）")
        % {
            "name": assignment.cadre.name,
            "home": assignment.home_unit.name,
            "host": assignment.host_unit.name,
            "post": assignment.post.title,
        },
    )
    add_body(
        document,
        gettext("汇报期间：%(start)s至%(end)s")
        % {"start": document_date(report.period_start), "end": document_date(report.period_end)},
    )
    add_heading(document, gettext("一、工作纪实汇总"))
    if summary is None or summary.is_empty:
        add_body(document, gettext("本期未记录工作纪实。"))
    else:
        add_body(
            document,
            gettext("本期共记录工作纪实%(entries)s条，做成一件事%(done)s件。")
            % {"entries": summary.entry_count, "done": len(summary.accomplishments)},
        )
        # Each table under its own numbered subheading: （一）, （二）, （三） as present.
        numbers = iter(SUBHEADING_NUMBERS)
        add_heading(document, gettext("（%(n)s）按类别统计") % {"n": next(numbers)}, level=2)
        add_table(
            document,
            [gettext("类别"), gettext("条数")],
            [(row.category, row.count) for row in summary.by_category],
            widths=[Mm(110), Mm(46)],
            centred_columns=[1],
        )
        if summary.quantities:
            add_heading(document, gettext("（%(n)s）工作量合计") % {"n": next(numbers)}, level=2)
            add_table(
                document,
                [gettext("事项"), gettext("数量"), gettext("单位")],
                [(row.label, row.shown, row.unit) for row in summary.quantities],
                widths=[Mm(90), Mm(40), Mm(26)],
                centred_columns=[1, 2],
            )
        if summary.accomplishments:
            add_heading(document, gettext("（%(n)s）做成的事") % {"n": next(numbers)}, level=2)
            add_table(
                document,
                [gettext("日期"), gettext("事项"), gettext("类别")],
                [
                    (document_date(row.date), row.title, row.category)
                    for row in summary.accomplishments
                ],
                widths=[Mm(40), Mm(90), Mm(26)],
                centred_columns=[2],
            )
    add_heading(document, gettext("二、工作汇报"))
    lines = [line.strip() for line in report.narrative.splitlines() if line.strip()]
    for line in lines or [gettext("（未填写）")]:
        add_body(document, line)
    comments = [review for review in trail if review.action != ReviewAction.SUBMIT]
    if comments:
        add_heading(document, gettext("三、审阅意见"))
        for review in comments:
            add_body(document, _trail_line(review))
    signed = report.submitted_at or timezone.now()
    add_signature(document, assignment.cadre.name, document_date(timezone.localtime(signed).date()))
    return document_bytes(document)


@roles_required(*EVERYONE_CONCERNED)
def report_export(request: HttpRequest, report_pk: int) -> HttpResponse:
    report = selectors.access_report(actor=acting_user(request), pk=report_pk)
    content = report_document(report, selectors.report_trail(report))
    filename = gettext("%(name)s%(period)s挂职工作汇报.docx") % {
        "name": report.assignment.cadre.name,
        "period": selectors.period_of_report(report).label,
    }
    return docx_response(content, filename)
