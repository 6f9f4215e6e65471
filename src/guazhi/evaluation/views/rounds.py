"""Round pages: a batch's rounds (the 考核评价 tab), creating one, its detail (settings, people and
progress, moves and trail), the draft's set-up forms, a person's evidence, and the person's own
evaluations with the self-assessment form.

Staff read the rounds and the people their roles reach; the coordinators over the batch set a
round up and move it. The cadre's pages are phone-first: one column, cards under 600 px.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from guazhi.core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from guazhi.core.forms import GuazhiForm, show_service_errors
from guazhi.core.rendering import render_page
from guazhi.evaluation.audit_labels import ACTIONS
from guazhi.evaluation.forms.rounds import (
    DeadlineForm,
    EvaluateeAddForm,
    RaterWeightsForm,
    ReasonForm,
    RoundCreateForm,
    RoundSettingsForm,
    SelfAssessmentForm,
    ThresholdsForm,
    criterion_rows,
)
from guazhi.evaluation.models import (
    EvaluationRound,
    Evaluee,
    GradeScheme,
    GradeThreshold,
    RaterWeight,
    RoundState,
)
from guazhi.evaluation.selectors import rounds as selectors
from guazhi.evaluation.selectors.evidence import evaluee_evidence
from guazhi.evaluation.selectors.scope import (
    access_evaluee,
    access_round,
    can_manage_round,
    is_evaluee_self,
)
from guazhi.evaluation.services import rounds as services
from guazhi.orgs.access import acting_user, roles_required
from guazhi.orgs.models import Role
from guazhi.programmes.selectors.scope import BATCH_STAFF_ROLES, access_batch, can_manage_batch
from guazhi.programmes.views.common import act, render_batch_page, submit

REFUSALS = (InvalidTransition, Forbidden)


def _to_detail(round: EvaluationRound) -> HttpResponse:
    return redirect("evaluation:round_detail", round_pk=round.pk)


# --- a batch's rounds ---------------------------------------------------------------------


@roles_required(*BATCH_STAFF_ROLES)
def round_list(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk)
    return render_batch_page(
        request,
        "evaluation/round_list.html",
        batch,
        {
            "rounds": list(selectors.batch_rounds(actor=actor, batch=batch)),
            "can_manage": can_manage_batch(actor=actor, batch=batch),
        },
    )


@roles_required(Role.COORDINATOR)
def round_create(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk, manage=True)
    form = RoundCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        round = submit(
            form,
            services.round_create,
            refusals=REFUSALS,
            actor=actor,
            batch=batch,
            **form.arguments(),
        )
        if round is not None:
            messages.success(
                request,
                gettext("已新建“%(name)s”（草稿），考核对象%(n)s人。请核对设置后开始评分。")
                % {"name": round.name, "n": round.evaluees.count()},
            )
            return _to_detail(round)
    return render_batch_page(request, "evaluation/round_create.html", batch, {"form": form})


# --- one round ----------------------------------------------------------------------------


def _round_page(request: HttpRequest, round: EvaluationRound, **forms: Any) -> HttpResponse:
    actor = acting_user(request)
    manage = can_manage_round(actor=actor, round=round)
    draft = round.state == RoundState.DRAFT
    addable = list(selectors.addable_people(actor=actor, round=round)) if draft else []
    context = {
        "round": round,
        "manage": manage,
        "rows": selectors.round_people(actor=actor, round=round),
        "roles": selectors.round_roles(round),
        "criteria": selectors.round_criteria(round),
        "thresholds": selectors.round_thresholds(round),
        "scheme_choices": GradeScheme.choices,
        "trail": selectors.round_trail(round),
        "action_labels": ACTIONS,
        "problems": services.round_problems(round) if manage and draft else [],
        "add_form": forms.get("add_form")
        or (EvaluateeAddForm(people=addable) if manage and addable else None),
        "close_form": forms.get("close_form") or ReasonForm(),
        "reopen_form": forms.get("reopen_form") or ReasonForm(),
        "today": timezone.localdate(),
        # Staff other than its coordinators see results once decided (scope.can_see_result).
        "show_results": round.state in (RoundState.DECIDED, RoundState.PUBLISHED)
        or (manage and round.state == RoundState.CLOSED),
    }
    return render_batch_page(request, "evaluation/round_detail.html", round.batch, context)


@roles_required(*BATCH_STAFF_ROLES)
def round_detail(request: HttpRequest, round_pk: int) -> HttpResponse:
    round = access_round(actor=acting_user(request), pk=round_pk)
    return _round_page(request, round)


@roles_required(Role.COORDINATOR)
def round_settings(request: HttpRequest, round_pk: int) -> HttpResponse:
    """The draft's settings; while open only the deadline."""
    actor = acting_user(request)
    round = access_round(actor=actor, pk=round_pk, manage=True)
    if round.state not in (RoundState.DRAFT, RoundState.OPEN):
        messages.error(
            request,
            gettext("该考核当前为“%(state)s”，设置不能再修改。")
            % {"state": round.get_state_display()},
        )
        return _to_detail(round)
    data = request.POST if request.method == "POST" else None
    form: GuazhiForm
    if round.state == RoundState.DRAFT:
        form = RoundSettingsForm(data, round=round)
    else:
        form = DeadlineForm(data, initial={"deadline": round.deadline})
    if data is not None and form.is_valid():
        values = {field: getattr(round, field) for field in services.SETTING_FIELDS}
        values.update(form.cleaned_data)
        done = submit(
            form, services.round_update, refusals=REFUSALS, actor=actor, round=round, **values
        )
        if done is not None:
            messages.success(request, gettext("考核设置已保存。"))
            return _to_detail(round)
    return render_batch_page(
        request, "evaluation/round_settings.html", round.batch, {"round": round, "form": form}
    )


