"""TEMPORARY: stands in for the pages being built (each area's helper removes its entries)."""

from django.http import HttpRequest, HttpResponse

from guazhi.orgs.access import roles_required
from guazhi.orgs.models import Role

ALL = (
    Role.COORDINATOR,
    Role.DISPATCH_ADMIN,
    Role.HOST_LEADER,
    Role.GROUP_LEADER,
    Role.CADRE,
)


@roles_required(*ALL)
def placeholder(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("…")
