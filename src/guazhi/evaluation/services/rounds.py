"""Setting up and moving evaluation rounds: create, configure while a draft, open, close, reopen,
and the person's self-assessment.

A round is made as a draft by a coordinator over its batch with everything DOMAIN.md gives as a
default: the criteria 德能勤绩廉, the rater weights 40/30/20/10, the thresholds 90/70/60 for every
grade scheme, a period by kind, and one evaluee per person of the batch on duty (ENDED ones too
for an end-of-term round), each in the scheme their staff type gives. While it is a draft the
coordinator changes the settings, criteria and weights (each list summing to 100), thresholds
(strictly descending) and the people evaluated; opening checks all of it once more, so a round
never opens half set up. Closing before the deadline needs a reason; closing computes the
results (services.results.results_compute) in the same transaction; reopening needs a reason.
Deciding and publishing belong to the results area (services.results).

Every move follows ROUND_TRANSITIONS, locks the round's row and leaves an audit event; raters in
scope and the people evaluated are told when a round opens, raters again when it is reopened.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guazhi.core.audit import audit_record
from guazhi.core.calendar import add_working_days
from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.i18n import Message
from guazhi.core.jinja import format_date
from guazhi.core.notifications import notify
from guazhi.duty.selectors.recipients import Recipients, cadre_user_of
from guazhi.duty.services.leave_checks import date_message
from guazhi.evaluation.models import (
    DEFAULT_CRITERIA,
    DEFAULT_RATER_WEIGHTS,
    DEFAULT_THRESHOLDS,
    ROUND_TRANSITIONS,
    SCHEME_GRADES,
    Criterion,
    EvaluatedBy,
    EvaluationRound,
    Evaluee,
    GradeScheme,
    GradeThreshold,
    RaterRole,
    RaterWeight,
    RoundKind,
    RoundState,
)
from guazhi.evaluation.selectors.scope import can_manage_round, is_evaluee_self
from guazhi.evaluation.services.results import results_compute
from guazhi.orgs.models import Role, RoleAssignment
from guazhi.orgs.vocab import StaffType
from guazhi.programmes.models import Assignment, AssignmentState, Batch, BatchState
from guazhi.programmes.selectors.scope import can_manage_batch

HUNDRED = Decimal("100")
CENTS = Decimal("0.01")
NAME_MAX_LENGTH = 100
REASON_MAX_LENGTH = 500
SELF_ASSESSMENT_MAX_LENGTH = 10_000
# Upper bounds of the round's whole-number settings (the form offers the same): a share in
# percent; a minimum of ballots no host unit's colleagues exceed (and far below what the
# column holds, so a typo is a message, not a database error); the publicity's working days.
EXCELLENT_QUOTA_MAX = 100
DEMOCRATIC_MINIMUM_MAX = 200
PUBLICITY_DAYS_MAX = 30
# Rounds are set up for a batch whose people are (or were) on duty.
ROUND_BATCH_STATES = (
    BatchState.TRAINING,
    BatchState.ACTIVE,
    BatchState.EVALUATING,
    BatchState.CLOSED,
)
# Default deadline: this many working days after the period ends (or after today, if later).
DEFAULT_DEADLINE_WORKING_DAYS = 10
CIVIL_SERVANT_TYPES = frozenset({StaffType.CIVIL_SERVANT, StaffType.CIVIL_SERVANT_LIKE})
# The roles that rate through their own accounts (democratic ratings come through codes).
NAMED_RATER_ROLES = (RaterRole.HOST_LEADERSHIP, RaterRole.DISPATCH, RaterRole.GROUP_LEADER)


# --- defaults -------------------------------------------------------------------------------


def scheme_for(*, kind: str, staff_type: str) -> str:
    """The grade scheme a person is evaluated in: routine rounds their own; otherwise civil
    servants (公务员, 参公) in civil-servant grades and everyone else (事业单位, 国企, 高校) in
    institution grades. A profile without a staff type counts as a civil servant, what most
    seconded cadres are; the coordinator changes the scheme while the round is a draft."""
    if kind == RoundKind.ROUTINE:
        return GradeScheme.ROUTINE
    if not staff_type or staff_type in CIVIL_SERVANT_TYPES:
        return GradeScheme.CIVIL_SERVANT
    return GradeScheme.INSTITUTION


def evaluee_states(kind: str) -> tuple[str, ...]:
    """Whose assignments a round of `kind` evaluates: those on duty, and for the end of term
    also those whose term has ended."""
    if kind == RoundKind.END_OF_TERM:
        return (AssignmentState.ACTIVE, AssignmentState.ENDED)
    return (AssignmentState.ACTIVE,)


def default_period(*, batch: Batch, kind: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The period a round of `kind` covers by default, clipped to the batch's term: routine,
    the quarter of `today`; mid-term, the first half of the term; annual, the calendar year of
    `today`; end of term, the whole term."""
    start, end = batch.term_start, batch.term_end
    if kind == RoundKind.ROUTINE:
        first_month = (today.month - 1) // 3 * 3 + 1
        quarter_start = dt.date(today.year, first_month, 1)
        next_quarter = (
            dt.date(today.year + 1, 1, 1)
            if first_month == 10
            else dt.date(today.year, first_month + 3, 1)
        )
        return max(start, quarter_start), min(end, next_quarter - dt.timedelta(days=1))
    if kind == RoundKind.MIDTERM:
        return start, start + (end - start) // 2
    if kind == RoundKind.ANNUAL:
        return max(start, dt.date(today.year, 1, 1)), min(end, dt.date(today.year, 12, 31))
    return start, end


