"""Keywords of library documents: jieba's TF-IDF words of two or more Chinese characters, never
a stop word of summaries, a number or a placeholder of anonymisation; an editor's list cleaned."""

from guazhi.summaries.services.keywords import STOPWORDS, clean_keywords, extract_keywords

TEXT = (
    "某同志挂职锻炼期满总结\n一、主要工作\n"
    "挂职期间，我协助分管乡村振兴和基层党建工作。推动某村成立茶叶专业合作社，发展茶叶种植1200亩，"
    "带动农户增收。建立网格化管理机制，化解矛盾纠纷36件。引进农产品加工项目2个，茶叶加工厂年产值"
    "300万元。\n二、心得体会\n扎根基层、服务群众，才能把乡村振兴政策落到实处。甲同志在茶叶产业上"
    "给予了很多指导。"
)


def test_the_words_that_say_what_a_summary_is_about_best_first() -> None:
    keywords = extract_keywords(TEXT)

    assert keywords == ["茶叶", "基层", "乡村", "网格化", "化解矛盾", "年产值", "管理机制", "扎根"]
    assert not set(keywords) & STOPWORDS


def test_placeholders_numbers_and_single_characters_are_never_keywords() -> None:
    text = "甲同志和乙同志在甲镇、乙镇和某村调研。1200 亩 茶 甲镇 甲镇 乙镇 某村 乙同志"

    keywords = extract_keywords(text, placeholders={"甲同志", "乙同志", "甲镇", "乙镇", "某村"})

    assert keywords == ["调研"]


def test_an_empty_text_has_no_keywords() -> None:
    assert extract_keywords("  \n") == []


def test_an_editors_keywords_are_split_trimmed_and_kept_once() -> None:
    assert clean_keywords("茶叶、 合作社，茶叶  乡村振兴;网格化") == [
        "茶叶",
        "合作社",
        "乡村振兴",
        "网格化",
    ]
    # Not cut to the limit: the service refuses one too many, naming the field.
    assert len(clean_keywords(" ".join(f"词{n}" for n in range(20)))) == 20
