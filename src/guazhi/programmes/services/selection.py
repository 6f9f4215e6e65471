"""Writes of vetting, decision, publicity and approval (考察、决定、公示与审批).

Order of the procedure: a matching run is adopted (assignments PROPOSED) → organisational
vetting (组织考察) → the Party committee's decision (党委（党组）研究决定) → publicity (公示)
for the batch's number of working days, with objections recorded and resolved → approval after
the period, which makes every remaining proposed assignment APPROVED. A proposed or approved
person may be taken off the list with a reason at any point (failed vetting, an upheld
objection, withdrew). A publicity not yet approved may be withdrawn with a reason (the list
goes back to matching, or was publicised wrongly); a new one may then start, and the withdrawn
one stays on record with its objections. (A withdrawal is audited and shown on the publicity
page; it has no line of its own on the batch timeline until programmes/events.py names one.)

Every service checks the batch is the actor's to manage, locks the row whose state changes,
writes a line on the batch timeline and an audit event. Refusals raise with the reason in
Chinese (the same checks the page uses: selectors.selection) and change nothing.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from docx.shared import Mm

from guazhi.core.audit import audit_record, changed_fields
from guazhi.core.calendar import add_working_days
from guazhi.core.documents import (
    add_body,
    add_signature,
    add_table,
    add_title,
    document_bytes,
    document_date,
    official_document,
)
from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.i18n import Message, label_message
from guazhi.core.jinja import format_date
from guazhi.orgs.models import User
from guazhi.programmes.dates import year_error
from guazhi.programmes.models import (
    Assignment,
    AssignmentState,
    Batch,
    Objection,
    Publicity,
    SelectionStep,
    SelectionStepKind,
)
from guazhi.programmes.models.assignments import ObjectionChannel
from guazhi.programmes.selectors.runs import current_adoption
from guazhi.programmes.selectors.scope import can_manage_batch
from guazhi.programmes.selectors.selection import (
    CANCELLABLE_STATES,
    EVENT_CANCELLED,
    EVENT_OBJECTION_RECORDED,
    EVENT_OBJECTION_RESOLVED,
    EVENT_PUBLICITY_APPROVED,
    EVENT_PUBLICITY_STARTED,
    EVENT_STEP,
    batch_publicity,
    objection_instructions,
    outdated_steps,
    publicity_approve_refusal,
    publicity_list,
    publicity_period,
    publicity_start_refusal,
    publicity_withdraw_refusal,
    selection_steps,
    serving_elsewhere,
    step_refusal,
)
from guazhi.programmes.services.events import batch_event_record
from guazhi.programmes.services.groups import group_member_remove
from guazhi.programmes.services.locks import locked_batch

NOTE_MAX = 2000
TEXT_MAX = 5000


def _check_manager(actor: User, batch: Batch) -> None:
    if not can_manage_batch(actor=actor, batch=batch):
        raise Forbidden(_("只有负责本批次的组织部门可以办理考察、公示和审批。"))


def _current_publicity(batch: Batch, *, lock: bool = False) -> Publicity | None:
    """The batch's current publicity (the latest not withdrawn), locked when asked."""
    found = Publicity.objects.filter(batch=batch, withdrawn_at__isnull=True).order_by("-id")
    if lock:
        found = found.select_for_update(of=("self",))
    return found.first()


def _proposed_count(batch: Batch) -> int:
    return Assignment.objects.filter(batch=batch, state=AssignmentState.PROPOSED).count()


def _clean_text(value: str | None) -> str:
    return (value or "").strip()


# Vetting and decision ----------------------------------------------------------------------


