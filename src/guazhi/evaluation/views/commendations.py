"""Commendation pages (表彰): a batch's nominations with the results one may nominate from and
the decisions, a nomination form, one nomination with its decision or withdrawal, the decision
form and the decision as Word.

Leaders nominate the people their roles reach; the coordinators over the batch nominate from
results, decide nominations and draft decisions (the selectors and services say exactly who).
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from guazhi.core.audit import audit_record
from guazhi.core.documents import docx_response
from guazhi.core.errors import Forbidden, InvalidTransition, NotFound
from guazhi.evaluation.documents import (
    commendation_decision_bytes,
    commendation_label,
    decision_filename,
)
from guazhi.evaluation.forms.commendations import (
    DecisionForm,
    NominationDecideForm,
    NominationDecision,
    NominationForm,
)
from guazhi.evaluation.models import CommendationDecision, Evaluee, Nomination, NominationState
from guazhi.evaluation.selectors import commendations as selectors
from guazhi.evaluation.selectors.results import decided_grade
from guazhi.evaluation.selectors.scope import can_see_result
from guazhi.evaluation.services import commendations as services
from guazhi.evaluation.services.grading import grade_label
from guazhi.orgs.access import acting_user, roles_required
from guazhi.orgs.models import Role
from guazhi.programmes.models import Assignment, Batch
from guazhi.programmes.selectors.scope import BATCH_STAFF_ROLES, access_batch, can_manage_batch
from guazhi.programmes.views.common import act, render_batch_page, submit

REFUSALS = (InvalidTransition, Forbidden)
TAB = "evaluation"


@roles_required(*BATCH_STAFF_ROLES)
def commendation_list(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk)
    state = request.GET.get("state", "")
    if state not in NominationState.values:
        state = ""
    nominations = list(selectors.batch_nominations(actor=actor, batch=batch, state=state))
    return render_batch_page(
        request,
        "evaluation/commendation_list.html",
        batch,
        {
            "nominations": nominations,
            "state": state,
            "states": NominationState.choices,
            "results": selectors.nominable_results(actor=actor, batch=batch),
            "decisions": list(selectors.batch_decisions(actor=actor, batch=batch)),
            "manager": can_manage_batch(actor=actor, batch=batch),
            "label": commendation_label,
            "current": TAB,
        },
    )


def _nominate_page(
    request: HttpRequest,
    batch: Batch,
    form: NominationForm,
    result: Evaluee | None,
    people: list[Assignment],
    *,
    status: int = 200,
) -> HttpResponse:
    return render_batch_page(
        request,
        "evaluation/commendation_nominate.html",
        batch,
        {"form": form, "result": result, "current": TAB, "can_nominate": bool(people)},
        status=status,
    )


@roles_required(*BATCH_STAFF_ROLES)
def commendation_nominate(request: HttpRequest, batch_pk: int) -> HttpResponse:
    """Nominate someone of the batch; with evaluee=<pk> (a coordinator, from the results list
    of the commendation page), the person given the top grade in that result."""
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk)
    source = request.POST if request.method == "POST" else request.GET
    result = None
    if source.get("evaluee"):
        try:
            pk = int(source["evaluee"])
        except ValueError:
            raise NotFound() from None
        result = selectors.access_nominable_result(actor=actor, batch=batch, pk=pk)
        people = [result.assignment]
    else:
        people = list(selectors.nominee_choices(actor=actor, batch=batch))
    if request.method != "POST":
        initial = {"assignment": result.assignment_id} if result is not None else {}
        form = NominationForm(initial=initial, people=people, fixed=result is not None)
        return _nominate_page(request, batch, form, result, people)
    form = NominationForm(request.POST, people=people, fixed=result is not None)
    if form.is_valid():
        chosen = next(person for person in people if person.pk == form.cleaned_data["assignment"])
        nomination = submit(
            form,
            services.nomination_create,
            refusals=REFUSALS,
            actor=actor,
            assignment=chosen,
            kind=form.cleaned_data["kind"],
            honorary_title=form.cleaned_data["honorary_title"],
            citation=form.cleaned_data["citation"],
            evaluee=result,
        )
        if nomination is not None:
            messages.success(request, gettext("提名已提交，等待组织部门审批。"))
            return redirect("evaluation:commendation_detail", nomination_pk=nomination.pk)
    return _nominate_page(request, batch, form, result, people)


def _result_grade(actor: Any, nomination: Nomination) -> str:
    """The grade of the result the nomination rests on, as the results pages would show it to
    the reader (decided, and only where can_see_result allows); "" otherwise."""
    evaluee = nomination.evaluee
    if evaluee is None or not can_see_result(actor=actor, evaluee=evaluee):
        return ""
    return grade_label(decided_grade(evaluee))


def _detail_page(
    request: HttpRequest, nomination: Nomination, *, form: NominationDecideForm | None = None
) -> HttpResponse:
    actor = acting_user(request)
    decidable = selectors.can_decide_nomination(actor=actor, nomination=nomination)
    if decidable and form is None:
        form = NominationDecideForm()
    return render_batch_page(
        request,
        "evaluation/commendation_detail.html",
        nomination.assignment.batch,
        {
            "nomination": nomination,
            "honour": commendation_label(nomination.kind, nomination.honorary_title),
            "result_grade": _result_grade(actor, nomination),
            "form": form if decidable else None,
            "withdrawable": selectors.can_withdraw_nomination(actor=actor, nomination=nomination),
            "current": TAB,
        },
    )


@roles_required(*BATCH_STAFF_ROLES)
def commendation_detail(request: HttpRequest, nomination_pk: int) -> HttpResponse:
    nomination = selectors.access_nomination(actor=acting_user(request), pk=nomination_pk)
    return _detail_page(request, nomination)


@roles_required(Role.COORDINATOR)
@require_POST
def commendation_decide(request: HttpRequest, nomination_pk: int) -> HttpResponse:
    actor = acting_user(request)
    nomination = selectors.access_nomination(actor=actor, pk=nomination_pk)
    form = NominationDecideForm(request.POST)
    if form.is_valid():
        approving = form.cleaned_data["decision"] == NominationDecision.APPROVE
        done = submit(
            form,
            services.nomination_approve if approving else services.nomination_reject,
            refusals=REFUSALS,
            actor=actor,
            nomination=nomination,
            comment=form.cleaned_data["comment"],
        )
        if done is not None:
            messages.success(
                request,
                gettext("提名已批准，本人会收到通知。") if approving else gettext("提名未获批准。"),
            )
            return redirect("evaluation:commendation_detail", nomination_pk=nomination.pk)
    # The form again (with why it was refused) for whoever may decide; for anyone else the
    # refusal as a message on the nomination's page.
    if not selectors.can_decide_nomination(actor=actor, nomination=nomination):
        refusal = form.non_field_errors() or [gettext("您不能审批该提名。")]
        messages.error(request, str(refusal[0]))
        return redirect("evaluation:commendation_detail", nomination_pk=nomination.pk)
    return _detail_page(request, nomination, form=form)


@roles_required(*BATCH_STAFF_ROLES)
@require_POST
def commendation_withdraw(request: HttpRequest, nomination_pk: int) -> HttpResponse:
    actor = acting_user(request)
    nomination = selectors.access_nomination(actor=actor, pk=nomination_pk)
    act(
        request,
        gettext("提名已撤回。"),
        services.nomination_withdraw,
        refusals=REFUSALS,
        actor=actor,
        nomination=nomination,
    )
    return redirect("evaluation:commendation_detail", nomination_pk=nomination.pk)


# --- decisions ------------------------------------------------------------------------------


def _decision_page(
    request: HttpRequest,
    batch: Batch,
    form: DecisionForm,
    decision: CommendationDecision | None,
) -> HttpResponse:
    return render_batch_page(
        request,
        "evaluation/commendation_decision_form.html",
        batch,
        {"form": form, "decision": decision, "current": TAB},
    )


def _decision_arguments(form: DecisionForm) -> dict[str, object]:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "number": data["number"],
        "issued_on": data["issued_on"],
        "issuer": data["issuer"],
        "preamble": data["preamble"],
        "nominations": data["nominations"],
    }


@roles_required(Role.COORDINATOR)
def commendation_decision_create(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk, manage=True)
    listable = selectors.listable_nominations(batch=batch)
    if request.method != "POST":
        form = DecisionForm(
            listable=listable,
            initial={
                "title": gettext("关于表彰%(batch)s优秀挂职干部的决定") % {"batch": batch.name},
                "issuer": batch.coordinating_org.name,
                "nominations": [nomination.pk for nomination in listable],
            },
        )
        return _decision_page(request, batch, form, None)
    form = DecisionForm(request.POST, listable=listable)
    if form.is_valid():
        decision = submit(
            form,
            services.decision_create,
            refusals=REFUSALS,
            actor=actor,
            batch=batch,
            **_decision_arguments(form),
        )
        if decision is not None:
            messages.success(request, gettext("表彰决定已保存，可下载 Word 文件。"))
            return redirect("evaluation:commendation_decision_edit", decision_pk=decision.pk)
    return _decision_page(request, batch, form, None)


@roles_required(Role.COORDINATOR)
def commendation_decision_edit(request: HttpRequest, decision_pk: int) -> HttpResponse:
    actor = acting_user(request)
    decision = selectors.access_decision(actor=actor, pk=decision_pk, manage=True)
    batch = decision.batch
    listable = selectors.listable_nominations(batch=batch, decision=decision)
    if request.method != "POST":
        form = DecisionForm(
            listable=listable,
            initial={
                "title": decision.title,
                "number": decision.number,
                "issued_on": decision.issued_on,
                "issuer": decision.issuer,
                "preamble": decision.preamble,
                "nominations": list(decision.nominations.values_list("pk", flat=True)),
            },
        )
        return _decision_page(request, batch, form, decision)
    form = DecisionForm(request.POST, listable=listable)
    if form.is_valid():
        done = submit(
            form,
            services.decision_update,
            refusals=REFUSALS,
            actor=actor,
            decision=decision,
            **_decision_arguments(form),
        )
        if done is not None:
            messages.success(request, gettext("表彰决定已保存。"))
            return redirect("evaluation:commendation_decision_edit", decision_pk=decision.pk)
    return _decision_page(request, batch, form, decision)


@roles_required(*BATCH_STAFF_ROLES)
def commendation_decision_word(request: HttpRequest, decision_pk: int) -> HttpResponse:
    """The decision as a .docx in the official format, for the staff who read its batch."""
    actor = acting_user(request)
    decision = selectors.access_decision(actor=actor, pk=decision_pk)
    nominations = selectors.decision_nominations(decision)
    content = commendation_decision_bytes(decision, nominations=nominations)
    audit_record(
        actor=actor,
        action="commendation.decision_export",
        obj=decision,
        detail={"title": decision.title, "count": len(nominations)},
    )
    return docx_response(content, decision_filename(decision))