def default_name(*, batch: Batch, kind: str, period_start: dt.date, period_end: dt.date) -> str:
    """2026年第2季度平时考核, 2026年度考核, 期中考核, 期满考核: what a coordinator would write.
    In Chinese whatever the page's language: the name is the round's, printed on its forms."""
    with translation.override(settings.LANGUAGE_CODE):
        return _default_name(kind=kind, period_start=period_start, period_end=period_end)


def _default_name(*, kind: str, period_start: dt.date, period_end: dt.date) -> str:
    if kind == RoundKind.ROUTINE:
        quarter = (period_start.month - 1) // 3 + 1
        return _("%(year)s年第%(quarter)s季度平时考核") % {
            "year": period_start.year,
            "quarter": quarter,
        }
    if kind == RoundKind.ANNUAL:
        return _("%(year)s年度考核") % {"year": period_end.year}
    return str(RoundKind(kind).label)


def default_deadline(*, period_end: dt.date, today: dt.date) -> dt.date:
    return add_working_days(max(period_end, today), DEFAULT_DEADLINE_WORKING_DAYS)


# --- checks shared by the services ------------------------------------------------------------


def _check_manager(actor: Any, round: EvaluationRound) -> None:
    if not can_manage_round(actor=actor, round=round):
        raise Forbidden(_("只有该批次的组织部门可以设置考核。"))


def _lock(round: EvaluationRound) -> EvaluationRound:
    """The round's row, locked for this transaction, with the batch the caller loaded."""
    locked = EvaluationRound.objects.select_for_update().get(pk=round.pk)
    locked.batch = round.batch
    return locked


def _check_draft(round: EvaluationRound) -> None:
    if round.state != RoundState.DRAFT:
        raise InvalidTransition(
            _("该考核当前为“%(state)s”，只有草稿状态才能修改设置。")
            % {"state": round.get_state_display()}
        )


def _check_move(round: EvaluationRound, target: str) -> None:
    if target not in ROUND_TRANSITIONS[round.state]:
        raise InvalidTransition(
            _("该考核当前为“%(state)s”，不能改为“%(target)s”。")
            % {"state": round.get_state_display(), "target": RoundState(target).label}
        )


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, detail={field: message})


def _percent(value: Decimal) -> str:
    """100, 95.5, 33.33: a weight as people write it."""
    text = f"{value.quantize(CENTS):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _check_dates(
    *,
    batch: Batch,
    period_start: dt.date,
    period_end: dt.date,
    deadline: dt.date,
    today: dt.date,
    deadline_changed: bool = True,
) -> None:
    if period_end < period_start:
        raise _invalid("period_end", _("考核期间截止日期不能早于起始日期。"))
    if period_start > batch.term_end or period_end < batch.term_start:
        raise _invalid(
            "period_start",
            _("考核期间须在挂职期（%(start)s至%(end)s）之内。")
            % {"start": format_date(batch.term_start), "end": format_date(batch.term_end)},
        )
    if deadline < period_start:
        raise _invalid("deadline", _("评分截止日期不能早于考核期间起始日期。"))
    if deadline_changed and deadline < today:
        raise _invalid("deadline", _("评分截止日期不能早于今天。"))


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise _invalid("name", _("请填写考核名称。"))
    if len(name) > NAME_MAX_LENGTH:
        raise _invalid("name", _("考核名称不能超过 %(n)s 字。") % {"n": NAME_MAX_LENGTH})
    return name


# --- create --------------------------------------------------------------------------------


