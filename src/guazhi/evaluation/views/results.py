"""Results pages: the round's results table (with the coordinator's flags, grades for the
committee, decision, quota exception and publishing), one person's result (what the person
reads once published, and signs), and the publicity of the top grade with its objections.

The person reads their result on a phone as often as at a desk: their page is one column, and
tables turn into cards under 600 px (data-label).
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.rendering import render_page
from guazhi.evaluation.forms.results import (
    AcknowledgementForm,
    DecisionForm,
    ExceptionForm,
    GradeForm,
    ObjectionForm,
    Opinion,
    ReasonForm,
    ResolutionForm,
)
from guazhi.evaluation.models import (
    CommitteeDecision,
    EvaluationRound,
    Evaluee,
    RaterRole,
    RoundState,
)
from guazhi.evaluation.selectors import results as selectors
from guazhi.evaluation.selectors.scope import (
    STAFF_ROLES,
    access_evaluee,
    access_round,
    can_manage_round,
    can_see_result,
    is_evaluee_self,
)
from guazhi.evaluation.services import results as services
from guazhi.evaluation.services.aggregate import LENIENCY_MIN_PEOPLE, LENIENCY_POINTS
from guazhi.evaluation.services.decisions import EXCEPTION_STATES
from guazhi.evaluation.services.grading import TIE_PENDING, grade_label, is_top_grade
from guazhi.orgs.access import acting_user, roles_required
from guazhi.orgs.models import Role
from guazhi.programmes.views.common import act, render_batch_page, submit

PAGE_SIZE = 100
FLAGS_SHOWN = 200
REFUSALS = (InvalidTransition, Forbidden)
EVERYONE = (*STAFF_ROLES, Role.CADRE)


@dataclass(frozen=True)
class RoleCell:
    role: str
    label: str
    value: str | None  # the role's score, None when absent
    ballots: int | None  # democratic ballots given (whatever the minimum), else None


@dataclass(frozen=True)
class ResultRow:
    evaluee: Evaluee
    cells: list[RoleCell]
    missing: list[str]  # labels of the weighted roles absent from the score
    grade: str  # the committee's grade (being prepared or decided), or ""
    acknowledgement: selectors.Acknowledgement | None


def _rows(evaluees: list[Evaluee], roles: list[str], *, per_role: bool) -> list[ResultRow]:
    """The rows as shown; the per-role cells only when `per_role` (see `_per_role`)."""
    counts = selectors.ballot_counts(evaluee.pk for evaluee in evaluees) if per_role else {}
    labels = {role: str(RaterRole(role).label) for role in roles}
    return [
        ResultRow(
            evaluee=evaluee,
            cells=[
                RoleCell(
                    role,
                    labels[role],
                    evaluee.role_scores.get(role),
                    counts.get(evaluee.pk, 0) if role == RaterRole.DEMOCRATIC else None,
                )
                for role in roles
                if per_role
            ],
            missing=[labels[role] for role in selectors.missing_roles(evaluee, roles)],
            grade=evaluee.grade,
            acknowledgement=selectors.acknowledgement_of(evaluee),
        )
        for evaluee in evaluees
    ]


def _per_role(actor: Any, round: EvaluationRound) -> bool:
    """Whether the reader sees each rater role's score: only who manages the round. A role's
    score is often one named rater's total (a group has one leader, a unit one rating), so
    anyone else would read that rater's exact rating; they see the score and the grade."""
    return can_manage_round(actor=actor, round=round)


def _helpers() -> dict[str, Any]:
    return {"grade_label": grade_label, "TIE_PENDING": TIE_PENDING, "is_top_grade": is_top_grade}


# --- the results table ------------------------------------------------------------------------


