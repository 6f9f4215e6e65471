"""Writes to batches: create, edit, and move through the states of BATCH_TRANSITIONS.

Coordinators set up batches over units they manage; every move needs a reason, is allowed
only to the roles the table names, and is refused with the reason in Chinese when the stage
it leads to has nothing to work on yet. Each write is audited and goes on the batch timeline.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guazhi.core.audit import audit_record, changed_fields
from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.i18n import Message, label_message
from guazhi.core.text import join_list
from guazhi.orgs import vocab
from guazhi.orgs.models import Organisation, User
from guazhi.orgs.scopes import scopes_of
from guazhi.programmes.dates import year_error
from guazhi.programmes.models import BATCH_TRANSITIONS, Assignment, Batch, BatchState, Direction
from guazhi.programmes.selectors.batches import (
    EVENT_CREATED,
    EVENT_STATE,
    EVENT_UPDATED,
    holds_move_roles,
    transition_blockers,
)
from guazhi.programmes.selectors.scope import BATCH_MANAGER_ROLES, unit_ids_on_path
from guazhi.programmes.services.events import batch_event_record
from guazhi.programmes.services.runs import run_adoption_cancel_for_move
from guazhi.programmes.services.selection import publicity_withdraw_for_move

# The fields a coordinator edits (dispatching_orgs, a many-to-many, travels on its own).
BATCH_FIELDS = [
    "name",
    "coordinating_org",
    "co_managing_org",
    "supervising_org",
    "direction",
    "full_time",
    "term_start",
    "term_end",
    "max_age",
    "min_rank",
    "max_rank",
    "min_education",
    "exclude_serving",
    "require_dispatching_home",
    "max_choices",
    "max_per_dispatch_at_host",
    "max_leadership_per_host",
    "max_levels_above",
    "min_women",
    "min_minority",
    "min_non_party",
    "publicity_working_days",
]
# Whole-number settings: (field, lowest, highest, may be left blank). The bounds keep typing
# slips out (an age limit of 400), not local practice, which varies within them.
INT_SETTINGS: tuple[tuple[str, int, int, bool], ...] = (
    ("max_age", 18, 65, True),
    ("max_choices", 1, 10, False),
    ("max_per_dispatch_at_host", 1, 99, True),
    ("max_leadership_per_host", 1, 99, True),
    ("max_levels_above", 0, 3, False),
    ("min_women", 0, 9999, False),
    ("min_minority", 0, 9999, False),
    ("min_non_party", 0, 9999, False),
    ("publicity_working_days", 1, 30, False),
)
BOOL_SETTINGS = ("full_time", "exclude_serving", "require_dispatching_home")
REASON_MAX = 500
# Settings that decide who may apply (报名条件) and how people are matched (匹配规则): fixed once
# the call has closed, since the applications and runs made under them would no longer fit.
ELIGIBILITY_FIELDS = (
    "max_age",
    "min_rank",
    "max_rank",
    "min_education",
    "exclude_serving",
    "require_dispatching_home",
    "max_choices",
)
MATCHING_RULE_FIELDS = (
    "max_per_dispatch_at_host",
    "max_leadership_per_host",
    "max_levels_above",
    "min_women",
    "min_minority",
    "min_non_party",
)
RULE_EDIT_STATES = (BatchState.PLANNING, BatchState.RECRUITING)
# The coordinating unit decides who manages the batch and where group leaders' roles reach:
# settled before the call goes out.
COORDINATING_EDIT_STATES = (BatchState.PLANNING,)


def _label(name: str) -> str:
    return str(Batch._meta.get_field(name).verbose_name)  # type: ignore[union-attr]


def batch_defaults() -> dict[str, Any]:
    """What a new batch starts from: the model's defaults (the DOMAIN.md figures), blank text
    and no unit where the model has none."""
    return {name: Batch._meta.get_field(name).get_default() for name in BATCH_FIELDS}  # type: ignore[union-attr]


def batch_field_errors(fields: dict[str, Any]) -> dict[str, str]:
    """Problems with a batch's own values, by field, in Chinese (units are checked apart,
    against the actor's scope)."""
    errors: dict[str, str] = {}
    name = (fields.get("name") or "").strip()
    if not name:
        errors["name"] = _("批次名称不能为空。")
    elif len(name) > 100:
        errors["name"] = _("批次名称不能超过100个字。")
    if not fields.get("direction"):
        errors["direction"] = _("请选择挂职方向。")
    elif fields["direction"] not in Direction.values:
        errors["direction"] = _("挂职方向不在可选范围内。")
    start, end = fields.get("term_start"), fields.get("term_end")
    if not isinstance(start, dt.date):
        errors["term_start"] = _("挂职开始日期不能为空。")
    elif error := year_error(start, _label("term_start")):
        errors["term_start"] = error
    if not isinstance(end, dt.date):
        errors["term_end"] = _("挂职结束日期不能为空。")
    elif error := year_error(end, _label("term_end")):
        errors["term_end"] = error
    elif isinstance(start, dt.date) and end <= start:
        errors["term_end"] = _("挂职结束日期应晚于开始日期。")
    for name_, low, high, blank in INT_SETTINGS:
        value = fields.get(name_)
        if value is None:
            if not blank:
                errors[name_] = _("%(label)s不能为空。") % {"label": _label(name_)}
        elif not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            errors[name_] = _("%(label)s应为 %(low)s 到 %(high)s 之间的整数。") % {
                "label": _label(name_),
                "low": low,
                "high": high,
            }
    for name_ in ("min_rank", "max_rank"):
        if fields.get(name_) and fields[name_] not in vocab.Rank.values:
            errors[name_] = _("%(label)s不在可选范围内。") % {"label": _label(name_)}
    low_rank, high_rank = fields.get("min_rank"), fields.get("max_rank")
    if (
        "min_rank" not in errors
        and "max_rank" not in errors
        and low_rank
        and high_rank
        and vocab.RANK_ORDER[high_rank] < vocab.RANK_ORDER[low_rank]
    ):
        errors["max_rank"] = _("最高职级不能低于最低职级。")
    if fields.get("min_education") and fields["min_education"] not in vocab.Education.values:
        errors["min_education"] = _("最低学历不在可选范围内。")
    return errors


