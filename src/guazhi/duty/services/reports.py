"""Writing periodic reports (定期汇报): draft, narrative, submit, and the reviewer's accept or return.

The person drafts a report for one of their periods: the period's log summary is compiled into
`compiled` (selectors.log_summary) and kept with the report, and the person writes the
narrative. While the report is a draft, or after it came back, the summary may be compiled
again and the narrative changed; submitting compiles it once more, so the reviewer reads the
period's log as it was when submitted, and once submitted neither moves until a reviewer
returns it. A report is submitted once its period has ended (or the person's term, when it
ends inside the period). Every move follows REPORT_TRANSITIONS and leaves a ReportReview row
(the report's trail) and an audit event; the person is told (in the app and by email) when a
report is returned or accepted; when one is submitted, the leader and deputy of the person's
group who review it, or the coordinators over the batch when no group leader does.
"""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guazhi.core.audit import audit_record
from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.i18n import Message
from guazhi.core.jinja import format_date
from guazhi.core.notifications import notify
from guazhi.duty.models import (
    REPORT_TRANSITIONS,
    PeriodicReport,
    ReportReview,
    ReportState,
    ReviewAction,
)
from guazhi.duty.selectors.log_summary import log_summary
from guazhi.duty.selectors.recipients import coordinators_of
from guazhi.duty.selectors.reports import (
    EDITABLE_STATES,
    ReportPeriod,
    can_review_assignment,
    period_label,
    period_starting,
    submission_window,
)
from guazhi.duty.selectors.scope import DUTY_STATES, is_own
from guazhi.orgs.models import Role, RoleAssignment
from guazhi.programmes.models import Assignment

NARRATIVE_MAX_LENGTH = 20_000


def _check_own(actor: Any, assignment: Assignment) -> None:
    if not is_own(actor=actor, assignment=assignment):
        raise Forbidden(_("只有挂职干部本人可以撰写和提交定期汇报。"))


def _check_move(report: PeriodicReport, target: str) -> None:
    if target not in REPORT_TRANSITIONS[report.state]:
        raise InvalidTransition(
            _("该汇报当前为“%(state)s”，不能执行此操作。") % {"state": report.get_state_display()}
        )


def _lock(report: PeriodicReport) -> PeriodicReport:
    """The report's row, locked for this transaction, with the relations the caller loaded."""
    locked = PeriodicReport.objects.select_for_update().get(pk=report.pk)
    locked.assignment = report.assignment
    return locked


def _compiled(assignment: Assignment, start: dt.date, end: dt.date) -> dict[str, Any]:
    compiled = log_summary(assignment, start, end).as_json()
    compiled["compiled_at"] = timezone.now().isoformat()
    return compiled


def _check_narrative(narrative: str) -> str:
    narrative = narrative.strip()
    if len(narrative) > NARRATIVE_MAX_LENGTH:
        raise ValidationFailed(
            _("汇报正文不能超过 %(n)s 字。") % {"n": NARRATIVE_MAX_LENGTH},
            detail={"narrative": _("汇报正文不能超过 %(n)s 字。") % {"n": NARRATIVE_MAX_LENGTH}},
        )
    return narrative


def _period_detail(report: PeriodicReport) -> dict[str, Any]:
    return {
        "period_start": report.period_start.isoformat(),
        "period_end": report.period_end.isoformat(),
    }


# --- the person's side ------------------------------------------------------------------------


def report_draft(
    *, actor: Any, assignment: Assignment, period_start: dt.date, today: dt.date | None = None
) -> PeriodicReport:
    """The draft for the person's period beginning on `period_start`: made with the period's
    log summary, or, when it exists and is still editable, its summary compiled again (the
    narrative kept)."""
    today = today or timezone.localdate()
    _check_own(actor, assignment)
    if assignment.state not in DUTY_STATES:
        raise InvalidTransition(_("该挂职安排不在在岗阶段，不能撰写定期汇报。"))
    period = period_starting(assignment=assignment, start=period_start)
    if period is None:
        raise ValidationFailed(
            _("所选汇报期间不在挂职期内。"), detail={"period": _("所选汇报期间不在挂职期内。")}
        )
    if period.start > today:
        raise ValidationFailed(
            _("汇报期间尚未开始，不能撰写。"), detail={"period": _("汇报期间尚未开始，不能撰写。")}
        )
    with transaction.atomic():
        existing = (
            PeriodicReport.objects.select_for_update()
            .filter(assignment=assignment, period_start=period.start)
            .first()
        )
        if existing is not None:
            existing.assignment = assignment
            return _refresh_locked(actor, existing)
        report = _create(assignment, period)
        if report is None:  # made meanwhile by a second click or a second tab
            report = PeriodicReport.objects.select_for_update().get(
                assignment=assignment, period_start=period.start
            )
            report.assignment = assignment
            return _refresh_locked(actor, report)
        audit_record(actor=actor, action="report.draft", obj=report, detail=_period_detail(report))
        return report


