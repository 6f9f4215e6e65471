"""Commendations (表彰): nominating, approving or rejecting, withdrawing, and the decision that
gathers the approved nominations.

- A leader whose roles reach a person serving in the batch (coordinator, dispatching-unit
  admin, host leader, group leader) nominates them with a kind (嘉奖, 记三等功 …, an honorary
  title with its name) and a citation (主要事迹, required). A coordinator over the batch may
  also nominate from a result: a person given the top grade (优秀 / 好) in a decided or
  published round of the batch, the nomination then linked to that result. Nobody nominates
  themselves, and one person holds at most one pending or approved nomination for the same
  honour from the same source (`_check_no_twin`).
- The coordinators over the batch approve or reject (a rejection says why); a nomination from
  a result is approved only while that result still stands (`_check_result_still_top`: the
  round may have been sent back and regraded since); the nominator may withdraw while it is
  pending. Every move follows NOMINATION_TRANSITIONS; a refused move
  changes nothing.
- A decision (关于表彰……的决定: title, 文号, date, issuer, text) is drafted by a coordinator over
  the batch and lists approved nominations of the batch not listed by another decision.

Each write locks the row whose state changes, saves only its fields and leaves an audit event;
the person is told when their nomination is approved, the coordinators when one is made, the
nominator when theirs is decided, each after the transaction commits.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guazhi.core.audit import audit_record
from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.i18n import Message, label_message
from guazhi.core.notifications import notify
from guazhi.duty.selectors.recipients import cadre_user_of, coordinators_of
from guazhi.duty.selectors.scope import duty_assignment_queryset, is_own
from guazhi.evaluation.models import (
    NOMINATION_TRANSITIONS,
    CommendationDecision,
    CommendationKind,
    EvaluationRound,
    Evaluee,
    Nomination,
    NominationState,
    RoundState,
)
from guazhi.evaluation.selectors.scope import can_manage_round
from guazhi.evaluation.services.decisions import optional_text, required_text
from guazhi.evaluation.services.grading import is_top_grade
from guazhi.programmes.models import Assignment, Batch
from guazhi.programmes.selectors.scope import can_manage_batch

CITATION_MAX_LENGTH = 2000
COMMENT_MAX_LENGTH = 1000
TITLE_MAX_LENGTH = 50
DEFAULT_HONORARY_TITLE = "优秀挂职干部"
RESULT_STATES = (RoundState.DECIDED, RoundState.PUBLISHED)

APPROVED_NOTICE = gettext_noop("您被提名的%(honour)s已获批准。")
NOMINATED_NOTICE = gettext_noop("%(nominator)s提名%(name)s%(honour)s，请审批。")
DECIDED_NOTICE = {
    NominationState.APPROVED: gettext_noop("您对%(name)s的%(honour)s提名已获批准。"),
    NominationState.REJECTED: gettext_noop("您对%(name)s的%(honour)s提名未获批准。"),
}


def honour_text(kind: str, honorary_title: str = "") -> Message:
    """嘉奖 / 记三等功 / “优秀挂职干部”称号: the honour, as a sentence names it (a Message, so a
    notification that holds it reads in each reader's language)."""
    if kind == CommendationKind.HONORARY_TITLE:
        return Message(gettext_noop("“%(title)s”称号"), title=honorary_title)
    return label_message(CommendationKind(kind).label)


def _check_batch_manager(actor: Any, batch: Batch) -> None:
    if not can_manage_batch(actor=actor, batch=batch):
        raise Forbidden(_("只有本批次的组织部门可以办理表彰。"))


def _check_kind(kind: str, honorary_title: str) -> str:
    """The honorary title's name for that kind (required), "" for any other kind."""
    if kind not in CommendationKind.values:
        message = _("请选择表彰类型。")
        raise ValidationFailed(message, detail={"kind": message})
    if kind != CommendationKind.HONORARY_TITLE:
        return ""
    return required_text(honorary_title, "honorary_title", _("荣誉称号"), TITLE_MAX_LENGTH)


def _check_nominee(actor: Any, assignment: Assignment, evaluee: Evaluee | None) -> None:
    if is_own(actor=actor, assignment=assignment):
        raise Forbidden(_("不能提名本人。"))
    if evaluee is not None:
        round = evaluee.round
        if not can_manage_round(actor=actor, round=round):
            raise Forbidden(_("只有本批次的组织部门可以依据考核结果提名。"))
        if round.state not in RESULT_STATES or not is_top_grade(evaluee.grade):
            raise ValidationFailed(
                _("只能依据已决定的考核结果提名获得“优秀”（“好”）等次的人员。"),
                detail={"evaluee": _("只能依据已决定的考核结果提名获得“优秀”（“好”）等次的人员。")},
            )
        return
    if not duty_assignment_queryset(actor).filter(pk=assignment.pk).exists():
        raise Forbidden(_("只能提名您所管理的挂职干部。"))


def _check_no_twin(
    assignment: Assignment, kind: str, honorary_title: str, evaluee: Evaluee | None
) -> None:
    twins = Nomination.objects.filter(
        assignment=assignment,
        kind=kind,
        honorary_title=honorary_title,
        evaluee=evaluee,
        state__in=(NominationState.NOMINATED, NominationState.APPROVED),
    )
    if twins.exists():
        raise ValidationFailed(
            _("%(name)s已有待审批或已批准的同类表彰提名，不能重复提名。")
            % {"name": assignment.cadre.name},
            detail={
                "kind": _("%(name)s已有待审批或已批准的同类表彰提名，不能重复提名。")
                % {"name": assignment.cadre.name}
            },
        )


def _lock_assignment(assignment: Assignment) -> None:
    """Lock the person's assignment row: two nominations made at once for the same honour
    are then checked one after the other, and the second finds the first."""
    Assignment.objects.select_for_update().filter(pk=assignment.pk).values_list("pk").first()


def nomination_create(
    *,
    actor: Any,
    assignment: Assignment,
    kind: str,
    citation: str,
    honorary_title: str = "",
    evaluee: Evaluee | None = None,
) -> Nomination:
    """Nominate the person of `assignment` (or, with `evaluee`, from that result: its
    assignment). Load the assignment with its batch, cadre and units, the evaluee with its
    round."""
    if evaluee is not None and evaluee.assignment_id != assignment.pk:
        raise ValidationFailed(_("考核结果与被提名人不一致。"))
    honorary_title = _check_kind(kind, honorary_title)
    citation = required_text(citation, "citation", _("主要事迹"), CITATION_MAX_LENGTH)
    _check_nominee(actor, assignment, evaluee)
    with transaction.atomic():
        _lock_assignment(assignment)
        _check_no_twin(assignment, kind, honorary_title, evaluee)
        nomination = Nomination.objects.create(
            assignment=assignment,
            kind=kind,
            honorary_title=honorary_title,
            citation=citation,
            evaluee=evaluee,
            nominated_by=actor,
        )
        audit_record(
            actor=actor,
            action="commendation.nominate",
            obj=nomination,
            detail={
                "name": assignment.cadre.name,
                "commendation_kind": kind,
                "honorary_title": honorary_title,
                "from_result": evaluee is not None,
            },
        )
        nomination.assignment = assignment
        _tell_coordinators(nomination, actor)
        return nomination


def _lock(nomination: Nomination) -> Nomination:
    locked = Nomination.objects.select_for_update().get(pk=nomination.pk)
    locked.assignment = nomination.assignment
    return locked


def _check_move(nomination: Nomination, target: str) -> None:
    if target not in NOMINATION_TRANSITIONS[nomination.state]:
        raise InvalidTransition(
            _("该提名当前为“%(state)s”，不能执行此操作。")
            % {"state": nomination.get_state_display()}
        )


def _check_result_still_top(nomination: Nomination) -> None:
    """A nomination from a result is approved only while that result stands: its round
    decided or published, the person still given the top grade. The round is locked, so it
    cannot be sent back for a new decision while the approval is written."""
    if nomination.evaluee_id is None:
        return
    round_id = Evaluee.objects.values_list("round_id", flat=True).get(pk=nomination.evaluee_id)
    round = EvaluationRound.objects.select_for_update().get(pk=round_id)
    # Read after the lock: grades change only under it.
    evaluee = Evaluee.objects.get(pk=nomination.evaluee_id)
    if round.state not in RESULT_STATES:
        raise InvalidTransition(
            _("该提名依据的“%(round)s”考核结果已退回重新决定，须再次决定后才能批准。")
            % {"round": round.name}
        )
    if not is_top_grade(evaluee.grade):
        raise InvalidTransition(
            _("该提名依据的“%(round)s”考核结果已改为其他等次，不再是“优秀”（“好”），不能批准。")
            % {"round": round.name}
        )


def _decide(
    actor: Any, nomination: Nomination, target: str, comment: str, action: str
) -> Nomination:
    _check_batch_manager(actor, nomination.assignment.batch)
    if is_own(actor=actor, assignment=nomination.assignment):
        raise Forbidden(_("不能审批对本人的提名。"))
    with transaction.atomic():
        locked = _lock(nomination)
        _check_move(locked, target)
        if target == NominationState.APPROVED:
            _check_result_still_top(locked)
        locked.state = target
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_comment = comment
        locked.save(
            update_fields=["state", "decided_by", "decided_at", "decision_comment", "updated_at"]
        )
        audit_record(
            actor=actor,
            action=action,
            obj=locked,
            detail={"name": locked.assignment.cadre.name, "comment": comment},
        )
        _tell_decided(locked, actor)
        return locked


def nomination_approve(*, actor: Any, nomination: Nomination, comment: str = "") -> Nomination:
    """Nominated → approved, by a coordinator over the batch; the person is told."""
    comment = optional_text(comment, "comment", _("审批意见"), COMMENT_MAX_LENGTH)
    return _decide(actor, nomination, NominationState.APPROVED, comment, "commendation.approve")


def nomination_reject(*, actor: Any, nomination: Nomination, comment: str) -> Nomination:
    """Nominated → rejected, by a coordinator over the batch, saying why."""
    comment = required_text(comment, "comment", _("审批意见"), COMMENT_MAX_LENGTH)
    return _decide(actor, nomination, NominationState.REJECTED, comment, "commendation.reject")


def nomination_withdraw(*, actor: Any, nomination: Nomination) -> Nomination:
    """Nominated → withdrawn, by the nominator only."""
    if nomination.nominated_by_id != actor.pk:
        raise Forbidden(_("只有提名人可以撤回提名。"))
    with transaction.atomic():
        locked = _lock(nomination)
        _check_move(locked, NominationState.WITHDRAWN)
        locked.state = NominationState.WITHDRAWN
        locked.save(update_fields=["state", "updated_at"])
        audit_record(
            actor=actor,
            action="commendation.withdraw",
            obj=locked,
            detail={"name": locked.assignment.cadre.name},
        )
        return locked


# --- the decision -------------------------------------------------------------------------


def _decision_fields(
    *, title: str, number: str, issued_on: dt.date | None, issuer: str, preamble: str
) -> dict[str, Any]:
    if issued_on is None:
        message = _("请填写印发日期。")
        raise ValidationFailed(message, detail={"issued_on": message})
    return {
        "title": required_text(title, "title", _("标题"), 200),
        "number": optional_text(number, "number", _("文号"), 50),
        "issued_on": issued_on,
        "issuer": required_text(issuer, "issuer", _("发文机关"), 100),
        "preamble": optional_text(preamble, "preamble", _("正文")),
    }


def _attach(
    decision: CommendationDecision, batch: Batch, nomination_ids: Iterable[int]
) -> list[int]:
    """List exactly `nomination_ids` on the decision: approved nominations of the batch that
    no other decision lists; the rows are locked so two decisions cannot take the same one."""
    wanted = sorted(set(nomination_ids))
    if not wanted:
        message = _("请至少选择一名受表彰人员。")
        raise ValidationFailed(message, detail={"nominations": message})
    found = list(
        Nomination.objects.select_for_update(of=("self",))
        .filter(pk__in=wanted, assignment__batch=batch, state=NominationState.APPROVED)
        .filter(Q(decision__isnull=True) | Q(decision=decision))
        .values_list("pk", flat=True)
    )
    if sorted(found) != wanted:
        message = _("所选人员中有未获批准、不属于本批次或已列入其他表彰决定的提名，请重新选择。")
        raise ValidationFailed(message, detail={"nominations": message})
    Nomination.objects.filter(decision=decision).exclude(pk__in=wanted).update(decision=None)
    Nomination.objects.filter(pk__in=wanted).update(decision=decision)
    return wanted


def decision_create(
    *,
    actor: Any,
    batch: Batch,
    title: str,
    number: str,
    issued_on: dt.date | None,
    issuer: str,
    preamble: str,
    nominations: Iterable[int],
) -> CommendationDecision:
    """A decision of the batch listing the approved `nominations` (their pks)."""
    _check_batch_manager(actor, batch)
    fields = _decision_fields(
        title=title, number=number, issued_on=issued_on, issuer=issuer, preamble=preamble
    )
    with transaction.atomic():
        decision = CommendationDecision.objects.create(batch=batch, created_by=actor, **fields)
        listed = _attach(decision, batch, nominations)
        audit_record(
            actor=actor,
            action="commendation.decision_create",
            obj=decision,
            detail={"title": decision.title, "number": decision.number, "count": len(listed)},
        )
        decision.batch = batch
        return decision


def decision_update(
    *,
    actor: Any,
    decision: CommendationDecision,
    title: str,
    number: str,
    issued_on: dt.date | None,
    issuer: str,
    preamble: str,
    nominations: Iterable[int],
) -> CommendationDecision:
    """Change the decision's text and the nominations it lists."""
    batch = decision.batch
    _check_batch_manager(actor, batch)
    fields = _decision_fields(
        title=title, number=number, issued_on=issued_on, issuer=issuer, preamble=preamble
    )
    with transaction.atomic():
        locked = CommendationDecision.objects.select_for_update().get(pk=decision.pk)
        changed = [name for name, value in fields.items() if getattr(locked, name) != value]
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*fields, "updated_at"])
        before = set(locked.nominations.values_list("pk", flat=True))
        listed = _attach(locked, batch, nominations)
        audit_record(
            actor=actor,
            action="commendation.decision_update",
            obj=locked,
            detail={
                "fields": changed,
                "added": len(set(listed) - before),
                "removed": len(before - set(listed)),
            },
        )
        locked.batch = batch
        return locked


