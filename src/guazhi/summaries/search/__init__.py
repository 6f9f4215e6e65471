"""Full-text search over the experience library: index a document, search, highlight.

One interface, two backends (sqlite.py: FTS5; postgresql.py: tsvector and GIN), chosen by the
database in use; both index the same pairs (core.search: Traditional→Simplified normalisation,
overlapping character bigrams; SQLite also every 3 and 4 characters, see sqlite.py) and answer
the same queries:

- Words are separated by spaces; a document is a hit when it contains every word (AND). A word
  of two or more CJK characters is found wherever it occurs as a substring of the normalised text
  within a run of CJK characters; a one-character word wherever that character occurs; a word of
  letters or digits as a whole word ("excel" finds "Excel表格", not "excels"). 总结 and 總結 are
  the same word. Nothing is missed: the terms are exact, with no dictionary to disagree with.
- A word never matches across punctuation or a line break: "作总" does not find "工作。总结" (the
  characters are not next to each other in the text the reader sees). Punctuation inside a query
  word ("工作，总结") matches any punctuation or spaces between the same two runs.

Ranking. Ranking every match is what costs: at 100,000 documents, a word found in most of them
means scoring all of them (about 330 ms measured) while walking the index newest first stops
after one page (under a millisecond). So only a query with at most RANK_LIMIT (100) matches is
ranked:
- at most RANK_LIMIT matches: every one is scored (bm25 on SQLite; occurrences over length on
  PostgreSQL; a word in the title counts five times), best first, equal scores newest first;
  `ordered_by` "relevance", `total` exact;
- more: newest published first, `ordered_by` "newest", `total` = RANK_LIMIT and `capped` True
  (the page says "more than 100, newest first; add a word to narrow it down"). A word that
  common ranks nothing usefully anyway: it is in a good share of the library.
How a backend tells the two apart differs. SQLite counts the matches, stopping at RANK_LIMIT +
1, at about 0.5 µs a match, newest first: the count is also the first pages (a word of 3 or 4
characters is one term there). PostgreSQL reads each match's text to count a word of several
terms (5–15 µs), so it first decides from how many documents hold each pair (frequencies.py,
kept by triggers): a query whose words' rarest pairs are each in at most RANK_LIMIT documents is
ranked; a word of one term (two characters) in more is counted from the term itself; words whose
rarest pairs are in not many more (postgresql.EXACT_BOUND_FACTOR) are found by their own trigrams
(pg_trgm), their matches listed (each text read once, by the index's check), then ranked if
few, else paged newest first from the list (pairs in few documents, TERMS_BOUND_FACTOR: the
documents holding them listed, each checked by counting the word); words whose pairs are in more are likely as common,
and the page comes newest first without a count (`total` None, `more` whether another page
follows; the page says so). A word with common pairs may itself be rare: when a search went
through the whole library to fill the page, it knows, and ranks the matches after all.
A search thus reads and scores at most RANK_LIMIT matches whatever the library's size, and newest
first reads about one page (PostgreSQL: the newest rows one by one for a word in a good share of
the library, else a slice of the newest documents; see postgresql.py). A reader's filters (year,
kind, keyword) add a check of each match, about 6 µs; a search of the whole library has none
(benchmarks/library_search.py measures each class of words).

The index holds published documents only: the library's services call index_document in the
writing transaction after each save (publish, edit, withdraw), so the index commits or rolls back
with the document. Deleting a document deletes its index rows (a cascade). That is also why a
search of the whole published library checks its matches against nothing.
"""

from dataclasses import dataclass, field
from functools import cache

from django.db import connection, transaction
from django.db.models import QuerySet
from markupsafe import Markup

from guazhi.core.search import highlight_words, parse_query, snippet
from guazhi.summaries.models import LibraryDocument, LibraryState
from guazhi.summaries.search.entries import ENTRIES, Backend, body_text, entry_of

__all__ = [
    "RANK_LIMIT",
    "SearchHit",
    "SearchResults",
    "highlight",
    "index_document",
    "rebuild_a_missing_index",
    "reindex_all",
    "search_documents",
    "unindex_document",
]

RANK_LIMIT = 100
REINDEX_BATCH = 500


@dataclass
class SearchHit:
    document: LibraryDocument
    # The body around the first word found, escaped, the words in <mark>.
    snippet: Markup
    # Higher is more relevant; None when ordered newest first.
    score: float | None