def _manages(actor: User, unit: Organisation, batch: Batch | None = None) -> bool:
    return scopes_of(actor).covers(
        unit.path, BATCH_MANAGER_ROLES, batch_id=batch.pk if batch else None
    )


def _may_be_party(actor: User, unit: Organisation) -> bool:
    """A co-managing or supervising unit: one the actor manages, or one above those."""
    scopes = scopes_of(actor)
    if scopes.covers(unit.path, BATCH_MANAGER_ROLES):
        return True
    return any(unit.pk in unit_ids_on_path(path) for path in scopes.paths(BATCH_MANAGER_ROLES))


def _unit_errors(
    actor: User,
    fields: dict[str, Any],
    dispatching: list[Organisation],
    *,
    before: dict[str, Any] | None = None,
    dispatching_before: Iterable[int] = (),
) -> dict[str, str]:
    """Units outside the actor's reach are refused; on an edit, units the batch already names
    are kept whoever set them (an admin may have named a unit above the coordinator)."""
    before = before or {}
    kept = set(dispatching_before)
    errors: dict[str, str] = {}
    coordinating = fields.get("coordinating_org")
    if coordinating is None:
        errors["coordinating_org"] = _("请选择组织协调单位。")
    elif coordinating != before.get("coordinating_org") and not _manages(actor, coordinating):
        errors["coordinating_org"] = _("组织协调单位不在您的管辖范围内。")
    if not dispatching:
        errors["dispatching_orgs"] = _("请至少选择一个派出单位。")
    else:
        outside = [u.name for u in dispatching if u.pk not in kept and not _manages(actor, u)]
        if outside:
            errors["dispatching_orgs"] = _("派出单位不在您的管辖范围内：%(units)s。") % {
                "units": join_list(outside)
            }
    for name in ("co_managing_org", "supervising_org"):
        unit = fields.get(name)
        if unit is not None and unit != before.get(name) and not _may_be_party(actor, unit):
            errors[name] = _("%(label)s应为您管辖的单位或其上级单位。") % {"label": _label(name)}
    return errors


