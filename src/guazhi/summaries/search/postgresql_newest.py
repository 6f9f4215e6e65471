"""PostgreSQL: a page of matches newest first, for queries with too many matches to rank.

GIN gives matches in no order, and each match a word of several terms is checked in its text
(the trigram index's recheck), so the newest page is found without reading every match:
- a word in at least WALK_SHARE of the library (by its rarest term) by reading the newest rows
  one by one and checking each text: a page takes a few dozen rows;
- a rarer one by GIN within the newest slice of the library sized to hold the page (its bound
  read from the newest-first b-tree; the trigram index holds the sort key too, so only the
  matches inside the slice are read), then a larger slice if it did not, …, then all of it,
  as soon as the matches found so far say that all of it costs less than the larger slice.
"""

import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import QuerySet

from guazhi.core.search import Word
from guazhi.summaries.models import LibraryDocument
from guazhi.summaries.search.entries import ENTRIES
from guazhi.summaries.search.frequencies import Frequencies
from guazhi.summaries.search.planner import Steering

if TYPE_CHECKING:
    from guazhi.summaries.search.postgresql import PostgreSQLBackend


# The newest-first search reads SLICE_MARGIN times the rows it expects to hold the page; a
# word in at least WALK_SHARE of the library (by its rarest term) is walked row by row.
SLICE_MARGIN = 2
WALK_SHARE = 0.1
# A slice's bound makes the trigram index read every sort key inside it (about 0.5 µs each);
# each match in the whole library costs a check of its text (about 16 µs). So a slice of more
# than this many times the matches the library is expected to hold costs more than all of it
# (三百斤: its pairs in 2,055 of 100,000 documents, itself in 173; a slice of 32,768 rows took
# 13.8 ms, the whole library about 3).
KEYS_PER_CHECK = 32
# (database, slice size) → (the sort key bounding that slice, until when it is kept)
_NEWEST_KEYS: dict[tuple[str, int], tuple[int | None, float]] = {}
NEWEST_KEY_SECONDS = 60.0


@dataclass(frozen=True)
class NewestPage:
    ids: list[int]
    more: bool
    # Known when the whole library was searched.
    total: int | None = None
    # Nothing searched yet: the whole library is next (asked for with stop_before_whole).
    whole_library_next: bool = False
    # Then, the matches the whole library likely holds, at the rate of the slices searched
    # (None: none was).
    expected: float | None = None


def newest_page(
    index: "PostgreSQLBackend",
    words: list[Word],
    documents: "QuerySet[LibraryDocument] | None",
    limit: int,
    offset: int,
    known: Frequencies,
    steering: Steering,
    *,
    stop_before_whole: bool = False,
) -> NewestPage:
    """The page newest first, and whether more matches follow it. Only asked when there
    are many matches. A word in a good share of the library is found by reading the newest
    documents one by one (WALK_SHARE); else GIN gives the matches in no order, and checking
    a phrase reads each row's text, so only the newest slice of the library likely to hold
    the page is searched, then a larger one, …, then all (`stop_before_whole`: not all, an
    empty page that says so, for a caller that reads all of it otherwise)."""
    wanted = offset + limit + 1
    # At most this share of the library matches (the rarest term's): the first slice
    # assumes it, so that it checks few rows when it is right.
    share = known.share_at_most(words) or 1.0
    first = math.ceil(SLICE_MARGIN * wanted / share)
    if documents is None and not known.long and share >= WALK_SHARE:
        with steering.index_scans():
            walked = walk(index, words, limit + 1, offset, first)
        if len(walked) > limit:
            return NewestPage(walked[:limit], more=True)
    # A slice of a good share of the library is not bounded at all (see next_slice).
    size = first if first < known.total / 4 else None
    expected: float | None = None
    while size is not None:
        size = 1 << max(0, size - 1).bit_length()  # a power of two: few bounds to keep
        bound = _newest_key(index, size, steering)
        if bound is None:  # fewer documents than the slice: it is the whole library
            break
        rows = _newest_rows(index, words, documents, limit, offset, known, bound)
        if len(rows) > limit:
            return NewestPage([int(row[0]) for row in rows[:limit]], more=True)
        found = int(rows[0][1]) if rows else 0
        expected = found * known.total / size
        size = next_slice(size, found, wanted, known.total)
    if stop_before_whole:
        return NewestPage([], more=False, whole_library_next=True, expected=expected)
    return whole_library_page(index, words, documents, limit, offset, known)


