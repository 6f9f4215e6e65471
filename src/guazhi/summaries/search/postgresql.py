"""The library's index on PostgreSQL: GIN indexes over each document's terms and text.

Each row holds a document's distinct terms as a tsvector without positions (`terms`, GIN
indexed) and its canonical text, title and body apart (`title`, `body`: core.search's segments
joined by single spaces, " 用 excel 表格 统计 2024 年 "), trigram indexed as title || body
(pg_trgm, migration 0005). A word of one term (two CJK characters, one character as a prefix,
a word of letters) is asked of the terms' GIN ('工作' & '总':*), which is exact. A word of
several terms occurs exactly where its own canonical form ("工作总", " excel 表") is a substring
of that text: it is asked with LIKE, which the trigram index answers from the lists of the
word's own trigrams (工作总 has one, 一个两岁 two: few candidates even when its pairs are in
most documents) and rechecks exactly. Its occurrences in the text give the score.

Deciding (search/__init__.py says what): the term counts first, read with the planner settings
(planner.py) in the search's first query. At most RANK_LIMIT documents hold the rarest terms:
rank them all. A word of one term in more: newest first, counted. Words of several terms whose
rarest pairs are in at most EXACT_BOUND_FACTOR times RANK_LIMIT documents are listed through the
trigram index with their counts (each text read once), up to ALL_MATCHES_FACTOR times
RANK_LIMIT matches: at most RANK_LIMIT are then scored and ranked, more are counted and their
newest page taken from the list; past the list's end, newest first by slices
(postgresql_newest.py). Their rarest pairs in at most TERMS_BOUND_FACTOR times RANK_LIMIT
documents, those documents are listed instead, and each checked by the counts alone. Words
whose pairs are in more are likely common: newest first, not counted, unless the newest slices
show few matches: then they are listed after all when the slices' rate says they are few
enough to rank, else searched newest first (and ranked after all if that finds few).

Why not tsvector positions and <->: GIN does not store positions, so every phrase match is
rechecked against the row's tsvector, and a document's tsvector with positions is about 25 kB,
stored uncompressed out of line: each recheck (and each ts_rank) reads and copies it, about
100 µs a row, which made a word of three characters found in a thousand documents cost 200 ms.
A tsvector also keeps at most 16,383 positions and 256 per term (later ones are dropped, and a
phrase there would be missed). Without positions there is neither that cost nor those limits,
and the canonical text read for a check is about the size of the text itself. It is kept in
the row when the row fits a page (migration 0004): read from the row, a check costs about 5 µs,
from the TOAST table 15.

Why trigrams and not grams in the tsvector (every 3 and 4 characters as terms, as on SQLite):
GIN's build time and size grow with the number of distinct terms, and grams are mostly distinct.
Measured at 3,000 documents, the build took 63 s instead of 13.5 and the index was 469 MB
instead of 71, and the term counts (frequencies.py) would triple; the trigram index took 19 s
and 134 MB. pg_trgm folds a trigram of CJK characters to a 3-byte hash (the recheck makes that
exact) and reads CJK characters as letters under a UTF-8 locale (C.UTF-8 included); were they
not, it would find no trigram, scan its whole index and recheck every row: slow, never wrong.

The tsvector and tsqueries are written as literals of core.search's terms ('工作' '作总' …), so
PostgreSQL's parser and dictionaries never see the text: the terms are exactly SQLite's,
whatever the server's locale. Reader input only ever becomes quoted lexemes and strpos
arguments and LIKE patterns (% and _ escaped), so tsquery and LIKE operators in it are text.

A tsvector must stay under 1 MB: a document with more distinct terms than fit in MAX_PART_BYTES
(some 40,000 terms, a text of several hundred thousand characters) is split into parts
(`parts` > 1) that overlap by OVERLAP segments, so every word lies whole in one part; such a
document matches when each word matches one of its parts. Two partial GIN indexes keep the
usual one-part documents and the long ones apart, and a query has an arm for each (UNION ALL),
each arm an ordinary indexed search.

Score: for each word, its occurrences in the title (TITLE_WEIGHT each) and in the body, summed
over the words and divided by 1 + ln(1 + the body's number of terms), as ts_rank's
normalisation 1 does; no inverse document frequency (ts_rank has none either). The database
counts (the bytes replace() takes out), Python scores.
"""

import importlib
import math
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from guazhi.core.search import GAP, MAX_PHRASE_TERMS, Word
from guazhi.core.search.terms import Segment, canonical, segment_terms, segments
from guazhi.summaries.models import LibraryDocument
from guazhi.summaries.search.entries import ENTRIES, Found, IndexEntry, allowed
from guazhi.summaries.search.frequencies import Frequencies, counted_terms_of
from guazhi.summaries.search.planner import Steering, steered
from guazhi.summaries.search.postgresql_newest import (
    NewestPage,
    newest_page,
    walk,
    whole_library_page,
)

