"""Spot inspections (不定期检查): planning one and its draw, recording each check, closing
rectifications, completing the inspection.

The coordinators over the batch plan and inspect. Planning draws the people at once and
writes a check row for each, so the sample is fixed when it is made; the seed of a random
draw is recorded with it, and the audit event of the plan keeps the population it was drawn
from, so anyone can draw again and see the same people (selectors.inspections verifies it).

There is deliberately no `inspection_redraw`: a coordinator who could draw again until the
sample suited them would make the recorded seed worthless. A plan that was wrong is completed
with its checks recorded as "other", and a new one is planned — both stay on the record.

Nothing here notifies anyone at planning: the people drawn are not told in advance (the
selectors keep a check hidden from everyone but the coordinators until the inspection is over).

Leave on the inspection day (selectors.inspections.day_leave): "on approved leave" needs
approved leave covering the day that was asked in advance, or entered afterwards (事后补办) by
the end of that day. Leave entered afterwards on a later day was approved after the
inspectors could have called: it neither makes the person "on approved leave" that day nor
keeps an absence from being recorded, and the inspector is told it is 事后补办. Recording an
absence is refused when leave that counts covers the whole day.
"""

import datetime as dt
import secrets
from collections.abc import Collection, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from guazhi.core.audit import audit_record, changed_fields, history_by
from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.jinja import format_date
from guazhi.core.text import join_list
from guazhi.duty import sampling
from guazhi.duty.models import (
    CheckResult,
    Inspection,
    InspectionCheck,
    InspectionState,
    SamplingMode,
)
from guazhi.duty.selectors.inspections import DayLeave, batch_host_units, day_leave
from guazhi.duty.services.same_form import same_form_since
from guazhi.orgs.models import Organisation
from guazhi.programmes.models import Assignment, AssignmentState, Batch, BatchState
from guazhi.programmes.selectors.scope import can_manage_batch

INSPECTORS_MAX = 200
# A seed short enough to read out and copy by hand; secrets, not random, so nobody can predict
# it. Stored in a signed 64-bit column, so a given seed must fit there too.
SEED_BELOW = 10**12
SEED_MAX = 2**63 - 1
SAMPLE_MAX = 32767  # the column's limit

# Batches whose people are on duty.
INSPECTABLE_BATCH_STATES = (BatchState.ACTIVE, BatchState.EVALUATING)


CHECK_FIELDS = ["result", "findings", "rectification", "rectification_due"]


def _check_inspector(actor: Any, batch: Batch) -> None:
    if not can_manage_batch(actor=actor, batch=batch):
        raise Forbidden(_("只有负责本批次的组织部门可以安排和登记不定期检查。"))


