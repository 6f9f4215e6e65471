"""The library's search index: what a reader finds, on SQLite and on PostgreSQL alike.

Documents are written straight into the database and indexed with index_document, as the
library's services do inside their transactions.
"""

import random
import re

import pytest
from django.db import connection, transaction

from guazhi.core.search import normalise
from guazhi.core.search.terms import CJK
from guazhi.summaries import search
from guazhi.summaries.models import (
    LibraryDocument,
    LibraryKeyword,
    LibrarySearchEntry,
    LibraryState,
)
from guazhi.summaries.search import postgresql
from guazhi.summaries.search.entries import entry_of
from tests.summaries.indexing import Publish

pytestmark = pytest.mark.django_db


def everything() -> "object":
    return LibraryDocument.objects.filter(state=LibraryState.PUBLISHED)


def found(query: str, documents: object = None) -> list[str]:
    """Bodies of the hits; without `documents` over the whole published library (the library
    page's search without filters: no per-match check)."""
    results = search.search_documents(query, documents=documents, limit=1000)
    return sorted(hit.document.sections[0]["body"] for hit in results.hits)


def test_simplified_finds_traditional_and_the_reverse(publish: Publish) -> None:
    publish("年度工作總結已經完成")
    publish("年度工作总结已经完成")
    publish("年度工作小结")

    assert found("总结") == ["年度工作总结已经完成", "年度工作總結已經完成"]
    assert found("總結") == ["年度工作总结已经完成", "年度工作總結已經完成"]
    assert found("总") == ["年度工作总结已经完成", "年度工作總結已經完成"]


def test_words_of_one_to_four_characters(publish: Publish) -> None:
    publish("推进乡村振兴战略")
    publish("振兴老工业基地")
    publish("乡村道路硬化")

    assert found("兴") == ["振兴老工业基地", "推进乡村振兴战略"]
    assert found("乡村") == ["乡村道路硬化", "推进乡村振兴战略"]
    assert found("村振兴") == ["推进乡村振兴战略"]
    assert found("乡村振兴") == ["推进乡村振兴战略"]
    assert found("兴战略") == ["推进乡村振兴战略"]
    # Every character there, not in this order: no hit.
    assert found("振兴乡村") == []
    assert found("略") == ["推进乡村振兴战略"]


def test_every_word_must_be_found(publish: Publish) -> None:
    publish("乡村振兴与基层党建")
    publish("乡村振兴")
    publish("基层党建")

    assert found("乡村振兴 基层党建") == ["乡村振兴与基层党建"]
    assert found("基层党建　乡村") == ["乡村振兴与基层党建"]  # a full-width space separates too
    assert found("乡村振兴 无此词") == []


def test_a_word_never_matches_across_punctuation_or_a_line_break(publish: Publish) -> None:
    publish("做好工作。总结经验")
    publish("做好工作\n总结经验")
    publish("做好工作总结经验")

    assert found("作总") == ["做好工作总结经验"]
    assert found("工作总结") == ["做好工作总结经验"]
    # Punctuation typed inside a word stands for any separator between the same two runs.
    assert found("工作，总结") == ["做好工作\n总结经验", "做好工作。总结经验"]


def test_letters_and_digits_are_whole_words_in_any_case(publish: Publish) -> None:
    publish("用Excel表格统计2024年数据")
    publish("Excels 不是一个词")
    publish("用 excel 表格")

    assert found("excel") == ["用 excel 表格", "用Excel表格统计2024年数据"]
    assert found("ＥＸＣＥＬ表格") == ["用 excel 表格", "用Excel表格统计2024年数据"]
    assert found("2024年") == ["用Excel表格统计2024年数据"]
    assert found("202") == []


def test_punctuation_between_letters_and_chinese_counts_spaces_do_not(publish: Publish) -> None:
    publish("导出excel。表格")
    publish("导出 Excel 表格")
    publish("导出Excel表格")

    assert found("excel表格") == ["导出 Excel 表格", "导出Excel表格"]
    assert found("excel，表格") == ["导出excel。表格"]
    assert found("出excel") == ["导出 Excel 表格", "导出Excel表格", "导出excel。表格"]
    assert found("出excel。") == ["导出 Excel 表格", "导出Excel表格", "导出excel。表格"]


