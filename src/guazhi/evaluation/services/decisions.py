"""The committee's decision on a round's grades (CLOSED → DECIDED), reopening it (DECIDED →
CLOSED), the approved exception to the quota, and checking (核实) a flagged rating.

While the round is CLOSED the coordinator prepares the committee's grades person by person
(`result_grade_set`: a grade other than the proposed one needs a note, which the committee's
record keeps); `results_decide` then records the decision (date, body, members, minutes) and
fixes every grade: the one prepared, or else the proposed one (someone without a score is
NOT_GRADED). The decision is refused while anyone is still TIE_PENDING (the tie at the quota's
cut line is for the committee to settle), or when more people have the top grade than the
quota allows, unless an exception was approved (`quota_exception_approve`: its reason, who and
when are kept on the round). Preparing grades one person at a time keeps every form small
whatever the round's size (a page posting 5,000 grades at once would not be).
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guazhi.core.audit import audit_record
from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.jinja import format_date
from guazhi.core.text import join_list
from guazhi.evaluation.models import (
    ROUND_TRANSITIONS,
    SCHEME_GRADES,
    CommitteeDecision,
    EvaluationRound,
    Evaluee,
    RatingFlag,
    RoundState,
)
from guazhi.evaluation.selectors.scope import can_manage_round
from guazhi.evaluation.services.grading import NOT_GRADED, TIE_PENDING, is_top_grade, quota_limit

NOTE_MAX_LENGTH = 500
TEXT_MAX_LENGTH = 20_000
NAMES_SHOWN = 10


def check_manager(actor: Any, round: EvaluationRound) -> None:
    if not can_manage_round(actor=actor, round=round):
        raise Forbidden(_("只有本批次的组织部门可以办理考核结果。"))


def lock_round(round: EvaluationRound) -> EvaluationRound:
    """The round's row, locked for this transaction, with the batch the caller loaded."""
    locked = EvaluationRound.objects.select_for_update().get(pk=round.pk)
    locked.batch = round.batch
    return locked


def check_state(round: EvaluationRound, *states: str) -> None:
    if round.state not in states:
        raise InvalidTransition(
            _("该考核当前为“%(state)s”，不能执行此操作。") % {"state": round.get_state_display()}
        )


def check_move(round: EvaluationRound, target: str) -> None:
    if target not in ROUND_TRANSITIONS[round.state]:
        raise InvalidTransition(
            _("该考核当前为“%(state)s”，不能执行此操作。") % {"state": round.get_state_display()}
        )


def required_text(value: str, field: str, label: str, max_length: int = TEXT_MAX_LENGTH) -> str:
    value = value.strip()
    if not value:
        message = _("请填写%(label)s。") % {"label": label}
        raise ValidationFailed(message, detail={field: message})
    if len(value) > max_length:
        message = _("%(label)s不能超过 %(n)s 字。") % {"label": label, "n": max_length}
        raise ValidationFailed(message, detail={field: message})
    return value


def optional_text(value: str, field: str, label: str, max_length: int = TEXT_MAX_LENGTH) -> str:
    value = value.strip()
    if len(value) > max_length:
        message = _("%(label)s不能超过 %(n)s 字。") % {"label": label, "n": max_length}
        raise ValidationFailed(message, detail={field: message})
    return value


def grade_choices(evaluee: Evaluee) -> tuple[str, ...]:
    """The grades the committee may give this person: their scheme's, or none (不定等次)."""
    return (*SCHEME_GRADES[evaluee.scheme], NOT_GRADED)


# --- preparing the grades ---------------------------------------------------------------------


