"""The library's index on PostgreSQL: a GIN index over each document's terms, checked exactly.

Each row holds a document's distinct terms as a tsvector without positions (`terms`, GIN
indexed) and its canonical text, title and body apart (`title`, `body`: core.search's segments
joined by single spaces, " 用 excel 表格 统计 2024 年 "). A query asks GIN for the documents
holding every term of every word ('工作' & '作总' & '总':*), which is exact for a word of one
term (two CJK characters, one character as a prefix, a word of letters); a word of several terms
is then checked with strpos on the canonical text, where its phrase of terms occurs exactly
where its own canonical form ("工作总", " excel 表") is a substring; its occurrences give the
score.

Why not tsvector positions and <->: GIN does not store positions, so every phrase match is
rechecked against the row's tsvector, and a document's tsvector with positions is about 25 kB,
stored uncompressed out of line: each recheck (and each ts_rank) reads and copies it, about
100 µs a row, which made a word of three characters found in a thousand documents cost 200 ms.
A tsvector also keeps at most 16,383 positions and 256 per term (later ones are dropped, and a
phrase there would be missed). Without positions there is neither that cost nor those limits,
and the canonical text read for a check is about the size of the text itself.

The tsvector and tsqueries are written as literals of core.search's terms ('工作' '作总' …), so
PostgreSQL's parser and dictionaries never see the text: the terms are exactly SQLite's,
whatever the server's locale. Reader input only ever becomes quoted lexemes and strpos
arguments, so tsquery operators in it are text.

A tsvector must stay under 1 MB: a document with more distinct terms than fit in MAX_PART_BYTES
(some 40,000 terms, a text of several hundred thousand characters) is split into parts
(`parts` > 1) that overlap by OVERLAP segments, so every word lies whole in one part; such a
document matches when each word matches one of its parts. Two partial GIN indexes keep the
usual one-part documents and the long ones apart, and a query has an arm for each (UNION ALL),
each arm an ordinary indexed search.

Score: for each word, its occurrences in the title (TITLE_WEIGHT each) and in the body, summed
over the words and divided by 1 + ln(1 + the body's number of terms), as ts_rank's
normalisation 1 does; no inverse document frequency (ts_rank has none either). The database
counts (the bytes replace() takes out), Python scores; a candidate whose phrase does not occur
(GIN found its terms apart) has a count of 0 and is dropped there.
"""

import importlib
import math
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet

from guazhi.core.search import GAP, MAX_PHRASE_TERMS, Word
from guazhi.core.search.terms import Segment, canonical, segment_terms, segments
from guazhi.summaries.models import LibraryDocument
from guazhi.summaries.search.entries import IndexEntry, allowed

ENTRIES = "summaries_library_search"
# Of the tsvector's 1 MB: lexeme bytes plus 4 bytes of entry each.
MAX_PART_BYTES = 512 * 1024
OVERLAP = MAX_PHRASE_TERMS
# A CJK run longer than this (no punctuation for 20,000 characters) is cut into pieces.
MAX_RUN = 20_000
SLICE_FACTOR = 10
TITLE_WEIGHT = 5