@transaction.atomic
def selection_step_record(
    *, actor: User, batch: Batch, kind: str, held_on: dt.date, note: str = ""
) -> SelectionStep:
    """Record 组织考察 or 党委（党组）研究决定 with its date; recording it again corrects it.

    The decision comes after vetting (never dated before it); neither may be dated after
    today, nor after the day publicity started. A step recorded before the current adoption
    counts for the current list only once recorded again: recording it again unchanged
    confirms it (selectors.selection.outdated_steps).
    """
    if kind not in SelectionStepKind.values:
        raise ValidationFailed(_("环节不在可选范围内。"), detail={"kind": _("请选择环节。")})
    _check_manager(actor, batch)
    batch = locked_batch(batch.pk)
    note = _clean_text(note)
    steps = selection_steps(batch=batch)
    outdated = outdated_steps(steps=steps, adoption=current_adoption(batch=batch))
    publicity = _current_publicity(batch)
    refusal = step_refusal(
        batch=batch,
        kind=kind,
        steps=steps,
        publicity=publicity,
        proposed_count=_proposed_count(batch),
        outdated=outdated,
    )
    if refusal:
        raise InvalidTransition(refusal)
    errors: dict[str, str] = {}
    if held_on > timezone.localdate():
        errors["held_on"] = _("日期不能晚于今天。")
    vetting = steps.get(SelectionStepKind.VETTING)
    decision = steps.get(SelectionStepKind.DECISION)
    if kind == SelectionStepKind.DECISION and vetting and held_on < vetting.held_on:
        errors["held_on"] = _("研究决定的日期不能早于组织考察（%(date)s）。") % {
            "date": format_date(vetting.held_on)
        }
    if kind == SelectionStepKind.VETTING and decision and held_on > decision.held_on:
        errors["held_on"] = _("组织考察的日期不能晚于研究决定（%(date)s）。") % {
            "date": format_date(decision.held_on)
        }
    if publicity is not None and held_on > publicity.starts_on:
        errors["held_on"] = _("日期不能晚于公示开始日期（%(date)s）。") % {
            "date": format_date(publicity.starts_on)
        }
    if len(note) > NOTE_MAX:
        errors["note"] = _("说明不能超过%(n)s个字。") % {"n": NOTE_MAX}
    if errors:
        raise ValidationFailed(next(iter(errors.values())), detail=errors)

    label = SelectionStepKind(kind).label
    step = steps.get(kind)
    if step is None:
        step = SelectionStep.objects.create(
            batch=batch, kind=kind, held_on=held_on, note=note, recorded_by=actor
        )
        action = "selection_step.create"
        detail: dict[str, Any] = {"kind": kind, "date": str(held_on)}
        event_note = Message(
            gettext_noop("记录%(step)s：%(date)s"),
            step=label_message(label),
            date=format_date(held_on),
        )
    else:
        step = SelectionStep.objects.select_for_update(of=("self",)).get(pk=step.pk)
        before = {"held_on": step.held_on, "note": step.note}
        step.held_on, step.note, step.recorded_by = held_on, note, actor
        changes = changed_fields(step, before, ["held_on", "note"])
        if not changes and kind not in outdated:
            return step
        step.save(update_fields=[*changes.keys(), "recorded_by", "updated_at"])
        if changes:
            action, detail = "selection_step.update", {"kind": kind, "changes": changes}
            event_note = Message(
                gettext_noop("更正%(step)s：%(date)s"),
                step=label_message(label),
                date=format_date(held_on),
            )
        else:
            # Recorded before the list now proposed: saving it again says it holds for this one.
            action, detail = "selection_step.confirm", {"kind": kind, "date": str(held_on)}
            event_note = Message(
                gettext_noop("针对当前拟任人选重新确认%(step)s：%(date)s"),
                step=label_message(label),
                date=format_date(held_on),
            )
    if note:
        # The step's own note is the recorder's words: a parameter, shown as typed.
        event_note = Message(gettext_noop("%(event)s。%(note)s"), event=event_note, note=note)
    batch_event_record(
        actor=actor,
        batch=batch,
        kind=EVENT_STEP,
        note=event_note,
        payload={"step": kind, "held_on": str(held_on)},
    )
    audit_record(actor=actor, action=action, obj=step, detail=detail)
    return step


# Taking someone off the list ---------------------------------------------------------------


