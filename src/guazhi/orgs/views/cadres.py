"""Cadre profiles: detail, create, edit, account, and the cadre's own profile."""

from django.http import HttpResponse

from guazhi.orgs.access import ANY_ROLE, roles_required


@roles_required(ANY_ROLE)
def cadre_create(request, **kwargs):  # type: ignore[no-untyped-def]
    return HttpResponse("placeholder")


@roles_required(ANY_ROLE)
def cadre_detail(request, **kwargs):  # type: ignore[no-untyped-def]
    return HttpResponse("placeholder")


@roles_required(ANY_ROLE)
def cadre_edit(request, **kwargs):  # type: ignore[no-untyped-def]
    return HttpResponse("placeholder")


@roles_required(ANY_ROLE)
def cadre_account_create(request, **kwargs):  # type: ignore[no-untyped-def]
    return HttpResponse("placeholder")


@roles_required(ANY_ROLE)
def my_profile(request, **kwargs):  # type: ignore[no-untyped-def]
    return HttpResponse("placeholder")
