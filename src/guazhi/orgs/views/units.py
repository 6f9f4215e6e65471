"""Placeholder until this module is written."""

from django.http import HttpResponse

from guazhi.orgs.access import ANY_ROLE, roles_required


@roles_required(ANY_ROLE)
def unit_list(request, **kwargs):  # type: ignore[no-untyped-def]
    return HttpResponse("placeholder")


@roles_required(ANY_ROLE)
def unit_create(request, **kwargs):  # type: ignore[no-untyped-def]
    return HttpResponse("placeholder")


@roles_required(ANY_ROLE)
def unit_detail(request, **kwargs):  # type: ignore[no-untyped-def]
    return HttpResponse("placeholder")


@roles_required(ANY_ROLE)
def unit_edit(request, **kwargs):  # type: ignore[no-untyped-def]
    return HttpResponse("placeholder")


@roles_required(ANY_ROLE)
def unit_move(request, **kwargs):  # type: ignore[no-untyped-def]
    return HttpResponse("placeholder")
