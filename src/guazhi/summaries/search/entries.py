"""What the index holds for one document, and the `documents` filter as SQL: shared by both
backends."""

import datetime as dt
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from guazhi.core.search import Word, normalise
from guazhi.summaries.models import LibraryDocument

# The index's table on both databases (summaries/models/search.py names it for Django).
ENTRIES = "summaries_library_search"

# The sort key orders the index like the library's list, newest published first: the seconds
# since 2000 of the publication time, then the document id in the low ID_BITS bits, so the id is
# read back from the key (key & ID_MASK) and two documents never share one. Fits a signed 64-bit
# integer until 2136, for ids below 2**31.
ID_BITS = 31
ID_MASK = (1 << ID_BITS) - 1
_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class IndexEntry:
    """A published document as the index reads it: its text normalised (core.search), the
    title apart (it weighs more in ranking, and no phrase runs from it into the body)."""

    document_id: int
    sort_key: int
    title: str
    body: str


def sort_key(document: LibraryDocument) -> int:
    if document.pk > ID_MASK:
        raise ValueError(f"library document id {document.pk} does not fit the search sort key")
    published = document.published_at or document.created_at
    seconds = max(0, int((published - _EPOCH).total_seconds())) if published else 0
    return (seconds << ID_BITS) | document.pk


def body_text(document: LibraryDocument) -> str:
    """Headings and bodies: what a snippet is cut from."""
    parts: list[str] = []
    for section in document.sections or []:
        parts.append(str(section.get("heading", "") or ""))
        parts.append(str(section.get("body", "") or ""))
    return "\n".join(part for part in parts if part)


def entry_of(document: LibraryDocument, keywords: Iterable[str] | None = None) -> IndexEntry:
    """The document's terms: its title apart (it weighs more in ranking), then headings, bodies
    and keywords. `keywords` None reads them (prefetched ones included)."""
    if keywords is None:
        keywords = [keyword.keyword for keyword in document.keywords.all()]
    body = "\n".join([body_text(document), *keywords])
    return IndexEntry(
        document_id=document.pk,
        sort_key=sort_key(document),
        title=normalise(document.title),
        body=normalise(body),
    )


def allowed(
    documents: "QuerySet[LibraryDocument] | None", outer_column: str
) -> tuple[str, list[Any]]:
    """SQL true when `outer_column` is the id of one of `documents`: the reader's filters
    applied to one index row at a time (a lookup by primary key), whatever they are. None (the
    whole published library) is no check at all: the index holds published documents only, and
    the check is most of what a match costs (about 6 µs of 8 on SQLite).

    A scalar subquery rather than EXISTS: PostgreSQL turns EXISTS into a join, and would hash
    every match (or every document) before the LIMIT of a count stops it."""
    if documents is None:
        return "TRUE", []
    correlated = documents.order_by().filter(pk=RawSQL(outer_column, ())).values("pk")
    sql, params = correlated.query.sql_with_params()
    return f"((SELECT 1 FROM ({sql}) allowed LIMIT 1) IS NOT NULL)", list(params)


@dataclass
class Found:
    """What a backend found for a query: `ranked` when the matches are few enough to rank,
    else `newest`."""

    # (document id, score, sort key) of every match, in no particular order.
    ranked: list[tuple[int, float, int]] | None = None
    # The page asked for, newest published first.
    newest: list[int] = field(default_factory=list)
    # Newest first, were the matches counted (more than the cap)? Not counted: `more` says
    # whether a page follows this one.
    counted: bool = True
    more: bool = False


class Backend(Protocol):
    """One database's index. Every method runs on the default connection, inside the caller's
    transaction if there is one."""

    def replace(self, document_id: int, entry: IndexEntry | None) -> None:
        """Remove the document's rows; then add `entry` if given."""

    def add_many(self, entries: Iterable[IndexEntry]) -> None:
        """Add documents not in the index yet (a rebuild, a benchmark's bulk load)."""

    def clear(self) -> None: ...

    def rebuilding(self) -> AbstractContextManager[None]:
        """Around filling the index in bulk (PostgreSQL builds its GIN indexes afterwards)."""

    def find(
        self,
        words: list[Word],
        documents: "QuerySet[LibraryDocument] | None",
        cap: int,
        limit: int,
        offset: int,
    ) -> "Found":
        """The matches among `documents` (None: every published document): all of them,
        scored, when there are at most `cap`; otherwise the page of `limit` from `offset`,
        newest published first."""
