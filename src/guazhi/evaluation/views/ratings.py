"""Rating pages: a rater's inbox (考核评分) and rating form, the coordinator's paper ballot form
and the 民主测评统计表 download.

Leaders rate on a phone as often as at a desk: the form is one column of number boxes, one per
criterion with its description, and the person's self-assessment and record for the period
below it.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext

from guazhi.core.audit import audit_record
from guazhi.core.errors import Forbidden, InvalidTransition, NotFound
from guazhi.core.rendering import render_page
from guazhi.core.spreadsheets import xlsx_response
from guazhi.evaluation.exports_democratic import democratic_workbook, export_filename
from guazhi.evaluation.forms.ratings import ScoresForm
from guazhi.evaluation.models import RoundState
from guazhi.evaluation.selectors import ratings as selectors
from guazhi.evaluation.selectors.evidence import evaluee_evidence
from guazhi.evaluation.selectors.rounds import self_assessment_shown
from guazhi.evaluation.selectors.scope import (
    access_evaluee,
    access_round,
    can_manage_round,
    is_evaluee_self,
)
from guazhi.evaluation.services import ratings as services
from guazhi.evaluation.services.ratings import score_field
from guazhi.orgs.access import acting_user, roles_required
from guazhi.orgs.models import Role
from guazhi.programmes.views.common import render_batch_page, submit

RATER_ROLES = (Role.HOST_LEADER, Role.DISPATCH_ADMIN, Role.GROUP_LEADER)
REFUSALS = (InvalidTransition, Forbidden)


@roles_required(*RATER_ROLES)
def rating_inbox(request: HttpRequest) -> HttpResponse:
    """The open rounds with people the user rates, and how far the user has got in each."""
    today = timezone.localdate()
    rounds = selectors.rating_inbox(actor=acting_user(request), today=today)
    return render_page(request, "evaluation/rating_inbox.html", {"rounds": rounds, "today": today})


@roles_required(*RATER_ROLES)
def rating_form(request: HttpRequest, evaluee_pk: int) -> HttpResponse:
    """One person's rating by the user: made, or changed until the round closes."""
    actor = acting_user(request)
    target = selectors.rating_target(actor=actor, pk=evaluee_pk)
    evaluee = target.evaluee
    if not target.rates:
        if is_evaluee_self(actor=actor, evaluee=evaluee):
            messages.error(request, gettext("不能给自己评分。"))
        elif target.role is not None:
            messages.error(
                request, gettext("本轮考核不设“%(role)s”评分。") % {"role": target.role_label}
            )
        else:
            messages.error(
                request,
                gettext("您不是%(person)s的评分人，不能评分。")
                % {"person": evaluee.assignment.cadre.name},
            )
        return redirect("evaluation:rating_inbox")
    round = evaluee.round
    today = timezone.localdate()
    if request.method == "POST":
        form = ScoresForm(request.POST, criteria=target.criteria)
        if form.is_valid():
            rating = submit(
                form,
                services.rating_submit,
                refusals=REFUSALS,
                actor=actor,
                evaluee=evaluee,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
                today=today,
            )
            if rating is not None:
                messages.success(
                    request,
                    gettext("已保存对%(person)s的评分，加权得分 %(total)s。")
                    % {"person": evaluee.assignment.cadre.name, "total": rating.total},
                )
                return redirect("evaluation:rating_inbox")
    else:
        initial: dict[str, object] = {
            score_field(criterion): target.scores.get(criterion.pk) for criterion in target.criteria
        }
        initial["comment"] = target.rating.comment if target.rating else ""
        form = ScoresForm(initial=initial, criteria=target.criteria)
    return render_page(
        request,
        "evaluation/rating_form.html",
        {
            "target": target,
            "evaluee": evaluee,
            "round": round,
            "form": form,
            "can_rate": round.state == RoundState.OPEN and today <= round.deadline,
            "today": today,
            "self_assessment": self_assessment_shown(evaluee),
            "evidence": evaluee_evidence(actor=actor, evaluee=evaluee, today=today),
        },
    )


@roles_required(Role.COORDINATOR)
def paper_ballot(request: HttpRequest, evaluee_pk: int) -> HttpResponse:
    """A coordinator keys in paper ballots of the democratic evaluation, one after another."""
    actor = acting_user(request)
    evaluee = access_evaluee(actor=actor, pk=evaluee_pk)
    round = evaluee.round
    if not can_manage_round(actor=actor, round=round):
        raise NotFound()
    criteria = services.round_criteria(round)
    form = ScoresForm(request.POST or None, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        done = submit(
            form,
            services.ballot_submit_paper,
            refusals=REFUSALS,
            actor=actor,
            evaluee=evaluee,
            scores=form.scores(),
            comment=form.cleaned_data["comment"],
        )
        if done is not None:
            messages.success(
                request,
                gettext("已录入一张纸质票。%(person)s现有民主测评票 %(n)s 张。")
                % {
                    "person": evaluee.assignment.cadre.name,
                    "n": selectors.democratic_ballots(actor=actor, evaluee=evaluee),
                },
            )
            return redirect("evaluation:paper_ballot", evaluee_pk=evaluee.pk)
    return render_batch_page(
        request,
        "evaluation/rating_paper.html",
        round.batch,
        {
            "round": round,
            "evaluee": evaluee,
            "form": form,
            "ballots": selectors.democratic_ballots(actor=actor, evaluee=evaluee),
            "accepting": round.state == RoundState.OPEN,
            "democratic": services.democratic_open(round),
        },
    )


@roles_required(Role.COORDINATOR)
def democratic_export(request: HttpRequest, round_pk: int) -> HttpResponse:
    """The round's 民主测评统计表 (one row per person: a round is a few hundred people at most,
    read in a fixed number of queries), downloaded at once and audited as an export."""
    actor = acting_user(request)
    round = access_round(actor=actor, pk=round_pk, manage=True)
    overview = selectors.democratic_overview(actor=actor, round=round)
    content = democratic_workbook(overview)
    audit_record(
        actor=actor,
        action="democratic.export",
        obj=round,
        detail={
            "rows": len(overview.rows),
            "shown_people": sum(1 for row in overview.rows if row.shown),
        },
    )
    return xlsx_response(content, export_filename(overview))
