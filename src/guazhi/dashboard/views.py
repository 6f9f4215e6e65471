"""Each role's home page: what needs attention, and where to go next."""

from django.http import HttpRequest, HttpResponse

from guazhi.core.rendering import render_page
from guazhi.dashboard import selectors
from guazhi.orgs.access import ANY_ROLE, roles_required


@roles_required(ANY_ROLE)
def home(request: HttpRequest) -> HttpResponse:
    return render_page(
        request, "dashboard/home.html", {"home": selectors.home_for(actor=request.user)}
    )