@transaction.atomic
def assignment_cancel(*, actor: User, assignment: Assignment, reason: str) -> Assignment:
    """Take a proposed or approved person off the list, with the reason (required).

    An approved person may already be in a group: they leave it, and when they led it (or were
    its deputy) the group-leader role goes with it, as the groups services decide."""
    _check_manager(actor, assignment.batch)
    reason = _clean_text(reason)
    if not reason:
        raise ValidationFailed(_("请填写取消原因。"), detail={"reason": _("请填写取消原因。")})
    if len(reason) > NOTE_MAX:
        raise ValidationFailed(
            _("取消原因不能超过%(n)s个字。") % {"n": NOTE_MAX},
            detail={"reason": _("取消原因不能超过%(n)s个字。") % {"n": NOTE_MAX}},
        )
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("batch", "cadre", "post", "host_unit")
        .get(pk=assignment.pk)
    )
    if assignment.state not in CANCELLABLE_STATES:
        raise InvalidTransition(
            _("%(name)s的挂职安排为“%(state)s”，只有拟任或已批准的人选可以取消。")
            % {"name": assignment.cadre.name, "state": assignment.get_state_display()}
        )
    previous = assignment.state
    assignment.state = AssignmentState.CANCELLED
    assignment.cancelled_reason = reason
    assignment.save(update_fields=["state", "cancelled_reason", "updated_at"])
    if assignment.group_id is not None:
        group_member_remove(actor=actor, assignment=assignment)
        assignment.group = None  # what group_member_remove saved on its own copy
    batch_event_record(
        actor=actor,
        batch=assignment.batch,
        kind=EVENT_CANCELLED,
        note=Message(
            gettext_noop("取消%(name)s（%(post)s）的人选：%(reason)s"),
            name=assignment.cadre.name,
            post=f"{assignment.host_unit.name} {assignment.post.title}",
            reason=reason,
        ),
        payload={"assignment": assignment.pk, "from": previous},
    )
    audit_record(
        actor=actor,
        action="assignment.cancel",
        obj=assignment,
        detail={"from": previous, "reason": reason},
    )
    return assignment


# Publicity ---------------------------------------------------------------------------------


@transaction.atomic
def publicity_start(*, actor: User, batch: Batch, starts_on: dt.date, text: str = "") -> Publicity:
    """Publicise the proposed list from `starts_on` for the batch's number of working days.

    Needs the batch in the publicity state, vetting and decision recorded, someone proposed.
    `starts_on` may not be before the decision. The end date follows selectors.selection.
    publicity_period (the start counts as day 1 when it is a working day); the caller shows
    `publicity_period(...).warnings` for years the work calendar has no schedule for.
    """
    _check_manager(actor, batch)
    batch = locked_batch(batch.pk)
    text = _clean_text(text)
    steps = selection_steps(batch=batch)
    refusal = publicity_start_refusal(
        batch=batch,
        steps=steps,
        publicity=_current_publicity(batch),
        proposed_count=_proposed_count(batch),
        outdated=outdated_steps(steps=steps, adoption=current_adoption(batch=batch)),
    )
    if refusal:
        raise InvalidTransition(refusal)
    decision = steps[SelectionStepKind.DECISION]
    if message := year_error(starts_on, _("公示开始日期")):
        raise ValidationFailed(message, detail={"starts_on": message})
    if starts_on < decision.held_on:
        message = _("公示开始日期不能早于党委（党组）研究决定的日期（%(date)s）。") % {
            "date": format_date(decision.held_on)
        }
        raise ValidationFailed(message, detail={"starts_on": message})
    if len(text) > TEXT_MAX:
        message = _("公示说明不能超过%(n)s个字。") % {"n": TEXT_MAX}
        raise ValidationFailed(message, detail={"text": message})
    working_days = batch.publicity_working_days
    if working_days < 1:
        raise ValidationFailed(_("批次的公示期（工作日）应至少为1天，请先修改批次信息。"))
    period = publicity_period(starts_on=starts_on, working_days=working_days)
    publicity = Publicity.objects.create(
        batch=batch,
        starts_on=starts_on,
        working_days=working_days,
        ends_on=period.ends_on,
        text=text,
    )
    people = list(
        Assignment.objects.filter(batch=batch, state=AssignmentState.PROPOSED).values_list(
            "pk", flat=True
        )
    )
    batch_event_record(
        actor=actor,
        batch=batch,
        kind=EVENT_PUBLICITY_STARTED,
        note=Message(
            gettext_noop("公示%(n)s名拟任人选，公示期%(start)s至%(end)s（%(days)s个工作日）"),
            n=len(people),
            start=format_date(starts_on),
            end=format_date(period.ends_on),
            days=working_days,
        ),
        payload={
            "starts_on": str(starts_on),
            "ends_on": str(period.ends_on),
            "working_days": working_days,
            "assignments": people,
        },
    )
    audit_record(
        actor=actor,
        action="publicity.start",
        obj=publicity,
        detail={
            "starts_on": str(starts_on),
            "ends_on": str(period.ends_on),
            "working_days": working_days,
            "people": len(people),
        },
    )
    return publicity


