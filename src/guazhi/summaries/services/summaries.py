"""Writing summaries (阶段总结 / 期满总结): draft, save, submit, and the others' steps after it.

The person drafts a summary of one kind (once: a second draft of the same kind opens the first)
when selectors.summaries.draft_window allows. Its sections are copied from the batch's template;
基本情况 is written from the assignment and 主要工作 from the work log over the term so far
(services.drafting), the log summary kept in `compiled`; the other sections start empty.

Saving is optimistic: the editor sends the version it started from, and a save made meanwhile
elsewhere (another tab, another device) makes the next one fail with SummaryEditConflict, which
carries the text now saved so the editor shows both and the person chooses. A save that changes
nothing writes nothing. Every save that does is one audit event; the editor saves after a pause
in typing and on leaving the page, so the trail is not one event per keystroke.

Then the flow of SUMMARY_TRANSITIONS, each step a SummaryEvent row (the trail on the summary's
page), an audit event and notices after commit: the person submits (every section filled) →
the group leader (or deputy; a coordinator when no group leader does) accepts or returns with a
comment → a returned summary is the person's to edit and submit again → a host leader over the
host unit writes the appraisal (鉴定意见) → a coordinator over the batch archives. The person is
told of every step others take; the reviewers of a submission, the host leaders of an
acceptance and the coordinators of an appraisal, so each step's owner learns it is theirs.
"""

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guazhi.core.audit import audit_record
from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.i18n import Message
from guazhi.core.jinja import format_date
from guazhi.core.notifications import notify
from guazhi.duty.periods import term_bounds
from guazhi.duty.selectors.log_summary import log_summary
from guazhi.duty.selectors.recipients import Recipients, cadre_user_of
from guazhi.duty.selectors.scope import DUTY_STATES
from guazhi.programmes.models import Assignment
from guazhi.summaries.models import (
    BASIC_SECTION,
    EDITABLE_STATES,
    SUMMARY_TRANSITIONS,
    WORK_SECTION,
    Summary,
    SummaryEvent,
    SummaryEventAction,
    SummaryKind,
    SummarySection,
    SummaryState,
)
from guazhi.summaries.selectors.scope import (
    can_appraise_summary,
    can_archive_summary,
    can_review_summary,
    can_write_summary,
)
from guazhi.summaries.selectors.summaries import DraftWindow, draft_window
from guazhi.summaries.services.drafting import basic_text, default_title, work_text
from guazhi.summaries.services.templates import summary_template_of

TITLE_MAX_LENGTH = 100  # Summary.title
BODY_MAX_LENGTH = 30_000  # a section: a long final summary is about 5,000 characters in all
COMMENT_MAX_LENGTH = 2_000


class SummaryEditConflict(ValidationFailed):
    """The summary was saved elsewhere since the editor loaded it: the save is refused and the
    text now saved comes with the refusal, so the person sees both and chooses."""

    code = "edit_conflict"
    status = 409

    def __init__(self, summary: Summary, sections: list[SummarySection]) -> None:
        super().__init__(
            _("这份总结已在别处修改并保存（第 %(version)s 版），请对照两个版本，选择保留哪一个。")
            % {"version": summary.version}
        )
        self.version = summary.version
        self.title = summary.title
        self.bodies = {section.key: section.body for section in sections}
        self.detail = {"version": self.version, "title": self.title, "bodies": self.bodies}


def _check_writer(actor: Any, assignment: Assignment) -> None:
    if not can_write_summary(actor=actor, assignment=assignment):
        raise Forbidden(_("只有挂职干部本人可以撰写和提交挂职总结。"))


def _check_move(summary: Summary, target: str) -> None:
    if target not in SUMMARY_TRANSITIONS[summary.state]:
        raise InvalidTransition(
            _("该总结当前为“%(state)s”，不能执行此操作。") % {"state": summary.get_state_display()}
        )


def _lock(summary: Summary) -> Summary:
    """The summary's row, locked for this transaction, with the relations the caller loaded."""
    locked = Summary.objects.select_for_update().get(pk=summary.pk)
    locked.assignment = summary.assignment
    return locked


