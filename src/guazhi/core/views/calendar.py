"""Placeholder until this module is written."""

from django.http import HttpResponse

from guazhi.orgs.access import ANY_ROLE, roles_required


@roles_required(ANY_ROLE)
def calendar_overview(request, **kwargs):  # type: ignore[no-untyped-def]
    return HttpResponse("placeholder")


@roles_required(ANY_ROLE)
def override_create(request, **kwargs):  # type: ignore[no-untyped-def]
    return HttpResponse("placeholder")


@roles_required(ANY_ROLE)
def override_delete(request, **kwargs):  # type: ignore[no-untyped-def]
    return HttpResponse("placeholder")