@dataclass
class SearchResults:
    hits: list[SearchHit] = field(default_factory=list)
    # Matches among the documents searched; at most RANK_LIMIT (see `capped`). None: not
    # counted (words common by their terms, on PostgreSQL; see `more`).
    total: int | None = 0
    # The query's words as typed, each once (总结 and 總結 count once).
    words: list[str] = field(default_factory=list)
    # "relevance" or "newest"
    ordered_by: str = "relevance"
    # True when there are more than `total` matches: counting stopped at RANK_LIMIT.
    capped: bool = False
    # Not counted: whether another page follows this one.
    more: bool = False


@cache
def _backend_for(vendor: str) -> Backend:
    if vendor == "postgresql":
        from guazhi.summaries.search.postgresql import PostgreSQLBackend

        return PostgreSQLBackend()
    from guazhi.summaries.search.sqlite import SQLiteBackend

    return SQLiteBackend()


def backend() -> Backend:
    return _backend_for(connection.vendor)


def index_document(document: LibraryDocument) -> None:
    """Call in the writing transaction after saving: indexes the document's text (title,
    headings, bodies, keywords) when document.state == PUBLISHED, removes it otherwise.
    Save the keywords before calling: they are read from the database."""
    entry = entry_of(document) if document.state == LibraryState.PUBLISHED else None
    with transaction.atomic():
        backend().replace(document.pk, entry)


def unindex_document(document_id: int) -> None:
    """Remove a document from the index (nothing happens if it is not there)."""
    with transaction.atomic():
        backend().replace(document_id, None)


def search_documents(
    query: str,
    *,
    documents: "QuerySet[LibraryDocument] | None" = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResults:
    """Hits for every word of `query` among `documents` (the reader's filtered published
    queryset; None: the whole published library, checked for nothing since the index holds
    exactly those), a page of `limit` from `offset`, ordered as the module says. A query
    without a word (empty, spaces, punctuation alone) gives empty results, never an error."""
    words = parse_query(query)
    if not words:
        return SearchResults()
    index = backend()
    found = index.find(words, documents, RANK_LIMIT, limit, offset)
    total: int | None
    if found.ranked is not None:
        # Best first; equal scores newest first.
        matches = sorted(found.ranked, key=lambda match: (-match[1], -match[2]))
        page = matches[offset : offset + limit]
        ids = [document_id for document_id, _score, _key in page]
        scores = {document_id: score for document_id, score, _key in page}
        total, ordered_by, capped = len(matches), "relevance", False
    else:
        ids, scores, ordered_by = found.newest, {}, "newest"
        total, capped = (RANK_LIMIT, True) if found.counted else (None, False)
    readable = documents if documents is not None else LibraryDocument.objects.published()
    loaded = readable.in_bulk(ids) if ids else {}
    hits = [
        SearchHit(
            document=loaded[document_id],
            snippet=snippet(body_text(loaded[document_id]), words),
            score=scores.get(document_id),
        )
        for document_id in ids
        if document_id in loaded
    ]
    return SearchResults(
        hits=hits,
        total=total,
        words=[word.text for word in words],
        ordered_by=ordered_by,
        capped=capped,
        more=found.more,
    )


def highlight(text: str, query: str) -> Markup:
    """`text` HTML-escaped, with <mark> around every place a word of `query` is found (the
    reading page marks the words the reader searched for)."""
    return highlight_words(text, parse_query(query))


def reindex_all() -> int:
    """Rebuild the whole index from the published documents, in one transaction (on SQLite
    searches see the old index until it commits, on PostgreSQL they wait for it); returns how
    many documents were indexed."""
    count = 0
    index = backend()
    with transaction.atomic(), index.rebuilding():
        index.clear()
        documents = LibraryDocument.objects.published().prefetch_related("keywords").order_by("pk")
        batch = []
        for document in documents.iterator(chunk_size=REINDEX_BATCH):
            batch.append(entry_of(document))
            if len(batch) == REINDEX_BATCH:
                index.add_many(batch)
                count += len(batch)
                batch = []
        index.add_many(batch)
        count += len(batch)
    return count


def rebuild_a_missing_index() -> int | None:
    """Rebuild the index when it holds nothing while documents are published: a migration that
    changes the analysis empties it (0005), a restored dump may come without it. Runs when
    `migrate` ends (summaries/apps.py); returns how many documents were indexed, None when the
    index was there (or nothing is published)."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{ENTRIES}")')
        if cursor.fetchone()[0]:
            return None
    if not LibraryDocument.objects.published().exists():
        return None
    return reindex_all()