def test_a_word_never_runs_on_from_the_text_into_its_grams(publish: Publish) -> None:
    # A column's terms in order, then its grams (SQLite: positions; PostgreSQL: none at all):
    # the text's last word is not followed by its first gram.
    publish("表格统计用excel", heading="")
    publish("表格统计用excel，表", heading="")

    assert found("excel表") == []
    assert found("excel，表") == ["表格统计用excel，表"]
    assert found("表格统") == ["表格统计用excel", "表格统计用excel，表"]


@pytest.mark.postgres
def test_a_search_leaves_the_planner_settings_as_they_were(publish: Publish) -> None:
    publish("乡村振兴")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = on")

        assert search.search_documents("乡村振兴", documents=everything()).total == 1

        cursor.execute(
            "SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan')"
        )
        assert cursor.fetchone() == ("on", "on")


def test_title_headings_and_keywords_are_searched(publish: Publish) -> None:
    publish("正文没有", title="驻村第一书记的一年")
    publish("正文没有", heading="产业发展篇")
    publish("正文没有", keywords=("电商扶贫",))
    publish("正文没有")

    assert len(found("第一书记")) == 1
    assert len(found("产业发展")) == 1
    assert len(found("电商")) == 1
    # Words in different parts of one document: still a hit.
    assert len(found("第一书记 正文")) == 1


def test_query_syntax_is_only_text(publish: Publish) -> None:
    publish('他说"乡村振兴" AND 基层 OR 党建 NOT 治理 NEAR 合作*')
    publish("乡村振兴")

    for query in [
        '"乡村',
        "乡村*",
        "AND",
        "NEAR(乡村",
        "OR 乡村",
        "乡村 -治理",
        "^乡村",
        "title:乡村",
        "乡村' | '振兴",
        "乡村:*",
        "乡村 <-> 振兴",
        "(乡村",
        "!乡村",
        "\\",
    ]:
        results = search.search_documents(query, documents=everything())
        assert isinstance(results.total, int), query
    assert found('"乡村振兴"') == [
        "乡村振兴",
        '他说"乡村振兴" AND 基层 OR 党建 NOT 治理 NEAR 合作*',
    ]
    assert found("NOT 治理") == ['他说"乡村振兴" AND 基层 OR 党建 NOT 治理 NEAR 合作*']
    assert found("乡村 -治理") == ['他说"乡村振兴" AND 基层 OR 党建 NOT 治理 NEAR 合作*']


@pytest.mark.parametrize("query", ["", "   ", "，。！", "\n"])
def test_a_query_without_words_gives_empty_results(publish: Publish, query: str) -> None:
    publish("乡村振兴")

    results = search.search_documents(query, documents=everything())

    assert (results.hits, results.total, results.words, results.capped) == ([], 0, [], False)


def test_only_the_documents_given_are_searched(publish: Publish) -> None:
    old = publish("乡村振兴", year=2024)
    publish("乡村振兴", year=2025)

    results = search.search_documents("乡村振兴", documents=everything().filter(year=2024))

    assert [hit.document for hit in results.hits] == [old]
    assert results.total == 1


def test_publish_edit_withdraw_and_delete_keep_the_index_in_step(publish: Publish) -> None:
    document = publish("乡村振兴", state=LibraryState.AWAITING_APPROVAL)
    assert found("乡村振兴") == []

    document.state = LibraryState.PUBLISHED
    document.save(update_fields=["state"])
    search.index_document(document)
    assert found("乡村振兴") == ["乡村振兴"]

    document.sections = [{"heading": "主要工作", "body": "基层党建"}]
    document.save(update_fields=["sections"])
    search.index_document(document)
    assert found("乡村振兴") == []
    assert found("基层党建") == ["基层党建"]

    document.state = LibraryState.WITHDRAWN
    document.save(update_fields=["state"])
    search.index_document(document)
    assert found("基层党建") == []
    assert LibrarySearchEntry.objects.count() == 0

    document.state = LibraryState.PUBLISHED
    document.save(update_fields=["state"])
    search.index_document(document)
    assert found("基层党建") == ["基层党建"]

    LibraryKeyword.objects.filter(document=document).delete()
    document.delete()
    assert LibrarySearchEntry.objects.count() == 0
    assert search.search_documents("基层党建", documents=LibraryDocument.objects.all()).total == 0