def round_create(
    *,
    actor: Any,
    batch: Batch,
    kind: str,
    name: str = "",
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    deadline: dt.date | None = None,
    today: dt.date | None = None,
) -> EvaluationRound:
    """A draft round of `batch` with the default criteria, rater weights and thresholds and one
    evaluee per person of the batch on duty (see the module's docstring). A period, name or
    deadline left out takes its default (default_period, default_name, default_deadline)."""
    today = today or timezone.localdate()
    if not can_manage_batch(actor=actor, batch=batch):
        raise Forbidden(_("只有该批次的组织部门可以设置考核。"))
    if kind not in RoundKind.values:
        raise _invalid("kind", _("请选择考核类型。"))
    if batch.state not in ROUND_BATCH_STATES:
        raise InvalidTransition(
            _("批次当前为“%(state)s”，挂职干部到岗后才能设置考核。")
            % {"state": batch.get_state_display()}
        )
    default_start, default_end = default_period(batch=batch, kind=kind, today=today)
    period_start = period_start or default_start
    period_end = period_end or default_end
    deadline = deadline or default_deadline(period_end=period_end, today=today)
    name = _clean_name(
        name
        or default_name(batch=batch, kind=kind, period_start=period_start, period_end=period_end)
    )
    _check_dates(
        batch=batch,
        period_start=period_start,
        period_end=period_end,
        deadline=deadline,
        today=today,
    )
    with transaction.atomic():
        round = EvaluationRound.objects.create(
            batch=batch,
            kind=kind,
            name=name,
            period_start=period_start,
            period_end=period_end,
            deadline=deadline,
            created_by=actor,
        )
        Criterion.objects.bulk_create(
            Criterion(round=round, position=position, name=title, description=text, weight=weight)
            for position, (title, text, weight) in enumerate(DEFAULT_CRITERIA, start=1)
        )
        RaterWeight.objects.bulk_create(
            RaterWeight(round=round, role=role, weight=weight)
            for role, weight in DEFAULT_RATER_WEIGHTS
        )
        GradeThreshold.objects.bulk_create(_default_thresholds(round))
        people = (
            Assignment.objects.filter(batch=batch, state__in=evaluee_states(kind))
            .select_related("cadre")
            .order_by("cadre__name_pinyin", "id")
        )
        Evaluee.objects.bulk_create(
            Evaluee(
                round=round,
                assignment=person,
                scheme=scheme_for(kind=kind, staff_type=person.cadre.staff_type),
            )
            for person in people
        )
        audit_record(
            actor=actor,
            action="round.create",
            obj=round,
            detail={
                **_round_detail(round),
                "evaluees": Evaluee.objects.filter(round=round).count(),
            },
        )
        return round


def _default_thresholds(round: EvaluationRound) -> list[GradeThreshold]:
    return [
        GradeThreshold(round=round, scheme=scheme, grade=grade, min_score=minimum)
        for scheme, grades in SCHEME_GRADES.items()
        for grade, minimum in zip(grades, DEFAULT_THRESHOLDS, strict=False)
    ]


def _round_detail(round: EvaluationRound) -> dict[str, Any]:
    return {
        "kind": round.kind,
        "period_start": round.period_start.isoformat(),
        "period_end": round.period_end.isoformat(),
        "deadline": round.deadline.isoformat(),
    }


# --- settings while a draft (the deadline also while open) --------------------------------

SETTING_FIELDS = (
    "name",
    "period_start",
    "period_end",
    "deadline",
    "evaluated_by",
    "excellent_quota",
    "democratic_minimum",
    "publicity_days",
)


def round_update(
    *,
    actor: Any,
    round: EvaluationRound,
    name: str,
    period_start: dt.date,
    period_end: dt.date,
    deadline: dt.date,
    evaluated_by: str,
    excellent_quota: int,
    democratic_minimum: int,
    publicity_days: int,
    today: dt.date | None = None,
) -> EvaluationRound:
    """Change the round's settings (a draft); while open only the deadline may move (to give
    raters more time), the rest being what raters were told."""
    today = today or timezone.localdate()
    _check_manager(actor, round)
    name = _clean_name(name)
    if evaluated_by not in EvaluatedBy.values:
        raise _invalid("evaluated_by", _("请选择考核主体。"))
    if not 0 <= excellent_quota <= EXCELLENT_QUOTA_MAX:
        raise _invalid("excellent_quota", _("优秀比例上限应在0到100之间。"))
    if democratic_minimum < 1:
        raise _invalid("democratic_minimum", _("民主测评最少票数至少为1。"))
    if democratic_minimum > DEMOCRATIC_MINIMUM_MAX:
        raise _invalid(
            "democratic_minimum",
            _("民主测评最少票数不能超过%(n)s票。") % {"n": DEMOCRATIC_MINIMUM_MAX},
        )
    if not 1 <= publicity_days <= PUBLICITY_DAYS_MAX:
        raise _invalid("publicity_days", _("公示天数应在1到30个工作日之间。"))
    values = {
        "name": name,
        "period_start": period_start,
        "period_end": period_end,
        "deadline": deadline,
        "evaluated_by": evaluated_by,
        "excellent_quota": excellent_quota,
        "democratic_minimum": democratic_minimum,
        "publicity_days": publicity_days,
    }
    with transaction.atomic():
        round = _lock(round)
        changed = [field for field in SETTING_FIELDS if getattr(round, field) != values[field]]
        if round.state == RoundState.OPEN:
            if set(changed) - {"deadline"}:
                raise InvalidTransition(
                    _("考核已开始评分，只能修改评分截止日期；其他设置须在草稿状态修改。")
                )
        else:
            _check_draft(round)
        _check_dates(
            batch=round.batch,
            period_start=period_start,
            period_end=period_end,
            deadline=deadline,
            today=today,
            deadline_changed="deadline" in changed,
        )
        if not changed:
            return round
        before = {field: getattr(round, field) for field in changed}
        for field in changed:
            setattr(round, field, values[field])
        round.save(update_fields=[*changed, "updated_at"])
        audit_record(
            actor=actor,
            action="round.update",
            obj=round,
            detail={
                "changes": {
                    field: [_plain(before[field]), _plain(values[field])] for field in changed
                }
            },
        )
        return round


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


