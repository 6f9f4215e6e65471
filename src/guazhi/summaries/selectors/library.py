"""Reading the experience library (经验库): who sees which document, who manages it, the lists.

Readers are every signed-in user, and they see PUBLISHED documents only. A document not (or no
longer) published is seen by the coordinators of its owner organisation (for a summary's
document: the coordinators over the summary's batch, the same rule as archiving it) and by its
author (the cadre whose summary it is), who must consent before it goes out. Nobody else learns
that it exists: `access_library_document` answers NotFound for missing and unseen alike.
"""

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from guazhi.core.errors import NotFound
from guazhi.orgs.models import OrgKind, Role
from guazhi.orgs.scopes import scopes_of
from guazhi.programmes.selectors.scope import cadre_profile_for
from guazhi.summaries.models import (
    Bookmark,
    LibraryDocument,
    LibraryKeyword,
    LibrarySource,
    LibraryState,
    Summary,
    SummaryState,
)
from guazhi.summaries.selectors.scope import can_archive_summary, can_write_summary

PAGE_SIZE = 20
MANAGER_ROLES = (Role.COORDINATOR,)
# What a document page loads with it: the source summary's person and batch decide who manages
# it and who consents.
_RELATED = (
    "owner_org",
    "summary__assignment__batch__coordinating_org",
    "summary__assignment__cadre",
)


# --- scope ------------------------------------------------------------------------------------


def _managed_filter(actor: Any) -> Q:
    """Q over LibraryDocument for the documents the actor manages (coordinator over the owner
    organisation; a coordinator granted for one batch manages that batch's summaries only)."""
    return scopes_of(actor).batch_filter(
        MANAGER_ROLES, path_field="owner_org__path", batch_field="summary__assignment__batch_id"
    )


def _authored_filter(actor: Any) -> Q:
    profile = cadre_profile_for(actor)
    if profile is None:
        return Q(pk__in=[])
    return Q(summary__assignment__cadre=profile)


def library_document_queryset(actor: Any) -> QuerySet[LibraryDocument]:
    """Every document the actor may open: published ones, and the others they manage or wrote."""
    if scopes_of(actor).is_admin:
        return LibraryDocument.objects.all()
    condition = Q(state=LibraryState.PUBLISHED) | _managed_filter(actor) | _authored_filter(actor)
    return LibraryDocument.objects.filter(
        pk__in=LibraryDocument.objects.filter(condition).values("pk")
    )


def access_library_document(*, actor: Any, pk: int) -> LibraryDocument:
    """One document the actor may open, with what deciding on it needs loaded; NotFound for
    missing and unseen alike."""
    document = library_document_queryset(actor).select_related(*_RELATED).filter(pk=pk).first()
    if document is None:
        raise NotFound()
    return document


def can_manage_document(*, actor: Any, document: LibraryDocument) -> bool:
    """A coordinator of the owner organisation (over the source summary's batch for a summary),
    never the author: approves, edits, withdraws, publishes again."""
    if document.summary_id is not None:
        assignment = document.summary.assignment  # type: ignore[union-attr]
        return can_archive_summary(actor=actor, assignment=assignment)
    return scopes_of(actor).covers(document.owner_org.path, MANAGER_ROLES)


def consent_taken_back(document: LibraryDocument) -> bool:
    """Whether the author withdrew the document themself, taking their consent back: nobody
    publishes it again as it was; a coordinator may ask again, or the author offer it again."""
    return (
        document.state == LibraryState.WITHDRAWN
        and document.source == LibrarySource.SUMMARY
        and document.consented_at is None
    )


def is_author(*, actor: Any, document: LibraryDocument) -> bool:
    """Whether the document is the actor's own summary."""
    if document.summary_id is None:
        return False
    return can_write_summary(actor=actor, assignment=document.summary.assignment)  # type: ignore[union-attr]


def can_import(*, actor: Any) -> bool:
    """Coordinators (and admins) import documents for their organisation."""
    return scopes_of(actor).has(*MANAGER_ROLES)