def test_unindex_document_removes_it(publish: Publish) -> None:
    document = publish("乡村振兴")

    search.unindex_document(document.pk)
    search.unindex_document(document.pk)  # twice: nothing left to remove, no error

    assert found("乡村振兴") == []


def test_indexing_rolls_back_with_the_writing_transaction(publish: Publish) -> None:
    document = publish("乡村振兴")

    with pytest.raises(RuntimeError), transaction.atomic():
        document.sections = [{"heading": "主要工作", "body": "基层党建"}]
        document.save(update_fields=["sections"])
        search.index_document(document)
        assert found("基层党建") == ["基层党建"]
        raise RuntimeError("the service failed after indexing")

    document.refresh_from_db()
    assert found("乡村振兴") == ["乡村振兴"]
    assert found("基层党建") == []


def test_the_test_flush_empties_the_index(publish: Publish) -> None:
    from django.core.management.color import no_style

    publish("乡村振兴")
    tables = [LibrarySearchEntry._meta.db_table]

    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables))

    assert found("乡村振兴") == []
    other = publish("乡村振兴")  # the index still works after it
    assert [
        hit.document for hit in search.search_documents("乡村", documents=everything()).hits
    ] == [other]


def test_reindex_all_rebuilds_the_index_from_published_documents(publish: Publish) -> None:
    publish("乡村振兴")
    publish("乡村振兴", state=LibraryState.WITHDRAWN)
    publish("基层党建")
    LibrarySearchEntry.objects.all().delete()
    assert found("乡村振兴") == []

    assert search.reindex_all() == 2

    assert found("乡村振兴") == ["乡村振兴"]
    assert found("党建") == ["基层党建"]


def test_few_matches_are_ranked_by_relevance_title_first(publish: Publish) -> None:
    body_once = publish("乡村振兴一词出现一次，其余都是别的内容" * 3)
    body_often = publish("乡村振兴、乡村振兴、乡村振兴，讲的就是乡村振兴")
    title = publish("别的内容", title="乡村振兴的实践")

    results = search.search_documents("乡村振兴", documents=everything())

    assert results.ordered_by == "relevance"
    assert [hit.document for hit in results.hits] == [title, body_often, body_once]
    scores = [hit.score for hit in results.hits]
    assert scores == sorted(scores, reverse=True)  # type: ignore[type-var]
    assert (results.total, results.capped) == (3, False)


def test_many_matches_are_newest_first_and_counted_up_to_the_limit(
    publish: Publish, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "RANK_LIMIT", 3)
    documents = [publish(f"第{n}篇：乡村振兴") for n in range(5)]
    publish("别的内容")

    first = search.search_documents("乡村振兴", documents=everything(), limit=2)
    second = search.search_documents("乡村振兴", documents=everything(), limit=2, offset=2)

    assert first.ordered_by == "newest"
    assert (first.total, first.capped) == (3, True)
    assert [hit.document for hit in first.hits + second.hits] == documents[::-1][:4]
    assert [hit.score for hit in first.hits] == [None, None]


def test_snippets_mark_the_words_found(publish: Publish) -> None:
    publish("开头" * 40 + "我們在村裡推進鄉村振興，<b>成效</b>明顯" + "结尾" * 60)

    hit = search.search_documents("乡村振兴 成效", documents=everything()).hits[0]

    # 30 characters before the first word, 120 in all.
    assert str(hit.snippet) == (
        "…头" + "开头" * 11 + "我們在村裡推進"
        "<mark>鄉村振興</mark>，&lt;b&gt;<mark>成效</mark>&lt;/b&gt;明顯" + "结尾" * 37 + "…"
    )


def test_highlight_marks_every_word_in_the_whole_text() -> None:
    marked = search.highlight("總結<經驗>，总结教训", "总结 经验")

    assert str(marked) == "<mark>總結</mark>&lt;<mark>經驗</mark>&gt;，<mark>总结</mark>教训"


def test_a_long_document_is_found_everywhere(publish: Publish) -> None:
    # Past 16,383 positions, and a bigram more than 256 times: the limits of one tsvector.
    body = "工作扎实，" * 3000 + "结尾处的独特词语"
    publish(body, title="长文")
    publish("工作扎实")

    assert len(found("独特词语")) == 1
    assert len(found("独特词语 工作扎实")) == 1
    assert len(found("长文 独特词语")) == 1
    assert len(found("扎实，工作")) == 1
    assert len(found("工作扎实")) == 2