@dataclass(frozen=True)
class CriterionRow:
    """One criterion as the form gives it; a row with no name is dropped."""

    name: str
    description: str
    weight: Decimal | None


def criteria_update(
    *, actor: Any, round: EvaluationRound, rows: Sequence[CriterionRow]
) -> list[Criterion]:
    """Replace the draft's criteria by `rows` (in order, blank rows dropped): each named once,
    each weight from 0 to 100, together exactly 100. A refusal changes nothing. Rows are named
    in messages "criteria.<n>.<field>" (n from 1, as the form numbers them)."""
    _check_manager(actor, round)
    kept: list[tuple[int, CriterionRow]] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        name, description = row.name.strip(), row.description.strip()
        if not name:
            if row.weight is not None or description:
                raise _invalid(
                    f"criteria.{number}.name", _("第%(n)s行：请填写考核内容。") % {"n": number}
                )
            continue
        if len(name) > 20:
            raise _invalid(
                f"criteria.{number}.name", _("第%(n)s行：考核内容不能超过20字。") % {"n": number}
            )
        if len(description) > 200:
            raise _invalid(
                f"criteria.{number}.description",
                _("第%(n)s行：说明不能超过200字。") % {"n": number},
            )
        if name in seen:
            raise _invalid(
                f"criteria.{number}.name",
                _("第%(n)s行：考核内容“%(name)s”重复。") % {"n": number, "name": name},
            )
        seen.add(name)
        _check_weight(f"criteria.{number}.weight", row.weight, _("第%(n)s行") % {"n": number})
        kept.append((number, CriterionRow(name, description, row.weight)))
    if not kept:
        raise ValidationFailed(_("至少需要一项考核内容。"))
    total = sum((row.weight or Decimal(0) for _n, row in kept), Decimal(0))
    if total != HUNDRED:
        raise ValidationFailed(
            _("考核内容权重合计为%(total)s%%，应为100%%。") % {"total": _percent(total)}
        )
    with transaction.atomic():
        round = _lock(round)
        _check_draft(round)
        before = _criteria_text(Criterion.objects.filter(round=round).order_by("position"))
        Criterion.objects.filter(round=round).delete()
        made = Criterion.objects.bulk_create(
            Criterion(
                round=round,
                position=position,
                name=row.name,
                description=row.description,
                weight=row.weight or Decimal(0),
            )
            for position, (_number, row) in enumerate(kept, start=1)
        )
        after = _criteria_text(made)
        if before != after:
            audit_record(
                actor=actor,
                action="round.criteria",
                obj=round,
                detail={"before": before, "after": after},
            )
        return made


def _criteria_text(criteria: Iterable[Criterion]) -> str:
    """德 20%、能 20%…: the criteria in one line for the audit trail."""
    return "、".join(f"{c.name} {_percent(c.weight)}%" for c in criteria)


def _check_weight(field: str, weight: Decimal | None, where: str) -> None:
    if weight is None:
        raise _invalid(field, _("%(where)s：请填写权重。") % {"where": where})
    if weight < 0 or weight > HUNDRED:
        raise _invalid(field, _("%(where)s：权重应在0到100之间。") % {"where": where})
    if weight != weight.quantize(CENTS):
        raise _invalid(field, _("%(where)s：权重最多保留两位小数。") % {"where": where})