def import_owner_choices(*, actor: Any) -> list[Any]:
    """The organisations an importer may file documents under: the roots of their coordinator
    grants (not limited to a batch)."""
    from guazhi.orgs.models import Organisation

    scopes = scopes_of(actor)
    if scopes.is_admin:
        return list(
            Organisation.objects.filter(kind=OrgKind.ORGANISATION_DEPARTMENT).order_by("path")
        ) or list(Organisation.objects.filter(parent__isnull=True).order_by("path"))
    ids = sorted(
        {
            grant.organisation_id
            for grant in scopes.grants
            if grant.role in MANAGER_ROLES and grant.batch_id is None
        }
    )
    return list(Organisation.objects.filter(pk__in=ids).order_by("path"))


# --- the panel on an archived summary's page ------------------------------------------------


def library_panel(*, actor: Any, summary: Summary) -> dict[str, Any] | None:
    """What the library panel (summaries/library_panel.html, given as `panel`) shows on the
    page of an ARCHIVED summary; None when the actor has nothing to see there.

    For a coordinator over the batch: the 推荐入经验库 form while there is no document (or the
    author declined, or withdrew it: proposing again asks again), else the document's state with
    approve, withdraw or publish-again buttons as the state allows. For the author: 同意 / 不同意
    while asked, an offer button while nothing was proposed (or after withdrawing it), else the
    state.
    """
    if summary.state != SummaryState.ARCHIVED:
        return None
    assignment = summary.assignment
    manager = can_archive_summary(actor=actor, assignment=assignment)
    author = can_write_summary(actor=actor, assignment=assignment)
    if not manager and not author:
        return None
    document = LibraryDocument.objects.filter(summary=summary).first()
    state = document.state if document is not None else ""
    # Withdrawn by its author: it goes out again only with a new yes, asked for or offered.
    asked = document is not None and consent_taken_back(document)
    panel: dict[str, Any] = {
        "summary": summary,
        "document": document,
        "state": state,
        "state_label": document.get_state_display() if document is not None else "",
        "role": "manager" if manager else "author",
        "detail_url": (
            reverse("summaries:library_detail", kwargs={"document_pk": document.pk})
            if document is not None
            else ""
        ),
        "can_propose": manager and (document is None or state == LibraryState.DECLINED or asked),
        "can_approve": manager and state == LibraryState.AWAITING_APPROVAL,
        "can_withdraw": (manager or author)
        and state in (LibraryState.AWAITING_APPROVAL, LibraryState.PUBLISHED),
        "can_republish": manager and state == LibraryState.WITHDRAWN and not asked,
        "can_consent": author and state == LibraryState.AWAITING_CONSENT,
        "can_offer": author and not manager and (document is None or asked),
        "propose_url": reverse("summaries:library_propose", kwargs={"summary_pk": summary.pk}),
        "offer_url": reverse("summaries:library_offer", kwargs={"summary_pk": summary.pk}),
    }
    if document is not None:
        for name in ("consent", "decline", "approve", "withdraw", "republish"):
            panel[f"{name}_url"] = reverse(
                f"summaries:library_{name}", kwargs={"document_pk": document.pk}
            )
    return panel


# --- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LibraryFilters:
    """A reader's filters; blank means any."""

    query: str = ""
    year: int | None = None
    host_unit_kind: str = ""
    keyword: str = ""

    def as_params(self) -> dict[str, str]:
        """The filters as query-string parameters (for the pager and the links)."""
        params = {
            "q": self.query,
            "year": str(self.year) if self.year else "",
            "kind": self.host_unit_kind,
            "keyword": self.keyword,
        }
        return {key: value for key, value in params.items() if value}

    @property
    def active(self) -> bool:
        return bool(self.as_params())

    @property
    def narrowing(self) -> bool:
        """Whether a filter besides the query narrows the library (a search without one looks
        through the whole published library, and checks each match against nothing)."""
        return bool(self.year or self.host_unit_kind or self.keyword)


def library_filtered(filters: LibraryFilters) -> QuerySet[LibraryDocument]:
    """Published documents matching the year, kind and keyword filters (not the query)."""
    documents = LibraryDocument.objects.published()
    if filters.year:
        documents = documents.filter(year=filters.year)
    if filters.host_unit_kind:
        documents = documents.filter(host_unit_kind=filters.host_unit_kind)
    if filters.keyword:
        documents = documents.filter(
            pk__in=LibraryKeyword.objects.filter(keyword=filters.keyword).values("document_id")
        )
    return documents


@dataclass
class LibraryRow:
    document: LibraryDocument
    snippet: Any  # Markup: the matched words highlighted, or the opening of the text
    keywords: list[str]
    bookmarked: bool