def test_a_document_too_big_for_one_index_row_is_found_everywhere(
    publish: Publish, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PostgreSQL splits a document whose terms pass a tsvector's 1 MB into overlapping parts,
    # and cuts a run of 20,000 characters without punctuation; small limits make these few
    # thousand characters such a document.
    monkeypatch.setattr(postgresql, "MAX_PART_BYTES", 1500)
    monkeypatch.setattr(postgresql, "MAX_RUN", 300)
    rng = random.Random(7)
    alphabet = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"
    sentences = "".join(
        "".join(rng.choice(alphabet) for _ in range(rng.randint(5, 12))) + "，" for _ in range(150)
    )
    run = "".join(rng.choice(alphabet) for _ in range(1000))
    text = sentences[:900] + "开头的词。" + sentences[900:] + run + "中间的词" + run + "结尾的词"
    long = publish(text, title="长文")
    publish("开头的词")
    assert len(postgresql.parts_of(entry_of(long))) > 3

    assert len(found("结尾的词")) == 1
    assert len(found("开头的词 结尾的词")) == 1
    assert len(found("长文 中间的词 结尾的词")) == 1
    assert len(found("开头的词")) == 2
    assert found("结尾的词 无此词") == []
    # Every piece of the text, wherever the parts were cut.
    text = normalise(text)
    for start in range(0, len(text) - 8, 23):
        assert len(found(text[start : start + 8])) == 1, start


VOCABULARY = [
    "乡村",
    "振兴",
    "基层",
    "党建",
    "治理",
    "产业",
    "发展",
    "群众",
    "工作",
    "总结",
    "经验",
    "调研",
    "會議",
    "幹部",
    "學習",
    "組織",
    "農業",
    "項目",
    "服務",
    "扶貧",
    "合作社",
    "电商",
    "村级",
    "集体",
    "经济",
    "人居",
    "环境",
    "整治",
    "网格",
    "化",
    "的",
    "了",
    "和",
    "在",
]
PUNCTUATION = ["，", "。", "、", "\n", "；", " ", ""]


def test_no_word_is_missed_compared_with_a_substring_search(publish: Publish) -> None:
    rng = random.Random(5)
    bodies = []
    for _ in range(300):
        words = [
            rng.choice(VOCABULARY) + rng.choice(PUNCTUATION) for _ in range(rng.randint(3, 40))
        ]
        bodies.append("".join(words))
        publish(bodies[-1], title="文档", heading="")
    normalised = [normalise(body) for body in bodies]
    queries = set()
    for body in rng.sample(normalised, 60):
        runs = re.findall(f"[{CJK}]+", body)
        for run in rng.sample(runs, min(3, len(runs))):
            for length in (1, 2, 3, 4, 5, 6):
                if len(run) >= length:
                    start = rng.randrange(len(run) - length + 1)
                    queries.add(run[start : start + length])
    assert len(queries) > 100

    for query in sorted(queries):
        expected = sorted(
            body for body, text in zip(bodies, normalised, strict=True) if normalise(query) in text
        )
        assert found(query) == expected, query


def test_migrate_rebuilds_an_index_emptied_by_a_change_of_analysis(publish: Publish) -> None:
    from django.core.management.sql import emit_post_migrate_signal

    publish("乡村振兴")
    publish("基层党建", state=LibraryState.WITHDRAWN)
    LibrarySearchEntry.objects.all().delete()  # what migration 0005 does

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert found("乡村振兴") == ["乡村振兴"]
    assert found("党建") == []
    # An index that holds something is left alone.
    assert search.rebuild_a_missing_index() is None


def test_the_reindex_library_command_rebuilds_the_index(publish: Publish) -> None:
    from io import StringIO

    from django.core.management import call_command

    publish("乡村振兴")
    LibrarySearchEntry.objects.all().delete()
    output = StringIO()

    call_command("reindex_library", stdout=output)

    assert output.getvalue() == "indexed documents: 1\n"
    assert found("乡村振兴") == ["乡村振兴"]
