"""The democratic evaluation's one-time codes (民主测评码): issuing, voiding, and the ballot a code
opens.

A coordinator over the batch issues codes for one person or for every person of the round, prints
them (one slip per code) and hands them to host colleagues. A code opens the rating form of its
one person, once: the ballot is stored with no rater and the code marked used in the same
transaction, under a lock, so two submissions at the same moment give one ballot. Nothing links
the ballot to its code (services.ratings.store_ballot), and the audit event of a code ballot
names nobody and no address. A wrong, used or voided code, or a round no longer taking ballots,
all get the same answer, so nobody learns which codes exist or were used by trying them.
After a reopen, no code works or is issued for a person whose democratic figures were computed
at the close (services.ratings.democratic_sealed says why).

Codes are 8 characters from an alphabet without 0/O and 1/I (printed as ABCD-EFGH), about 10^12
possibilities; with the form's guess throttle (views.codes) guessing one is hopeless.
"""

import datetime as dt
import secrets
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guazhi.core.audit import audit_record
from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.evaluation.models import BallotCode, EvaluationRound, Evaluee, RatingSource, RoundState
from guazhi.evaluation.selectors.scope import can_manage_round
from guazhi.evaluation.services.ratings import (
    check_open,
    check_scores,
    democratic_open,
    democratic_sealed,
    lock_round,
    round_criteria,
    sealed_evaluees,
    sealed_message,
    store_ballot,
)

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
MAX_CODES_PER_PERSON = 200
MAX_CODES_AT_ONCE = 20_000
ISSUE_STATES = (RoundState.DRAFT, RoundState.OPEN)


class CodeRefused(ValidationFailed):
    """Whatever was wrong with a code (unknown, used, voided, round not taking ballots), one
    message: which of them it was would tell a guesser which codes exist."""

    code = "code_refused"

    def __init__(self) -> None:
        super().__init__(
            _(
                "测评码无效、已使用或已作废，或本轮测评已结束。请核对后重新输入，如有疑问请联系组织部门。"
            )
        )


def normalise_code(text: str) -> str:
    """What was typed, as stored: capitals, no spaces or hyphens (ABCD-EFGH, abcd efgh → ABCDEFGH)."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())[:32]


def format_code(code: str) -> str:
    """A code as printed: in two halves, ABCD-EFGH."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def _new_codes(count: int) -> list[str]:
    """`count` codes that are not in use yet (and not equal among themselves)."""
    made: set[str] = set()
    while len(made) < count:
        drawn = {
            "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
            for _ in range(count - len(made))
        } - made
        taken = set(BallotCode.objects.filter(code__in=drawn).values_list("code", flat=True))
        made |= drawn - taken
    return list(made)


def _check_manager(actor: Any, round: EvaluationRound) -> None:
    if not can_manage_round(actor=actor, round=round):
        raise Forbidden(_("只有本批次的组织部门可以管理民主测评码。"))


def code_issue(
    *, actor: Any, round: EvaluationRound, count: int, evaluee: Evaluee | None = None
) -> list[BallotCode]:
    """`count` new codes for `evaluee`, or for every person of the round when None; while the
    round is a draft or open, and only when the round weighs the democratic evaluation."""
    _check_manager(actor, round)
    if not democratic_open(round):
        raise ValidationFailed(_("本轮考核不设民主测评，不能发放测评码。"))
    if not 1 <= count <= MAX_CODES_PER_PERSON:
        message = _("每人发放的测评码数量应为 1 到 %(n)s 之间的整数。") % {
            "n": MAX_CODES_PER_PERSON
        }
        raise ValidationFailed(message, detail={"count": message})
    if evaluee is not None and evaluee.round_id != round.pk:
        raise ValidationFailed(
            _("所选人员不在本轮考核中。"), detail={"evaluee": _("所选人员不在本轮考核中。")}
        )
    with transaction.atomic():
        locked = lock_round(round)
        if locked.state not in ISSUE_STATES:
            raise InvalidTransition(
                _("“%(round)s”当前为“%(state)s”，不能发放测评码。")
                % {"round": locked.name, "state": locked.get_state_display()}
            )
        if evaluee is not None and democratic_sealed(evaluee):
            message = sealed_message(evaluee)
            raise ValidationFailed(message, detail={"evaluee": message})
        # Issuing for everyone passes over the people taking no more ballots after a reopen.
        people = [evaluee] if evaluee is not None else _open_people(round)
        if not people and Evaluee.objects.filter(round=round).exists():
            raise ValidationFailed(
                _("本轮所有人员的民主测评得分均已在评分截止时计算，重新开放评分后不再发放测评码。")
            )
        if not people:
            raise ValidationFailed(_("本轮考核还没有考核对象。"))
        if count * len(people) > MAX_CODES_AT_ONCE:
            raise ValidationFailed(
                _("一次最多发放 %(n)s 个测评码，请分人员发放。") % {"n": MAX_CODES_AT_ONCE}
            )
        codes = _issue(round, people, count)
        audit_record(
            actor=actor,
            action="code.issue",
            obj=round,
            detail={
                "codes": len(codes),
                "people": len(people),
                "person": evaluee.assignment.cadre.name if evaluee is not None else "",
            },
        )
    return codes