def _detail(summary: Summary, **more: Any) -> dict[str, Any]:
    return {"summary_kind": summary.kind, **more}


def _event(summary: Summary, action: str, actor: Any, comment: str = "") -> SummaryEvent:
    return SummaryEvent.objects.create(summary=summary, action=action, actor=actor, comment=comment)


# --- drafting -------------------------------------------------------------------------------


def summary_draft(
    *, actor: Any, assignment: Assignment, kind: str, today: dt.date | None = None
) -> Summary:
    """The person's summary of `kind`: made now with its first text (see the module note), or
    the one made before, unchanged (one per kind: a second click or tab opens the first)."""
    today = today or timezone.localdate()
    _check_writer(actor, assignment)
    if kind not in SummaryKind.values:
        raise ValidationFailed(_("请选择总结类型。"), detail={"kind": _("请选择总结类型。")})
    existing = Summary.objects.filter(assignment=assignment, kind=kind).first()
    if existing is not None:
        existing.assignment = assignment
        return existing
    if assignment.state not in DUTY_STATES:
        raise InvalidTransition(_("该挂职安排不在在岗阶段，不能撰写挂职总结。"))
    window = draft_window(assignment, kind)
    if not window.is_open(today):
        raise ValidationFailed(_window_refusal(kind, window, today))
    start, end = term_bounds(assignment)
    compiled = log_summary(assignment, start, min(end, today))
    bodies = {BASIC_SECTION: basic_text(assignment), WORK_SECTION: work_text(compiled)}
    sections = summary_template_of(assignment.batch).sections
    try:
        with transaction.atomic():
            summary = Summary.objects.create(
                assignment=assignment,
                kind=kind,
                title=default_title(assignment, kind),
                compiled={**compiled.as_json(), "compiled_at": timezone.now().isoformat()},
            )
            SummarySection.objects.bulk_create(
                SummarySection(
                    summary=summary,
                    position=position,
                    key=row["key"],
                    heading=row["heading"],
                    body=bodies.get(row["key"], ""),
                )
                for position, row in enumerate(sections, start=1)
            )
            _event(summary, SummaryEventAction.DRAFT, actor)
            audit_record(actor=actor, action="summary.draft", obj=summary, detail=_detail(summary))
    except IntegrityError:  # made meanwhile by a second click or a second tab
        summary = Summary.objects.get(assignment=assignment, kind=kind)
    summary.assignment = assignment
    return summary


def _window_refusal(kind: str, window: DraftWindow, today: dt.date) -> str:
    if kind == SummaryKind.MIDTERM:
        if window.not_yet(today):
            return _("挂职期自%(date)s开始，开始后才能撰写阶段总结。") % {
                "date": format_date(window.opens_on)
            }
        return _("挂职期已于%(date)s结束，请撰写期满总结。") % {
            "date": format_date(window.closes_on)
        }
    return _("期满总结自%(date)s起可以撰写（挂职期最后两个月）。") % {
        "date": format_date(window.opens_on)
    }


# --- saving ---------------------------------------------------------------------------------


def _clean_text(title: str, bodies: Mapping[str, str], sections: list[SummarySection]) -> str:
    """The title, stripped; refuses an empty or long title, a long section, or a key the
    summary does not have (nothing changes a summary's keys once drafted, so that is a forged
    request or a bug, and saving the rest of it would drop text without saying so)."""
    title = title.strip()
    if not title:
        raise ValidationFailed(_("请填写标题。"), detail={"title": _("请填写标题。")})
    if len(title) > TITLE_MAX_LENGTH:
        message = _("标题不能超过 %(n)s 字。") % {"n": TITLE_MAX_LENGTH}
        raise ValidationFailed(message, detail={"title": message})
    headings = {section.key: section.heading for section in sections}
    unknown = sorted(set(bodies) - set(headings))
    if unknown:
        raise ValidationFailed(_("总结的栏目已变化，请刷新页面后重试。"))
    for key, body in bodies.items():
        if len(body) > BODY_MAX_LENGTH:
            message = _("“%(heading)s”不能超过 %(n)s 字。") % {
                "heading": headings[key],
                "n": BODY_MAX_LENGTH,
            }
            raise ValidationFailed(message, detail={f"section_{key}": message})
    return title