def _create(assignment: Assignment, period: ReportPeriod) -> PeriodicReport | None:
    try:
        with transaction.atomic():
            return PeriodicReport.objects.create(
                assignment=assignment,
                frequency=period.frequency,
                period_start=period.start,
                period_end=period.end,
                due_on=period.due_on,
                compiled=_compiled(assignment, period.start, period.end),
            )
    except IntegrityError:
        return None


def report_refresh(
    *, actor: Any, report: PeriodicReport, narrative: str | None = None
) -> PeriodicReport:
    """Compile the report's log summary again (draft or returned only); the narrative stays,
    or becomes `narrative` when given (the editor saves what is being written first)."""
    _check_own(actor, report.assignment)
    if narrative is not None:
        narrative = _check_narrative(narrative)
    with transaction.atomic():
        report = _lock(report)
        if narrative is not None and report.state in EDITABLE_STATES:
            _save_narrative(actor, report, narrative)
        return _refresh_locked(actor, report)


def _refresh_locked(actor: Any, report: PeriodicReport) -> PeriodicReport:
    if report.state not in EDITABLE_STATES:
        raise InvalidTransition(
            _("该汇报当前为“%(state)s”，纪实汇总不能再刷新。")
            % {"state": report.get_state_display()}
        )
    report.compiled = _compiled(report.assignment, report.period_start, report.period_end)
    report.save(update_fields=["compiled", "updated_at"])
    audit_record(actor=actor, action="report.refresh", obj=report, detail=_period_detail(report))
    return report


def report_update_narrative(
    *, actor: Any, report: PeriodicReport, narrative: str
) -> PeriodicReport:
    """Save the narrative of a draft or returned report."""
    _check_own(actor, report.assignment)
    narrative = _check_narrative(narrative)
    with transaction.atomic():
        report = _lock(report)
        if report.state not in EDITABLE_STATES:
            raise InvalidTransition(
                _("该汇报当前为“%(state)s”，不能再修改。") % {"state": report.get_state_display()}
            )
        _save_narrative(actor, report, narrative)
        return report


def _save_narrative(actor: Any, report: PeriodicReport, narrative: str) -> None:
    if report.narrative != narrative:
        report.narrative = narrative
        report.save(update_fields=["narrative", "updated_at"])
        audit_record(
            actor=actor,
            action="report.update",
            obj=report,
            detail={**_period_detail(report), "length": len(narrative)},
        )


def report_submit(
    *,
    actor: Any,
    report: PeriodicReport,
    narrative: str | None = None,
    today: dt.date | None = None,
) -> PeriodicReport:
    """Draft or returned → submitted, with `narrative` saved first when given and the log
    summary compiled again (what the reviewer reads is the log as submitted); refused while
    the narrative is empty or the period (or the person's term ending inside it) has not
    ended. The first submission's time decides whether the report is late."""
    today = today or timezone.localdate()
    _check_own(actor, report.assignment)
    if narrative is not None:
        narrative = _check_narrative(narrative)
    with transaction.atomic():
        report = _lock(report)
        _check_move(report, ReportState.SUBMITTED)
        _check_period_ended(report, today)
        text = report.narrative if narrative is None else narrative
        if not text:
            raise ValidationFailed(
                _("请填写汇报正文后再提交。"), detail={"narrative": _("请填写汇报正文后再提交。")}
            )
        resubmission = report.state == ReportState.RETURNED
        report.narrative = text
        report.state = ReportState.SUBMITTED
        report.compiled = _compiled(report.assignment, report.period_start, report.period_end)
        if report.submitted_at is None:
            report.submitted_at = timezone.now()
        report.save(update_fields=["narrative", "state", "compiled", "submitted_at", "updated_at"])
        review = ReportReview.objects.create(report=report, action=ReviewAction.SUBMIT, actor=actor)
        audit_record(
            actor=actor,
            action="report.submit",
            obj=report,
            detail={**_period_detail(report), "resubmission": resubmission},
        )
        _notify_reviewers(report, review)
        return report


def _check_period_ended(report: PeriodicReport, today: dt.date) -> None:
    window = submission_window(report)
    if window.is_open(today):
        return
    values = {
        "period": period_label(report.frequency, report.period_start),
        "end": format_date(window.ends_on),
    }
    if window.term_ends:
        message = _("挂职期至%(end)s结束，%(period)s定期汇报请在挂职期结束后提交。") % values
    else:
        message = _("%(period)s至%(end)s结束，定期汇报请在本期结束后提交。") % values
    raise ValidationFailed(message)


