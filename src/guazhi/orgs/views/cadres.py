"""Cadre profiles (干部档案): detail, create, edit, login account, and the cadre's own profile."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext

from guazhi.core.errors import ValidationFailed
from guazhi.core.forms import show_service_errors
from guazhi.core.rendering import render_page
from guazhi.orgs import selectors, services
from guazhi.orgs.access import acting_user, roles_required
from guazhi.orgs.forms.cadres import (
    AccountForm,
    CadreForm,
    filled_relative_forms,
    relative_formset,
    relatives_of,
)
from guazhi.orgs.models import CadreProfile, Role, User

MANAGER_ROLES = (Role.COORDINATOR, Role.DISPATCH_ADMIN)


@roles_required(*MANAGER_ROLES)
def cadre_create(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    units = selectors.cadre_home_unit_choices(actor=actor)
    form = CadreForm(request.POST or None, units=units)
    formset = relative_formset(request.POST or None)
    if request.method == "POST" and _valid(form, formset):
        try:
            profile = services.cadre_create(
                actor=actor, relatives=relatives_of(formset), **form.service_fields()
            )
        except ValidationFailed as error:
            show_service_errors(form, error, rows={"relatives": filled_relative_forms(formset)})
        else:
            messages.success(request, gettext("已新增干部“%(name)s”。") % {"name": profile.name})
            return HttpResponseRedirect(
                reverse("orgs:cadre_detail", kwargs={"cadre_pk": profile.pk})
            )
    return _render_form(request, form, formset, profile=None)


@roles_required(*MANAGER_ROLES)
def cadre_edit(request: HttpRequest, cadre_pk: int) -> HttpResponse:
    actor = acting_user(request)
    profile = selectors.access_cadre(actor=actor, pk=cadre_pk, manage=True)
    units = selectors.cadre_home_unit_choices(actor=actor)
    form = CadreForm(request.POST or None, units=units, initial=CadreForm.initial_for(profile))
    formset = relative_formset(request.POST or None, profile=profile)
    if request.method == "POST" and _valid(form, formset):
        try:
            services.cadre_update(
                actor=actor,
                profile=profile,
                relatives=relatives_of(formset),
                **form.service_fields(),
            )
        except ValidationFailed as error:
            show_service_errors(form, error, rows={"relatives": filled_relative_forms(formset)})
        else:
            messages.success(request, gettext("已保存。"))
            return HttpResponseRedirect(
                reverse("orgs:cadre_detail", kwargs={"cadre_pk": profile.pk})
            )
    return _render_form(request, form, formset, profile=profile)


def _valid(form: CadreForm, formset: Any) -> bool:
    """Every problem in one round: the profile's and the rows', and when only the rows failed,
    the service's checks of the profile too (the service itself is then not called)."""
    form_ok, rows_ok = form.is_valid(), formset.is_valid()
    if form_ok and not rows_ok:
        for field, message in services.cadre_input_errors(form.service_fields()).items():
            form.add_error(field, message)
    return form_ok and rows_ok


def _render_form(
    request: HttpRequest, form: CadreForm, formset: Any, *, profile: CadreProfile | None
) -> HttpResponse:
    context = {"form": form, "formset": formset, "profile": profile}
    return render_page(request, "orgs/cadre_form.html", context)


# Host leaders and group leaders follow cadres through their postings, not their personnel files.
@roles_required(*MANAGER_ROLES, Role.CADRE)
def cadre_detail(request: HttpRequest, cadre_pk: int) -> HttpResponse:
    actor = acting_user(request)
    profile = selectors.access_cadre(actor=actor, pk=cadre_pk)
    return render_page(request, "orgs/cadre_detail.html", _profile_context(actor, profile))


@roles_required(Role.CADRE)
def my_profile(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    profile = selectors.cadre_profile_of(actor=actor)
    context = _profile_context(actor, profile) if profile is not None else {"profile": None}
    return render_page(request, "orgs/my_profile.html", context)


def _profile_context(actor: User, profile: CadreProfile) -> dict[str, Any]:
    sensitive = selectors.can_see_sensitive(actor=actor, profile=profile)
    return {
        "profile": profile,
        "id_number": selectors.displayed_id_number(
            actor=actor, profile=profile, sensitive=sensitive
        ),
        "phone": selectors.displayed_phone(actor=actor, profile=profile, sensitive=sensitive),
        "relatives": list(profile.relatives.all()),
        "history": selectors.cadre_history(actor=actor, profile=profile),
        "can_manage": selectors.can_manage_cadre(actor=actor, profile=profile),
    }


@roles_required(*MANAGER_ROLES)
def cadre_account_create(request: HttpRequest, cadre_pk: int) -> HttpResponse:
    actor = acting_user(request)
    profile = selectors.access_cadre(actor=actor, pk=cadre_pk, manage=True)
    form = AccountForm(request.POST or None)
    if request.method == "POST" and profile.user_id is None and form.is_valid():
        try:
            user = services.cadre_account_create(
                actor=actor,
                profile=profile,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except ValidationFailed as error:
            show_service_errors(form, error)
        else:
            messages.success(
                request,
                gettext("已为“%(name)s”开通账号 %(username)s。")
                % {"name": profile.name, "username": user.username},
            )
            return HttpResponseRedirect(
                reverse("orgs:cadre_detail", kwargs={"cadre_pk": profile.pk})
            )
    return render_page(request, "orgs/cadre_account.html", {"profile": profile, "form": form})