def result_grade_set(*, actor: Any, evaluee: Evaluee, grade: str, note: str = "") -> Evaluee:
    """Prepare the committee's grade for one person while the round is CLOSED: `grade` from
    their scheme (or NOT_GRADED), with a note when it is not the proposed one; blank `grade`
    goes back to the proposed one."""
    round = evaluee.round
    check_manager(actor, round)
    grade = grade.strip()
    note = optional_text(note, "note", _("调整说明"), NOTE_MAX_LENGTH)
    if grade and grade not in grade_choices(evaluee):
        message = _("“%(grade)s”不是该考核对象可用的等次。") % {"grade": grade}
        raise ValidationFailed(message, detail={"grade": message})
    with transaction.atomic():
        locked_round = lock_round(round)
        check_state(locked_round, RoundState.CLOSED)
        locked = Evaluee.objects.select_for_update().get(pk=evaluee.pk)
        if grade == locked.proposed_grade:
            grade = ""  # the proposal itself: nothing to change, nothing to explain
        if grade and not note:
            message = _("等次与建议等次不同，请填写调整说明。")
            raise ValidationFailed(message, detail={"note": message})
        before = (locked.grade, locked.decision_note)
        locked.grade, locked.decision_note = grade, note if grade else ""
        if (locked.grade, locked.decision_note) != before:
            locked.save(update_fields=["grade", "decision_note", "updated_at"])
            audit_record(
                actor=actor,
                action="result.grade_set",
                obj=locked,
                detail={
                    "proposed": locked.proposed_grade,
                    "grade": locked.grade or locked.proposed_grade,
                    "note": locked.decision_note,
                },
            )
        locked.round = locked_round
        locked.assignment = evaluee.assignment
        return locked


# --- the decision -----------------------------------------------------------------------------


def _final_grade(proposed: str, prepared: str) -> str:
    if prepared:
        return prepared
    return proposed or NOT_GRADED


def results_decide(
    *,
    actor: Any,
    round: EvaluationRound,
    decided_on: dt.date,
    body: str,
    members: str = "",
    minutes: str = "",
    today: dt.date | None = None,
) -> EvaluationRound:
    """CLOSED → DECIDED: the committee's decision recorded and every grade fixed (see the
    module's docstring); refused with nothing changed when a tie is unsettled or the quota is
    exceeded without an approved exception."""
    today = today or timezone.localdate()
    check_manager(actor, round)
    body = required_text(body, "body", _("决定机构"), 100)
    members = optional_text(members, "members", _("参加人员"))
    minutes = optional_text(minutes, "minutes", _("会议记录"))
    if decided_on > today:
        message = _("决定日期不能晚于今天。")
        raise ValidationFailed(message, detail={"decided_on": message})
    with transaction.atomic():
        round = lock_round(round)
        check_move(round, RoundState.DECIDED)
        if round.closed_at is not None and decided_on < timezone.localtime(round.closed_at).date():
            message = _("决定日期不能早于评分截止日期（%(date)s）。") % {
                "date": format_date(timezone.localtime(round.closed_at).date())
            }
            raise ValidationFailed(message, detail={"decided_on": message})
        rows = list(
            Evaluee.objects.filter(round=round)
            .select_for_update(of=("self",))
            .select_related("assignment__cadre")
            .order_by("rank", "pk")
        )
        tied = [row for row in rows if row.proposed_grade == TIE_PENDING and not row.grade]
        if tied:
            names = [row.assignment.cadre.name for row in tied[:NAMES_SHOWN]]
            message = _("%(names)s等 %(n)s 人得分并列处于优秀比例线上，请先逐人确定等次。") % {
                "names": join_list(names),
                "n": len(tied),
            }
            raise ValidationFailed(message, detail={"grades": message})
        finals = {row.pk: _final_grade(row.proposed_grade, row.grade) for row in rows}
        limit = quota_limit(round.excellent_quota, len(rows))
        excellent = sum(1 for grade in finals.values() if is_top_grade(grade))
        if excellent > limit and round.quota_exception_at is None:
            message = _(
                "确定为优秀（好）等次的有 %(n)s 人，超过比例上限 %(limit)s 人（%(quota)s%%）；"
                "请调整等次，或先登记超比例的批准。"
            ) % {"n": excellent, "limit": limit, "quota": round.excellent_quota}
            raise ValidationFailed(message, detail={"grades": message})
        changed = [row for row in rows if row.grade and row.grade != row.proposed_grade]
        fixed = [row for row in rows if row.grade != finals[row.pk]]
        now = timezone.now()
        for row in fixed:
            row.grade, row.updated_at = finals[row.pk], now
        Evaluee.objects.bulk_update(fixed, ["grade", "updated_at"], batch_size=1000)
        CommitteeDecision.objects.update_or_create(
            round=round,
            defaults={
                "decided_on": decided_on,
                "body": body,
                "members": members,
                "minutes": minutes,
                "recorded_by": actor,
            },
        )
        round.state, round.decided_at = RoundState.DECIDED, now
        round.save(update_fields=["state", "decided_at", "updated_at"])
        audit_record(
            actor=actor,
            action="result.decide",
            obj=round,
            detail={
                "decided_on": decided_on.isoformat(),
                "body": body,
                "excellent": excellent,
                "excellent_limit": limit,
                "quota_exception": round.quota_exception_at is not None,
                "changed": [
                    {"evaluee": row.pk, "proposed": row.proposed_grade, "grade": row.grade}
                    for row in changed
                ],
            },
        )
        return round