# --- the reviewer's side --------------------------------------------------------------------


def _check_reviewer(actor: Any, report: PeriodicReport) -> None:
    if not can_review_assignment(actor=actor, assignment=report.assignment):
        raise Forbidden(
            _("只有本人所在小组的组长、副组长或组织部门可以审阅该汇报；本人不能审阅自己的汇报。")
        )


def report_accept(*, actor: Any, report: PeriodicReport, comment: str = "") -> PeriodicReport:
    """Submitted → accepted, with an optional comment on the trail."""
    _check_reviewer(actor, report)
    with transaction.atomic():
        report = _lock(report)
        _check_move(report, ReportState.ACCEPTED)
        report.state = ReportState.ACCEPTED
        report.accepted_at = timezone.now()
        report.save(update_fields=["state", "accepted_at", "updated_at"])
        review = ReportReview.objects.create(
            report=report, action=ReviewAction.ACCEPT, comment=comment.strip(), actor=actor
        )
        audit_record(
            actor=actor,
            action="report.accept",
            obj=report,
            detail={**_period_detail(report), "comment": review.comment},
        )
        _notify_person(report, review)
        return report


def report_return(*, actor: Any, report: PeriodicReport, comment: str) -> PeriodicReport:
    """Submitted → returned, with the comment that says what to change (required)."""
    _check_reviewer(actor, report)
    comment = comment.strip()
    if not comment:
        raise ValidationFailed(
            _("退回汇报时请填写意见，说明需要修改的地方。"),
            detail={"comment": _("退回汇报时请填写意见，说明需要修改的地方。")},
        )
    with transaction.atomic():
        report = _lock(report)
        _check_move(report, ReportState.RETURNED)
        report.state = ReportState.RETURNED
        report.save(update_fields=["state", "updated_at"])
        review = ReportReview.objects.create(
            report=report, action=ReviewAction.RETURN, comment=comment, actor=actor
        )
        audit_record(
            actor=actor,
            action="report.return",
            obj=report,
            detail={**_period_detail(report), "comment": comment},
        )
        _notify_person(report, review)
        return report


# --- telling people -----------------------------------------------------------------------

_NOTICES = {
    ReviewAction.SUBMIT: gettext_noop("%(name)s提交了%(period)s定期汇报，请审阅。"),
    ReviewAction.ACCEPT: gettext_noop("您的%(period)s定期汇报已通过审阅。"),
    ReviewAction.RETURN: gettext_noop("您的%(period)s定期汇报被退回，请按意见修改后重新提交。"),
}


def _tell(report: PeriodicReport, review: ReportReview, recipients: list[Any]) -> None:
    """After commit: one notification per recipient and trail row (its key makes it once)."""
    message = Message(
        _NOTICES[ReviewAction(review.action)],
        name=report.assignment.cadre.name,
        period=period_label(report.frequency, report.period_start),
    )
    url = reverse("duty:report_detail", kwargs={"report_pk": report.pk})
    for recipient in recipients:
        notify(
            recipient=recipient,
            kind=f"report.{review.action}",
            key=f"report:{report.pk}:{review.action}:{review.pk}",
            message=message,
            url=url,
        )


def _notify_person(report: PeriodicReport, review: ReportReview) -> None:
    person = report.assignment.cadre.user
    transaction.on_commit(lambda: _tell(report, review, [person]))


def _notify_reviewers(report: PeriodicReport, review: ReportReview) -> None:
    """The leader and deputy of the person's group who review it (holding a group-leader grant
    for the batch or for every batch), never the person, who may lead it; when there are none
    (no group, or nobody there to review), the coordinators over the batch, who review too."""
    assignment = report.assignment
    own = assignment.cadre.user_id
    group = assignment.group
    leader_ids = [] if group is None else [group.leader_id, group.deputy_id]
    users = [
        leader.cadre.user
        for leader in Assignment.objects.filter(
            pk__in=[pk for pk in leader_ids if pk is not None]
        ).select_related("cadre__user")
        if leader.cadre.user is not None
        and leader.cadre.user.is_active
        and leader.cadre.user_id != own
    ]
    granted = set(
        RoleAssignment.objects.filter(user__in=users, role=Role.GROUP_LEADER)
        .filter(Q(batch__isnull=True) | Q(batch_id=assignment.batch_id))
        .values_list("user_id", flat=True)
    )
    recipients = [user for user in users if user.pk in granted]
    if not recipients:
        recipients = [user for user in coordinators_of(assignment.batch) if user.pk != own]
    if recipients:
        transaction.on_commit(lambda: _tell(report, review, recipients))