@dataclass
class LibraryResults:
    rows: list[LibraryRow]
    page: Page  # type: ignore[type-arg]
    # None: not counted (common words on PostgreSQL; the pager knows the next page only).
    total: int | None
    ordered_by: str  # "relevance" | "newest"
    # More matches than the search counts (a very common word): newest first, total a floor.
    capped: bool = False


def _opening(document: LibraryDocument, length: int = 120) -> str:
    body = " ".join(section.get("body", "") for section in document.sections).strip()
    body = " ".join(body.split())
    return body[:length] + ("…" if len(body) > length else "")


def library_search(
    *, actor: Any, filters: LibraryFilters, page_number: int | str | None = 1
) -> LibraryResults:
    """One page of published documents for the reader: ranked hits with snippets when there is
    a query (guazhi.summaries.search), else newest first with each document's opening."""
    from markupsafe import Markup, escape

    from guazhi.summaries import search

    documents = library_filtered(filters)
    hits: list[tuple[LibraryDocument, Any]]
    page: Page  # type: ignore[type-arg]
    if filters.query.strip():

        def searched(number: int) -> search.SearchResults:
            return search.search_documents(
                filters.query,
                documents=documents if filters.narrowing else None,
                limit=PAGE_SIZE,
                offset=(number - 1) * PAGE_SIZE,
            )

        number = min(_page_number(page_number), _last_search_page())
        results = searched(number)
        if results.total is None and not results.hits and number > 1:
            # Not counted, and past the last match: back to the first page.
            number = 1
            results = searched(number)
        # The search pages itself; the paginator only numbers the pages for the pager (not
        # counted: up to the next page, if there is one).
        known = results.total
        if known is None:
            following = PAGE_SIZE if results.more and number < _last_search_page() else 0
            known = (number - 1) * PAGE_SIZE + len(results.hits) + following
        page = Paginator(range(known), PAGE_SIZE).get_page(number)
        if page.number != number:  # past the last page: the last one, as the pager says
            results = searched(page.number)
        hits = [(hit.document, hit.snippet) for hit in results.hits]
        ordered_by = results.ordered_by
        total = results.total
        capped = results.capped
    else:
        newest = Paginator(documents.order_by("-published_at", "-id"), PAGE_SIZE)
        page = newest.get_page(page_number)
        hits = [(document, Markup(escape(_opening(document)))) for document in page.object_list]
        ordered_by = "newest"
        total = newest.count
        capped = False
    ids = [document.pk for document, _snippet in hits]
    keywords = keywords_of(ids)
    marked = set(
        Bookmark.objects.filter(user=actor, document_id__in=ids).values_list(
            "document_id", flat=True
        )
    )
    rows = [
        LibraryRow(document, snippet, keywords.get(document.pk, []), document.pk in marked)
        for document, snippet in hits
    ]
    return LibraryResults(rows=rows, page=page, total=total, ordered_by=ordered_by, capped=capped)


def _last_search_page() -> int:
    """The last page a search can have: it counts at most search.RANK_LIMIT matches. A page
    number beyond it would only ask the index for an offset past every match, and one past
    2**63 is an error on both databases."""
    from guazhi.summaries import search

    return max(1, math.ceil(search.RANK_LIMIT / PAGE_SIZE))


def _page_number(value: int | str | None) -> int:
    try:
        number = int(value or 1)
    except (TypeError, ValueError):
        return 1
    return max(number, 1)


def keywords_of(document_ids: list[int]) -> dict[int, list[str]]:
    """Each document's keywords in order, in one query."""
    found: dict[int, list[str]] = {}
    for document_id, keyword in LibraryKeyword.objects.filter(
        document_id__in=document_ids
    ).values_list("document_id", "keyword"):
        found.setdefault(document_id, []).append(keyword)
    return found


# The filters' choices change only when a document is published, withdrawn or re-keyworded;
# worked out on every list page they would scan the whole library, so they are kept a while and
# dropped by the services when they change (library_facets_changed).
FACETS_KEY = "guazhi:library:facets"
FACETS_SECONDS = 300
# The keyword chips count the keywords of the newest documents only: a bounded query whatever
# the library's size, and what readers call 热门 is what is current.
POPULAR_FROM_NEWEST = 1000