def _open_publicity(publicity: Publicity) -> Publicity:
    """The publicity locked, refusing when it is withdrawn or already approved (the record is
    closed)."""
    publicity = (
        Publicity.objects.select_for_update(of=("self",))
        .select_related("batch__coordinating_org")
        .get(pk=publicity.pk)
    )
    if publicity.withdrawn_at is not None:
        raise InvalidTransition(
            _("这次公示已于%(date)s撤回，不能再登记或处理异议。")
            % {"date": format_date(publicity.withdrawn_at)}
        )
    if publicity.approved_at is not None:
        raise InvalidTransition(
            _("公示结果已于%(date)s审批，不能再登记或处理异议。")
            % {"date": format_date(publicity.approved_at)}
        )
    return publicity


@transaction.atomic
def objection_record(
    *,
    actor: User,
    publicity: Publicity,
    received_on: dt.date,
    content: str,
    channel: str = "",
    raised_by: str = "",
    assignment: Assignment | None = None,
) -> Objection:
    """Record an objection received during the period. `raised_by` blank means anonymous;
    `assignment`, when given, is the proposed person it is about."""
    _check_manager(actor, publicity.batch)
    publicity = _open_publicity(publicity)
    content, raised_by = _clean_text(content), _clean_text(raised_by)
    errors: dict[str, str] = {}
    if received_on < publicity.starts_on or received_on > publicity.ends_on:
        errors["received_on"] = _("收到日期应在公示期内（%(start)s至%(end)s）。") % {
            "start": format_date(publicity.starts_on),
            "end": format_date(publicity.ends_on),
        }
    elif received_on > timezone.localdate():
        errors["received_on"] = _("收到日期不能晚于今天。")
    if channel and channel not in ObjectionChannel.values:
        errors["channel"] = _("反映方式不在可选范围内。")
    if len(raised_by) > 50:
        errors["raised_by"] = _("反映人不能超过50个字。")
    if not content:
        errors["content"] = _("请填写反映内容。")
    elif len(content) > TEXT_MAX:
        errors["content"] = _("反映内容不能超过%(n)s个字。") % {"n": TEXT_MAX}
    if assignment is not None and (
        assignment.batch_id != publicity.batch_id or assignment.state not in CANCELLABLE_STATES
    ):
        errors["assignment"] = _("所选人员不在本批次的公示名单中。")
    if errors:
        raise ValidationFailed(next(iter(errors.values())), detail=errors)
    objection = Objection.objects.create(
        publicity=publicity,
        assignment=assignment,
        received_on=received_on,
        channel=channel,
        raised_by=raised_by,
        content=content,
        recorded_by=actor,
    )
    about = assignment.cadre.name if assignment is not None else Message(gettext_noop("公示名单"))
    batch_event_record(
        actor=actor,
        batch=publicity.batch,
        kind=EVENT_OBJECTION_RECORDED,
        note=Message(
            gettext_noop("登记%(date)s收到的关于%(about)s的异议"),
            date=format_date(received_on),
            about=about,
        ),
        payload={"objection": objection.pk, "assignment": assignment.pk if assignment else None},
    )
    audit_record(
        actor=actor,
        action="objection.create",
        obj=objection,
        detail={
            "received_on": str(received_on),
            "channel": channel,
            "anonymous": not raised_by,
            "assignment": assignment.pk if assignment else None,
        },
    )
    return objection