def rater_weights_update(
    *, actor: Any, round: EvaluationRound, weights: Mapping[str, Decimal | None]
) -> list[RaterWeight]:
    """Set the draft's weight of every rater role (all four, each 0 to 100, together exactly
    100; 0 leaves a role out of the score). A refusal changes nothing. Fields are named
    "weight_<role>"."""
    _check_manager(actor, round)
    for role in RaterRole:
        _check_weight(f"weight_{role.value}", weights.get(role.value), str(role.label))
    total = sum((weights[role.value] or Decimal(0) for role in RaterRole), Decimal(0))
    if total != HUNDRED:
        raise ValidationFailed(
            _("评价主体权重合计为%(total)s%%，应为100%%。") % {"total": _percent(total)}
        )
    with transaction.atomic():
        round = _lock(round)
        _check_draft(round)
        current = {row.role: row for row in RaterWeight.objects.filter(round=round)}
        changes: dict[str, list[str]] = {}
        rows = []
        for role in RaterRole:
            weight = weights[role.value] or Decimal(0)
            row = current.get(role.value)
            if row is None:
                row = RaterWeight.objects.create(round=round, role=role.value, weight=weight)
                changes[role.value] = ["", _percent(weight)]
            elif row.weight != weight:
                changes[role.value] = [_percent(row.weight), _percent(weight)]
                row.weight = weight
                row.save(update_fields=["weight"])
            rows.append(row)
        if changes:
            audit_record(
                actor=actor, action="round.weights", obj=round, detail={"changes": changes}
            )
        return rows


def thresholds_update(
    *, actor: Any, round: EvaluationRound, thresholds: Mapping[str, Sequence[Decimal | None]]
) -> list[GradeThreshold]:
    """Set the draft's lowest score of each grade but the last, per scheme: `thresholds` maps
    every scheme to its grades' minimums, best grade first, each 0 to 100 and strictly lower
    than the one before. Fields are named "<scheme>_<n>" (n from 1). A refusal changes
    nothing."""
    _check_manager(actor, round)
    for scheme, grades in SCHEME_GRADES.items():
        values = list(thresholds.get(scheme, ()))
        if len(values) != len(grades) - 1:
            raise ValidationFailed(
                _("请填写“%(scheme)s”各等次的分数线。") % {"scheme": GradeScheme(scheme).label}
            )
        previous: Decimal | None = None
        for number, (grade, value) in enumerate(zip(grades, values, strict=False), start=1):
            field = f"{scheme}_{number}"
            where = _("%(scheme)s“%(grade)s”") % {"scheme": _scheme_short(scheme), "grade": grade}
            if value is None:
                raise _invalid(field, _("%(where)s：请填写最低分。") % {"where": where})
            if value < 0 or value > HUNDRED or value != value.quantize(CENTS):
                raise _invalid(
                    field,
                    _("%(where)s：最低分应在0到100之间，最多两位小数。") % {"where": where},
                )
            if previous is not None and value >= previous:
                raise _invalid(
                    field,
                    _("%(where)s：最低分应低于上一等次的%(previous)s分。")
                    % {"where": where, "previous": _percent(previous)},
                )
            previous = value
    with transaction.atomic():
        round = _lock(round)
        _check_draft(round)
        current = {
            (row.scheme, row.grade): row for row in GradeThreshold.objects.filter(round=round)
        }
        changes: dict[str, list[str]] = {}
        rows = []
        for scheme, grades in SCHEME_GRADES.items():
            for grade, value in zip(grades, thresholds[scheme], strict=False):
                minimum = value if value is not None else Decimal(0)
                row = current.get((scheme, grade))
                key = f"{scheme}:{grade}"
                if row is None:
                    row = GradeThreshold.objects.create(
                        round=round, scheme=scheme, grade=grade, min_score=minimum
                    )
                    changes[key] = ["", _percent(minimum)]
                elif row.min_score != minimum:
                    changes[key] = [_percent(row.min_score), _percent(minimum)]
                    row.min_score = minimum
                    row.save(update_fields=["min_score"])
                rows.append(row)
        if changes:
            audit_record(
                actor=actor, action="round.thresholds", obj=round, detail={"changes": changes}
            )
        return rows


def _scheme_short(scheme: str) -> str:
    return {
        GradeScheme.CIVIL_SERVANT: _("公务员"),
        GradeScheme.INSTITUTION: _("事业单位"),
        GradeScheme.ROUTINE: _("平时考核"),
    }[GradeScheme(scheme)]


# --- the people evaluated -------------------------------------------------------------------