@dataclass(frozen=True)
class LibraryFacets:
    years: list[int]  # newest first
    kinds: list[tuple[str, str]]  # (value, label) of OrgKind present, in OrgKind's order
    popular: list[tuple[str, int]]  # (keyword, documents), most first


def library_facets() -> LibraryFacets:
    """The year and kind filters' choices and the popular keywords, of published documents."""
    found = cache.get(FACETS_KEY)
    if found is None:
        published = LibraryDocument.objects.published()
        years = sorted(
            set(published.order_by().values_list("year", flat=True).distinct()), reverse=True
        )
        present = set(
            published.exclude(host_unit_kind="")
            .order_by()
            .values_list("host_unit_kind", flat=True)
            .distinct()
        )
        newest = published.order_by("-published_at", "-id").values("pk")[:POPULAR_FROM_NEWEST]
        rows = (
            LibraryKeyword.objects.filter(document_id__in=newest)
            .values("keyword")
            .annotate(n=Count("document"))
            .order_by("-n", "keyword")[:20]
        )
        found = {
            "years": years,
            "kinds": [value for value in OrgKind.values if value in present],
            "popular": [(row["keyword"], row["n"]) for row in rows],
        }
        cache.set(FACETS_KEY, found, FACETS_SECONDS)
    labels = dict(OrgKind.choices)
    return LibraryFacets(
        years=list(found["years"]),
        kinds=[(value, str(labels[value])) for value in found["kinds"]],
        popular=[(keyword, n) for keyword, n in found["popular"]],
    )


def library_facets_changed() -> None:
    """Forget the cached choices (after commit: the next page sees the change)."""
    transaction.on_commit(lambda: cache.delete(FACETS_KEY))


def is_bookmarked(*, actor: Any, document: LibraryDocument) -> bool:
    return Bookmark.objects.filter(user=actor, document=document).exists()


def bookmarked_document(*, actor: Any, pk: int) -> LibraryDocument | None:
    """The document if the actor has bookmarked it, whatever its state now: a reader may drop
    the bookmark of a document withdrawn since, which they can no longer open."""
    bookmark = Bookmark.objects.filter(user=actor, document_id=pk).select_related("document")
    found = bookmark.first()
    return found.document if found is not None else None


@dataclass
class BookmarkRow:
    document: LibraryDocument
    bookmarked_at: dt.datetime
    readable: bool  # still published: a withdrawn one shows only that it was withdrawn


def bookmark_rows(
    *, actor: Any, page_number: int | str | None = 1
) -> tuple[Page, list[BookmarkRow]]:  # type: ignore[type-arg]
    """One page of the reader's own bookmarks, newest first, and its rows; each row says
    whether the document can still be read."""
    bookmarks = (
        Bookmark.objects.filter(user=actor)
        .select_related("document")
        .order_by("-created_at", "-id")
    )
    page = Paginator(bookmarks, PAGE_SIZE).get_page(page_number)
    rows = [
        BookmarkRow(
            document=bookmark.document,
            bookmarked_at=bookmark.created_at,
            readable=bookmark.document.state == LibraryState.PUBLISHED,
        )
        for bookmark in page.object_list
    ]
    return page, rows


# --- managing ---------------------------------------------------------------------------------


def pending_documents(*, actor: Any) -> QuerySet[LibraryDocument]:
    """The documents the actor manages that are not published (awaiting the author or their
    approval, declined, withdrawn), those waiting for them first."""
    documents = LibraryDocument.objects.exclude(state=LibraryState.PUBLISHED)
    if not scopes_of(actor).is_admin:
        documents = documents.filter(
            pk__in=LibraryDocument.objects.filter(_managed_filter(actor)).values("pk")
        )
    return documents.select_related(
        "owner_org", "summary__assignment__cadre", "summary__assignment__host_unit"
    ).order_by("state", "-updated_at", "-id")


def managed_published(*, actor: Any) -> QuerySet[LibraryDocument]:
    """Published documents the actor manages (to edit or withdraw), newest first."""
    documents = LibraryDocument.objects.published()
    if not scopes_of(actor).is_admin:
        documents = documents.filter(
            pk__in=LibraryDocument.objects.filter(_managed_filter(actor)).values("pk")
        )
    return documents.select_related("owner_org").order_by("-published_at", "-id")
