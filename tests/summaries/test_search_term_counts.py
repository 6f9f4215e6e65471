"""PostgreSQL: the term counts a search decides by, and what a reader gets from them.

The counts (how many documents hold each term) are kept by triggers in the same transactions as
the index; a search reads them first. A word whose rarest term is in more than RANK_LIMIT
documents is shown newest first without counting its matches (counting would read each match's
text); SQLite counts every match exactly (test_search_index.py), so these tests are PostgreSQL's.
"""

import random

import pytest
from django.db import connection, transaction

from guazhi.core.search import parse_query
from guazhi.summaries import search
from guazhi.summaries.models import LibraryDocument, LibraryState
from guazhi.summaries.search import postgresql, postgresql_newest
from guazhi.summaries.search.entries import ENTRIES, entry_of
from guazhi.summaries.search.frequencies import TABLE
from guazhi.summaries.search.planner import steered
from tests.summaries.indexing import Publish

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def counts(*terms: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT "term", "documents" FROM "{TABLE}" WHERE "term" = ANY(%s)', [list(terms)]
        )
        found = dict(cursor.fetchall())
    return {term: found.get(term, 0) for term in terms}


def bodies(results: search.SearchResults) -> list[str]:
    return [hit.document.sections[0]["body"] for hit in results.hits]


def rare_word_among_its_pairs(publish: Publish) -> tuple[LibraryDocument, LibraryDocument]:
    """乡村, 村振 and 振兴 in six documents, 乡村振兴 in two of them: once, then twice."""
    for _ in range(4):
        publish("乡村建设，农村振作，产业振兴")
    return publish("乡村振兴"), publish("乡村振兴，乡村振兴")


def test_the_counts_follow_publish_withdraw_and_delete(publish: Publish) -> None:
    kept = publish("乡村振兴，乡村振兴")
    withdrawn = publish("乡村建设")
    assert counts("乡村", "振兴", "建设", "#documents") == {
        "乡村": 2,
        "振兴": 1,
        "建设": 1,
        "#documents": 2,
    }

    withdrawn.state = LibraryState.WITHDRAWN
    withdrawn.save()
    search.index_document(withdrawn)
    assert counts("乡村", "建设", "#documents") == {"乡村": 1, "建设": 0, "#documents": 1}

    LibraryDocument.objects.filter(pk=kept.pk).delete()  # the index rows go by cascade
    assert counts("乡村", "振兴", "#documents") == {"乡村": 0, "振兴": 0, "#documents": 0}


def test_the_counts_roll_back_with_the_writing_transaction(publish: Publish) -> None:
    publish("乡村振兴")

    with pytest.raises(RuntimeError), transaction.atomic():
        publish("乡村建设")
        raise RuntimeError

    assert counts("乡村", "建设", "#documents") == {"乡村": 1, "建设": 0, "#documents": 1}


def test_a_rebuild_counts_afresh(publish: Publish) -> None:
    publish("乡村振兴")
    publish("乡村建设")
    with connection.cursor() as cursor:
        cursor.execute(f'UPDATE "{TABLE}" SET "documents" = 99')

    search.reindex_all()

    assert counts("乡村", "振兴", "#documents") == {"乡村": 2, "振兴": 1, "#documents": 2}
    # The trigger is on again after the rebuild.
    publish("乡村振兴")
    assert counts("振兴", "#documents") == {"振兴": 2, "#documents": 3}


@pytest.mark.parametrize("all_matches_factor", [4, 1], ids=["listed", "too many to list"])
def test_a_word_common_by_its_terms_is_newest_first_and_not_counted(
    publish: Publish, monkeypatch: pytest.MonkeyPatch, all_matches_factor: int
) -> None:
    # The whole library's newest documents hold the page: not counted. Filtered, the search
    # goes through all of it (a small library): counted, from a list of the matches or, when
    # there are more than that lists, newest first.
    monkeypatch.setattr(search, "RANK_LIMIT", 3)
    monkeypatch.setattr(postgresql, "EXACT_BOUND_FACTOR", 1)  # counted up to 3, not 60
    monkeypatch.setattr(postgresql, "ALL_MATCHES_FACTOR", all_matches_factor)
    documents = [publish(f"第{n}篇：乡村振兴") for n in range(8)]
    publish("别的内容")

    first = search.search_documents("乡村振兴", limit=2)
    last = search.search_documents("乡村振兴", limit=2, offset=6)
    filtered = search.search_documents(
        "乡村振兴", documents=LibraryDocument.objects.published(), limit=2
    )

    assert (first.ordered_by, first.total, first.capped, first.more) == (
        "newest",
        None,
        False,
        True,
    )
    assert [hit.document for hit in first.hits] == documents[::-1][:2]
    assert [hit.score for hit in first.hits] == [None, None]
    assert [hit.document for hit in last.hits] == documents[::-1][6:]
    assert (filtered.ordered_by, filtered.total, filtered.capped) == ("newest", 3, True)
    assert [hit.document for hit in filtered.hits] == documents[::-1][:2]