def evaluee_add(
    *, actor: Any, round: EvaluationRound, assignment: Assignment, scheme: str = ""
) -> Evaluee:
    """Add a person of the round's batch (on duty, or ended for an end-of-term round) to the
    draft, in the scheme their staff type gives unless `scheme` is named."""
    _check_manager(actor, round)
    if assignment.batch_id != round.batch_id or assignment.state not in evaluee_states(round.kind):
        raise _invalid("assignment", _("只能添加本批次在岗的挂职干部。"))
    if scheme and scheme not in GradeScheme.values:
        raise _invalid("scheme", _("请选择等次方案。"))
    with transaction.atomic():
        round = _lock(round)
        _check_draft(round)
        if Evaluee.objects.filter(round=round, assignment=assignment).exists():
            raise _invalid(
                "assignment",
                _("%(name)s已在本次考核名单中。") % {"name": assignment.cadre.name},
            )
        evaluee = Evaluee.objects.create(
            round=round,
            assignment=assignment,
            scheme=scheme or scheme_for(kind=round.kind, staff_type=assignment.cadre.staff_type),
        )
        audit_record(
            actor=actor,
            action="round.evaluee_add",
            obj=round,
            detail={"person": assignment.cadre.name, "scheme": evaluee.scheme},
        )
        return evaluee


def evaluee_scheme_set(*, actor: Any, evaluee: Evaluee, scheme: str) -> Evaluee:
    """Put one person of the draft in another grade scheme (a staff type recorded wrong)."""
    round = evaluee.round
    _check_manager(actor, round)
    if scheme not in GradeScheme.values:
        raise _invalid("scheme", _("请选择等次方案。"))
    with transaction.atomic():
        _check_draft(_lock(round))
        locked = Evaluee.objects.select_for_update().get(pk=evaluee.pk)
        if locked.scheme != scheme:
            audit_record(
                actor=actor,
                action="round.evaluee_scheme",
                obj=round,
                detail={
                    "person": evaluee.assignment.cadre.name,
                    "changes": {"scheme": [locked.scheme, scheme]},
                },
            )
            locked.scheme = scheme
            locked.save(update_fields=["scheme", "updated_at"])
        evaluee.scheme = scheme
        return evaluee


def evaluee_remove(*, actor: Any, evaluee: Evaluee) -> None:
    """Take a person out of the draft (nothing about them has been written yet)."""
    round = evaluee.round
    _check_manager(actor, round)
    with transaction.atomic():
        _check_draft(_lock(round))
        name = evaluee.assignment.cadre.name
        deleted, _rows = Evaluee.objects.filter(pk=evaluee.pk).delete()
        if deleted:
            audit_record(
                actor=actor, action="round.evaluee_remove", obj=round, detail={"person": name}
            )


# --- moves ----------------------------------------------------------------------------------


def round_problems(round: EvaluationRound) -> list[str]:
    """What stops the round from opening, in Chinese, empty when it may open: criteria and
    rater weights summing to 100, thresholds for every scheme in use, at least one person."""
    problems = []
    criteria = list(Criterion.objects.filter(round=round).values_list("weight", flat=True))
    if not criteria:
        problems.append(_("尚未设置考核内容。"))
    elif sum(criteria, Decimal(0)) != HUNDRED:
        problems.append(
            _("考核内容权重合计为%(total)s%%，应为100%%。")
            % {"total": _percent(sum(criteria, Decimal(0)))}
        )
    weights = dict(RaterWeight.objects.filter(round=round).values_list("role", "weight"))
    total = sum(weights.values(), Decimal(0))
    if total != HUNDRED:
        problems.append(
            _("评价主体权重合计为%(total)s%%，应为100%%。") % {"total": _percent(total)}
        )
    schemes = set(Evaluee.objects.filter(round=round).values_list("scheme", flat=True))
    if not schemes:
        problems.append(_("考核名单为空，请至少添加一名考核对象。"))
    set_up = set(GradeThreshold.objects.filter(round=round).values_list("scheme", "grade"))
    for scheme in sorted(schemes):
        if any((scheme, grade) not in set_up for grade in SCHEME_GRADES[scheme][:-1]):
            problems.append(
                _("尚未设置“%(scheme)s”的等次分数线。") % {"scheme": GradeScheme(scheme).label}
            )
    return problems


def round_open(
    *, actor: Any, round: EvaluationRound, today: dt.date | None = None
) -> EvaluationRound:
    """Draft → open: rating begins. Refused while the set-up is incomplete (round_problems) or
    the deadline has passed. Raters in scope and the people evaluated are told."""
    today = today or timezone.localdate()
    _check_manager(actor, round)
    with transaction.atomic():
        round = _lock(round)
        _check_move(round, RoundState.OPEN)
        problems = round_problems(round)
        if problems:
            raise ValidationFailed(" ".join(problems), detail={"__all__": " ".join(problems)})
        if round.deadline < today:
            raise _invalid(
                "deadline",
                _("评分截止日期%(deadline)s已过，请先修改截止日期。")
                % {"deadline": format_date(round.deadline)},
            )
        round.state = RoundState.OPEN
        round.opened_at = timezone.now()
        round.save(update_fields=["state", "opened_at", "updated_at"])
        audit_record(actor=actor, action="round.open", obj=round, detail=_round_detail(round))
        _notify_opened(round, key=f"round:{round.pk}:open")
        return round