@transaction.atomic
def objection_resolve(
    *,
    actor: User,
    objection: Objection,
    resolution: str,
    upheld: bool,
    cancel_assignment: bool = False,
) -> Objection:
    """Resolve an objection with the finding; resolving again corrects it until approval.

    An upheld objection about a person may take them off the list in the same step
    (`cancel_assignment`), with the finding as the reason.
    """
    _check_manager(actor, objection.publicity.batch)
    publicity = _open_publicity(objection.publicity)
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("assignment__cadre")
        .get(pk=objection.pk)
    )
    resolution = _clean_text(resolution)
    if not resolution:
        message = _("请填写核查处理意见。")
        raise ValidationFailed(message, detail={"resolution": message})
    if len(resolution) > TEXT_MAX:
        message = _("核查处理意见不能超过%(n)s个字。") % {"n": TEXT_MAX}
        raise ValidationFailed(message, detail={"resolution": message})
    if cancel_assignment:
        if not upheld:
            message = _("反映不属实时不能取消人选。")
            raise ValidationFailed(message, detail={"cancel_assignment": message})
        if objection.assignment is None:
            message = _("这条异议不涉及具体人员，没有可取消的人选。")
            raise ValidationFailed(message, detail={"cancel_assignment": message})
    fields = ["resolution", "upheld"]
    before = {"resolution": objection.resolution, "upheld": objection.upheld}
    first_time = objection.resolved_at is None
    objection.resolution, objection.upheld = resolution, upheld
    changes = changed_fields(objection, before, fields)
    if changes or first_time:
        objection.resolved_at = timezone.now()
        objection.resolved_by = actor
        objection.save(update_fields=[*fields, "resolved_at", "resolved_by", "updated_at"])
        about = (
            objection.assignment.cadre.name
            if objection.assignment
            else Message(gettext_noop("公示名单"))
        )
        verdict = Message(gettext_noop("反映属实") if upheld else gettext_noop("反映不属实"))
        batch_event_record(
            actor=actor,
            batch=publicity.batch,
            kind=EVENT_OBJECTION_RESOLVED,
            note=Message(
                gettext_noop("关于%(about)s的异议已核查：%(verdict)s。%(resolution)s"),
                about=about,
                verdict=verdict,
                resolution=resolution,
            ),
            payload={"objection": objection.pk, "upheld": upheld},
        )
        audit_record(
            actor=actor,
            action="objection.resolve",
            obj=objection,
            detail={"upheld": upheld, "changes": changes},
        )
    if cancel_assignment and objection.assignment is not None:
        assignment_cancel(
            actor=actor,
            assignment=objection.assignment,
            reason=_("公示期间反映的问题经核查属实：%(resolution)s") % {"resolution": resolution},
        )
    return objection


@transaction.atomic
def publicity_approve(*, actor: User, batch: Batch, note: str = "") -> Publicity:
    """Approve the result once the period is over (today after ends_on) and every objection is
    resolved: every proposed assignment becomes APPROVED. Refused while someone proposed is
    approved or on duty in another batch (named): one person serves in one batch at a time."""
    _check_manager(actor, batch)
    batch = locked_batch(batch.pk)
    note = _clean_text(note)
    publicity = _current_publicity(batch, lock=True)
    open_objections = (
        Objection.objects.filter(publicity=publicity, resolved_at__isnull=True).count()
        if publicity
        else 0
    )
    proposed = list(
        Assignment.objects.select_for_update(of=("self",))
        .filter(batch=batch, state=AssignmentState.PROPOSED)
        .order_by("pk")
    )
    refusal = publicity_approve_refusal(
        batch=batch,
        publicity=publicity,
        open_objections=open_objections,
        proposed_count=len(proposed),
        today=timezone.localdate(),
        serving_elsewhere=serving_elsewhere(
            batch=batch, cadre_ids=[assignment.cadre_id for assignment in proposed]
        ),
    )
    if refusal:
        raise InvalidTransition(refusal)
    assert publicity is not None  # the refusal covers a missing publicity
    if len(note) > NOTE_MAX:
        message = _("审批意见不能超过%(n)s个字。") % {"n": NOTE_MAX}
        raise ValidationFailed(message, detail={"note": message})
    for assignment in proposed:
        assignment.state = AssignmentState.APPROVED
        assignment.save(update_fields=["state", "updated_at"])
        audit_record(
            actor=actor,
            action="assignment.approve",
            obj=assignment,
            detail={"from": AssignmentState.PROPOSED, "to": AssignmentState.APPROVED},
        )
    publicity.approved_at = timezone.now()
    publicity.approved_by = actor
    publicity.approval_note = note
    publicity.save(update_fields=["approved_at", "approved_by", "approval_note", "updated_at"])
    event_note = Message(gettext_noop("公示期满，批准%(n)s名拟任人选"), n=len(proposed))
    if note:
        # The approval note is the approver's words: a parameter, shown as typed.
        event_note = Message(gettext_noop("%(event)s。%(note)s"), event=event_note, note=note)
    batch_event_record(
        actor=actor,
        batch=batch,
        kind=EVENT_PUBLICITY_APPROVED,
        note=event_note,
        payload={"assignments": [a.pk for a in proposed]},
    )
    audit_record(
        actor=actor,
        action="publicity.approve",
        obj=publicity,
        detail={"people": len(proposed), "note": note},
    )
    return publicity


