"""PostgreSQL's newest-first search: how far it looks after a slice of the newest documents
held too few matches for the page (postgresql_newest.next_slice). A pure decision: what the
reader gets is the same either way (test_search_term_counts.py), only how much is read differs.
"""

from guazhi.summaries.search.postgresql_newest import next_slice

LIBRARY = 100_000
PAGE = 21  # a page of 20 and one more, to know whether another follows


def test_a_common_word_found_too_rarely_searches_a_larger_slice() -> None:
    # 3 matches in the newest 500: about 600 in the library, and a slice of 7,000 holds the
    # page. Reading 7,000 sort keys costs less than checking 600 texts.
    assert next_slice(500, 3, PAGE, LIBRARY) == 7_000


def test_a_word_found_in_few_documents_after_all_searches_the_whole_library() -> None:
    # 三百斤: its pairs say at most 2,055 documents, 4 in the newest 2,044 say about 200.
    # Checking those 200 texts costs less than the 21,462 sort keys of a slice to hold the page.
    assert next_slice(2_044, 4, PAGE, LIBRARY) is None


def test_nothing_found_grows_the_slice_tenfold_while_the_word_may_still_be_common() -> None:
    assert next_slice(100, 0, PAGE, LIBRARY) == 1_000
    assert next_slice(2_000, 0, PAGE, LIBRARY) is None  # at most some 50 in the library


def test_a_slice_of_a_quarter_of_the_library_or_more_is_the_whole_library() -> None:
    # 10 matches in the newest 1,200 of 20,000: a slice to hold the page would be 5,040.
    assert next_slice(1_200, 10, PAGE, 20_000) is None
    assert next_slice(1_100, 10, PAGE, 20_000) == 4_620
