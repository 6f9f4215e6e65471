"""Keywords of a library document, extracted with jieba's TF-IDF and kept as LibraryKeyword rows.

A keyword is a Chinese word of two characters or more that says what the document is about:
nouns and verbal nouns (乡村振兴, 网格化, 招商引资), never a number, a stop word of summaries
(工作, 同志, 挂职: every document has them) or a placeholder of anonymisation (某镇, 甲同志),
which would send readers to every anonymised document at once.

jieba is loaded once per process into a tokenizer of our own (as matching/text.py does): words
other code adds to jieba's shared dictionary must not change our keywords.
"""

import re
import threading
import warnings
from typing import Any

from django.db import transaction

from guazhi.summaries.models import LibraryDocument, LibraryKeyword
from guazhi.summaries.services.anonymise import GENERIC_UNIT, LETTERS, PERSON_SUFFIX, UNIT_SUFFIXES

TOP_K = 8
KEYWORD_MAX_LENGTH = 20  # LibraryKeyword.keyword's max_length
MAX_KEYWORDS = 12  # what an editor may keep
# Parts of speech that name a subject: nouns, verbal nouns, idioms, proper nouns of places and
# organisations (kept only when not anonymised away).
ALLOWED_POS = ("n", "vn", "nz", "nt", "ns", "l", "i")
CHINESE_WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$")
STOPWORDS = frozenset(
    {
        "工作",
        "同志",
        "挂职",
        "干部",
        "挂职干部",
        "挂职锻炼",
        "锻炼",
        "期间",
        "情况",
        "基本情况",
        "主要工作",
        "心得体会",
        "存在不足",
        "下一步",
        "打算",
        "下一步打算",
        "总结",
        "进一步",
        "开展",
        "加强",
        "推进",
        "推动",
        "做好",
        "认真",
        "积极",
        "不断",
        "方面",
        "问题",
        "我们",
        "自己",
        "本人",
        "一年",
        "时间",
        "单位",
        "领导",
        "有关",
        "相关",
        "组织",
        "通过",
        "进行",
        "实现",
        "提高",
        "发展",
        "能力",
        "工作人员",
        "负责",
        "分管",
        "协助",
        "参与",
        "全面",
        "深入",
        "期满",
        "阶段",
        # Titles and bodies every summary names: they say who, not what about.
        "书记",
        "副书记",
        "党委书记",
        "党委副书记",
        "镇长",
        "副镇长",
        "乡长",
        "科长",
        "主任",
        "组长",
        "党委",
        "政府",
        "组织部",
        "人民政府",
    }
)
# What anonymisation writes (services.anonymise): anything with 某, and a letter followed by
# 同志 or a unit's kind (甲同志, 乙镇, 丙村委会). Kept out of the keywords even when a document
# is edited after the names were replaced.
PLACEHOLDER = re.compile(
    "某|^["
    + LETTERS
    + "](?:"
    + "|".join(re.escape(kind) for kind in (PERSON_SUFFIX, GENERIC_UNIT, *UNIT_SUFFIXES))
    + ")"
)

# What anonymisation writes, found in running text when the mapping is not at hand (an edited
# document): 某 + a kind, and a letter + 同志 (a letter + a unit's kind is too like real words).
PLACEHOLDER_IN_TEXT = re.compile(
    "某(?:"
    + "|".join(re.escape(kind) for kind in (PERSON_SUFFIX, GENERIC_UNIT, *UNIT_SUFFIXES))
    + ")|["
    + LETTERS
    + "]"
    + PERSON_SUFFIX
)

_lock = threading.Lock()
_extractor: Any = None


def _tfidf() -> Any:
    """jieba's TF-IDF extractor on a tokenizer of our own, made once per process."""
    global _extractor
    with _lock:
        if _extractor is None:
            # jieba opens its IDF file without closing it: a ResourceWarning at import, which
            # says nothing about our code.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ResourceWarning)
                import jieba
                import jieba.analyse
                import jieba.posseg

                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                extractor = jieba.analyse.TFIDF()
            extractor.tokenizer = tokenizer
            extractor.postokenizer = jieba.posseg.POSTokenizer(tokenizer)
            _extractor = extractor
        return _extractor


def _acceptable(word: str, placeholders: set[str]) -> bool:
    return (
        bool(CHINESE_WORD.match(word))
        and len(word) <= KEYWORD_MAX_LENGTH
        and word not in STOPWORDS
        and not PLACEHOLDER.search(word)
        and not any(placeholder in word for placeholder in placeholders)
    )


def extract_keywords(
    text: str, *, placeholders: set[str] | frozenset[str] = frozenset(), limit: int = TOP_K
) -> list[str]:
    """The `limit` words of `text` that best say what it is about (TF-IDF), best first."""
    if not text.strip():
        return []
    wanted = set(placeholders)
    # Placeholders out of the text before it is cut: jieba would glue their letters to the
    # words beside them (甲同志和乙同志 gives 和乙).
    if wanted:
        known = re.compile("|".join(re.escape(p) for p in sorted(wanted, key=len, reverse=True)))
        text = known.sub("，", text)
    text = PLACEHOLDER_IN_TEXT.sub("，", text)
    extractor = _tfidf()
    with _lock:  # jieba's tokenizers are not safe to share between threads mid-cut
        candidates = extractor.extract_tags(text, topK=limit * 4, allowPOS=ALLOWED_POS)
    found: list[str] = []
    for word in candidates:
        if _acceptable(word, wanted) and word not in found:
            found.append(word)
        if len(found) == limit:
            break
    return found


def clean_keywords(raw: str | list[str]) -> list[str]:
    """An editor's keywords: split on spaces, commas, 、 and semicolons; each trimmed, repeats
    dropped. Neither cut nor counted here: a word too long or one too many is refused by the
    service (library_update), naming the field, rather than dropped without a word."""
    parts = re.split(r"[\s,，、;；]+", raw) if isinstance(raw, str) else raw
    found: list[str] = []
    for part in parts:
        word = part.strip()
        if word and word not in found:
            found.append(word)
    return found


def keywords_replace(document: LibraryDocument, keywords: list[str]) -> None:
    """Make `keywords` the document's keyword rows, in order (inside the caller's transaction)."""
    with transaction.atomic():
        LibraryKeyword.objects.filter(document=document).delete()
        LibraryKeyword.objects.bulk_create(
            LibraryKeyword(document=document, position=position, keyword=keyword)
            for position, keyword in enumerate(keywords, 1)
        )


def document_keywords(document: LibraryDocument) -> list[str]:
    return list(
        LibraryKeyword.objects.filter(document=document)
        .order_by("position")
        .values_list("keyword", flat=True)
    )