def test_a_word_common_by_its_terms_but_rare_itself_is_still_ranked(
    publish: Publish, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 乡村, 村振 and 振兴 are each in six documents, 乡村振兴 in two: the search finds that
    # out by searching the whole library, and ranks the two.
    monkeypatch.setattr(search, "RANK_LIMIT", 3)
    monkeypatch.setattr(postgresql, "EXACT_BOUND_FACTOR", 1)
    once, often = rare_word_among_its_pairs(publish)

    results = search.search_documents("乡村振兴")

    assert (results.ordered_by, results.total, results.capped) == ("relevance", 2, False)
    assert [hit.document for hit in results.hits] == [often, once]


def test_a_word_its_newest_documents_show_common_but_rare_in_all_is_still_ranked(
    publish: Publish, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 乡村, 村振 and 振兴 are each in 20 of 40 documents. One of the newest 8 holds 乡村振兴:
    # at that rate the library would hold 5, more than the cap of 3, so the whole library is
    # searched newest first without scoring. It holds only two: they are ranked after all.
    monkeypatch.setattr(search, "RANK_LIMIT", 3)
    monkeypatch.setattr(postgresql, "EXACT_BOUND_FACTOR", 1)
    monkeypatch.setattr(postgresql_newest, "_NEWEST_KEYS", {})
    often = publish("乡村振兴，乡村振兴")
    for number in range(31):
        publish("乡村建设，农村振作，产业振兴" if number < 18 else "别的内容")
    once = publish("乡村振兴")
    for _ in range(7):
        publish("别的内容")

    results = search.search_documents("乡村振兴", limit=1)
    second = search.search_documents("乡村振兴", limit=1, offset=1)

    assert (results.ordered_by, results.total, results.capped) == ("relevance", 2, False)
    assert [hit.document for hit in results.hits] == [often]
    assert [hit.document for hit in second.hits] == [once]


def test_a_two_character_word_is_counted_from_its_term(
    publish: Publish, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "RANK_LIMIT", 3)
    documents = [publish(f"第{n}篇：振兴") for n in range(5)]

    results = search.search_documents("振兴", limit=2)

    assert (results.ordered_by, results.total, results.capped) == ("newest", 3, True)
    assert [hit.document for hit in results.hits] == documents[::-1][:2]
    assert bodies(results) == ["第4篇：振兴", "第3篇：振兴"]


def test_counts_behind_the_index_never_hide_a_match(
    publish: Publish, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "RANK_LIMIT", 3)
    documents = [publish(f"第{n}篇：乡村振兴") for n in range(5)]
    with connection.cursor() as cursor:
        cursor.execute(f'UPDATE "{TABLE}" SET "documents" = 0')

    results = search.search_documents("乡村振兴", limit=2)

    assert results.ordered_by == "newest"
    assert [hit.document for hit in results.hits] == documents[::-1][:2]


def test_counts_behind_the_index_never_miscount_a_word_of_several_terms(
    publish: Publish, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The counts say no document holds 乡村, 村振 or 振兴; six do. Listing the documents
    # holding them stops past the cap, and the trigram index answers after all: two matches.
    monkeypatch.setattr(search, "RANK_LIMIT", 3)
    once, often = rare_word_among_its_pairs(publish)
    with connection.cursor() as cursor:
        cursor.execute(f'UPDATE "{TABLE}" SET "documents" = 0')

    results = search.search_documents("乡村振兴")

    assert (results.ordered_by, results.total, results.capped) == ("relevance", 2, False)
    assert [hit.document for hit in results.hits] == [often, once]


def test_a_word_of_rare_terms_is_checked_in_the_documents_holding_them(
    publish: Publish, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 乡村, 村振 and 振兴 are each in six documents, at most twice the cap of 3: those six are
    # listed and 乡村振兴 counted in each. Four hold the pairs apart and are left out.
    monkeypatch.setattr(search, "RANK_LIMIT", 3)
    once, often = rare_word_among_its_pairs(publish)
    publish("别的内容")

    results = search.search_documents("乡村振兴")
    filtered = search.search_documents(
        "乡村振兴", documents=LibraryDocument.objects.published().exclude(pk=once.pk)
    )

    assert (results.ordered_by, results.total, results.capped) == ("relevance", 2, False)
    assert [hit.document for hit in results.hits] == [often, once]
    assert [hit.document for hit in filtered.hits] == [often]


def test_a_word_of_several_terms_is_counted_from_its_own_text_and_ranked(
    publish: Publish, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 乡村, 村振 and 振兴 are each in seven of seventeen documents, 乡村振兴 in three: the
    # trigram index finds the three, and they are counted and ranked.
    monkeypatch.setattr(search, "RANK_LIMIT", 3)
    for _ in range(4):
        publish("乡村建设")
        publish("农村振作")
        publish("产业振兴")
    for _ in range(2):
        publish("别的内容")
    matches = [publish("乡村振兴" + "，乡村振兴" * times) for times in range(3)]

    results = search.search_documents("乡村振兴", limit=2)

    assert (results.ordered_by, results.total, results.capped) == ("relevance", 3, False)
    assert [hit.document for hit in results.hits] == matches[::-1][:2]


@pytest.mark.parametrize(
    "all_matches_factor",
    [4, 1],
    ids=["listed whole and sorted", "more than listed: paged in slices"],
)
def test_a_word_of_several_terms_more_common_than_the_cap_is_newest_first_and_counted(
    publish: Publish, monkeypatch: pytest.MonkeyPatch, all_matches_factor: int
) -> None:
    # Five matches, a cap of 3: listed whole up to 12 matches, past 3 when the factor is 1.
    monkeypatch.setattr(search, "RANK_LIMIT", 3)
    monkeypatch.setattr(postgresql, "ALL_MATCHES_FACTOR", all_matches_factor)
    documents = [publish(f"第{n}篇：乡村振兴") for n in range(5)]
    for _ in range(2):
        publish("别的内容")
    four_of_them = LibraryDocument.objects.published().filter(pk__in=[d.pk for d in documents[1:]])

    first = search.search_documents("乡村振兴", limit=2)
    last = search.search_documents("乡村振兴", limit=2, offset=4)
    filtered = search.search_documents("乡村振兴", documents=four_of_them, limit=2, offset=2)

    assert (first.ordered_by, first.total, first.capped) == ("newest", 3, True)
    assert [hit.document for hit in first.hits] == documents[::-1][:2]
    assert [hit.score for hit in first.hits] == [None, None]
    assert bodies(last) == ["第0篇：乡村振兴"]
    assert (filtered.ordered_by, filtered.total) == ("newest", 3)
    assert bodies(filtered) == ["第2篇：乡村振兴", "第1篇：乡村振兴"]


def test_a_long_document_among_few_matches_is_scored_over_its_parts(
    publish: Publish, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 乡村振兴's pairs are in more documents than the cap, the word in two, one of them a
    # document in several index rows (a small MAX_PART_BYTES): both are listed, then scored.
    monkeypatch.setattr(search, "RANK_LIMIT", 3)
    monkeypatch.setattr(postgresql, "MAX_PART_BYTES", 1500)
    rng = random.Random(3)
    filler = "".join(chr(rng.randrange(0x4E00, 0x4E00 + 2000)) for _ in range(600))
    for _ in range(4):
        publish("乡村建设，农村振作，产业振兴")
    short = publish("乡村振兴")
    long = publish("乡村振兴，" + filler + "，乡村振兴。")
    assert len(postgresql.parts_of(entry_of(long))) > 1

    results = search.search_documents("乡村振兴")

    assert (results.ordered_by, results.total) == ("relevance", 2)
    assert {hit.document for hit in results.hits} == {short, long}
    assert all(hit.score for hit in results.hits)


def test_the_trigram_index_answers_a_word_of_several_terms(publish: Publish) -> None:
    publish("乡村振兴")
    words = parse_query("乡村振兴")
    sql, params = postgresql.PostgreSQLBackend().matches('s."document_id"', [], words, None)

    with steered(), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert f"{ENTRIES}_text" in plan