def round_close(
    *, actor: Any, round: EvaluationRound, reason: str = "", today: dt.date | None = None
) -> EvaluationRound:
    """Open → closed: rating ends and the results are computed. Before the deadline's end
    only with a reason (every rater has rated, a meeting is called)."""
    today = today or timezone.localdate()
    _check_manager(actor, round)
    reason = _clean_reason(reason)
    with transaction.atomic():
        round = _lock(round)
        _check_move(round, RoundState.CLOSED)
        early = today < round.deadline
        if early and not reason:
            raise _invalid(
                "reason",
                _("评分截止日期为%(deadline)s，提前截止请说明理由。")
                % {"deadline": format_date(round.deadline)},
            )
        round.state = RoundState.CLOSED
        round.closed_at = timezone.now()
        round.save(update_fields=["state", "closed_at", "updated_at"])
        results_compute(round=round, actor=actor)
        audit_record(
            actor=actor,
            action="round.close",
            obj=round,
            detail={"early": early, "reason": reason},
        )
        return round


def round_reopen(*, actor: Any, round: EvaluationRound, reason: str) -> EvaluationRound:
    """Closed → open again, with the reason (ballots missing, a deadline too short); the
    results are computed again when it closes. Raters are told. People whose democratic
    figures the close computed take no more democratic ballots (services.ratings
    .democratic_sealed says why); those below the minimum still do."""
    _check_manager(actor, round)
    reason = _clean_reason(reason)
    if not reason:
        raise _invalid("reason", _("重新开放评分请说明理由。"))
    with transaction.atomic():
        round = _lock(round)
        _check_move(round, RoundState.OPEN)
        round.state = RoundState.OPEN
        round.closed_at = None
        round.save(update_fields=["state", "closed_at", "updated_at"])
        event = audit_record(
            actor=actor, action="round.reopen", obj=round, detail={"reason": reason}
        )
        _notify_opened(round, key=f"round:{round.pk}:reopen:{event.pk}", reopened=True)
        return round


def round_move(
    *,
    actor: Any,
    round: EvaluationRound,
    target: str,
    reason: str = "",
    today: dt.date | None = None,
) -> EvaluationRound:
    """Move the round to `target` by the one service for that move: open (from a draft),
    reopen (closed → open), close. Deciding and publishing are the results area's
    (services.results.results_decide, results_publish)."""
    if target == RoundState.OPEN and round.state == RoundState.CLOSED:
        return round_reopen(actor=actor, round=round, reason=reason)
    if target == RoundState.OPEN:
        return round_open(actor=actor, round=round, today=today)
    if target == RoundState.CLOSED and round.state in (RoundState.OPEN, RoundState.DRAFT):
        return round_close(actor=actor, round=round, reason=reason, today=today)
    if target in ROUND_TRANSITIONS[round.state]:
        raise InvalidTransition(_("考核的决定和公布请在考核结果页面进行。"))
    _check_move(round, target)
    raise AssertionError("unreachable")  # pragma: no cover


def _clean_reason(reason: str) -> str:
    reason = reason.strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise _invalid("reason", _("理由不能超过 %(n)s 字。") % {"n": REASON_MAX_LENGTH})
    return reason


# --- telling people ---------------------------------------------------------------------------

_OPENED = gettext_noop("%(round)s已开始评分，请于%(deadline)s前完成对%(count)s名挂职干部的评分。")
_REOPENED = gettext_noop("%(round)s已重新开放评分，请于%(deadline)s前完成评分。")
_OPENED_SELF = gettext_noop("%(round)s已开始，请于%(deadline)s前填写个人总结。")