def _results_page(
    request: HttpRequest,
    round: EvaluationRound,
    *,
    decision_form: DecisionForm | None = None,
    exception_form: ExceptionForm | None = None,
    reopen_form: ReasonForm | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = acting_user(request)
    manager = can_manage_round(actor=actor, round=round)
    readable = selectors.can_read_results(actor=actor, round=round)
    context: dict[str, Any] = {
        "round": round,
        "manager": manager,
        "readable": readable,
        "democratic_minimum": round.democratic_minimum,
        **_helpers(),
    }
    if readable:
        roles = selectors.weighted_roles(round)
        page = Paginator(selectors.result_rows(actor=actor, round=round), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        per_role = _per_role(actor, round)
        context.update(
            page=page,
            rows=_rows(list(page.object_list), roles, per_role=per_role),
            role_labels=[str(RaterRole(role).label) for role in roles if per_role],
            quota=selectors.quota_use(round),
            decision=CommitteeDecision.objects.filter(round=round).first(),
        )
    if manager and readable:
        flags = selectors.round_flags(round=round)
        context.update(
            leniency_points=LENIENCY_POINTS,
            leniency_people=LENIENCY_MIN_PEOPLE,
            flags=list(flags[:FLAGS_SHOWN]),
            flag_count=flags.count(),
            open_flag_count=flags.filter(dismissed=False).count(),
        )
        if round.state == RoundState.CLOSED:
            context["decision_form"] = decision_form or DecisionForm()
        if round.state == RoundState.DECIDED:
            context["reopen_form"] = reopen_form or ReasonForm()
    if manager and round.state in EXCEPTION_STATES:
        context["exception_form"] = exception_form or ExceptionForm()
    return render_batch_page(
        request,
        "evaluation/result_table.html",
        round.batch,
        context,
        partial="results",
        status=status,
    )


@roles_required(*STAFF_ROLES)
def round_results(request: HttpRequest, round_pk: int) -> HttpResponse:
    """The round's results table: coordinators from the close on, other staff once decided."""
    round = access_round(actor=acting_user(request), pk=round_pk)
    return _results_page(request, round)


@roles_required(Role.COORDINATOR)
@require_POST
def result_decide(request: HttpRequest, round_pk: int) -> HttpResponse:
    actor = acting_user(request)
    round = access_round(actor=actor, pk=round_pk, manage=True)
    form = DecisionForm(request.POST)
    if form.is_valid():
        done = submit(
            form,
            services.results_decide,
            refusals=REFUSALS,
            actor=actor,
            round=round,
            **form.cleaned_data,
        )
        if done is not None:
            messages.success(request, gettext("考核委员会决定已登记，等次已确定。"))
            return redirect("evaluation:round_results", round_pk=round.pk)
    return _results_page(request, round, decision_form=form)


@roles_required(Role.COORDINATOR)
@require_POST
def result_reopen(request: HttpRequest, round_pk: int) -> HttpResponse:
    actor = acting_user(request)
    round = access_round(actor=actor, pk=round_pk, manage=True)
    form = ReasonForm(request.POST)
    if form.is_valid():
        done = submit(
            form,
            services.results_reopen,
            refusals=REFUSALS,
            actor=actor,
            round=round,
            reason=form.cleaned_data["reason"],
        )
        if done is not None:
            messages.success(request, gettext("已退回重新决定，可调整等次后再次登记决定。"))
            return redirect("evaluation:round_results", round_pk=round.pk)
    return _results_page(request, round, reopen_form=form)


@roles_required(Role.COORDINATOR)
@require_POST
def result_quota_exception(request: HttpRequest, round_pk: int) -> HttpResponse:
    """Record the approved exception to the quota; with withdraw=1, withdraw it."""
    actor = acting_user(request)
    round = access_round(actor=actor, pk=round_pk, manage=True)
    if request.POST.get("withdraw"):
        act(
            request,
            gettext("已撤销超比例批准。"),
            services.quota_exception_withdraw,
            refusals=(*REFUSALS, ValidationFailed),
            actor=actor,
            round=round,
        )
        return redirect("evaluation:round_results", round_pk=round.pk)
    form = ExceptionForm(request.POST)
    if form.is_valid():
        done = submit(
            form,
            services.quota_exception_approve,
            refusals=REFUSALS,
            actor=actor,
            round=round,
            reason=form.cleaned_data["reason"],
        )
        if done is not None:
            messages.success(request, gettext("超比例批准已登记。"))
            return redirect("evaluation:round_results", round_pk=round.pk)
    return _results_page(request, round, exception_form=form)


@roles_required(Role.COORDINATOR)
@require_POST
def result_publish(request: HttpRequest, round_pk: int) -> HttpResponse:
    actor = acting_user(request)
    round = access_round(actor=actor, pk=round_pk, manage=True)
    act(
        request,
        gettext("考核结果已公布，考核对象会收到通知；优秀（好）等次进入公示。"),
        services.results_publish,
        refusals=(*REFUSALS, ValidationFailed),
        actor=actor,
        round=round,
    )
    return redirect("evaluation:round_results", round_pk=round.pk)


@roles_required(Role.COORDINATOR)
@require_POST
def flag_dismiss(request: HttpRequest, flag_pk: int) -> HttpResponse:
    actor = acting_user(request)
    flag = selectors.access_flag(actor=actor, pk=flag_pk)
    act(
        request,
        gettext("已标记为核实。"),
        services.flag_dismiss,
        refusals=(*REFUSALS, ValidationFailed),
        actor=actor,
        flag=flag,
    )
    return redirect(f"{_results_url(flag.round_id)}#flags")


def _results_url(round_pk: int) -> str:
    return reverse("evaluation:round_results", kwargs={"round_pk": round_pk})


# --- one person's grade for the committee -----------------------------------------------------


@roles_required(Role.COORDINATOR)
def result_adjust(request: HttpRequest, evaluee_pk: int) -> HttpResponse:
    """The committee's grade for one person, prepared while the round is closed."""
    actor = acting_user(request)
    evaluee = access_evaluee(actor=actor, pk=evaluee_pk)
    round = evaluee.round
    if not can_manage_round(actor=actor, round=round):
        raise Forbidden()
    editable = round.state == RoundState.CLOSED
    if request.method == "POST" and editable:
        form = GradeForm(request.POST, evaluee=evaluee)
        if form.is_valid():
            done = submit(
                form,
                services.result_grade_set,
                refusals=REFUSALS,
                actor=actor,
                evaluee=evaluee,
                grade=form.cleaned_data["grade"],
                note=form.cleaned_data["note"],
            )
            if done is not None:
                messages.success(
                    request,
                    gettext("%(name)s的拟定等次已保存。") % {"name": evaluee.assignment.cadre.name},
                )
                return redirect(_results_url(round.pk))
    elif request.method == "POST":
        messages.error(
            request,
            gettext("该考核当前为“%(state)s”，不能调整等次。")
            % {"state": round.get_state_display()},
        )
        return redirect(_results_url(round.pk))
    else:
        form = GradeForm(
            initial={"grade": evaluee.grade, "note": evaluee.decision_note}, evaluee=evaluee
        )
    roles = selectors.weighted_roles(round)
    return render_batch_page(
        request,
        "evaluation/result_adjust.html",
        round.batch,
        {
            "round": round,
            "evaluee": evaluee,
            "row": _rows([evaluee], roles, per_role=True)[0],
            "form": form if editable else None,
            **_helpers(),
        },
    )


# --- one person's result ------------------------------------------------------------------


@roles_required(*EVERYONE)
def evaluee_result(request: HttpRequest, evaluee_pk: int) -> HttpResponse:
    """One person's result: to the person only once published (before, that it is not yet);
    to staff in scope when they may read it (selectors.scope.can_see_result)."""
    actor = acting_user(request)
    evaluee = access_evaluee(actor=actor, pk=evaluee_pk)
    return _person_page(request, evaluee)


def _person_page(
    request: HttpRequest,
    evaluee: Evaluee,
    *,
    form: AcknowledgementForm | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = acting_user(request)
    round = evaluee.round
    own = is_evaluee_self(actor=actor, evaluee=evaluee)
    visible = can_see_result(actor=actor, evaluee=evaluee) and round.state in (
        selectors.COMPUTED_STATES
    )
    context: dict[str, Any] = {
        "round": round,
        "evaluee": evaluee,
        "own": own,
        "visible": visible,
        "manager": can_manage_round(actor=actor, round=round),
        **_helpers(),
    }
    if visible:
        roles = selectors.weighted_roles(round)
        context.update(
            row=_rows([evaluee], roles, per_role=_per_role(actor, round))[0],
            grade=selectors.decided_grade(evaluee),
            acknowledgement=selectors.acknowledgement_of(evaluee),
        )
        if selectors.can_acknowledge(actor=actor, evaluee=evaluee):
            context["form"] = form or AcknowledgementForm()
    return render_page(request, "evaluation/result_person.html", context, status=status)


@roles_required(Role.CADRE)
@require_POST
def result_acknowledge(request: HttpRequest, evaluee_pk: int) -> HttpResponse:
    actor = acting_user(request)
    evaluee = access_evaluee(actor=actor, pk=evaluee_pk)
    form = AcknowledgementForm(request.POST)
    if form.is_valid():
        done = submit(
            form,
            services.result_acknowledge,
            refusals=REFUSALS,
            actor=actor,
            evaluee=evaluee,
            agrees=form.cleaned_data["opinion"] == Opinion.AGREE,
            text=form.cleaned_data["text"],
        )
        if done is not None:
            messages.success(request, gettext("本人意见已签署。"))
            return redirect("evaluation:evaluee_result", evaluee_pk=evaluee.pk)
    if not selectors.can_acknowledge(actor=actor, evaluee=evaluee):
        for error in form.non_field_errors() or [gettext("现在不能签署本人意见。")]:
            messages.error(request, str(error))
        return redirect("evaluation:evaluee_result", evaluee_pk=evaluee.pk)
    return _person_page(request, evaluee, form=form)


# --- the publicity --------------------------------------------------------------------------


def _publicity_page(
    request: HttpRequest,
    round: EvaluationRound,
    *,
    form: ObjectionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = acting_user(request)
    people = selectors.publicised_people(round=round)
    today = timezone.localdate()
    manager = can_manage_round(actor=actor, round=round)
    is_open = selectors.publicity_open(round, today)
    others = [person for person in people if not is_evaluee_self(actor=actor, evaluee=person)]
    if is_open and others and form is None:
        form = ObjectionForm(people=others, initial={"evaluee": request.GET.get("evaluee")})
    return render_page(
        request,
        "evaluation/result_publicity.html",
        {
            "round": round,
            "batch": round.batch,
            "people": people,
            "today": today,
            "is_open": is_open,
            "form": form if is_open and others else None,
            "manager": manager,
            "objections": list(selectors.round_objections(round=round)) if manager else [],
            **_helpers(),
        },
        status=status,
    )


@roles_required(*EVERYONE)
def result_publicity(request: HttpRequest, round_pk: int) -> HttpResponse:
    """The people given the top grade, the period, and (to coordinators) the objections."""
    round = selectors.access_publicity_round(actor=acting_user(request), pk=round_pk)
    return _publicity_page(request, round)


@roles_required(*EVERYONE)
def objection_raise(request: HttpRequest, round_pk: int) -> HttpResponse:
    actor = acting_user(request)
    round = selectors.access_publicity_round(actor=actor, pk=round_pk)
    if request.method != "POST":
        return redirect(
            f"{_publicity_url(round.pk)}?evaluee={request.GET.get('evaluee', '')}#objection"
        )
    people = [
        person
        for person in selectors.publicised_people(round=round)
        if not is_evaluee_self(actor=actor, evaluee=person)
    ]
    form = ObjectionForm(request.POST, people=people)
    if not selectors.publicity_open(round, timezone.localdate()):
        messages.error(request, gettext("现在不在公示期内，不能提出异议。"))
        return redirect(_publicity_url(round.pk))
    if form.is_valid():
        evaluee = next(person for person in people if person.pk == form.cleaned_data["evaluee"])
        done = submit(
            form,
            services.objection_raise,
            refusals=REFUSALS,
            actor=actor,
            evaluee=evaluee,
            content=form.cleaned_data["content"],
            contact=form.cleaned_data["contact"],
        )
        if done is not None:
            messages.success(request, gettext("异议已提交，组织部门会核实处理。"))
            return redirect(_publicity_url(round.pk))
    return _publicity_page(request, round, form=form)


def _publicity_url(round_pk: int) -> str:
    return reverse("evaluation:result_publicity", kwargs={"round_pk": round_pk})


@roles_required(Role.COORDINATOR)
def objection_resolve(request: HttpRequest, objection_pk: int) -> HttpResponse:
    actor = acting_user(request)
    objection = selectors.access_objection(actor=actor, pk=objection_pk)
    if request.method == "POST":
        form = ResolutionForm(request.POST)
        if form.is_valid():
            done = submit(
                form,
                services.objection_resolve,
                refusals=REFUSALS,
                actor=actor,
                objection=objection,
                resolution=form.cleaned_data["resolution"],
            )
            if done is not None:
                messages.success(request, gettext("处理结果已登记。"))
                return redirect(f"{_publicity_url(objection.round_id)}#objections")
    else:
        form = ResolutionForm(initial={"resolution": objection.resolution})
    return render_page(
        request,
        "evaluation/result_objection.html",
        {"objection": objection, "round": objection.round, "form": form},
    )
