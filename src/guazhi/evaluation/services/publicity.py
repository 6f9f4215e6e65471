"""Publishing a round's results (DECIDED → PUBLISHED), the publicity of the top grade with its
objections, and the person's acknowledgement (本人意见).

Publishing opens the publicity of the people given the top grade (优秀 / 好) for
round.publicity_days working days counted from the day of publishing, the way offices count
a notice: the day it goes up is day 1 when it is a working day (programmes' publicity counts
the same; core.calendar knows holidays and make-up workdays); 0 days means no publicity. Each
person evaluated is told their result is out. During the period, signed-in users who may read
the publicity (the batch's staff and cadres) raise objections about a person on it; the
coordinators are told and record how each was settled. The person reads their result only
once it is published and signs their opinion once: agree, or object with what they object to.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guazhi.core.audit import audit_record
from guazhi.core.calendar import add_working_days
from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.i18n import Message
from guazhi.core.jinja import format_date
from guazhi.core.notifications import notify
from guazhi.duty.selectors.recipients import coordinators_of
from guazhi.evaluation.models import EvaluationRound, Evaluee, Objection, RoundState
from guazhi.evaluation.selectors.results import (
    can_see_publicity,
    publicity_open,
)
from guazhi.evaluation.selectors.scope import is_evaluee_self
from guazhi.evaluation.services.decisions import (
    check_manager,
    check_move,
    lock_round,
    optional_text,
    required_text,
)
from guazhi.evaluation.services.grading import is_top_grade

CONTENT_MAX_LENGTH = 2000
PUBLISHED_NOTICE = gettext_noop("您在“%(round)s”中的考核结果已公布，请查看并签署本人意见。")
OBJECTION_NOTICE = gettext_noop("“%(round)s”优秀等次公示收到对%(name)s的异议，请核实处理。")


def publicity_period(start: dt.date, working_days: int) -> tuple[dt.date | None, dt.date | None]:
    """(first day, last day) of a publicity posted on `start` for `working_days` working
    days; (None, None) for none."""
    if working_days <= 0:
        return None, None
    return start, add_working_days(start - dt.timedelta(days=1), working_days)


def results_publish(
    *, actor: Any, round: EvaluationRound, today: dt.date | None = None
) -> EvaluationRound:
    """DECIDED → PUBLISHED: the publicity opens today and everyone evaluated is told."""
    today = today or timezone.localdate()
    check_manager(actor, round)
    with transaction.atomic():
        round = lock_round(round)
        check_move(round, RoundState.PUBLISHED)
        start, end = publicity_period(today, round.publicity_days)
        round.state = RoundState.PUBLISHED
        round.published_at = timezone.now()
        round.publicity_start, round.publicity_end = start, end
        round.save(
            update_fields=[
                "state",
                "published_at",
                "publicity_start",
                "publicity_end",
                "updated_at",
            ]
        )
        people = list(Evaluee.objects.filter(round=round).select_related("assignment__cadre__user"))
        audit_record(
            actor=actor,
            action="result.publish",
            obj=round,
            detail={
                "publicity_start": start.isoformat() if start else None,
                "publicity_end": end.isoformat() if end else None,
                "excellent": sum(1 for person in people if is_top_grade(person.grade)),
            },
        )
        transaction.on_commit(lambda: _tell_people(round, people))
        return round


def _tell_people(round: EvaluationRound, people: list[Evaluee]) -> None:
    message = Message(PUBLISHED_NOTICE, round=round.name)
    for person in people:
        notify(
            recipient=person.assignment.cadre.user,
            kind="evaluation.result_published",
            key=f"evaluation.result:{person.pk}:published",
            message=message,
            url=reverse("evaluation:evaluee_result", kwargs={"evaluee_pk": person.pk}),
        )


# --- objections ---------------------------------------------------------------------------


def objection_raise(
    *,
    actor: Any,
    evaluee: Evaluee,
    content: str,
    contact: str = "",
    today: dt.date | None = None,
) -> Objection:
    """An objection to a person on the publicity, during its period, by someone who reads it
    (never about oneself); the coordinators over the batch are told."""
    today = today or timezone.localdate()
    round = evaluee.round
    if not can_see_publicity(actor=actor, round=round):
        raise Forbidden()
    if is_evaluee_self(actor=actor, evaluee=evaluee):
        raise Forbidden(_("不能对本人的考核结果提出公示异议；本人意见请在考核结果页签署。"))
    content = required_text(content, "content", _("异议内容"), CONTENT_MAX_LENGTH)
    contact = optional_text(contact, "contact", _("联系方式"), 50)
    with transaction.atomic():
        round = lock_round(round)
        if not publicity_open(round, today):
            if round.state == RoundState.PUBLISHED and round.publicity_end is not None:
                raise InvalidTransition(
                    _("公示期为%(start)s至%(end)s，现在不在公示期内。")
                    % {
                        "start": format_date(round.publicity_start),
                        "end": format_date(round.publicity_end),
                    }
                )
            raise InvalidTransition(_("该考核结果不在公示期内。"))
        evaluee = Evaluee.objects.select_related("assignment__cadre").get(pk=evaluee.pk)
        if not is_top_grade(evaluee.grade):
            message = _("%(name)s不在公示名单中。") % {"name": evaluee.assignment.cadre.name}
            raise ValidationFailed(message, detail={"evaluee": message})
        objection = Objection.objects.create(
            round=round, evaluee=evaluee, content=content, contact=contact, raised_by=actor
        )
        audit_record(
            actor=actor,
            action="result.objection_raise",
            obj=objection,
            detail={"evaluee": evaluee.pk, "name": evaluee.assignment.cadre.name},
        )
        transaction.on_commit(lambda: _tell_coordinators(round, evaluee, objection))
        return objection


def _tell_coordinators(round: EvaluationRound, evaluee: Evaluee, objection: Objection) -> None:
    message = Message(OBJECTION_NOTICE, round=round.name, name=evaluee.assignment.cadre.name)
    url = reverse("evaluation:result_publicity", kwargs={"round_pk": round.pk})
    for user in coordinators_of(round.batch):
        notify(
            recipient=user,
            kind="evaluation.objection",
            key=f"evaluation.objection:{objection.pk}",
            message=message,
            url=url,
        )


def objection_resolve(*, actor: Any, objection: Objection, resolution: str) -> Objection:
    """Record how an objection was settled (again to correct it), by a coordinator."""
    check_manager(actor, objection.round)
    resolution = required_text(resolution, "resolution", _("处理结果"), CONTENT_MAX_LENGTH)
    with transaction.atomic():
        locked = Objection.objects.select_for_update().get(pk=objection.pk)
        again = locked.resolved_at is not None
        locked.resolution = resolution
        locked.resolved_by = actor
        locked.resolved_at = timezone.now()
        locked.save(update_fields=["resolution", "resolved_by", "resolved_at"])
        audit_record(
            actor=actor,
            action="result.objection_resolve",
            obj=locked,
            detail={"resolution": resolution, "again": again},
        )
        locked.round, locked.evaluee = objection.round, objection.evaluee
        return locked


# --- the person's acknowledgement -------------------------------------------------------------


def result_acknowledge(*, actor: Any, evaluee: Evaluee, agrees: bool, text: str = "") -> Evaluee:
    """The person signs their opinion on their published result, once: agree (a remark
    optional) or object (saying to what)."""
    if not is_evaluee_self(actor=actor, evaluee=evaluee):
        raise Forbidden(_("本人意见只能由考核对象本人签署。"))
    text = (
        optional_text(text, "text", _("本人意见"), CONTENT_MAX_LENGTH)
        if agrees
        else required_text(text, "text", _("异议内容"), CONTENT_MAX_LENGTH)
    )
    with transaction.atomic():
        locked = Evaluee.objects.select_for_update().get(pk=evaluee.pk)
        round = EvaluationRound.objects.get(pk=locked.round_id)
        if round.state != RoundState.PUBLISHED:
            raise InvalidTransition(_("考核结果尚未公布，不能签署本人意见。"))
        if locked.acknowledged_at is not None:
            raise InvalidTransition(
                _("您已于%(date)s签署本人意见，不能再次签署。")
                % {"date": format_date(locked.acknowledged_at)}
            )
        locked.acknowledgement_agrees, locked.acknowledgement = agrees, text
        locked.acknowledged_at = timezone.now()
        locked.save(
            update_fields=[
                "acknowledgement_agrees",
                "acknowledgement",
                "acknowledged_at",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor, action="result.acknowledge", obj=locked, detail={"agrees": agrees}
        )
        locked.round, locked.assignment = round, evaluee.assignment
        return locked