# Of the tsvector's 1 MB: lexeme bytes plus 4 bytes of entry each.
MAX_PART_BYTES = 512 * 1024
OVERLAP = MAX_PHRASE_TERMS
# A CJK run longer than this (no punctuation for 20,000 characters) is cut into pieces.
MAX_RUN = 20_000
TITLE_WEIGHT = 5
# A word of several terms whose rarest pairs are in at most this many times RANK_LIMIT documents
# has its matches listed through the trigram index: it is in no more documents than that, and
# the list stops after ALL_MATCHES_FACTOR times RANK_LIMIT. Past it, the word is likely as
# common as its pairs, and a list would read hundreds of texts (about 15 µs each) to show the
# newest first all the same.
EXACT_BOUND_FACTOR = 20
# Such a word's matches are listed whole when there are at most this many times RANK_LIMIT:
# a page newest first is then sorted from them, where searching slices of the library after a
# count would read the first matches twice and every sort key in the slices. A word with more
# matches is paged in slices after all.
ALL_MATCHES_FACTOR = 4
# A query with a word of several terms, its rarest term in at most this many times RANK_LIMIT
# documents, is listed through the terms' GIN (the documents holding each of its terms that
# rare), each candidate checked by counting the words in its text: a count reads the text once
# (about 11 µs), where the trigram index's LIKE recheck reads it again before the count (about
# 18 µs more), and there are few candidates besides the matches (七巧板: 七巧 in 101
# documents, 巧板 in 100, the word in 100).
TERMS_BOUND_FACTOR = 2
# A query of one-character words first reads this many times RANK_LIMIT newest rows.
CERTIFY_ROWS_FACTOR = 4


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