def _state_errors(batch: Batch, changed: Iterable[str]) -> dict[str, str]:
    """Fields among `changed` that the batch's state no longer lets anyone change."""
    state = batch.get_state_display()
    errors: dict[str, str] = {}
    if batch.state not in RULE_EDIT_STATES:
        back = (
            _("如确需修改，请先将批次退回“报名中”。") if batch.state == BatchState.MATCHING else ""
        )
        for name in changed:
            if name in ELIGIBILITY_FIELDS:
                group = _("报名条件")
            elif name in MATCHING_RULE_FIELDS:
                group = _("匹配规则")
            else:
                continue
            message = _(
                "%(label)s属于%(group)s，只能在“规划中”或“报名中”修改，本批次当前为“%(state)s”。"
            ) % {"label": _label(name), "group": group, "state": state}
            errors[name] = message + back
    if "coordinating_org" in changed and batch.state not in COORDINATING_EDIT_STATES:
        errors["coordinating_org"] = _(
            "组织协调单位只能在“规划中”修改，本批次当前为“%(state)s”；如需由其他单位组织，"
            "请新建批次。"
        ) % {"state": state}
    return errors


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    for name in BOOL_SETTINGS:
        if name in cleaned:
            cleaned[name] = bool(cleaned[name])
    for name in ("min_rank", "max_rank", "min_education"):
        if name in cleaned and cleaned[name] is None:
            cleaned[name] = ""
    return cleaned


