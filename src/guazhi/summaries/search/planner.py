"""PostgreSQL: the planner settings a search runs under, set with the search's first query.

The planner prices `terms @@ query` like any cheap operator, not knowing that it reads a
tsvector of about 20 kB out of line: with a LIMIT, or for a word in most documents, it would
walk a b-tree or the whole table and read them all (20 to 400 ms at 13,000 documents). So
while a search runs, plain index and sequential scans are priced out and the GIN index (a
bitmap scan) finds the rows; the queries that walk the newest-first b-tree let index scans back
in for themselves (Steering.index_scans).

The settings are local to the transaction: a search outside one runs in its own, which its
commit ends, settings and all; inside a caller's transaction they are put back afterwards.
The same first query reads the term counts the search decides by (frequencies.py).
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from guazhi.summaries.search.frequencies import DOCUMENTS, LONG, TABLE


class Steering:
    def __init__(self, index_scans: str) -> None:
        self._original_index_scans = index_scans
        # Term → documents holding it, for the terms asked for (and "#documents", "#long").
        self.counts: dict[str, int] = {}

    @contextmanager
    def index_scans(self) -> Iterator[None]:
        """Index scans allowed (as they were before the search) around a b-tree walk."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('enable_indexscan', %s, true)", [self._original_index_scans]
            )
            yield
            cursor.execute("SELECT set_config('enable_indexscan', 'off', true)")


@contextmanager
def steered(terms: Iterable[str] = ()) -> Iterator[Steering]:
    """Around the queries of one search: GIN bitmap scans only, and the counts of `terms`."""
    nested = connection.in_atomic_block
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan'), "
            "set_config('enable_seqscan', 'off', true), "
            "set_config('enable_indexscan', 'off', true), "
            f'(SELECT array_agg(ARRAY["term", "documents"::text]) FROM "{TABLE}" '
            'WHERE "term" = ANY(%s))',
            [[*terms, DOCUMENTS, LONG]],
        )
        seqscan, index_scans, _, _, found = cursor.fetchone()
        steering = Steering(index_scans)
        steering.counts = {term: int(count) for term, count in found or []}
        yield steering
        if nested:  # else the commit ends the transaction's settings
            cursor.execute(
                "SELECT set_config('enable_seqscan', %s, true), "
                "set_config('enable_indexscan', %s, true)",
                [seqscan, index_scans],
            )