def _open_people(round: EvaluationRound) -> list[Evaluee]:
    """The round's people who still take democratic ballots (see `democratic_sealed`)."""
    sealed = sealed_evaluees().filter(round=round).values("pk")
    return list(Evaluee.objects.filter(round=round).exclude(pk__in=sealed).order_by("id"))


def _issue(round: EvaluationRound, people: list[Evaluee], count: int) -> list[BallotCode]:
    for attempt in range(3):
        texts = iter(_new_codes(count * len(people)))
        rows = [
            BallotCode(round=round, evaluee=person, code=next(texts))
            for person in people
            for _ in range(count)
        ]
        try:
            with transaction.atomic():
                return BallotCode.objects.bulk_create(rows)
        except IntegrityError:  # the same code drawn meanwhile by another issue: draw again
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def code_void(*, actor: Any, round: EvaluationRound, code: str) -> BallotCode:
    """Void one unused code of the round (a slip lost or handed to the wrong person)."""
    _check_manager(actor, round)
    text = normalise_code(code)
    with transaction.atomic():
        lock_round(round)
        found = (
            BallotCode.objects.select_for_update()
            .filter(round=round, code=text, used=False, voided=False)
            .first()
        )
        if found is None:
            message = _("本轮没有这个未使用的测评码，请核对。")
            raise ValidationFailed(message, detail={"code": message})
        found.voided = True
        found.save(update_fields=["voided"])
        audit_record(
            actor=actor,
            action="code.void",
            obj=round,
            detail={"codes": 1, "person": _person_of(found.evaluee_id)},
        )
    return found


def code_void_unused(*, actor: Any, round: EvaluationRound, evaluee: Evaluee | None = None) -> int:
    """Void every unused code of `evaluee` (or of the whole round); how many were voided."""
    _check_manager(actor, round)
    if evaluee is not None and evaluee.round_id != round.pk:
        raise ValidationFailed(_("所选人员不在本轮考核中。"))
    with transaction.atomic():
        lock_round(round)
        unused = BallotCode.objects.filter(round=round, used=False, voided=False)
        if evaluee is not None:
            unused = unused.filter(evaluee=evaluee)
        count = unused.update(voided=True)
        if count:
            audit_record(
                actor=actor,
                action="code.void",
                obj=round,
                detail={
                    "codes": count,
                    "person": evaluee.assignment.cadre.name if evaluee is not None else "",
                },
            )
    return count


def _person_of(evaluee_id: int) -> str:
    found = Evaluee.objects.filter(pk=evaluee_id).values_list("assignment__cadre__name", flat=True)
    return str(next(iter(found), ""))


# --- the code form -------------------------------------------------------------------------------


def code_usable(*, code: str, today: dt.date | None = None) -> BallotCode:
    """The code's row when it may open a ballot now (with its round and person loaded), else
    CodeRefused. Reads only: the code is spent by `ballot_submit_code`."""
    today = today or timezone.localdate()
    text = normalise_code(code)
    if len(text) != CODE_LENGTH:
        raise CodeRefused()
    found = (
        BallotCode.objects.filter(code=text, used=False, voided=False)
        .select_related(
            "round__batch", "evaluee__assignment__cadre", "evaluee__assignment__host_unit"
        )
        .first()
    )
    if found is None or found.evaluee.round_id != found.round_id:
        raise CodeRefused()
    round = found.round
    if round.state != RoundState.OPEN or today > round.deadline or not democratic_open(round):
        raise CodeRefused()
    if democratic_sealed(found.evaluee):
        raise CodeRefused()
    return found


def ballot_submit_code(
    *, code: str, scores: Mapping[int, int], comment: str = "", today: dt.date | None = None
) -> None:
    """The ballot a code opens: stored with no rater (source CODE, the day only) and the code
    spent, in one transaction; a code works once even when submitted twice at the same moment.
    Returns nothing a caller could keep next to the code."""
    today = today or timezone.localdate()
    found = code_usable(code=code, today=today)
    checked, comment = check_scores(round_criteria(found.round), scores, comment)
    with transaction.atomic():
        # The round first, as every writer of the round's ratings locks it, then the code.
        try:
            check_open(lock_round(found.round), today)
        except InvalidTransition:
            raise CodeRefused() from None
        spent = (
            BallotCode.objects.select_for_update()
            .filter(pk=found.pk, used=False, voided=False)
            .first()
        )
        if spent is None or democratic_sealed(found.evaluee):
            raise CodeRefused()
        spent.used = True
        spent.save(update_fields=["used"])
        store_ballot(
            evaluee=found.evaluee,
            source=RatingSource.CODE,
            scores=checked,
            comment=comment,
            day=today,
        )
        # No actor, no address, no ballot, and not the person either: the event's time is to
        # the second, and "a ballot for 张三 at 10:32:15" would tie the one ballot cast for
        # them that day to a moment, so to the web server's log of who sent it. Only that a
        # ballot was cast in the round.
        audit_record(action="ballot.code", actor=None, obj=found.round, anonymous=True)