def _quoted(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def word_query(word: Word) -> str:
    """The tsquery GIN answers for one word: all its terms (a GAP is no term of the index)."""
    lexemes: list[str] = []
    for index, term in enumerate(word.terms):
        if term == GAP:
            continue
        lexeme = _quoted(term)
        if word.prefix and index == len(word.terms) - 1:
            lexeme += ":*"
        if lexeme not in lexemes:
            lexemes.append(lexeme)
    return "(" + " & ".join(lexemes) + ")"


def _pieces(found: list[Segment]) -> list[Segment]:
    """The segments, a CJK run too long for one part cut into overlapping pieces (a phrase of
    up to OVERLAP characters lies whole in one of them)."""
    pieces: list[Segment] = []
    for segment in found:
        if not segment.cjk or len(segment.text) <= MAX_RUN:
            pieces.append(segment)
            continue
        for start in range(0, len(segment.text) - OVERLAP, MAX_RUN - OVERLAP):
            piece = segment.text[start : start + MAX_RUN]
            before = segment.punctuated_before if start == 0 else False
            pieces.append(Segment(text=piece, cjk=True, punctuated_before=before))
    return pieces


def parts_of(entry: IndexEntry) -> list[tuple[str, str, str, int]]:
    """(tsvector literal, title, body, body term count) of each part of a document: one for all
    but huge ones. A part is whole segments; the next one starts OVERLAP segments back, so a
    phrase of up to OVERLAP segments lies whole in one part."""
    title_segments = list(segments(entry.title))
    title_lexemes: set[str] = set()
    previous: Segment | None = None
    for segment in title_segments:
        title_lexemes.update(segment_terms(previous, segment))
        previous = segment
    title_lexemes.discard(GAP)
    body = _pieces(list(segments(entry.body)))
    parts: list[tuple[str, str, str, int]] = []
    start = 0
    while True:
        lexemes = set(title_lexemes) if not parts else set()
        size = sum(len(term.encode()) + 4 for term in lexemes)
        count = 0
        end = start
        while end < len(body):
            terms = segment_terms(body[end - 1] if end > start else None, body[end])
            added = {term for term in terms if term != GAP} - lexemes
            grown = size + sum(len(term.encode()) + 4 for term in added)
            if grown > MAX_PART_BYTES and end > start:
                break
            lexemes |= added
            size = grown
            count += len(terms)
            end += 1
        literal = " ".join(_quoted(term) for term in sorted(lexemes))
        title = canonical(title_segments) if not parts else " "
        parts.append((literal, title, canonical(body[start:end]), count))
        if end >= len(body):
            return parts
        start = max(end - OVERLAP, start + 1)


def _found(word: Word, row: str) -> tuple[str, list[str]]:
    """SQL true when the row holds the word: GIN has answered for its terms; a word of several
    is checked in the canonical text."""
    if len(word.terms) == 1:
        return "TRUE", []
    text = word.canonical()
    return f'(strpos({row}."body", %s) > 0 OR strpos({row}."title", %s) > 0)', [text, text]


def _occurrences(column: str) -> str:
    """SQL: bytes the word's occurrences take in the column (octet_length reads no value)."""
    return f"(octet_length({column}) - octet_length(replace({column}, %s, '')))"


def _counts(words: list[Word], row: str | None) -> tuple[str, list[Any]]:
    """SQL for each word's bytes in the title and in the body (named c0, c1, … in that order):
    the row's own, or (row None) summed over the parts of a long document s."""
    columns: list[str] = []
    params: list[Any] = []
    for word in words:
        text = word.canonical()
        for name in ("title", "body"):
            if row is not None:
                column = _occurrences(f'{row}."{name}"')
            else:
                column = (
                    f"(SELECT sum({_occurrences(f'p.{chr(34)}{name}{chr(34)}')}) "
                    f'FROM "{ENTRIES}" p WHERE p."document_id" = s."document_id")'
                )
            columns.append(f'{column} AS "c{len(columns)}"')
            params.append(text)
    return ", ".join(columns), params


def score(sizes: list[int], counts: list[int], body_terms: int) -> float | None:
    """Occurrences (a title's TITLE_WEIGHT times) over 1 + ln(1 + length); None when a word
    of several terms does not occur (GIN found its terms apart). `sizes`: each word's canonical
    form in bytes (what one occurrence takes out of the text)."""
    total = 0.0
    for index, size in enumerate(sizes):
        title, body = counts[2 * index] // size, counts[2 * index + 1] // size
        if title + body == 0:
            return None
        total += TITLE_WEIGHT * title + body
    return total / (1 + math.log(1 + body_terms))


class PostgreSQLBackend:
    def replace(self, document_id: int, entry: IndexEntry | None) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f'DELETE FROM "{ENTRIES}" WHERE "document_id" = %s', [document_id])
        if entry is not None:
            self.add_many([entry])

    def add_many(self, entries: Iterable[IndexEntry]) -> None:
        rows: list[tuple[Any, ...]] = []
        for entry in entries:
            parts = parts_of(entry)
            for number, (terms, title, body, count) in enumerate(parts):
                rows.append(
                    (
                        entry.document_id,
                        entry.sort_key,
                        number,
                        len(parts),
                        terms,
                        title,
                        body,
                        count,
                    )
                )
        with connection.cursor() as cursor:
            cursor.executemany(
                f'INSERT INTO "{ENTRIES}" ("document_id", "sort_key", "part", "parts", "terms", '
                '"title", "body", "body_terms") '
                "VALUES (%s, %s, %s, %s, %s::tsvector, %s, %s, %s)",
                rows,
            )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f'DELETE FROM "{ENTRIES}"')

    def _matches(
        self,
        select: str,
        select_params: list[Any],
        words: list[Word],
        documents: "QuerySet[LibraryDocument] | None",
        *,
        where: str = "",
        where_params: tuple[Any, ...] = (),
        limit: str = "",
        limit_params: tuple[Any, ...] = (),
        checked: bool = True,
        long_select: tuple[str, list[Any]] | None = None,
    ) -> tuple[str, list[Any]]:
        """Both arms: one-part documents holding every word, and long documents with each word
        in one of their parts (named by their part 0). `select` reads the row as s (for long
        documents `long_select` if given). Unchecked, the first arm has every document GIN
        finds, phrases or not (the caller checks)."""
        exists, exists_params = allowed(documents, 's."document_id"')
        checks: list[str] = []
        check_params: list[Any] = []
        long_words: list[str] = []
        long_params: list[Any] = []
        for word in words:
            check, params = _found(word, "s") if checked else ("TRUE", [])
            checks.append(check)
            check_params += params
            part_check, params = _found(word, "p")
            long_words.append(
                f's."document_id" IN (SELECT p."document_id" FROM "{ENTRIES}" p '
                f'WHERE p."parts" > 1 AND p."terms" @@ %s::tsquery AND {part_check})'
            )
            long_params += [word_query(word), *params]
        query = " & ".join(word_query(word) for word in words)
        long_sql, long_select_params = long_select or (select, select_params)
        sql = (
            f'(SELECT {select} FROM "{ENTRIES}" s '
            f'WHERE s."parts" = 1 AND s."terms" @@ %s::tsquery AND {" AND ".join(checks)} '
            f"{where} AND {exists} {limit}) "
            "UNION ALL "
            f'(SELECT {long_sql} FROM "{ENTRIES}" s '
            f'WHERE s."parts" > 1 AND s."part" = 0 AND {" AND ".join(long_words)} '
            f"{where} AND {exists} {limit})"
        )
        params = [
            *select_params,
            query,
            *check_params,
            *where_params,
            *exists_params,
            *limit_params,
            *long_select_params,
            *long_params,
            *where_params,
            *exists_params,
            *limit_params,
        ]
        return sql, params

    @contextmanager
    def rebuilding(self) -> Iterator[None]:
        # Filling GIN indexes row by row costs some 20 ms a document (100,000: half an hour);
        # building them once afterwards, a minute. Inside a transaction the table stays locked
        # until the commit: searches wait for a rebuild instead of seeing a half-empty index.
        migration = importlib.import_module("guazhi.summaries.migrations.0002_library_search")
        statements = [statement for statement in migration.POSTGRESQL if "USING gin" in statement]
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(f'DROP INDEX IF EXISTS "{statement.split(chr(34))[1]}"')
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for statement in statements:
                cursor.execute(statement)
            cursor.execute("RESET maintenance_work_mem")

    @contextmanager
    def searching(self) -> Iterator[None]:
        # The planner prices `terms @@ query` like any cheap operator, not knowing that it reads
        # a tsvector of about 20 kB out of line: with a LIMIT, or for a word in most documents,
        # it would walk a b-tree or the whole table and read them all (20 to 400 ms at 13,000
        # documents). While searching, plain index and sequential scans are priced out, so the
        # GIN index (a bitmap scan) finds the rows; the settings are put back afterwards, also
        # inside a caller's transaction.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan'), "
                "set_config('enable_seqscan', 'off', true), "
                "set_config('enable_indexscan', 'off', true)"
            )
            seqscan, indexscan, _, _ = cursor.fetchone()
            yield
            cursor.execute(
                "SELECT set_config('enable_seqscan', %s, true), "
                "set_config('enable_indexscan', %s, true)",
                [seqscan, indexscan],
            )

    def _fetch(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    def ranked(
        self,
        words: list[Word],
        documents: "QuerySet[LibraryDocument] | None",
        cap: int,
    ) -> list[tuple[int, float, int]] | None:
        if all(len(word.terms) == 1 for word in words):
            # GIN's answer is exact for words of one term: the matches are counted from the
            # index, no row's text read, and a word too common to rank is never scored.
            sql, params = self._matches(
                's."document_id"', [], words, documents, limit="LIMIT %s", limit_params=(cap + 1,)
            )
            count = self._fetch(
                f"SELECT count(*) FROM (SELECT 1 FROM ({sql}) m LIMIT %s) c", [*params, cap + 1]
            )
            if int(count[0][0]) > cap:
                return None
        # Each candidate's text is read once, for its counts: they score it, and they check a
        # word of several terms (GIN found its terms, perhaps apart: a count of 0). Reading
        # stops at cap + 1 matches. OFFSET 0 keeps the counts from being computed again in
        # the check.
        counts, count_params = _counts(words, "s")
        long_counts, long_count_params = _counts(words, None)
        head = 's."document_id", s."sort_key", s."body_terms", '
        sql, params = self._matches(
            head + counts,
            count_params,
            words,
            documents,
            checked=False,
            long_select=(head + long_counts, long_count_params),
        )
        checks = [
            f'(coalesce(m."c{2 * index}", 0) + coalesce(m."c{2 * index + 1}", 0)) > 0'
            for index, word in enumerate(words)
            if len(word.terms) > 1
        ]
        rows = self._fetch(
            f"SELECT * FROM (SELECT * FROM ({sql}) u OFFSET 0) m "
            f"WHERE {' AND '.join(checks) or 'TRUE'} LIMIT %s",
            [*params, cap + 1],
        )
        if len(rows) > cap:
            return None
        sizes = [len(word.canonical().encode()) for word in words]
        ranked: list[tuple[int, float, int]] = []
        for document, key, body_terms, *found in rows:
            value = score(sizes, [int(n or 0) for n in found], body_terms)
            if value is not None:
                ranked.append((int(document), value, int(key)))
        return ranked

    def newest(
        self,
        words: list[Word],
        documents: "QuerySet[LibraryDocument] | None",
        limit: int,
        offset: int,
    ) -> list[int]:
        # Only asked when there are many matches. GIN gives them in no order, and checking a
        # phrase reads the row's terms: so look among the newest SLICE_FACTOR × page documents
        # first, then ten times as many, …, then all. A word in more than RANK_LIMIT documents
        # fills the page within the first slice or two.
        wanted = offset + limit
        size = wanted * SLICE_FACTOR
        while True:
            bound = self._newest_key(size)
            sql, params = self._matches(
                's."document_id", s."sort_key"',
                [],
                words,
                documents,
                where='AND s."sort_key" >= %s' if bound is not None else "",
                where_params=(bound,) if bound is not None else (),
            )
            rows = self._fetch(
                f"SELECT document_id FROM ({sql}) m "
                "ORDER BY sort_key DESC, document_id DESC LIMIT %s OFFSET %s",
                [*params, limit, offset],
            )
            if len(rows) == limit or bound is None:
                return [int(row[0]) for row in rows]
            size *= 10

    def _newest_key(self, size: int) -> int | None:
        """The sort key of the size-th newest row; None when there are fewer rows. The one
        query of a search that wants its b-tree (walked backwards, index only): the steering of
        searching() would have it sort every row (33 ms at 100,000 documents, not 0.1)."""
        steered = self._fetch(
            "SELECT current_setting('enable_indexscan'), "
            "set_config('enable_indexscan', 'on', true)",
            [],
        )[0][0]
        rows = self._fetch(
            f'SELECT "sort_key" FROM "{ENTRIES}" ORDER BY "sort_key" DESC OFFSET %s LIMIT 1',
            [size - 1],
        )
        self._fetch("SELECT set_config('enable_indexscan', %s, true)", [steered])
        return int(rows[0][0]) if rows else None