def _in_text(word: Word, row: str) -> tuple[str, list[str]]:
    """SQL true when the row's text holds a word of several terms, as the trigram index
    (migration 0005) answers it: its expression, title || body (each begins and ends with a
    space, so no word runs from one into the other)."""
    pattern = word.canonical().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f'({row}."title" || {row}."body") LIKE %s', [f"%{pattern}%"]


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

    def matches(
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
        long_select: tuple[str, list[Any]] | None = None,
        known: Frequencies | None = None,
        candidates_holding: list[str] | None = None,
    ) -> tuple[str, list[Any]]:
        """Both arms: one-part documents holding every word (words of one term from the terms'
        GIN, words of several from the trigram index), and long documents with each word in
        one of their parts (named by their part 0). `select` reads the row as s (for long
        documents `long_select` if given). With the term counts `known`, and no long documents
        among them, their arm is left out. `candidates_holding` (some of the words' terms): the
        one-part documents holding those, from the terms' GIN alone, for the caller to check
        (_listed counts each word in them)."""
        exists, exists_params = allowed(documents, 's."document_id"')
        conditions: list[str] = []
        condition_params: list[Any] = []
        if candidates_holding:
            lexemes = [" & ".join(_quoted(term) for term in candidates_holding)]
        else:
            lexemes = [word_query(word) for word in words if len(word.terms) == 1]
        if lexemes:
            conditions.append('s."terms" @@ %s::tsquery')
            condition_params.append(" & ".join(lexemes))
        long_words: list[str] = []
        long_params: list[Any] = []
        for word in words:
            if len(word.terms) > 1 and not candidates_holding:
                condition, params = _in_text(word, "s")
                conditions.append(condition)
                condition_params += params
            part_check, params = _found(word, "p")
            long_words.append(
                f's."document_id" IN (SELECT p."document_id" FROM "{ENTRIES}" p '
                f'WHERE p."parts" > 1 AND p."terms" @@ %s::tsquery AND {part_check})'
            )
            long_params += [word_query(word), *params]
        long_sql, long_select_params = long_select or (select, select_params)
        sql = (
            f'(SELECT {select} FROM "{ENTRIES}" s '
            f'WHERE s."parts" = 1 AND {" AND ".join(conditions)} '
            f"{where} AND {exists} {limit}) "
        )
        params = [
            *select_params,
            *condition_params,
            *where_params,
            *exists_params,
            *limit_params,
        ]
        if known is not None and not known.long:
            return sql, params
        sql += (
            "UNION ALL "
            f'(SELECT {long_sql} FROM "{ENTRIES}" s '
            f'WHERE s."parts" > 1 AND s."part" = 0 AND {" AND ".join(long_words)} '
            f"{where} AND {exists} {limit})"
        )
        params += [
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
        # building them once afterwards, about 6 ms each (measured at 3,000 documents, for the
        # terms' index and the trigram one alike). The term counts likewise: the trigger
        # counting each row's terms is off during the load, and they are counted afresh at its
        # end (about 30 s for 20,000 documents). Inside a transaction the table stays locked
        # until the commit: searches wait for a rebuild instead of seeing a half-empty index.
        search = importlib.import_module("guazhi.summaries.migrations.0002_library_search")
        counts = importlib.import_module(
            "guazhi.summaries.migrations.0003_library_term_frequencies"
        )
        text = importlib.import_module("guazhi.summaries.migrations.0005_library_search_grams")
        statements = [
            *(statement for statement in search.POSTGRESQL if "USING gin" in statement),
            text.TEXT_INDEX,
        ]
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(f'DROP INDEX IF EXISTS "{statement.split(chr(34))[1]}"')
            cursor.execute(f'ALTER TABLE "{ENTRIES}" DISABLE TRIGGER "{counts.TABLE}_count"')
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for statement in statements:
                cursor.execute(statement)
            cursor.execute("RESET maintenance_work_mem")
            for statement in counts.RECOUNT:
                cursor.execute(statement)
            cursor.execute(f'ALTER TABLE "{ENTRIES}" ENABLE TRIGGER "{counts.TABLE}_count"')

    def fetch(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    def find(
        self,
        words: list[Word],
        documents: "QuerySet[LibraryDocument] | None",
        cap: int,
        limit: int,
        offset: int,
    ) -> Found:
        with steered(counted_terms_of(words)) as steering:
            return self._find(words, documents, cap, limit, offset, steering)

    def _find(
        self,
        words: list[Word],
        documents: "QuerySet[LibraryDocument] | None",
        cap: int,
        limit: int,
        offset: int,
        steering: Steering,
    ) -> Found:
        known = Frequencies.of(words, steering.counts)
        bound = known.at_most(words)
        rare_terms = _rare_terms(words, known, cap)

        def newest() -> NewestPage:
            return newest_page(self, words, documents, limit, offset, known, steering)

        def ranked_or_newest(ranked: list[tuple[int, float, int]] | None) -> Found:
            # None: more than `cap` matches, newest first.
            return Found(ranked=ranked) if ranked is not None else Found(newest=newest().ids)

        if bound is not None and bound <= cap:
            # At most `cap` documents hold the terms: rank every one, no counting first.
            # More after all would mean the counts behind the index (they never should be).
            return ranked_or_newest(
                self._ranked(words, documents, cap, known, counted=True, rare_terms=rare_terms)
            )
        if documents is None and known.at_least(words) > cap:
            # A word of one term in more than `cap` documents: the count is known.
            return Found(newest=newest().ids)
        if bound is None:
            # Only one-character words (a prefix of many terms, nothing counted of them). A
            # common one is in most of the newest rows: read a few hundred of them first, and
            # more than `cap` matches there are the count and the page at once (GIN would
            # gather the lists of every term the character begins, 100 ms at 100,000
            # documents).
            if documents is None and not known.long:
                with steering.index_scans():
                    walked = walk(self, words, cap + 1, 0, CERTIFY_ROWS_FACTOR * (cap + 1))
                if len(walked) > cap and offset + limit <= len(walked):
                    return Found(newest=walked[offset : offset + limit])
            return ranked_or_newest(self._ranked(words, documents, cap, known))
        if bound <= EXACT_BOUND_FACTOR * cap:
            # A word of several terms, its pairs in more than `cap` documents but not in many:
            # the trigram index finds the word itself (一位数: 一位 and 位数 are in many
            # documents, 一位数 in few). Its matches are listed with their counts, up to
            # ALL_MATCHES_FACTOR times `cap`: few enough to rank, they are scored; else the
            # newest page is among them, in order.
            listed = self._listed(
                words, documents, ALL_MATCHES_FACTOR * cap, known, rare_terms=rare_terms
            )
            if listed is None:
                return Found(newest=newest().ids)
            return _from_listed(words, listed, cap, limit, offset)
        # The rarest pairs are in many documents: the words are likely as common, and counting
        # them would read the text of every match. Newest first, not counted.
        page = newest_page(
            self, words, documents, limit, offset, known, steering, stop_before_whole=True
        )
        if page.whole_library_next:
            # The newest documents held so few matches that the whole library holds few.
            if page.expected is None or page.expected <= cap:
                # Likely few enough to rank: listed with their counts at once, to rank or to
                # page (一千多万: its pairs in 4,359 documents or more, itself in 100).
                listed = self._listed(words, documents, ALL_MATCHES_FACTOR * cap, known)
                if listed is not None:
                    return _from_listed(words, listed, cap, limit, offset)
            # Likely more than `cap` (三百斤: its pairs in 2,055 documents, itself in 173), or
            # more than the list holds: newest first among all of them, and counted, without
            # the counts a score needs (they cost a third more again).
            page = whole_library_page(self, words, documents, limit, offset, known)
            if page.total is not None and page.total <= cap:
                # Fewer than the slices' rate said: few enough to rank after all.
                return ranked_or_newest(self._ranked(words, documents, cap, known))
        return Found(newest=page.ids, counted=page.total is not None, more=page.more)

    def _ranked(
        self,
        words: list[Word],
        documents: "QuerySet[LibraryDocument] | None",
        cap: int,
        known: Frequencies,
        *,
        counted: bool = False,
        rare_terms: list[str] | None = None,
    ) -> list[tuple[int, float, int]] | None:
        if not counted and all(len(word.terms) == 1 for word in words):
            # GIN's answer is exact for words of one term: the matches are counted from the
            # index, no row's text read, and a word too common to rank is never scored.
            sql, params = self.matches(
                's."document_id"',
                [],
                words,
                documents,
                limit="LIMIT %s",
                limit_params=(cap + 1,),
                known=known,
            )
            count = self.fetch(
                f"SELECT count(*) FROM (SELECT 1 FROM ({sql}) m LIMIT %s) c", [*params, cap + 1]
            )
            if int(count[0][0]) > cap:
                return None
        listed = self._listed(words, documents, cap, known, rare_terms=rare_terms)
        return _scores(words, listed) if listed is not None else None

    def _listed(
        self,
        words: list[Word],
        documents: "QuerySet[LibraryDocument] | None",
        most: int,
        known: Frequencies,
        *,
        rare_terms: list[str] | None = None,
    ) -> list[tuple[Any, ...]] | None:
        """Every match as (document id, sort key, body terms, counts…: see _counts), in no
        order, each text read once for its counts; None when there are more than `most`
        (reading stops there). The counts cost about a third of a match's reading (the
        replace() of _occurrences beside the index's recheck): less than reading again the
        matches found few enough to rank. `rare_terms`: the documents holding those of the
        query's terms (matches' candidates_holding) are listed instead, each word's count in
        the text the only check: those where a word does not occur are left out; more than
        `most` of them, the trigram index's matches after all."""
        counts, count_params = _counts(words, "s")
        long_counts, long_count_params = _counts(words, None)
        head = 's."document_id", s."sort_key", s."body_terms", '
        sql, params = self.matches(
            head + counts,
            count_params,
            words,
            documents,
            long_select=(head + long_counts, long_count_params),
            known=known,
            candidates_holding=rare_terms,
        )
        rows = self.fetch(f"SELECT * FROM ({sql}) m LIMIT %s", [*params, most + 1])
        if rare_terms:
            if len(rows) > most:
                return self._listed(words, documents, most, known)
            rows = [row for row in rows if _holds_every_word(len(words), row)]
        return rows if len(rows) <= most else None


def _rare_terms(words: list[Word], known: Frequencies, cap: int) -> list[str]:
    """The terms whose documents are listed and checked by their counts (TERMS_BOUND_FACTOR):
    each in at most TERMS_BOUND_FACTOR times `cap` documents, when the rarest is and a word
    has several terms (words of one term are exact in GIN already); else none."""
    most = TERMS_BOUND_FACTOR * cap
    bound = known.at_most(words)
    if bound is None or bound > most or all(len(word.terms) == 1 for word in words):
        return []
    return [term for term, held in known.holding.items() if held <= most]


def _from_listed(
    words: list[Word], listed: list[tuple[Any, ...]], cap: int, limit: int, offset: int
) -> Found:
    """Every match listed (PostgreSQLBackend._listed): ranked when at most `cap`, else the
    page newest first, counted."""
    if len(listed) <= cap:
        return Found(ranked=_scores(words, listed))
    listed.sort(key=lambda row: (-row[1], -row[0]))
    return Found(newest=[int(row[0]) for row in listed[offset : offset + limit]])


def _holds_every_word(words: int, row: tuple[Any, ...]) -> bool:
    """Whether each word occurs in the title or the body, by a listed row's counts."""
    counts = row[3:]
    return all(counts[2 * word] or counts[2 * word + 1] for word in range(words))


def _scores(words: list[Word], rows: list[tuple[Any, ...]]) -> list[tuple[int, float, int]]:
    """(document id, score, sort key) from rows of document id, sort key, body terms and the
    counts (_counts), leaving out a document where a word does not occur."""
    sizes = [len(word.canonical().encode()) for word in words]
    ranked: list[tuple[int, float, int]] = []
    for document, key, body_terms, *found in rows:
        value = score(sizes, [int(n or 0) for n in found], body_terms)
        if value is not None:
            ranked.append((int(document), value, int(key)))
    return ranked