def round_raters(round: EvaluationRound) -> dict[int, tuple[Any, int]]:
    """The accounts that rate someone in the round by their own role (host leaders, dispatch
    admins, leaders of the people's groups), for roles the round weighs: {user pk: (user,
    how many people they rate)}. The people evaluated never rate themselves."""
    weights = dict(RaterWeight.objects.filter(round=round).values_list("role", "weight"))
    roles = {role for role in NAMED_RATER_ROLES if weights.get(role, Decimal(0)) > 0}
    people = list(
        Assignment.objects.filter(pk__in=Evaluee.objects.filter(round=round).values("assignment"))
        .select_related(
            "batch__coordinating_org",
            "cadre__user",
            "host_unit",
            "home_unit",
            "group__leader__cadre__user",
            "group__deputy__cadre__user",
        )
        .order_by("id")
    )
    recipients = Recipients()
    group_leader_ids = set(
        RoleAssignment.objects.filter(role=Role.GROUP_LEADER, user__is_active=True)
        .filter(Q(batch__isnull=True) | Q(batch_id=round.batch_id))
        .values_list("user_id", flat=True)
    )
    found: dict[int, tuple[Any, int]] = {}
    for person in people:
        users: dict[int, Any] = {}
        if RaterRole.HOST_LEADERSHIP in roles:
            for user in recipients.host_leaders_of(person):
                users.setdefault(user.pk, user)
        if RaterRole.DISPATCH in roles:
            for user in recipients.holders(
                Role.DISPATCH_ADMIN, person.home_unit.path, person.batch_id
            ):
                users.setdefault(user.pk, user)
        if RaterRole.GROUP_LEADER in roles and person.group is not None:
            for leader in (person.group.leader, person.group.deputy):
                account = leader.cadre.user if leader is not None else None
                if account is not None and account.is_active and account.pk in group_leader_ids:
                    users.setdefault(account.pk, account)
        if person.cadre.user_id is not None:
            users.pop(person.cadre.user_id, None)
        for pk, rater in users.items():
            count = found[pk][1] + 1 if pk in found else 1
            found[pk] = (rater, count)
    return found


def _notify_opened(round: EvaluationRound, *, key: str, reopened: bool = False) -> None:
    """After commit: each rater once for this opening; on the first opening, each person
    evaluated too (their self-assessment is due)."""
    raters = round_raters(round)
    people = (
        []
        if reopened
        else list(Evaluee.objects.filter(round=round).select_related("assignment__cadre__user"))
    )
    # Kept with the message and put in the reader's language when read.
    deadline = date_message(round.deadline)

    def tell() -> None:
        inbox = reverse("evaluation:rating_inbox")
        for user, count in raters.values():
            message = (
                Message(_REOPENED, round=round.name, deadline=deadline)
                if reopened
                else Message(_OPENED, round=round.name, deadline=deadline, count=count)
            )
            notify(
                recipient=user,
                kind="round.reopen" if reopened else "round.open",
                key=key,
                message=message,
                url=inbox,
            )
        mine = reverse("evaluation:my_evaluations")
        for evaluee in people:
            user = cadre_user_of(evaluee.assignment)
            if user is not None:
                notify(
                    recipient=user,
                    kind="round.open",
                    key=f"{key}:self",
                    message=Message(_OPENED_SELF, round=round.name, deadline=deadline),
                    url=mine,
                )

    transaction.on_commit(tell)


# --- the person's self-assessment -------------------------------------------------------------


def self_assessment_save(
    *, actor: Any, evaluee: Evaluee, text: str, submit: bool = False
) -> Evaluee:
    """Save the person's own self-assessment (个人总结) while the round is open; `submit`
    hands it to the raters (it stays editable until the round closes, each save after that
    handing the new text over). Not scored."""
    if not is_evaluee_self(actor=actor, evaluee=evaluee):
        raise Forbidden(_("只有本人可以填写个人总结。"))
    text = text.strip()
    if len(text) > SELF_ASSESSMENT_MAX_LENGTH:
        raise _invalid("text", _("个人总结不能超过 %(n)s 字。") % {"n": SELF_ASSESSMENT_MAX_LENGTH})
    if submit and not text:
        raise _invalid("text", _("请填写个人总结后再提交。"))
    with transaction.atomic():
        round = EvaluationRound.objects.select_for_update().get(pk=evaluee.round_id)
        if round.state != RoundState.OPEN:
            raise InvalidTransition(
                _("考核当前为“%(state)s”，只有评分期间才能填写个人总结。")
                % {"state": round.get_state_display()}
            )
        locked = Evaluee.objects.select_for_update().get(pk=evaluee.pk)
        submitted = submit or locked.self_submitted_at is not None
        fields = []
        if locked.self_assessment != text:
            locked.self_assessment = text
            fields.append("self_assessment")
        if submitted and (fields or locked.self_submitted_at is None):
            locked.self_submitted_at = timezone.now()
            fields.append("self_submitted_at")
        if fields:
            locked.save(update_fields=[*fields, "updated_at"])
            audit_record(
                actor=actor,
                action="round.self_submit" if submitted else "round.self_save",
                obj=locked,
                detail={"length": len(text)},
            )
        evaluee.self_assessment = locked.self_assessment
        evaluee.self_submitted_at = locked.self_submitted_at
        return evaluee


__all__ = [
    "CriterionRow",
    "criteria_update",
    "default_period",
    "evaluee_add",
    "evaluee_remove",
    "evaluee_scheme_set",
    "rater_weights_update",
    "round_close",
    "round_create",
    "round_move",
    "round_open",
    "round_problems",
    "round_raters",
    "round_reopen",
    "round_update",
    "scheme_for",
    "self_assessment_save",
    "thresholds_update",
]