def _withdraw(actor: User, publicity: Publicity, reason: str) -> Publicity:
    publicity.withdrawn_at = timezone.now()
    publicity.withdrawn_by = actor if getattr(actor, "is_authenticated", False) else None
    publicity.withdrawn_reason = reason
    publicity.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason", "updated_at"])
    open_objections = publicity.objections.filter(resolved_at__isnull=True).count()
    audit_record(
        actor=actor,
        action="publicity.withdraw",
        obj=publicity,
        detail={
            "starts_on": str(publicity.starts_on),
            "ends_on": str(publicity.ends_on),
            "reason": reason,
            "open_objections": open_objections,
        },
    )
    batch_event_record(
        actor=actor,
        batch=publicity.batch,
        kind="publicity_withdrawn",
        note=reason,
        payload={"publicity": publicity.pk},
    )
    return publicity


def _withdraw_reason(reason: str | None) -> str:
    reason = _clean_text(reason)
    if not reason:
        message = _("请填写撤回公示的原因。")
        raise ValidationFailed(message, detail={"reason": message})
    if len(reason) > NOTE_MAX:
        message = _("撤回原因不能超过%(n)s个字。") % {"n": NOTE_MAX}
        raise ValidationFailed(message, detail={"reason": message})
    return reason


@transaction.atomic
def publicity_withdraw(*, actor: User, batch: Batch, reason: str) -> Publicity:
    """Withdraw the batch's current publicity before approval, for a reason (required).

    The withdrawn publicity stays on record with its objections (those still open stay open:
    the record says what was left when it stopped); a new publicity may start afterwards.
    The proposed list itself is not touched.
    """
    _check_manager(actor, batch)
    batch = locked_batch(batch.pk)
    publicity = _current_publicity(batch, lock=True)
    refusal = publicity_withdraw_refusal(publicity=publicity)
    if refusal:
        raise InvalidTransition(refusal)
    assert publicity is not None  # the refusal covers a missing publicity
    return _withdraw(actor, publicity, _withdraw_reason(reason))


def publicity_withdraw_for_move(*, actor: User, batch: Batch, reason: str) -> Publicity | None:
    """For batch_transition moving publicity → matching, which has checked the actor and the
    reason and runs in its own transaction with the batch locked: withdraw the current
    publicity with the move's reason, unless there is none or it is approved already (an
    approved result is a closed record, not withdrawn by a later move)."""
    publicity = _current_publicity(batch, lock=True)
    if publicity is None or publicity.approved_at is not None:
        return None
    return _withdraw(actor, publicity, _withdraw_reason(reason))


# The Word document -------------------------------------------------------------------------

PUBLICITY_COLUMNS_MM = (12, 18, 12, 20, 20, 37, 37)  # adds up to the 156 mm text block