# --- telling people -----------------------------------------------------------------------


def _url(nomination: Nomination) -> str:
    return reverse("evaluation:commendation_detail", kwargs={"nomination_pk": nomination.pk})


def _tell_coordinators(nomination: Nomination, actor: Any) -> None:
    def send() -> None:
        message = Message(
            NOMINATED_NOTICE,
            nominator=actor.get_full_name() or actor.get_username(),
            name=nomination.assignment.cadre.name,
            honour=honour_text(nomination.kind, nomination.honorary_title),
        )
        for recipient in coordinators_of(nomination.assignment.batch):
            if recipient.pk == actor.pk:
                continue
            notify(
                recipient=recipient,
                kind="commendation.nominate",
                key=f"commendation:{nomination.pk}:nominated",
                message=message,
                url=_url(nomination),
            )

    transaction.on_commit(send)


def _tell_decided(nomination: Nomination, actor: Any) -> None:
    honour = honour_text(nomination.kind, nomination.honorary_title)

    def send() -> None:
        person = cadre_user_of(nomination.assignment)
        if nomination.state == NominationState.APPROVED and person is not None:
            notify(
                recipient=person,
                kind="commendation.approve",
                key=f"commendation:{nomination.pk}:approved",
                message=Message(APPROVED_NOTICE, honour=honour),
                url=reverse("evaluation:my_evaluations"),
            )
        nominator = nomination.nominated_by
        if nominator is not None and nominator.pk != actor.pk:
            notify(
                recipient=nominator,
                kind=f"commendation.{nomination.state}",
                key=f"commendation:{nomination.pk}:{nomination.state}:nominator",
                message=Message(
                    DECIDED_NOTICE[NominationState(nomination.state)],
                    name=nomination.assignment.cadre.name,
                    honour=honour,
                ),
                url=_url(nomination),
            )

    transaction.on_commit(send)
