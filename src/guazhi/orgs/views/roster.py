"""The cadre roster list: a hot path measured by benchmarks/people_list.py; keep it lean."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse

from guazhi.core.rendering import render_page
from guazhi.orgs import selectors
from guazhi.orgs.access import roles_required
from guazhi.orgs.idcard import mask_phone
from guazhi.orgs.models import Role
from guazhi.orgs.scopes import SENSITIVE_DATA_ROLES, scopes_of

PAGE_SIZE = 50
LIST_COLUMNS = (
    "id", "name", "gender", "birth_date", "political_status", "position", "rank",
    "phone", "expertise", "user_id", "home_unit__name", "home_unit__path",
)


@roles_required(Role.COORDINATOR, Role.DISPATCH_ADMIN)
def cadre_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:50]
    cadres = selectors.cadre_list(actor=request.user, query=query)
    page = Paginator(cadres.values(*LIST_COLUMNS), PAGE_SIZE).get_page(request.GET.get("page"))
    scopes = scopes_of(request.user)
    rows = list(page.object_list)
    for row in rows:
        if not scopes.covers(row["home_unit__path"], SENSITIVE_DATA_ROLES):
            row["phone"] = mask_phone(row["phone"])
    return render_page(
        request,
        "orgs/cadre_list.html",
        {"page": page, "rows": rows, "query": query},
        partial="results",
    )