def _check_draft_page(request: HttpRequest, round: EvaluationRound) -> HttpResponse | None:
    if round.state == RoundState.DRAFT:
        return None
    messages.error(
        request,
        gettext("该考核当前为“%(state)s”，只有草稿状态才能修改设置。")
        % {"state": round.get_state_display()},
    )
    return _to_detail(round)


@roles_required(Role.COORDINATOR)
def round_weights(request: HttpRequest, round_pk: int) -> HttpResponse:
    """The criteria with their weights and the rater roles' weights, each list saved on its
    own (a refusal keeps what was typed in that list); the page sums each as it is typed."""
    actor = acting_user(request)
    round = access_round(actor=actor, pk=round_pk, manage=True)
    refused = _check_draft_page(request, round)
    if refused is not None:
        return refused
    section = request.POST.get("section", "") if request.method == "POST" else ""
    rows = criterion_rows(
        selectors.round_criteria(round), request.POST if section == "criteria" else None
    )
    current = dict(RaterWeight.objects.filter(round=round).values_list("role", "weight"))
    raters = RaterWeightsForm(request.POST if section == "raters" else None, weights=current)
    criteria_notes = GuazhiForm({})
    criteria_notes.is_valid()
    if section:
        try:
            if section == "criteria" and all([row.is_valid() for row in rows]):
                services.criteria_update(actor=actor, round=round, rows=[row.row() for row in rows])
                messages.success(request, gettext("考核内容及权重已保存。"))
                return redirect("evaluation:round_weights", round_pk=round.pk)
            if section == "raters" and raters.is_valid():
                services.rater_weights_update(actor=actor, round=round, weights=raters.weights())
                messages.success(request, gettext("评价主体权重已保存。"))
                return redirect("evaluation:round_weights", round_pk=round.pk)
        except ValidationFailed as error:
            if section == "criteria":
                show_service_errors(criteria_notes, error, rows={"criteria": rows})
            else:
                show_service_errors(raters, error)
        except REFUSALS as error:
            messages.error(request, str(error.message))
            return _to_detail(round)
    return render_batch_page(
        request,
        "evaluation/round_weights.html",
        round.batch,
        {"round": round, "rows": rows, "criteria_notes": criteria_notes, "raters": raters},
    )


@roles_required(Role.COORDINATOR)
def round_thresholds(request: HttpRequest, round_pk: int) -> HttpResponse:
    actor = acting_user(request)
    round = access_round(actor=actor, pk=round_pk, manage=True)
    refused = _check_draft_page(request, round)
    if refused is not None:
        return refused
    current = {
        (row.scheme, row.grade): row.min_score for row in GradeThreshold.objects.filter(round=round)
    }
    form = ThresholdsForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        done = submit(
            form,
            services.thresholds_update,
            refusals=REFUSALS,
            actor=actor,
            round=round,
            thresholds=form.thresholds(),
        )
        if done is not None:
            messages.success(request, gettext("等次分数线已保存。"))
            return _to_detail(round)
    return render_batch_page(
        request,
        "evaluation/round_thresholds.html",
        round.batch,
        {"round": round, "form": form, "schemes": selectors.round_thresholds(round)},
    )