def _normalised(body: str) -> str:
    # Browsers send textarea line breaks as \r\n; kept as \n so an unchanged text compares equal.
    return body.replace("\r\n", "\n").replace("\r", "\n")


def summary_save(
    *,
    actor: Any,
    summary: Summary,
    title: str,
    bodies: Mapping[str, str],
    base_version: int,
) -> Summary:
    """Save the title and the sections named in `bodies` (others stay) of a draft or returned
    summary written from `base_version`; refused with SummaryEditConflict when the summary was
    saved since. The version goes up by one when anything changed; nothing is written if not."""
    _check_writer(actor, summary.assignment)
    bodies = {key: _normalised(body) for key, body in bodies.items()}
    with transaction.atomic():
        summary = _lock(summary)
        _save_locked(actor, summary, title, bodies, base_version)
        return summary


def _save_locked(
    actor: Any, summary: Summary, title: str, bodies: Mapping[str, str], base_version: int
) -> list[SummarySection]:
    if summary.state not in EDITABLE_STATES:
        raise InvalidTransition(
            _("该总结当前为“%(state)s”，不能再修改。") % {"state": summary.get_state_display()}
        )
    sections = list(summary.sections.order_by("position"))
    if base_version != summary.version:
        raise SummaryEditConflict(summary, sections)
    title = _clean_text(title, bodies, sections)
    changed = [
        section
        for section in sections
        if section.key in bodies and bodies[section.key] != section.body
    ]
    title_changed = title != summary.title
    if not changed and not title_changed:
        return sections
    for section in changed:
        section.body = bodies[section.key]
    SummarySection.objects.bulk_update(changed, ["body"])
    summary.title = title
    summary.version += 1
    summary.save(update_fields=["title", "version", "updated_at"])
    detail = _detail(
        summary, summary_version=summary.version, sections=[section.heading for section in changed]
    )
    if title_changed:
        detail["summary_title"] = title
    audit_record(actor=actor, action="summary.save", obj=summary, detail=detail)
    return sections


# --- the flow -------------------------------------------------------------------------------


def summary_submit(
    *,
    actor: Any,
    summary: Summary,
    title: str | None = None,
    bodies: Mapping[str, str] | None = None,
    base_version: int | None = None,
) -> Summary:
    """Draft or returned → submitted, saving `title` and `bodies` first when given (the editor's
    submit button sends what is on the screen); refused while a section is empty, naming it."""
    _check_writer(actor, summary.assignment)
    with transaction.atomic():
        summary = _lock(summary)
        _check_move(summary, SummaryState.SUBMITTED)
        if bodies is not None or title is not None:
            sections = _save_locked(
                actor,
                summary,
                summary.title if title is None else title,
                {key: _normalised(body) for key, body in (bodies or {}).items()},
                summary.version if base_version is None else base_version,
            )
        else:
            sections = list(summary.sections.order_by("position"))
        empty = [section for section in sections if not section.body.strip()]
        if empty:
            message = _("“%(heading)s”还没有填写，请填写后再提交。") % {"heading": empty[0].heading}
            raise ValidationFailed(
                message, detail={f"section_{section.key}": message for section in empty[:1]}
            )
        resubmission = summary.state == SummaryState.RETURNED
        summary.state = SummaryState.SUBMITTED
        if summary.submitted_at is None:
            summary.submitted_at = timezone.now()
        summary.save(update_fields=["state", "submitted_at", "updated_at"])
        event = _event(summary, SummaryEventAction.SUBMIT, actor)
        audit_record(
            actor=actor,
            action="summary.submit",
            obj=summary,
            detail=_detail(summary, summary_version=summary.version, resubmission=resubmission),
        )
        _after_commit(summary, event, _reviewers)
        return summary