def whole_library_page(
    index: "PostgreSQLBackend",
    words: list[Word],
    documents: "QuerySet[LibraryDocument] | None",
    limit: int,
    offset: int,
    known: Frequencies,
) -> NewestPage:
    """The page newest first among every match, and their count (unless the page is past
    them): each match a word of several terms is checked in its text."""
    rows = _newest_rows(index, words, documents, limit, offset, known, None)
    total = int(rows[0][1]) if rows else (0 if offset == 0 else None)
    return NewestPage([int(row[0]) for row in rows[:limit]], more=len(rows) > limit, total=total)


def _newest_rows(
    index: "PostgreSQLBackend",
    words: list[Word],
    documents: "QuerySet[LibraryDocument] | None",
    limit: int,
    offset: int,
    known: Frequencies,
    bound: int | None,
) -> list[tuple[Any, ...]]:
    """(document id, matches in all) of the page and one more, newest first, among the
    documents from sort key `bound` on (None: all of them)."""
    sql, params = index.matches(
        's."document_id", s."sort_key"',
        [],
        words,
        documents,
        where='AND s."sort_key" >= %s' if bound is not None else "",
        where_params=(bound,) if bound is not None else (),
        known=known,
    )
    return index.fetch(
        f"SELECT document_id, count(*) OVER () FROM ({sql}) m "
        "ORDER BY sort_key DESC, document_id DESC LIMIT %s OFFSET %s",
        [*params, limit + 1, offset],
    )


def next_slice(size: int, found: int, wanted: int, total: int) -> int | None:
    """How many of the newest documents to search after `size` of them held `found` matches,
    too few for the `wanted`; None: the whole library. The next slice should hold the page
    (SLICE_MARGIN), unless it would be a good share of the library or cost more than all of
    it: a bound makes the trigram index read every sort key inside it (about 0.5 µs each), the
    whole library's matches cost their texts alone (KEYS_PER_CHECK)."""
    grown = math.ceil(SLICE_MARGIN * wanted * size / found) if found else size * 10
    expected = max(found, 1) * total / size  # matches in the whole library, at this rate
    next_size = max(size * 2, grown)
    if next_size >= total / 4 or next_size > KEYS_PER_CHECK * expected:
        return None
    return next_size


def walk(
    index: "PostgreSQLBackend", words: list[Word], limit: int, offset: int, rows: int
) -> list[int]:
    """The page among the newest `rows` one-part documents, each checked in its text (no
    GIN): for a word in a good share of the library, a few dozen rows."""
    checks: list[str] = []
    params: list[Any] = [rows]
    for word in words:
        text = word.canonical()
        checks.append('(strpos(n."body", %s) > 0 OR strpos(n."title", %s) > 0)')
        params += [text, text]
    found = index.fetch(
        'SELECT n."document_id" FROM (SELECT "document_id", "sort_key", "title", "body" '
        f'FROM "{ENTRIES}" WHERE "parts" = 1 ORDER BY "sort_key" DESC LIMIT %s) n '
        f'WHERE {" AND ".join(checks)} ORDER BY n."sort_key" DESC LIMIT %s OFFSET %s',
        [*params, limit, offset],
    )
    return [int(row[0]) for row in found]


def _newest_key(index: "PostgreSQLBackend", size: int, steering: Steering) -> int | None:
    """The sort key `size` rows back from the newest; None when there are fewer rows.
    Read from the newest-first b-tree walked backwards (index only: the search's steering,
    planner.py, would have it sort every row, 33 ms at 100,000 documents, not 0.1), and
    kept for a minute: it only bounds the slice a search looks at first, and a slice that
    turns out too small is followed by a larger one, so an old bound costs at most a
    second query, never a missed match."""
    cache_key = (connection.settings_dict["NAME"], size)
    kept = _NEWEST_KEYS.get(cache_key)
    if kept is not None and kept[1] > time.monotonic():
        return kept[0]
    with steering.index_scans():
        rows = index.fetch(
            f'SELECT "sort_key" FROM "{ENTRIES}" ORDER BY "sort_key" DESC OFFSET %s LIMIT 1',
            [size - 1],
        )
    key = int(rows[0][0]) if rows else None
    _NEWEST_KEYS[cache_key] = (key, time.monotonic() + NEWEST_KEY_SECONDS)
    return key
