"""Search analysis without a database: normalisation, index terms, queries, highlighting."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guazhi.core.search import (
    GAP,
    gram_terms,
    highlight_words,
    index_terms,
    normalise,
    parse_query,
    snippet,
)


def test_normalise_folds_traditional_width_and_case() -> None:
    assert normalise("總結經驗") == "总结经验"
    assert normalise("ＡＢＣ１２３　Excel") == "abc123 excel"
    # One character at a time: 乾 becomes 干 in every context, the query's and the text's.
    assert normalise("乾隆") == "干隆"
    assert normalise("乾") == "干"


@given(st.text(alphabet="總結经验乾隆發髮ＡBc１，。 \nİﬁ①⑴㈱\U00020000\U0002f800", max_size=30))
def test_normalise_commutes_with_cutting_the_text(text: str) -> None:
    # What makes "no false misses" hold: any piece of a text normalises to the matching piece
    # of the normalised text.
    whole = normalise(text)
    pieces = "".join(normalise(character) for character in text)
    assert whole == pieces


def test_index_terms_are_bigrams_with_each_run_s_last_character() -> None:
    assert index_terms("工作总结") == ["工作", "作总", "总结", "结"]
    assert index_terms("工作，总结") == ["工作", "作", "总结", "结"]
    assert index_terms("党") == ["党"]
    assert index_terms("用excel表格 2024年") == ["用", "excel", "表格", "格", "2024", "年"]
    # Punctuation between a CJK run and a word leaves a gap; spaces do not.
    assert index_terms("excel。表格") == ["excel", GAP, "表格", "格"]
    assert index_terms("excel 表格") == ["excel", "表格", "格"]


def test_the_grams_are_every_three_and_four_characters_of_each_run() -> None:
    assert gram_terms("工作总结会") == ["工作总", "作总结", "总结会", "工作总结", "作总结会"]
    # Not across punctuation or into letters; a run of two characters has none.
    assert gram_terms("工作，总结会 excel表格") == ["总结会"]


def test_query_words_are_phrases_of_their_terms() -> None:
    words = parse_query("总结  总 工作总结 Excel表 工作，总结 工作总结会")

    assert [(w.text, w.terms, w.prefix, w.gram) for w in words] == [
        ("总结", ("总结",), False, None),
        ("总", ("总",), True, None),
        # Three or four characters: also one term where grams are indexed.
        ("工作总结", ("工作", "作总", "总结"), False, "工作总结"),
        ("Excel表", ("excel", "表"), True, None),
        ("工作，总结", ("工作", "作", "总结"), False, None),
        ("工作总结会", ("工作", "作总", "总结", "结会"), False, None),
    ]


def test_query_words_are_counted_once_and_punctuation_alone_is_no_word() -> None:
    words = parse_query("总结 總結 ， 。。 总结")

    assert [word.text for word in words] == ["总结"]
    assert parse_query("  ，。！  ") == []


def test_query_operators_are_words_like_any_other() -> None:
    words = parse_query('AND "乡村 OR* NEAR(振兴)')

    assert [word.terms for word in words] == [("and",), ("乡村",), ("or",), ("near", GAP, "振兴")]


def test_highlight_marks_traditional_text_for_a_simplified_query() -> None:
    marked = highlight_words("本年度工作總結：<總結>", parse_query("总结"))

    assert str(marked) == "本年度工作<mark>總結</mark>：&lt;<mark>總結</mark>&gt;"


def test_highlight_marks_whole_words_only_for_letters() -> None:
    marked = highlight_words("Excel 与 Excels，EXCEL表格", parse_query("excel"))

    assert str(marked) == "<mark>Excel</mark> 与 Excels，<mark>EXCEL</mark>表格"


def test_highlight_maps_characters_that_fold_to_several_back() -> None:
    # ㈱ folds to "(株)": the marks fall on the original characters around it.
    marked = highlight_words("㈱总结㈱", parse_query("总结"))

    assert str(marked) == "㈱<mark>总结</mark>㈱"


def test_highlight_does_not_mark_across_punctuation() -> None:
    assert str(highlight_words("工作。总结", parse_query("作总"))) == "工作。总结"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("短文没有这个词", "短文没有这个词"),
        ("前" * 10 + "总结" + "后" * 10, "前" * 10 + "<mark>总结</mark>" + "后" * 10),
        ("前" * 50 + "总结" + "后" * 200, "…" + "前" * 30 + "<mark>总结</mark>" + "后" * 88 + "…"),
        ("第一行\n\n总结", "第一行 <mark>总结</mark>"),
    ],
)
def test_snippet_cuts_around_the_first_word_found(text: str, expected: str) -> None:
    assert str(snippet(text, parse_query("总结"))) == expected


@pytest.mark.parametrize(
    ("text", "query", "expected"),
    [
        # Written in Traditional characters, searched in Simplified.
        (
            "前" * 200 + "工作總結" + "後" * 200,
            "总结",
            "…" + "前" * 28 + "工作<mark>總結</mark>" + "後" * 88 + "…",
        ),
        # Full-width and upper-case letters, searched in lower case.
        ("用ＥＸＣＥＬ表格统计", "excel", "用<mark>ＥＸＣＥＬ</mark>表格统计"),
        # A word far into a long text, after a place where only its characters apart occur.
        (
            "总。结" + "文" * 3000 + "总结" + "尾" * 200,
            "总结",
            "…" + "文" * 30 + "<mark>总结</mark>" + "尾" * 88 + "…",
        ),
    ],
)
def test_snippet_finds_the_word_however_it_is_written(text: str, query: str, expected: str) -> None:
    assert str(snippet(text, parse_query(query))) == expected


def test_snippet_of_a_text_without_the_word_is_its_beginning() -> None:
    # The word is only in the title: the snippet opens the body, nothing marked.
    text = "工作" * 100

    assert str(snippet(text, parse_query("总结"))) == "工作" * 60 + "…"
