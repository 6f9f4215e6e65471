"""Pages of the call: a cadre's calls and application form, the notice, the staff's list of
applications and recommendations, and a host's ranking of a post's applicants.

Cadres open these on phones first: their pages are one column, no tables wider than the screen.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from guazhi.core.errors import InvalidTransition, ValidationFailed
from guazhi.core.forms import show_service_errors
from guazhi.core.rendering import render_page
from guazhi.orgs.access import acting_user, roles_required
from guazhi.orgs.models import Role
from guazhi.programmes.eligibility import eligibility_conditions
from guazhi.programmes.forms.call import (
    ApplicationForm,
    HostPreferenceForm,
    NoticeForm,
    RecommendationForm,
)
from guazhi.programmes.models import ApplicationState, BatchState
from guazhi.programmes.selectors import call as selectors
from guazhi.programmes.selectors.scope import access_batch, can_manage_batch
from guazhi.programmes.services import call as services
from guazhi.programmes.views.common import act, render_batch_page, submit

CADRE = (Role.CADRE,)
MANAGERS = (Role.COORDINATOR,)
# Recommend options shown at once; a search narrows a large roster.
RECOMMEND_OPTIONS = 100


@roles_required(*CADRE)
def call_list(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    return render_page(
        request, "programmes/call_list.html", {"overview": selectors.call_overview(actor=actor)}
    )


# The notice ---------------------------------------------------------------------------------


@roles_required(*MANAGERS)
def notice_edit(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk, manage=True)
    notice = selectors.notice_of(batch)
    form = NoticeForm(
        request.POST if request.method == "POST" else None, initial=NoticeForm.initial_for(notice)
    )
    if request.method == "POST" and form.is_valid():
        saved = submit(form, services.notice_save, actor=actor, batch=batch, **form.cleaned_data)
        if saved is not None:
            messages.success(
                request,
                gettext("通知已更正，干部查看通知时可以看到更正记录。")
                if saved.published_at
                else gettext("选派通知已保存，尚未发布。"),
            )
            return redirect("programmes:notice_edit", batch_pk=batch.pk)
    return render_batch_page(
        request,
        "programmes/call_notice_form.html",
        batch,
        {
            "notice": notice,
            "form": form,
            "editable": batch.state in (BatchState.PLANNING, BatchState.RECRUITING),
            "can_publish": notice is not None
            and notice.published_at is None
            and batch.state == BatchState.RECRUITING,
            "corrections": selectors.notice_corrections(batch),
            "conditions": eligibility_conditions(batch),
        },
    )


@roles_required(*MANAGERS)
@require_POST
def notice_publish(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk, manage=True)
    act(
        request,
        gettext("选派通知已发布，派出单位的干部可以报名了。"),
        services.notice_publish,
        actor=actor,
        batch=batch,
    )
    return redirect("programmes:notice_edit", batch_pk=batch.pk)


# A cadre's application ----------------------------------------------------------------------


@roles_required(*CADRE)
def application_form(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk)
    call = selectors.own_call(actor=actor, batch=batch)
    current = (
        [choice.post_id for choice in call.application.choices.all()]
        if call.application is not None and call.application.state == ApplicationState.SUBMITTED
        else []
    )
    form = ApplicationForm(
        request.POST if request.method == "POST" else None,
        posts=call.posts,
        max_choices=batch.max_choices,
        initial={
            **ApplicationForm.initial_for(current),
            "statement": call.application.statement if call.application else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_submit(
                actor=actor,
                batch=batch,
                choices=form.choices(),
                statement=form.cleaned_data["statement"],
            )
        except services.Ineligible as error:
            for reason in error.reasons:
                form.add_error(None, reason)
        except InvalidTransition as error:
            form.add_error(None, str(error.message))
        except ValidationFailed as error:
            show_service_errors(form, error)
        else:
            if current:
                messages.success(request, gettext("报名已修改。"))
            elif application.confirms_recommendation:
                messages.success(request, gettext("已确认推荐并报名。"))
            else:
                messages.success(request, gettext("报名已提交。"))
            return redirect("programmes:application_form", batch_pk=batch.pk)
    return render_batch_page(
        request,
        "programmes/call_application_form.html",
        batch,
        {
            "call": call,
            "form": form,
            "conditions": eligibility_conditions(batch),
        },
    )


@roles_required(*CADRE)
@require_POST
def application_withdraw(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk)
    act(
        request,
        gettext("报名已撤回。截止前仍可重新报名。"),
        services.application_withdraw,
        actor=actor,
        batch=batch,
    )
    return redirect("programmes:application_form", batch_pk=batch.pk)


@roles_required(*CADRE)
@require_POST
def recommendation_decline(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk)
    act(request, gettext("已谢绝推荐。"), services.recommendation_decline, actor=actor, batch=batch)
    return redirect("programmes:call_list")


# Staff: applications and recommendations ----------------------------------------------------


@roles_required(*selectors.APPLICATION_READER_ROLES)
def application_list(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk)
    manages = can_manage_batch(actor=actor, batch=batch)
    return render_batch_page(
        request,
        "programmes/call_application_list.html",
        batch,
        {
            "board": selectors.application_board(actor=actor, batch=batch),
            "manages": manages,
            "notice": selectors.notice_of(batch) if manages else selectors.published_notice(batch),
            "can_recommend": batch.state == BatchState.RECRUITING
            and selectors.can_recommend(actor=actor, batch=batch),
            "ranked_posts": selectors.rankable_posts(actor=actor, batch=batch),
        },
    )


@roles_required(*selectors.RECOMMENDER_ROLES)
def recommendation_create(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk)
    query = request.GET.get("q", "")[:50]
    accepted = selectors.recommendable_cadres(actor=actor, batch=batch)
    matches = list(
        selectors.recommendable_cadres(actor=actor, batch=batch, query=query)[
            : RECOMMEND_OPTIONS + 1
        ]
    )
    form = RecommendationForm(
        request.POST if request.method == "POST" else None,
        accepted=accepted,
        offered=matches[:RECOMMEND_OPTIONS],
    )
    if request.method == "POST" and form.is_valid():
        try:
            recommendation = services.recommendation_create(
                actor=actor,
                batch=batch,
                cadre=form.cleaned_data["cadre"],
                comment=form.cleaned_data["comment"],
            )
        except services.Ineligible as error:
            form.add_error("cadre", str(error.message))
        except InvalidTransition as error:
            form.add_error(None, str(error.message))
        except ValidationFailed as error:
            show_service_errors(form, error)
        else:
            messages.success(
                request,
                gettext("已推荐%(name)s，待本人确认报名后进入人岗匹配。")
                % {"name": recommendation.cadre.name},
            )
            return redirect("programmes:application_list", batch_pk=batch.pk)
    return render_batch_page(
        request,
        "programmes/call_recommendation_form.html",
        batch,
        {
            "form": form,
            "query": query,
            "more": len(matches) > RECOMMEND_OPTIONS,
            "open": batch.state == BatchState.RECRUITING,
        },
    )


# Host preferences ---------------------------------------------------------------------------


@roles_required(*selectors.HOST_PREFERENCE_ROLES)
def host_preferences(request: HttpRequest, post_pk: int) -> HttpResponse:
    actor = acting_user(request)
    post = selectors.access_post_for_preferences(actor=actor, pk=post_pk)
    batch = post.batch
    applicants = selectors.post_applicants(actor=actor, post=post)
    form = HostPreferenceForm(
        request.POST if request.method == "POST" else None,
        applicants=[(a.application.cadre_id, a.application.cadre.name) for a in applicants],
        initial=HostPreferenceForm.initial_for(
            {a.application.cadre_id: a.host_rank for a in applicants}
        ),
    )
    if request.method == "POST" and form.is_valid():
        ranked = submit(
            form, services.host_preferences_set, actor=actor, post=post, ranking=form.ranking()
        )
        if ranked is not None:
            messages.success(request, gettext("接收单位意向已保存。"))
            return redirect("programmes:host_preferences", post_pk=post.pk)
    return render_batch_page(
        request,
        "programmes/call_host_preferences.html",
        batch,
        {
            "post": post,
            "rows": [(a, form[f"rank_{a.application.cadre_id}"]) for a in applicants],
            "form": form,
            "locked": selectors.preferences_locked_reason(batch),
        },
    )