def _unknown(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(BATCH_FIELDS)
    if unknown:
        raise TypeError(f"unknown batch fields: {sorted(unknown)}")


def _same_name_exists(fields: dict[str, Any], exclude: int | None = None) -> bool:
    same = Batch.objects.filter(coordinating_org=fields["coordinating_org"], name=fields["name"])
    if exclude is not None:
        same = same.exclude(pk=exclude)
    return same.exists()


@transaction.atomic
def batch_create(*, actor: User, dispatching_orgs: Iterable[Organisation], **fields: Any) -> Batch:
    """A new batch in planning. `fields` are BATCH_FIELDS; those left out take the model's
    defaults (the DOMAIN.md figures), except name, coordinating_org, direction and the term."""
    _unknown(fields)
    if not scopes_of(actor).has(*BATCH_MANAGER_ROLES):
        raise Forbidden()
    merged = batch_defaults() | _clean(fields)
    dispatching = list(dispatching_orgs)
    errors = batch_field_errors(merged) | _unit_errors(actor, merged, dispatching)
    if not errors and _same_name_exists(merged):
        errors["name"] = _("该组织协调单位已有同名批次。")
    if errors:
        raise ValidationFailed(_("批次信息有误。"), detail=errors)
    batch = Batch(state=BatchState.PLANNING, **{k: merged.get(k) for k in BATCH_FIELDS})
    batch.save()
    batch.dispatching_orgs.set(dispatching)
    batch_event_record(actor=actor, batch=batch, kind=EVENT_CREATED, to_state=batch.state)
    audit_record(
        actor=actor,
        action="batch.create",
        obj=batch,
        detail={
            "organisation": batch.coordinating_org.name,
            "dispatching": [unit.name for unit in dispatching],
        },
    )
    return batch


@transaction.atomic
def batch_update(
    *,
    actor: User,
    batch: Batch,
    dispatching_orgs: Iterable[Organisation] | None = None,
    **fields: Any,
) -> Batch:
    """Change a batch's fields (those given) and, when given, its dispatching units.

    Eligibility and matching rules change only in planning and recruiting, the coordinating
    unit only in planning (refused by field, changing nothing); a value given unchanged is
    never refused, so a form may send every field back as it was."""
    _unknown(fields)
    batch = (
        Batch.objects.select_for_update(of=("self",))
        .select_related("coordinating_org")
        .get(pk=batch.pk)
    )
    if not _manages(actor, batch.coordinating_org, batch):
        raise Forbidden(_("您不是该批次的组织协调单位管理人员。"))
    if batch.state == BatchState.CLOSED:
        raise InvalidTransition(_("批次已结束，不能再修改。"))
    before = {name: getattr(batch, name) for name in BATCH_FIELDS}
    dispatching_before = list(batch.dispatching_orgs.order_by("path"))
    merged = before | _clean(fields)
    dispatching = dispatching_before if dispatching_orgs is None else list(dispatching_orgs)
    locked = _state_errors(batch, [name for name in BATCH_FIELDS if merged[name] != before[name]])
    errors = (
        batch_field_errors(merged)
        | _unit_errors(
            actor,
            merged,
            dispatching,
            before=before,
            dispatching_before=[unit.pk for unit in dispatching_before],
        )
        | locked
    )
    if not errors and _same_name_exists(merged, exclude=batch.pk):
        errors["name"] = _("该组织协调单位已有同名批次。")
    if errors:
        message = next(iter(locked.values())) if locked else _("批次信息有误。")
        raise ValidationFailed(message, detail=errors)
    for name in BATCH_FIELDS:
        setattr(batch, name, merged[name])
    changes = changed_fields(batch, before, BATCH_FIELDS)
    old_ids = {unit.pk for unit in dispatching_before}
    new_ids = {unit.pk for unit in dispatching}
    if old_ids != new_ids:
        batch.dispatching_orgs.set(dispatching)
        changes["dispatching_orgs"] = [
            [unit.name for unit in dispatching_before],
            [unit.name for unit in sorted(dispatching, key=lambda u: u.path)],
        ]
    if not changes:
        return batch
    own_fields = [name for name in changes if name != "dispatching_orgs"]
    if own_fields:
        batch.save(update_fields=[*own_fields, "updated_at"])
    batch_event_record(
        actor=actor,
        batch=batch,
        kind=EVENT_UPDATED,
        # The line's label says what happened; the note only lists the fields, in the reader's
        # language and the way it writes lists.
        note=Message(
            gettext_noop("%(fields)s"),
            fields=[label_message(Batch._meta.get_field(name).verbose_name) for name in changes],  # type: ignore[union-attr]
        ),
        payload={"fields": list(changes)},
    )
    audit_record(actor=actor, action="batch.update", obj=batch, detail={"changes": changes})
    return batch


@transaction.atomic
def batch_transition(*, actor: User, batch: Batch, to_state: str, reason: str) -> Batch:
    """Move the batch to `to_state`, as BATCH_TRANSITIONS allows, for a reason (required).

    Refusals change nothing: a move not in the table (InvalidTransition), a role the move does
    not allow (Forbidden), no reason (ValidationFailed), or a stage with nothing to work on
    yet (InvalidTransition naming what is missing). Reopening the call (matching →
    recruiting) cancels the proposed list with the move's reason: it will be matched again."""
    batch = (
        Batch.objects.select_for_update(of=("self",))
        .select_related("coordinating_org")
        .get(pk=batch.pk)
    )
    from_state = batch.state
    roles = BATCH_TRANSITIONS.get((from_state, to_state))
    if roles is None:
        raise InvalidTransition(
            _("批次不能从“%(from)s”转为“%(to)s”。")
            % {"from": _state_label(from_state), "to": _state_label(to_state)}
        )
    if not holds_move_roles(actor=actor, batch=batch, roles=roles):
        raise Forbidden(
            _("您的角色不能把批次从“%(from)s”转为“%(to)s”。")
            % {"from": _state_label(from_state), "to": _state_label(to_state)}
        )
    reason = (reason or "").strip()
    if not reason:
        message = _("请填写状态变更的原因。")
        raise ValidationFailed(message, detail={"reason": message})
    if len(reason) > REASON_MAX:
        message = _("原因不能超过%(n)s个字。") % {"n": REASON_MAX}
        raise ValidationFailed(message, detail={"reason": message})
    blockers = transition_blockers(batch=batch, to_state=to_state)
    if blockers:
        raise InvalidTransition(
            _("批次暂不能转为“%(to)s”：%(reasons)s")
            % {"to": _state_label(to_state), "reasons": "".join(blockers)},
            detail={"blockers": blockers},
        )
    batch.state = to_state
    batch.save(update_fields=["state", "updated_at"])
    cancelled: list[Assignment] = []
    if (from_state, to_state) == (BatchState.PUBLICITY, BatchState.MATCHING):
        # The list goes back to matching: the running publicity stops with the move's reason,
        # so a new one can start when the batch returns to publicity.
        publicity_withdraw_for_move(actor=actor, batch=batch, reason=reason)
    elif (from_state, to_state) == (BatchState.MATCHING, BatchState.RECRUITING):
        cancelled = run_adoption_cancel_for_move(actor=actor, batch=batch, reason=reason)
    batch_event_record(
        actor=actor,
        batch=batch,
        kind=EVENT_STATE,
        note=reason,
        from_state=from_state,
        to_state=to_state,
        payload={"cancelled": [a.pk for a in cancelled]} if cancelled else None,
    )
    detail: dict[str, Any] = {"from_state": from_state, "to_state": to_state, "note": reason}
    if cancelled:
        detail["cancelled"] = len(cancelled)
    audit_record(actor=actor, action="batch.transition", obj=batch, detail=detail)
    return batch


def _state_label(state: str) -> str:
    if state in BatchState.values:
        return str(BatchState(state).label)
    return state
