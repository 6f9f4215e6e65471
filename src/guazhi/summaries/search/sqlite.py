"""The library's index on SQLite: an FTS5 table over the documents' terms.

`summaries_library_search` holds each published document's terms, space separated (title and
body apart); the FTS5 table `summaries_library_search_fts` indexes it as external content,
kept in step by triggers (migration 0002), so a write and the index commit or roll back
together. The row id is the sort key (publication time, then the document id in its low bits):
FTS5 walks its lists in row id order, so "newest first" stops after the page instead of sorting
every match, and the document id comes with each match without a join.

A column holds a text's terms in order (their positions make phrases), then GRAMS_FOLLOW and
its grams (core.search.terms: a word of 3 or 4 characters is one term). A query word is an FTS5
phrase of its terms ("工作 作总 总结 结会" for 工作总结会, "总"* for 总), or its gram (query.Word.gram:
"工作总结" for 工作总结), words joined by AND. The terms come from core.search (letters, digits and CJK only), each phrase is quoted and
any double quote doubled, so nothing the reader types reaches FTS5 as syntax: AND, OR, NOT, NEAR,
column filters and stars in the query are just text.
"""

from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from guazhi.core.search import Word, gram_terms, index_terms
from guazhi.summaries.models import LibraryDocument
from guazhi.summaries.search.entries import ENTRIES, ID_MASK, Found, IndexEntry, allowed

FTS = "summaries_library_search_fts"
# bm25 column weights: a word in the title counts as much as five in the body.
TITLE_WEIGHT, BODY_WEIGHT = 5.0, 1.0
# Stands between a column's terms and its grams: a term no text or query produces (a
# private-use character), so no phrase runs on from the last term into the grams ("excel表"
# is the phrase excel 表*, and a gram 表格统 right after a text's last word excel is no match).
GRAMS_FOLLOW = "\ue001"


def column_terms(normalised: str) -> str:
    """What a column holds for a normalised text: its terms, GRAMS_FOLLOW, its grams."""
    return " ".join([*index_terms(normalised), GRAMS_FOLLOW, *gram_terms(normalised)])


def match_expression(words: list[Word]) -> str:
    phrases = []
    for word in words:
        phrase = (word.gram or " ".join(word.terms)).replace('"', '""')
        phrases.append(f'"{phrase}"' + ("*" if word.prefix else ""))
    return " AND ".join(phrases)


class SQLiteBackend:
    def rebuilding(self) -> AbstractContextManager[None]:
        return nullcontext()

    def replace(self, document_id: int, entry: IndexEntry | None) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f'DELETE FROM "{ENTRIES}" WHERE "document_id" = %s', [document_id])
        if entry is not None:
            self.add_many([entry])

    def add_many(self, entries: Iterable[IndexEntry]) -> None:
        rows = [
            (
                entry.sort_key,
                entry.document_id,
                column_terms(entry.title),
                column_terms(entry.body),
            )
            for entry in entries
        ]
        with connection.cursor() as cursor:
            cursor.executemany(
                f'INSERT INTO "{ENTRIES}" ("id", "document_id", "title", "body") '
                "VALUES (%s, %s, %s, %s)",
                rows,
            )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f'DELETE FROM "{ENTRIES}"')

    def _matches(
        self,
        select: str,
        words: list[Word],
        documents: "QuerySet[LibraryDocument] | None",
        tail: str,
        tail_params: list[Any],
    ) -> list[tuple[Any, ...]]:
        # The FTS row id is the sort key, the document id its low bits: no join. The reader's
        # filters are checked per match by primary key, as FTS5 yields them.
        document = f"(f.rowid & {ID_MASK})"
        exists, exists_params = allowed(documents, document)
        sql = (
            f'SELECT {select.format(document=document)} FROM "{FTS}" f '
            f'WHERE f."{FTS}" MATCH %s AND {exists} {tail}'
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [match_expression(words), *exists_params, *tail_params])
            return list(cursor.fetchall())

    def find(
        self,
        words: list[Word],
        documents: "QuerySet[LibraryDocument] | None",
        cap: int,
        limit: int,
        offset: int,
    ) -> Found:
        # Counting first costs a fifth of scoring (bm25 reads each match's column sizes, and
        # first counts the documents holding each word), so a word too common to rank is never
        # scored; and the count walks newest first, so it is also the first pages of such a
        # word (FTS5 reads its lists in row id order, the sort key's).
        newest = self._matches(
            "{document}", words, documents, "ORDER BY f.rowid DESC LIMIT %s", [cap + 1]
        )
        if len(newest) > cap:
            if offset + limit > len(newest):
                newest = self._matches(
                    "{document}",
                    words,
                    documents,
                    "ORDER BY f.rowid DESC LIMIT %s OFFSET %s",
                    [limit, offset],
                )
                offset = 0
            return Found(newest=[int(row[0]) for row in newest[offset : offset + limit]])
        rows = self._matches(
            f'{{document}}, bm25(f."{FTS}", {TITLE_WEIGHT}, {BODY_WEIGHT}), f.rowid',
            words,
            documents,
            "",
            [],
        )
        # bm25 is lower for better matches; readers get a score that grows with relevance.
        return Found(
            ranked=[(int(document), -float(score), int(key)) for document, score, key in rows]
        )