@roles_required(Role.COORDINATOR)
@require_POST
def round_evaluee_add(request: HttpRequest, round_pk: int) -> HttpResponse:
    actor = acting_user(request)
    round = access_round(actor=actor, pk=round_pk, manage=True)
    people = list(selectors.addable_people(actor=actor, round=round))
    form = EvaluateeAddForm(request.POST, people=people)
    if not form.is_valid():
        messages.error(request, gettext("请选择要添加的挂职干部。"))
        return _to_detail(round)
    person = form.person()
    act(
        request,
        gettext("已将%(name)s加入考核名单。") % {"name": person.cadre.name},
        services.evaluee_add,
        refusals=(*REFUSALS, ValidationFailed),
        actor=actor,
        round=round,
        assignment=person,
        scheme=form.cleaned_data.get("scheme") or "",
    )
    return _to_detail(round)


def _managed_evaluee(request: HttpRequest, evaluee_pk: int) -> Evaluee:
    actor = acting_user(request)
    evaluee = access_evaluee(actor=actor, pk=evaluee_pk)
    if not can_manage_round(actor=actor, round=evaluee.round):
        raise NotFound()
    return evaluee


@roles_required(Role.COORDINATOR)
@require_POST
def round_evaluee_remove(request: HttpRequest, evaluee_pk: int) -> HttpResponse:
    evaluee = _managed_evaluee(request, evaluee_pk)
    act(
        request,
        gettext("已将%(name)s移出考核名单。") % {"name": evaluee.assignment.cadre.name},
        services.evaluee_remove,
        refusals=(*REFUSALS, ValidationFailed),
        actor=acting_user(request),
        evaluee=evaluee,
    )
    return _to_detail(evaluee.round)


@roles_required(Role.COORDINATOR)
@require_POST
def round_evaluee_scheme(request: HttpRequest, evaluee_pk: int) -> HttpResponse:
    evaluee = _managed_evaluee(request, evaluee_pk)
    act(
        request,
        gettext("已修改%(name)s的等次方案。") % {"name": evaluee.assignment.cadre.name},
        services.evaluee_scheme_set,
        refusals=(*REFUSALS, ValidationFailed),
        actor=acting_user(request),
        evaluee=evaluee,
        scheme=request.POST.get("scheme", ""),
    )
    return _to_detail(evaluee.round)


# --- moves ----------------------------------------------------------------------------------


@roles_required(Role.COORDINATOR)
@require_POST
def round_open(request: HttpRequest, round_pk: int) -> HttpResponse:
    actor = acting_user(request)
    round = access_round(actor=actor, pk=round_pk, manage=True)
    act(
        request,
        gettext("已开始评分，评分人和考核对象会收到通知。"),
        services.round_open,
        refusals=(*REFUSALS, ValidationFailed),
        actor=actor,
        round=round,
    )
    return _to_detail(round)


def _move_with_reason(request: HttpRequest, round_pk: int, *, reopen: bool) -> HttpResponse:
    actor = acting_user(request)
    round = access_round(actor=actor, pk=round_pk, manage=True)
    form = ReasonForm(request.POST)
    if form.is_valid():
        reason = form.cleaned_data.get("reason") or ""
        if reopen:
            done = submit(
                form,
                services.round_reopen,
                refusals=REFUSALS,
                actor=actor,
                round=round,
                reason=reason,
            )
            success = gettext("已重新开放评分，评分人会收到通知。")
        else:
            done = submit(
                form,
                services.round_close,
                refusals=REFUSALS,
                actor=actor,
                round=round,
                reason=reason,
            )
            success = gettext("评分已截止，考核结果已计算。")
        if done is not None:
            messages.success(request, success)
            return _to_detail(round)
    round.refresh_from_db()
    key = "reopen_form" if reopen else "close_form"
    return _round_page(request, round, **{key: form})