def on_duty_population(
    *, batch: Batch, on: dt.date, host_unit_ids: Collection[int] = ()
) -> QuerySet[Assignment]:
    """The batch's people on duty on `on` (reported for duty by then, term not over), in the
    host units given (none given: every host unit). Not scoped by actor: the service that
    calls it has checked the actor manages the batch."""
    people = Assignment.objects.filter(
        batch=batch, state=AssignmentState.ACTIVE, start_date__lte=on
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
    if host_unit_ids:
        people = people.filter(host_unit_id__in=list(host_unit_ids))
    return people.select_related("cadre", "host_unit").order_by("pk")


@transaction.atomic
def inspection_plan(
    *,
    actor: Any,
    batch: Batch,
    planned_on: dt.date | None,
    host_units: Sequence[Organisation] = (),
    sampling_mode: str,
    sample_size: int | None = None,
    spread_across_hosts: bool = False,
    chosen: Sequence[Assignment] = (),
    inspectors: str = "",
    note: str = "",
    seed: int | None = None,
    today: dt.date | None = None,
) -> Inspection:
    """Plan an inspection and draw its people now; their check rows are its sample.

    `host_units` empty means every host unit of the batch. RANDOM draws `sample_size` people
    with `seed` (drawn from `secrets` when not given; recorded either way), spread across host
    units when `spread_across_hosts`; ALL takes everyone on duty in scope on the day; CHOSEN
    takes `chosen`, who must be on duty in scope on the day. The date may not be in the past:
    a draw for a day gone by could be made knowing who was away.

    A plan form sent twice (a double click, a resend after a slow answer) must not make two
    inspections with two different draws. The batch row is locked first, so plans of one
    batch are made one after the other, and a plan identical to one the same coordinator
    made for the batch in the last SAME_FORM_WINDOW (same day, scope, sampling, size, spread,
    chosen people, inspectors and note) is refused as sent twice. This needs no token kept
    between requests and holds on both databases: PostgreSQL queues on the row lock, SQLite
    on its write lock (transactions begin IMMEDIATE). A coordinator who really wants a second
    identical plan says why in the note, which makes it a different plan.
    """
    _check_inspector(actor, batch)
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if batch.state not in INSPECTABLE_BATCH_STATES:
        raise InvalidTransition(
            _("批次“%(batch)s”当前为“%(state)s”，在岗阶段才能安排不定期检查。")
            % {"batch": batch.name, "state": batch.get_state_display()}
        )
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if planned_on is None:
        errors["planned_on"] = _("请填写检查日期。")
    elif planned_on < today:
        errors["planned_on"] = _("检查日期不能早于今天。")
    allowed_units = {unit.pk: unit for unit in batch_host_units(batch)}
    outside = [unit for unit in host_units if unit.pk not in allowed_units]
    if outside:
        errors["host_units"] = _("%(units)s不是本批次的接收单位。") % {
            "units": join_list(unit.name for unit in outside)
        }
    if sampling_mode not in SamplingMode.values:
        errors["sampling_mode"] = _("请选择抽查方式。")
    if sampling_mode == SamplingMode.RANDOM:
        if sample_size is None or sample_size < 1:
            errors["sample_size"] = _("随机抽取须填写抽查人数（至少1人）。")
        elif sample_size > SAMPLE_MAX:
            errors["sample_size"] = _("抽查人数不能超过%(n)s人。") % {"n": SAMPLE_MAX}
        if seed is not None and not 0 <= seed <= SEED_MAX:
            errors["seed"] = _("随机种子须为0到%(max)s之间的整数。") % {"max": SEED_MAX}
    if sampling_mode == SamplingMode.CHOSEN and not chosen:
        errors["chosen"] = _("指定人员检查须至少选择1人。")
    if len(inspectors) > INSPECTORS_MAX:
        errors["inspectors"] = _("检查人员不能超过%(n)s个字。") % {"n": INSPECTORS_MAX}
    if errors:
        raise ValidationFailed(_("检查安排有误。"), detail=errors)
    assert planned_on is not None

    unit_ids = [unit.pk for unit in host_units]
    population = list(on_duty_population(batch=batch, on=planned_on, host_unit_ids=unit_ids))
    if not population:
        raise ValidationFailed(
            _("检查范围内%(date)s没有在岗人员。") % {"date": format_date(planned_on)},
            detail={"planned_on": _("检查范围内这一天没有在岗人员。")},
        )
    if sampling_mode == SamplingMode.CHOSEN:
        in_population = {person.pk for person in population}
        missing = [person for person in chosen if person.pk not in in_population]
        if missing:
            raise ValidationFailed(
                _("所选人员有误。"),
                detail={
                    "chosen": _("%(names)s在检查日期不在检查范围内的岗位上，不能指定检查。")
                    % {"names": join_list(person.cadre.name for person in missing)}
                },
            )
    given_seed = seed
    if sampling_mode == SamplingMode.RANDOM:
        if seed is None:
            seed = secrets.randbelow(SEED_BELOW)
    else:
        seed, sample_size, spread_across_hosts = None, None, False
    _refuse_repeat(
        actor=actor,
        batch=batch,
        planned_on=planned_on,
        unit_ids=unit_ids,
        sampling_mode=sampling_mode,
        sample_size=sample_size,
        spread_across_hosts=spread_across_hosts,
        chosen_ids={person.pk for person in chosen},
        given_seed=given_seed if sampling_mode == SamplingMode.RANDOM else None,
        inspectors=inspectors,
        note=note,
    )

    drawn = sampling.draw(
        population,
        mode=sampling_mode,
        n=sample_size,
        seed=seed,
        spread_by=(lambda person: person.host_unit_id) if spread_across_hosts else None,
        key=lambda person: person.pk,
        chosen={person.pk for person in chosen},
    )
    inspection = Inspection(
        batch=batch,
        planned_on=planned_on,
        sampling=sampling_mode,
        sample_size=sample_size,
        spread_across_hosts=spread_across_hosts,
        seed=seed,
        inspectors=inspectors,
        note=note,
        planned_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    history_by(actor, inspection)
    inspection.save()
    if unit_ids:
        inspection.host_units.set(unit_ids)
    InspectionCheck.objects.bulk_create(
        InspectionCheck(inspection=inspection, assignment=person) for person in drawn
    )
    audit_record(
        actor=actor,
        action="inspection.plan",
        obj=inspection,
        detail={
            "batch": batch.name,
            "planned_on": planned_on.isoformat(),
            "host_units": [allowed_units[pk].name for pk in unit_ids],
            "sampling": sampling_mode,
            "sample_size": sample_size,
            "spread_across_hosts": spread_across_hosts,
            "seed": seed,
            # What the draw was made from, as [assignment id, host unit id]: with the seed,
            # enough to draw again later even after people have moved or left.
            "population": [[person.pk, person.host_unit_id] for person in population],
            "drawn": [person.pk for person in drawn],
        },
    )
    return inspection


def _refuse_repeat(
    *,
    actor: Any,
    batch: Batch,
    planned_on: dt.date,
    unit_ids: Collection[int],
    sampling_mode: str,
    sample_size: int | None,
    spread_across_hosts: bool,
    chosen_ids: Collection[int],
    given_seed: int | None,
    inspectors: str,
    note: str,
) -> None:
    """Refuse a plan identical to one the actor made for the batch moments ago (see
    inspection_plan); the caller holds the batch's lock, so the earlier one is visible. A
    seed the caller gave (never the form) is part of the plan; one drawn here is not."""
    if not getattr(actor, "is_authenticated", False):
        return  # jobs and the shell plan on purpose, not from a form sent twice
    same_seed = Q() if given_seed is None else Q(seed=given_seed)
    recent = (
        Inspection.objects.filter(
            batch=batch,
            planned_by=actor,
            created_at__gte=same_form_since(),
            planned_on=planned_on,
            sampling=sampling_mode,
            sample_size=sample_size,
            spread_across_hosts=spread_across_hosts,
            inspectors=inspectors,
            note=note,
        )
        .filter(same_seed)
        .prefetch_related("host_units", "checks")
        .order_by("-created_at")
    )
    for earlier in recent:
        if {unit.pk for unit in earlier.host_units.all()} != set(unit_ids):
            continue
        drawn = {check.assignment_id for check in earlier.checks.all()}
        if sampling_mode == SamplingMode.CHOSEN and drawn != set(chosen_ids):
            continue
        raise InvalidTransition(
            _(
                "%(time)s已安排了同样的检查（%(date)s，%(sampling)s，抽取%(n)s人），"
                "本次提交没有再安排。如确需再安排一次，请在“说明”中写明原因。"
            )
            % {
                "time": format_date(earlier.created_at, with_time=True),
                "date": format_date(planned_on),
                "sampling": earlier.get_sampling_display(),
                "n": len(drawn),
            }
        )


def _lock_inspection(inspection: Inspection) -> Inspection:
    return (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("batch__coordinating_org")
        .get(pk=inspection.pk)
    )


def _lock_check(check: InspectionCheck) -> InspectionCheck:
    return (
        InspectionCheck.objects.select_for_update(of=("self",))
        .select_related("assignment__cadre", "inspection__batch__coordinating_org", "checked_by")
        .get(pk=check.pk)
    )


def check_version(check: InspectionCheck) -> str:
    """What a record form carries of the result it was shown with: the moment the result was
    last recorded ("" before any). A result recorded or corrected since changes it."""
    return check.checked_at.isoformat() if check.checked_at is not None else ""


def _late_text(leave: DayLeave) -> str:
    return join_list(format_date(day) for day in leave.late)


@transaction.atomic
def check_record(
    *,
    actor: Any,
    check: InspectionCheck,
    result: str,
    findings: str = "",
    rectification: str = "",
    rectification_due: dt.date | None = None,
    based_on: str | None = None,
    today: dt.date | None = None,
) -> InspectionCheck:
    """Record (or, while the inspection is open, correct) what the inspector found.

    "On approved leave" needs approved leave that counts (see the module's docstring)
    covering the day; without it the person was away without leave, which is recorded as
    such (ABSENT: the flag on the person's record) or as "other" with what happened. ABSENT
    is refused when leave that counts covers the whole day.

    `based_on` is the check_version the caller's form was shown with; when given, a result
    recorded meanwhile by someone else is refused rather than silently overwritten (two
    coordinators at two doors of one township). None (a job, the shell) skips the comparison.
    """
    inspection = _lock_inspection(check.inspection)
    _check_inspector(actor, inspection.batch)
    if inspection.state != InspectionState.PLANNED:
        raise InvalidTransition(_("本次检查已完成，不能再修改检查结果。"))
    today = today or timezone.localdate()
    if today < inspection.planned_on:
        raise InvalidTransition(
            _("检查日期为%(date)s，当天或之后才能登记检查结果。")
            % {"date": format_date(inspection.planned_on)}
        )
    check = _lock_check(check)
    name = check.assignment.cadre.name
    if based_on is not None and based_on != check_version(check):
        by = check.checked_by
        raise InvalidTransition(
            _("%(name)s的检查结果已由%(by)s登记为“%(result)s”，请核对后再更正。")
            % {
                "name": name,
                "by": (by.get_full_name() or by.get_username()) if by else _("其他人员"),
                "result": check.get_result_display(),
            }
        )
    day = format_date(inspection.planned_on)
    leave = day_leave([check.assignment_id], inspection.planned_on).get(
        check.assignment_id, DayLeave()
    )
    errors: dict[str, str] = {}
    if result not in CheckResult.values:
        errors["result"] = _("请选择%(name)s的检查结果。") % {"name": name}
    elif result == CheckResult.ON_LEAVE and not leave.halves and leave.late:
        errors["result"] = _(
            "%(name)s在%(date)s的请假是事后补办的（%(entered)s补办），检查当天并没有经批准的"
            "请假，不能登记为“请假（已批准）”；请登记为“脱岗（未经批准）”，或登记为“其他”"
            "并写明情况。"
        ) % {"name": name, "date": day, "entered": _late_text(leave)}
    elif result == CheckResult.ON_LEAVE and not leave.halves:
        errors["result"] = _(
            "%(name)s在%(date)s没有经批准的请假，不能登记为“请假（已批准）”；"
            "请登记为“脱岗（未经批准）”，或登记为“其他”并写明情况。"
        ) % {"name": name, "date": day}
    elif result == CheckResult.ABSENT and leave.whole_day:
        errors["result"] = _(
            "%(name)s在%(date)s全天有经批准的请假，不能登记为“脱岗（未经批准）”；"
            "请登记为“请假（已批准）”，或登记为“其他”并写明情况。"
        ) % {"name": name, "date": day}
    elif result == CheckResult.OTHER and not findings:
        errors["findings"] = _("检查结果为“其他”时，请在“发现问题”中写明情况。")
    if rectification and rectification_due is None:
        errors["rectification_due"] = _("提出整改要求的，请填写整改期限。")
    elif rectification_due is not None and not rectification:
        errors["rectification"] = _("填写了整改期限，请同时写明整改要求。")
    elif rectification_due is not None and rectification_due < inspection.planned_on:
        errors["rectification_due"] = _("整改期限不能早于检查日期。")
    if check.rectified_at is not None and (
        rectification != check.rectification or rectification_due != check.rectification_due
    ):
        errors["rectification"] = _("整改已销号，不能再修改整改要求。")
    if errors:
        raise ValidationFailed(_("%(name)s的检查结果有误。") % {"name": name}, detail=errors)

    before = {field: getattr(check, field) for field in CHECK_FIELDS}
    correcting = bool(check.result)
    check.result = result
    check.findings = findings
    check.rectification = rectification
    check.rectification_due = rectification_due
    check.checked_at = timezone.now()
    check.checked_by = actor if getattr(actor, "is_authenticated", False) else None
    history_by(actor, check)
    check.save(update_fields=[*CHECK_FIELDS, "checked_at", "checked_by", "updated_at"])
    audit_record(
        actor=actor,
        action="check.correct" if correcting else "check.record",
        obj=check,
        detail={
            "person": name,
            "planned_on": inspection.planned_on.isoformat(),
            "result": result,
            "changes": changed_fields(check, before, CHECK_FIELDS) if correcting else {},
        },
    )
    return check


@transaction.atomic
def check_rectified(
    *, actor: Any, check: InspectionCheck, note: str, today: dt.date | None = None
) -> InspectionCheck:
    """Close a check's rectification (整改销号) with what was done; also after the inspection
    is completed, since rectifications run on past it."""
    check = _lock_check(check)
    _check_inspector(actor, check.inspection.batch)
    if not check.result or not check.rectification:
        raise InvalidTransition(_("这条检查记录没有整改要求，无需销号。"))
    if check.rectified_at is not None:
        raise InvalidTransition(
            _("这项整改已于%(date)s销号。") % {"date": format_date(check.rectified_at)}
        )
    if not note:
        raise ValidationFailed(_("请写明整改情况。"), detail={"note": _("请写明整改情况。")})
    check.rectified_at = timezone.now()
    check.rectified_note = note
    history_by(actor, check)
    check.save(update_fields=["rectified_at", "rectified_note", "updated_at"])
    today = today or timezone.localdate()
    late = check.rectification_due is not None and today > check.rectification_due
    audit_record(
        actor=actor,
        action="check.rectified",
        obj=check,
        detail={"person": check.assignment.cadre.name, "rectified_note": note, "late": late},
    )
    return check


@transaction.atomic
def inspection_complete(*, actor: Any, inspection: Inspection) -> Inspection:
    """Close the inspection once every check has its result; results are final from then."""
    inspection = _lock_inspection(inspection)
    _check_inspector(actor, inspection.batch)
    if inspection.state != InspectionState.PLANNED:
        raise InvalidTransition(_("本次检查已经完成。"))
    waiting = list(
        inspection.checks.filter(result="")
        .select_related("assignment__cadre")
        .order_by("assignment__host_unit__path", "pk")
    )
    if waiting:
        raise InvalidTransition(
            _("还有%(n)s人未登记检查结果：%(names)s。登记完毕后才能完成检查。")
            % {"n": len(waiting), "names": join_list(c.assignment.cadre.name for c in waiting)}
        )
    inspection.state = InspectionState.COMPLETED
    inspection.completed_at = timezone.now()
    history_by(actor, inspection)
    inspection.save(update_fields=["state", "completed_at", "updated_at"])
    results = list(inspection.checks.values_list("result", flat=True))
    audit_record(
        actor=actor,
        action="inspection.complete",
        obj=inspection,
        detail={
            "planned_on": inspection.planned_on.isoformat(),
            "checked_present": results.count(CheckResult.PRESENT),
            "checked_on_leave": results.count(CheckResult.ON_LEAVE),
            "checked_absent": results.count(CheckResult.ABSENT),
            "checked_other": results.count(CheckResult.OTHER),
        },
    )
    return inspection