def _check_reviewer(actor: Any, summary: Summary) -> None:
    if not can_review_summary(actor=actor, assignment=summary.assignment):
        raise Forbidden(
            _("只有本人所在小组的组长、副组长或组织部门可以审阅该总结；本人不能审阅自己的总结。")
        )


def _clean_comment(comment: str, *, required: str = "") -> str:
    comment = comment.strip()
    if required and not comment:
        raise ValidationFailed(required, detail={"comment": required})
    if len(comment) > COMMENT_MAX_LENGTH:
        message = _("意见不能超过 %(n)s 字。") % {"n": COMMENT_MAX_LENGTH}
        raise ValidationFailed(message, detail={"comment": message})
    return comment


def summary_accept(*, actor: Any, summary: Summary, comment: str = "") -> Summary:
    """Submitted → accepted (待鉴定), with an optional comment on the trail."""
    _check_reviewer(actor, summary)
    comment = _clean_comment(comment)
    with transaction.atomic():
        summary = _lock(summary)
        _check_move(summary, SummaryState.ACCEPTED)
        summary.state = SummaryState.ACCEPTED
        summary.accepted_at = timezone.now()
        summary.save(update_fields=["state", "accepted_at", "updated_at"])
        event = _event(summary, SummaryEventAction.ACCEPT, actor, comment)
        audit_record(
            actor=actor,
            action="summary.accept",
            obj=summary,
            detail=_detail(summary, comment=comment),
        )
        _after_commit(summary, event, _person, _host_leaders)
        return summary


def summary_return(*, actor: Any, summary: Summary, comment: str) -> Summary:
    """Submitted → returned to the person, with the comment saying what to change (required)."""
    _check_reviewer(actor, summary)
    comment = _clean_comment(comment, required=_("退回总结时请填写意见，说明需要修改的地方。"))
    with transaction.atomic():
        summary = _lock(summary)
        _check_move(summary, SummaryState.RETURNED)
        summary.state = SummaryState.RETURNED
        summary.save(update_fields=["state", "updated_at"])
        event = _event(summary, SummaryEventAction.RETURN, actor, comment)
        audit_record(
            actor=actor,
            action="summary.return",
            obj=summary,
            detail=_detail(summary, comment=comment),
        )
        _after_commit(summary, event, _person)
        return summary


def summary_appraise(*, actor: Any, summary: Summary, appraisal: str) -> Summary:
    """Accepted → appraised: the host unit's appraisal (鉴定意见), required."""
    if not can_appraise_summary(actor=actor, assignment=summary.assignment):
        raise Forbidden(_("只有接收单位的领导可以填写鉴定意见。"))
    appraisal = appraisal.strip()
    if not appraisal:
        message = _("请填写鉴定意见。")
        raise ValidationFailed(message, detail={"appraisal": message})
    if len(appraisal) > COMMENT_MAX_LENGTH:
        message = _("鉴定意见不能超过 %(n)s 字。") % {"n": COMMENT_MAX_LENGTH}
        raise ValidationFailed(message, detail={"appraisal": message})
    with transaction.atomic():
        summary = _lock(summary)
        _check_move(summary, SummaryState.APPRAISED)
        summary.state = SummaryState.APPRAISED
        summary.appraisal = appraisal
        summary.appraised_by = actor
        summary.appraised_at = timezone.now()
        summary.save(
            update_fields=["state", "appraisal", "appraised_by", "appraised_at", "updated_at"]
        )
        event = _event(summary, SummaryEventAction.APPRAISE, actor, appraisal)
        audit_record(
            actor=actor,
            action="summary.appraise",
            obj=summary,
            detail=_detail(summary, appraisal=appraisal),
        )
        _after_commit(summary, event, _person, _coordinators)
        return summary