def results_reopen(*, actor: Any, round: EvaluationRound, reason: str) -> EvaluationRound:
    """DECIDED → CLOSED before publication, with the reason: the grades stay as decided, to be
    changed and decided again."""
    check_manager(actor, round)
    reason = required_text(reason, "reason", _("重新决定的原因"), 2000)
    with transaction.atomic():
        round = lock_round(round)
        check_move(round, RoundState.CLOSED)
        check_state(round, RoundState.DECIDED)
        round.state, round.decided_at = RoundState.CLOSED, None
        round.save(update_fields=["state", "decided_at", "updated_at"])
        audit_record(actor=actor, action="result.reopen", obj=round, detail={"reason": reason})
        return round


# --- the quota's exception ------------------------------------------------------------------


EXCEPTION_STATES = (RoundState.DRAFT, RoundState.OPEN, RoundState.CLOSED)


def quota_exception_approve(*, actor: Any, round: EvaluationRound, reason: str) -> EvaluationRound:
    """Record the approval to exceed the share of the top grade (who approved: the actor
    recording it; when; why) before the decision."""
    check_manager(actor, round)
    reason = required_text(reason, "reason", _("批准理由"), 2000)
    with transaction.atomic():
        round = lock_round(round)
        check_state(round, *EXCEPTION_STATES)
        round.quota_exception = reason
        round.quota_exception_by = actor
        round.quota_exception_at = timezone.now()
        round.save(
            update_fields=[
                "quota_exception",
                "quota_exception_by",
                "quota_exception_at",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor, action="result.quota_exception", obj=round, detail={"reason": reason}
        )
        return round


def quota_exception_withdraw(*, actor: Any, round: EvaluationRound) -> EvaluationRound:
    """Withdraw the exception before the decision (the decision relies on it after)."""
    check_manager(actor, round)
    with transaction.atomic():
        round = lock_round(round)
        check_state(round, *EXCEPTION_STATES)
        if round.quota_exception_at is None:
            raise InvalidTransition(_("该考核没有登记超比例的批准。"))
        reason = round.quota_exception
        round.quota_exception, round.quota_exception_by, round.quota_exception_at = "", None, None
        round.save(
            update_fields=[
                "quota_exception",
                "quota_exception_by",
                "quota_exception_at",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor,
            action="result.quota_exception_withdraw",
            obj=round,
            detail={"reason": reason},
        )
        return round


# --- flags --------------------------------------------------------------------------------


def flag_dismiss(*, actor: Any, flag: RatingFlag) -> RatingFlag:
    """Mark a flagged rating as checked (核实): it stays listed, after the unchecked ones."""
    check_manager(actor, flag.round)
    with transaction.atomic():
        locked = RatingFlag.objects.select_for_update().get(pk=flag.pk)
        if locked.dismissed:
            raise InvalidTransition(_("该提示已核实。"))
        locked.dismissed = True
        locked.save(update_fields=["dismissed"])
        audit_record(
            actor=actor,
            action="result.flag_dismiss",
            obj=locked,
            detail={"kind": locked.kind, "detail": locked.detail},
        )
        locked.round = flag.round
        return locked