def publicity_document(*, actor: User, batch: Batch) -> tuple[bytes, str]:
    """The publicity list as a Word document in the official format, and its file name.

    The list is the publicised people not taken off since (cancelled ones are left out, so a
    reprint after an upheld objection is the list as it stands). Taking personal data out of
    the system is audited.
    """
    _check_manager(actor, batch)
    publicity = batch_publicity(batch=batch)
    if publicity is None:
        raise ValidationFailed(_("尚未开始公示，没有可导出的公示名单。"))
    people = publicity_list(actor=actor, batch=batch)
    organisation = batch.coordinating_org.name
    document = official_document()
    add_title(document, _("关于%(batch)s拟挂职人选的公示") % {"batch": batch.name})
    add_body(
        document,
        _(
            "根据干部挂职锻炼工作有关规定，经组织考察和研究决定，拟选派以下%(n)s名同志参加"
            "%(batch)s挂职锻炼，现予以公示。公示时间为%(start)s至%(end)s（%(days)s个工作日）。"
        )
        % {
            "n": len(people),
            "batch": batch.name,
            "start": document_date(publicity.starts_on),
            "end": document_date(publicity.ends_on),
            "days": publicity.working_days,
        },
    )
    for line in objection_instructions(publicity=publicity, batch=batch):
        add_body(document, line)
    add_body(document, _("附：拟挂职人选名单"), indent=True)
    add_table(
        document,
        [
            _("序号"),
            _("姓名"),
            _("性别"),
            _("出生年月"),
            _("政治面貌"),
            _("派出单位及职务"),
            _("拟挂职单位及职务"),
        ],
        [_publicity_row(number, assignment) for number, assignment in enumerate(people, 1)],
        widths=[Mm(width) for width in PUBLICITY_COLUMNS_MM],
        centred_columns=(0, 2, 3),
    )
    add_signature(document, organisation, document_date(publicity.starts_on))
    audit_record(
        actor=actor,
        action="publicity.export",
        obj=publicity,
        detail={"rows": len(people), "format": "docx"},
    )
    filename = _("%(batch)s拟挂职人选公示.docx") % {"batch": batch.name}
    return document_bytes(document), filename


def _publicity_row(number: int, assignment: Assignment) -> list[str]:
    cadre = assignment.cadre
    return [
        str(number),
        cadre.name,
        cadre.get_gender_display(),
        f"{cadre.birth_date.year}.{cadre.birth_date.month:02d}",
        cadre.get_political_status_display(),
        f"{assignment.home_unit.name}{cadre.position}",
        f"{assignment.host_unit.name}{assignment.post.title}",
    ]


# Demo data ---------------------------------------------------------------------------------


def selection_demo(
    *, actor: User, batch: Batch, today: dt.date | None = None, approve: bool = True
) -> Publicity:
    """Demo data for a batch in the publicity state with people proposed (a run adopted):
    vetting and decision recorded, the list publicised over a period that ended before
    `today`, one objection about the first person resolved as not upheld, and with `approve`
    the result approved. Goes through the services, so timeline and audit are filled too."""
    today = today or timezone.localdate()
    starts_on = add_working_days(today, -(batch.publicity_working_days + 2))
    selection_step_record(
        actor=actor,
        batch=batch,
        kind=SelectionStepKind.VETTING,
        held_on=add_working_days(starts_on, -6),
        note=_("考察组通过个别谈话、查阅档案和民主测评，对拟任人选逐一进行了考察。"),
    )
    selection_step_record(
        actor=actor,
        batch=batch,
        kind=SelectionStepKind.DECISION,
        held_on=add_working_days(starts_on, -2),
        note=_("常委会研究同意。"),
    )
    publicity = publicity_start(actor=actor, batch=batch, starts_on=starts_on)
    first = (
        Assignment.objects.filter(batch=batch, state=AssignmentState.PROPOSED)
        .order_by("pk")
        .first()
    )
    objection = objection_record(
        actor=actor,
        publicity=publicity,
        received_on=starts_on,
        channel=ObjectionChannel.PHONE,
        content=_("反映该同志在原单位工作中存在推诿现象。"),
        assignment=first,
    )
    objection_resolve(
        actor=actor,
        objection=objection,
        resolution=_("经向原单位核实，所反映问题不属实。"),
        upheld=False,
    )
    if approve:
        publicity = publicity_approve(actor=actor, batch=batch, note=_("公示期满，同意。"))
    return publicity