def summary_archive(*, actor: Any, summary: Summary, comment: str = "") -> Summary:
    """Appraised → archived by a coordinator over the batch; the text is final from here."""
    if not can_archive_summary(actor=actor, assignment=summary.assignment):
        raise Forbidden(_("只有本批次的组织部门可以归档总结。"))
    comment = _clean_comment(comment)
    with transaction.atomic():
        summary = _lock(summary)
        _check_move(summary, SummaryState.ARCHIVED)
        summary.state = SummaryState.ARCHIVED
        summary.archived_at = timezone.now()
        summary.save(update_fields=["state", "archived_at", "updated_at"])
        event = _event(summary, SummaryEventAction.ARCHIVE, actor, comment)
        audit_record(
            actor=actor,
            action="summary.archive",
            obj=summary,
            detail=_detail(summary, comment=comment),
        )
        _after_commit(summary, event, _person)
        return summary


# --- telling people -------------------------------------------------------------------------

_NOTICES = {
    # (to the person, to the next step's owners)
    SummaryEventAction.SUBMIT: gettext_noop("%(name)s提交了%(kind)s，请审阅。"),
    SummaryEventAction.RETURN: gettext_noop("您的%(kind)s被退回，请按意见修改后重新提交。"),
    SummaryEventAction.ACCEPT: gettext_noop("您的%(kind)s已通过审阅，等待接收单位鉴定。"),
    SummaryEventAction.APPRAISE: gettext_noop("接收单位已对您的%(kind)s填写鉴定意见。"),
    SummaryEventAction.ARCHIVE: gettext_noop("您的%(kind)s已归档。"),
}
_NEXT_STEP = {
    SummaryEventAction.ACCEPT: gettext_noop("%(name)s的%(kind)s已通过审阅，请填写鉴定意见。"),
    SummaryEventAction.APPRAISE: gettext_noop("%(name)s的%(kind)s已鉴定，请归档。"),
}
_KIND_MSGIDS = {
    SummaryKind.MIDTERM: gettext_noop("阶段总结"),
    SummaryKind.FINAL: gettext_noop("期满总结"),
}


# Each audience: (summary, recipients) -> (users, msgid); msgid None: the notice of the step.
Audience = Callable[[Summary, Recipients], tuple[list[Any], str | None]]


def _person(summary: Summary, recipients: Recipients) -> tuple[list[Any], str | None]:
    user = cadre_user_of(summary.assignment)
    return ([user] if user is not None else []), None


def _reviewers(summary: Summary, recipients: Recipients) -> tuple[list[Any], str | None]:
    """The leader and deputy of the person's group who review it; when none does, the
    coordinators over the batch (who review then)."""
    assignment = summary.assignment
    found = recipients.group_leaders_of(assignment) or recipients.coordinators_of(assignment.batch)
    return found, None


def _host_leaders(summary: Summary, recipients: Recipients) -> tuple[list[Any], str | None]:
    return recipients.host_leaders_of(summary.assignment), _NEXT_STEP[SummaryEventAction.ACCEPT]


def _coordinators(summary: Summary, recipients: Recipients) -> tuple[list[Any], str | None]:
    return (
        recipients.coordinators_of(summary.assignment.batch),
        _NEXT_STEP[SummaryEventAction.APPRAISE],
    )


def _after_commit(summary: Summary, event: SummaryEvent, *audiences: Audience) -> None:
    transaction.on_commit(lambda: _tell(summary, event, audiences))


def _tell(summary: Summary, event: SummaryEvent, audiences: tuple[Audience, ...]) -> None:
    """One notification per recipient and trail row (its key makes it once); nobody is told
    of their own step, and the person is never told as a reviewer."""
    recipients = Recipients()
    url = reverse("summaries:summary_detail", kwargs={"summary_pk": summary.pk})
    own = summary.assignment.cadre.user_id
    told: set[int] = set()
    for audience in audiences:
        users, msgid = audience(summary, recipients)
        message = Message(
            msgid or _NOTICES[SummaryEventAction(event.action)],
            name=summary.assignment.cadre.name,
            kind=Message(_KIND_MSGIDS[SummaryKind(summary.kind)]),
        )
        for user in users:
            if user.pk == event.actor_id or user.pk in told:
                continue
            if audience is not _person and user.pk == own:
                continue
            told.add(user.pk)
            notify(
                recipient=user,
                kind=f"summary.{event.action}",
                key=f"summary:{summary.pk}:{event.action}:{event.pk}",
                message=message,
                url=url,
            )
