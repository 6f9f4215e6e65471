"""Reporting for duty (报到), the Party relationship transfer, and the outcome at the end.

Reporting for duty moves an approved assignment to active with its start date. It may come a
little before the term (people arrive early to hand over): the start date may be up to
EARLY_START_DAYS before the batch's term start, never after the assignment's end. Outcomes:
completed, ended early and stayed on end the assignment; extended keeps it active with a later
end date. Each step is audited and written on the batch's timeline.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guazhi.core.audit import audit_record, changed_fields, history_by
from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.i18n import Message, label_message
from guazhi.core.jinja import format_date
from guazhi.programmes.models import (
    ASSIGNMENT_TRANSITIONS,
    Assignment,
    AssignmentState,
    Outcome,
)
from guazhi.programmes.selectors.groups import (
    OUTCOME_BATCH_STATES,
    SERVING_BATCH_STATES,
    can_report_duty,
)
from guazhi.programmes.selectors.scope import can_manage_batch
from guazhi.programmes.services.events import batch_event_record
from guazhi.programmes.services.locks import locked_batch

# How long before the batch's term start a cadre may report for duty (a per-deployment choice
# would go to settings; a month covers the hand-over weeks seen in local measures).
EARLY_START_DAYS = 30
NOTE_MAX = 200
# Outcomes that end the assignment; EXTENDED keeps it active.
ENDING_OUTCOMES = (Outcome.COMPLETED, Outcome.ENDED_EARLY, Outcome.STAYED_ON)
REASON_REQUIRED = (Outcome.ENDED_EARLY, Outcome.EXTENDED)


def _locked(assignment: Assignment) -> Assignment:
    """The assignment locked, with its batch locked first: the batch's stage, which the caller
    checks, cannot change before commit."""
    batch = locked_batch(assignment.batch_id)
    locked = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("cadre", "host_unit", "post")
        .get(pk=assignment.pk)
    )
    locked.batch = batch
    return locked


def _move(assignment: Assignment, to_state: str) -> None:
    if to_state not in ASSIGNMENT_TRANSITIONS[assignment.state]:
        raise InvalidTransition(
            _("“%(name)s”的挂职安排当前为“%(state)s”，不能改为“%(to)s”。")
            % {
                "name": assignment.cadre.name,
                "state": assignment.get_state_display(),
                "to": AssignmentState(to_state).label,
            }
        )
    assignment.state = to_state


def _check_batch_state(assignment: Assignment, allowed: tuple[str, ...], doing: str) -> None:
    batch = assignment.batch
    if batch.state not in allowed:
        raise InvalidTransition(
            _("批次“%(batch)s”当前为“%(state)s”，不能%(doing)s。")
            % {"batch": batch.name, "state": batch.get_state_display(), "doing": doing}
        )


def earliest_start(assignment: Assignment) -> dt.date:
    return assignment.batch.term_start - dt.timedelta(days=EARLY_START_DAYS)


def latest_end(assignment: Assignment) -> dt.date:
    return assignment.end_date or assignment.batch.term_end


def _party_transfer_errors(
    assignment: Assignment, party_transfer_on: dt.date | None, note: str
) -> dict[str, str]:
    errors = {}
    if party_transfer_on is not None and party_transfer_on < earliest_start(assignment):
        errors["party_transfer_on"] = _(
            "党组织关系转接日期不能早于%(date)s（挂职开始前%(days)s天）。"
        ) % {"date": format_date(earliest_start(assignment)), "days": EARLY_START_DAYS}
    if len(note) > NOTE_MAX:
        errors["party_transfer_note"] = _("转接说明不能超过%(n)s个字。") % {"n": NOTE_MAX}
    return errors


@transaction.atomic
def assignment_report_duty(
    *,
    actor: Any,
    assignment: Assignment,
    start_date: dt.date,
    party_transfer_on: dt.date | None = None,
    party_transfer_note: str = "",
) -> Assignment:
    """An approved cadre has reported for duty on `start_date`: the assignment becomes active.

    By the coordinators over the batch and the host unit's leaders; the batch must be in
    training or active.
    """
    assignment = _locked(assignment)
    if not can_report_duty(actor=actor, assignment=assignment):
        raise Forbidden(_("只有组织部门或接收单位领导可以登记报到。"))
    _check_batch_state(assignment, SERVING_BATCH_STATES, _("登记报到"))
    fields = ["state", "start_date", "end_date", "party_transfer_on", "party_transfer_note"]
    before = {name: getattr(assignment, name) for name in fields}
    _move(assignment, AssignmentState.ACTIVE)
    party_transfer_note = party_transfer_note.strip()
    errors = _party_transfer_errors(assignment, party_transfer_on, party_transfer_note)
    if start_date < earliest_start(assignment):
        errors["start_date"] = _("到岗日期不能早于%(date)s（挂职开始前%(days)s天）。") % {
            "date": format_date(earliest_start(assignment)),
            "days": EARLY_START_DAYS,
        }
    elif start_date > latest_end(assignment):
        errors["start_date"] = _("到岗日期不能晚于期满日期%(date)s。") % {
            "date": format_date(latest_end(assignment))
        }
    if errors:
        raise ValidationFailed(_("报到信息有误。"), detail=errors)
    assignment.start_date = start_date
    assignment.end_date = latest_end(assignment)
    assignment.party_transfer_on = party_transfer_on
    assignment.party_transfer_note = party_transfer_note
    history_by(actor, assignment)
    assignment.save(update_fields=[*fields, "updated_at"])
    batch_event_record(
        actor=actor,
        batch=assignment.batch,
        kind="assignment_report_duty",
        note=Message(
            gettext_noop("%(name)s到%(unit)s报到，到岗日期%(date)s。"),
            name=assignment.cadre.name,
            unit=assignment.host_unit.name,
            date=format_date(start_date),
        ),
        payload={"assignment": assignment.pk, "start_date": start_date.isoformat()},
    )
    audit_record(
        actor=actor,
        action="assignment.report_duty",
        obj=assignment,
        detail={
            "changes": changed_fields(assignment, before, fields),
            "party_transfer_note": party_transfer_note,
        },
    )
    return assignment


@transaction.atomic
def assignment_party_transfer_record(
    *, actor: Any, assignment: Assignment, on: dt.date, note: str = ""
) -> Assignment:
    """The Party relationship moved to the host after reporting for duty (it often follows by
    some weeks): record or correct its date on an active assignment."""
    assignment = _locked(assignment)
    if not can_report_duty(actor=actor, assignment=assignment):
        raise Forbidden(_("只有组织部门或接收单位领导可以登记党组织关系转接。"))
    if assignment.state != AssignmentState.ACTIVE:
        raise InvalidTransition(
            _("“%(name)s”尚未报到，请在登记报到时一并填写党组织关系转接。")
            % {"name": assignment.cadre.name}
        )
    note = note.strip()
    errors = _party_transfer_errors(assignment, on, note)
    if errors:
        raise ValidationFailed(_("转接信息有误。"), detail=errors)
    fields = ["party_transfer_on", "party_transfer_note"]
    before = {name: getattr(assignment, name) for name in fields}
    assignment.party_transfer_on, assignment.party_transfer_note = on, note
    history_by(actor, assignment)
    assignment.save(update_fields=[*fields, "updated_at"])
    audit_record(
        actor=actor,
        action="assignment.party_transfer",
        obj=assignment,
        detail={"changes": changed_fields(assignment, before, fields)},
    )
    return assignment


@transaction.atomic
def assignment_outcome_record(
    *,
    actor: Any,
    assignment: Assignment,
    outcome: str,
    on: dt.date,
    reason: str,
    extended_to: dt.date | None = None,
) -> Assignment:
    """Record how an active assignment ends, or that it is extended to `extended_to`.

    Completed, ended early and stayed on end it (ended early also ends it on `on` and takes the
    person out of their group); extended keeps it active with the later end date. A reason is
    required for ended early and extended. Coordinators only; the batch active or evaluating.
    """
    from guazhi.programmes.services.groups import group_member_remove

    assignment = _locked(assignment)
    if not can_manage_batch(actor=actor, batch=assignment.batch):
        raise Forbidden(_("只有组织部门可以登记挂职结果。"))
    _check_batch_state(assignment, OUTCOME_BATCH_STATES, _("登记挂职结果"))
    if assignment.state != AssignmentState.ACTIVE:
        raise InvalidTransition(
            _("“%(name)s”的挂职安排当前为“%(state)s”，只有在岗人员可以登记结果。")
            % {"name": assignment.cadre.name, "state": assignment.get_state_display()}
        )
    reason = reason.strip()
    errors: dict[str, str] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = _("请选择挂职结果。")
    if outcome in REASON_REQUIRED and not reason:
        errors["reason"] = _("“%(outcome)s”须填写原因。") % {"outcome": Outcome(outcome).label}
    if assignment.start_date and on < assignment.start_date:
        errors["on"] = _("日期不能早于到岗日期%(date)s。") % {
            "date": format_date(assignment.start_date)
        }
    if outcome == Outcome.EXTENDED:
        if extended_to is None:
            errors["extended_to"] = _("请填写延长至的日期。")
        elif extended_to <= latest_end(assignment):
            errors["extended_to"] = _("延长至的日期须晚于当前期满日期%(date)s。") % {
                "date": format_date(latest_end(assignment))
            }
    elif extended_to is not None:
        errors["extended_to"] = _("只有“延长”需要填写延长至的日期。")
    if errors:
        raise ValidationFailed(_("挂职结果信息有误。"), detail=errors)
    fields = ["state", "end_date", "outcome", "outcome_on", "outcome_reason"]
    before = {name: getattr(assignment, name) for name in fields}
    if outcome == Outcome.EXTENDED:
        assert extended_to is not None
        assignment.end_date = extended_to
        note = Message(
            gettext_noop("%(name)s挂职延长至%(date)s。"),
            name=assignment.cadre.name,
            date=format_date(extended_to),
        )
    else:
        _move(assignment, AssignmentState.ENDED)
        if outcome == Outcome.ENDED_EARLY:
            assignment.end_date = on
        note = Message(
            gettext_noop("%(name)s挂职结果：%(outcome)s（%(date)s）。"),
            name=assignment.cadre.name,
            outcome=label_message(Outcome(outcome).label),
            date=format_date(on),
        )
    assignment.outcome, assignment.outcome_on, assignment.outcome_reason = outcome, on, reason
    history_by(actor, assignment)
    assignment.save(update_fields=[*fields, "updated_at"])
    if outcome == Outcome.ENDED_EARLY and assignment.group_id is not None:
        group_member_remove(actor=actor, assignment=assignment)
    batch_event_record(
        actor=actor,
        batch=assignment.batch,
        kind="assignment_outcome",
        note=note,
        payload={"assignment": assignment.pk, "outcome": outcome, "on": on.isoformat()},
    )
    audit_record(
        actor=actor,
        action="assignment.outcome",
        obj=assignment,
        detail={"changes": changed_fields(assignment, before, fields), "reason": reason},
    )
    return assignment
