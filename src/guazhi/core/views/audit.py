"""Placeholder until this module is written."""

from django.http import HttpResponse

from guazhi.orgs.access import ANY_ROLE, roles_required


@roles_required(ANY_ROLE)
def audit_list(request, **kwargs):  # type: ignore[no-untyped-def]
    return HttpResponse("placeholder")
