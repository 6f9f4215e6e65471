"""Placeholder until this module is written."""

from django.http import HttpResponse

from guazhi.orgs.access import ANY_ROLE, roles_required


@roles_required(ANY_ROLE)
def unit_import(request, **kwargs):  # type: ignore[no-untyped-def]
    return HttpResponse("placeholder")


@roles_required(ANY_ROLE)
def unit_import_sample(request, **kwargs):  # type: ignore[no-untyped-def]
    return HttpResponse("placeholder")


@roles_required(ANY_ROLE)
def cadre_import(request, **kwargs):  # type: ignore[no-untyped-def]
    return HttpResponse("placeholder")


@roles_required(ANY_ROLE)
def cadre_import_sample(request, **kwargs):  # type: ignore[no-untyped-def]
    return HttpResponse("placeholder")


@roles_required(ANY_ROLE)
def cadre_export(request, **kwargs):  # type: ignore[no-untyped-def]
    return HttpResponse("placeholder")
