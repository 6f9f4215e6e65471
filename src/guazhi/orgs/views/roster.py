"""The cadre roster list: a hot path measured by benchmarks/people_list.py; keep it lean.

A roster is read far more often than written, and at 20,000 people its COUNT alone cost more
than the rest of the page. So the count and each page's rendered table are kept in the cache
under a fingerprint of everything they depend on: the viewer's scopes, the search, the page,
the language and the data's state (core/page_cache.py's written_state: the latest audit event,
which every write through the services appends, and saves in this process). What it cannot
see, another process writing without the services, lives at most page_cache.CACHE_SECONDS.

Whatever does not change from row to row (labels, the detail URL) is worked out once, not 50
times: at 50 rows, a gettext or a reverse() per cell cost more than the database did.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import reverse
from django.utils.translation import get_language
from markupsafe import Markup

from guazhi.core.page_cache import cached_value, written_state
from guazhi.core.rendering import render_page
from guazhi.orgs import selectors
from guazhi.orgs.access import roles_required
from guazhi.orgs.idcard import mask_phone
from guazhi.orgs.models import Role
from guazhi.orgs.scopes import ROSTER_ROLES, SENSITIVE_DATA_ROLES, Scopes, scopes_of

TEMPLATE = "orgs/cadre_list.html"
PAGE_SIZE = 50
LIST_COLUMNS = (
    *("id", "name", "gender", "birth_date", "political_status", "position", "rank", "phone"),
    *("expertise", "home_unit__name", "home_unit__path"),
)
# reverse() once with a marker, then a string replace per row: the same URL, far cheaper.
_PK_MARKER = "2147483647"
T = TypeVar("T")


@roles_required(Role.COORDINATOR, Role.DISPATCH_ADMIN)
def cadre_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:50].strip()
    scopes = scopes_of(request.user)

    def roster() -> Any:
        return selectors.cadre_list(actor=request.user, query=query).values(*LIST_COLUMNS)

    cadres = Deferred(roster)  # built only when the cache misses: it costs a query's worth
    fingerprint = _fingerprint(scopes, query)
    count = _cached(fingerprint, "count", lambda: roster().count())
    page = CountedPaginator(cadres, PAGE_SIZE, count=count).get_page(request.GET.get("page"))
    results = _cached(
        fingerprint,
        f"page={page.number}|{get_language()}",
        lambda: _render_results(page, _rows(scopes, page.object_list), query),
    )
    return render_page(
        request,
        TEMPLATE,
        {"page": page, "query": query, "results_html": Markup(results)},
        partial="results",
    )


def _render_results(page: Page, rows: list["RosterRow"], query: str) -> str:
    """The template's `results` block on its own: the part kept in the cache."""
    template = engines["jinja2"].get_template(TEMPLATE).template  # type: ignore[attr-defined]
    context = template.new_context({"page": page, "rows": rows, "query": query})
    return "".join(template.blocks["results"](context))


@dataclass(slots=True)
class RosterRow:
    """One line of the list. Attributes, not dict keys: Jinja2 tries getattr first, and on a
    dict every cell would raise and catch an AttributeError before finding the key."""

    url: str
    name: str
    gender: str
    born: str
    political_status: str
    unit: str
    position: str
    rank: str
    phone: str
    expertise: list[str]


def _rows(scopes: Scopes, values: Iterable[dict[str, Any]]) -> list[RosterRow]:
    detail_url = reverse("orgs:cadre_detail", kwargs={"cadre_pk": int(_PK_MARKER)})
    sensitive: dict[str, bool] = {}
    rows = []
    for row in values:
        path = row["home_unit__path"]
        if path not in sensitive:
            sensitive[path] = scopes.covers(path, SENSITIVE_DATA_ROLES)
        rows.append(
            RosterRow(
                url=detail_url.replace(_PK_MARKER, str(row["id"])),
                name=row["name"],
                gender=row["gender"],
                born=f"{row['birth_date']:%Y.%m}",
                political_status=row["political_status"],
                unit=row["home_unit__name"],
                position=row["position"],
                rank=row["rank"],
                phone=row["phone"] if sensitive[path] else mask_phone(row["phone"]),
                expertise=row["expertise"],
            )
        )
    return rows


class Deferred:
    """Sliced and iterated like a queryset, but built only when iterated."""

    def __init__(self, build: Callable[[], Any]) -> None:
        self._build = build

    def __getitem__(self, key: slice) -> "Deferred":
        return Deferred(lambda: self._build()[key])

    def __iter__(self) -> Iterator[Any]:
        return iter(self._build())


class CountedPaginator(Paginator):
    """A paginator told its count instead of asking the database."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        return self._known_count


# The cache ------------------------------------------------------------------------------------


def _fingerprint(scopes: Scopes, query: str) -> str | None:
    """What the count and rows depend on: who looks (scope and what they may see) and when;
    None while nothing may be kept (written_state)."""
    state = written_state()
    if state is None:
        return None
    reach = "*" if scopes.is_admin else ",".join(scopes.paths(ROSTER_ROLES))
    sees = "*" if scopes.is_admin else ",".join(scopes.paths(SENSITIVE_DATA_ROLES))
    return f"{reach}|{sees}|{query}|{state}"


def _cached(fingerprint: str | None, part: str, compute: Callable[[], T]) -> T:
    kept = None if fingerprint is None else f"{fingerprint}|{part}"
    return cached_value("roster", kept, compute)  # type: ignore[no-any-return]