@roles_required(Role.COORDINATOR)
@require_POST
def round_close(request: HttpRequest, round_pk: int) -> HttpResponse:
    return _move_with_reason(request, round_pk, reopen=False)


@roles_required(Role.COORDINATOR)
@require_POST
def round_reopen(request: HttpRequest, round_pk: int) -> HttpResponse:
    return _move_with_reason(request, round_pk, reopen=True)


# --- evidence -------------------------------------------------------------------------------


@roles_required(*BATCH_STAFF_ROLES)
def evidence_page(request: HttpRequest, evaluee_pk: int) -> HttpResponse:
    """A person's record for the round's period, as raters see it beside the form (for the
    coordinator's fact-check, 核实)."""
    actor = acting_user(request)
    evaluee = access_evaluee(actor=actor, pk=evaluee_pk)
    if is_evaluee_self(actor=actor, evaluee=evaluee):
        raise NotFound()
    return render_batch_page(
        request,
        "evaluation/round_evidence.html",
        evaluee.round.batch,
        {
            "round": evaluee.round,
            "evaluee": evaluee,
            "evidence": evaluee_evidence(actor=actor, evaluee=evaluee),
            "self_assessment": selectors.self_assessment_shown(evaluee),
        },
    )


# --- the person's side ------------------------------------------------------------------------


@roles_required(Role.CADRE)
def my_evaluations(request: HttpRequest) -> HttpResponse:
    evaluees = selectors.my_evaluees(actor=acting_user(request))
    rows = [
        (
            evaluee,
            reverse("evaluation:evaluee_result", kwargs={"evaluee_pk": evaluee.pk})
            if evaluee.round.state == RoundState.PUBLISHED
            else "",
        )
        for evaluee in evaluees
    ]
    return render_page(request, "evaluation/my_evaluations.html", {"rows": rows})


@roles_required(Role.CADRE)
def self_assessment(request: HttpRequest, evaluee_pk: int) -> HttpResponse:
    """The person's self-assessment: written and handed to the raters while the round is open
    (then=submit hands it over), read afterwards. An administrator (who passes every role
    check) reads the submitted text, as raters do."""
    actor = acting_user(request)
    evaluee = access_evaluee(actor=actor, pk=evaluee_pk)
    if evaluee.round.state == RoundState.DRAFT:
        raise NotFound()
    own = is_evaluee_self(actor=actor, evaluee=evaluee)
    editable = own and evaluee.round.state == RoundState.OPEN
    form = None
    if editable:
        prefill = selectors.self_assessment_prefill(evaluee)
        form = SelfAssessmentForm(
            request.POST if request.method == "POST" else None, initial={"text": prefill}
        )
        if request.method == "POST" and form.is_valid():
            handing_over = request.POST.get("then") == "submit"
            done = submit(
                form,
                services.self_assessment_save,
                refusals=REFUSALS,
                actor=actor,
                evaluee=evaluee,
                text=form.cleaned_data.get("text") or "",
                submit=handing_over,
            )
            if done is not None:
                messages.success(
                    request,
                    gettext("个人总结已提交，评分人可以看到。")
                    if done.self_submitted_at is not None
                    else gettext("个人总结已保存（尚未提交）。"),
                )
                return redirect("evaluation:self_assessment", evaluee_pk=evaluee.pk)
    elif request.method == "POST":
        messages.error(
            request,
            gettext("考核当前为“%(state)s”，只有评分期间才能填写个人总结。")
            % {"state": evaluee.round.get_state_display()}
            if own
            else gettext("只有本人可以填写个人总结。"),
        )
        return redirect("evaluation:self_assessment", evaluee_pk=evaluee.pk)
    return render_page(
        request,
        "evaluation/self_assessment.html",
        {
            "evaluee": evaluee,
            "round": evaluee.round,
            "form": form,
            "own": own,
            # Someone else (an administrator) reads what the raters read: the submitted text.
            "text": evaluee.self_assessment if own else selectors.self_assessment_shown(evaluee),
            "prefilled": editable
            and not evaluee.self_assessment
            and bool(form and form.initial.get("text")),
            "result_url": reverse("evaluation:evaluee_result", kwargs={"evaluee_pk": evaluee.pk})
            if own and evaluee.round.state == RoundState.PUBLISHED
            else "",
        },
    )
