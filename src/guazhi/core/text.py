"""Text helpers: pinyin keys for sorting and initials search (zs finds 张三), and lists joined
the way the reader's language writes them (甲、乙 in Chinese, "a, b" in English)."""

import re
from collections.abc import Iterable

from django.utils.translation import pgettext
from pypinyin import Style, lazy_pinyin

# Surnames read differently from the same character in ordinary words (单 shàn, not dān).
SURNAME_READINGS = {
    "万俟": ["mo", "qi"],
    "尉迟": ["yu", "chi"],
    "长孙": ["zhang", "sun"],
    "单": ["shan"],
    "曾": ["zeng"],
    "解": ["xie"],
    "仇": ["qiu"],
    "区": ["ou"],
    "朴": ["piao"],
    "查": ["zha"],
    "乐": ["yue"],
    "繁": ["po"],
    "盖": ["ge"],
    "缪": ["miao"],
    "覃": ["qin"],
    "翟": ["zhai"],
    "召": ["shao"],
    "种": ["chong"],
    "员": ["yun"],
    "秘": ["bi"],
    "折": ["she"],
    "隗": ["wei"],
    "那": ["na"],
    "阚": ["kan"],
    "哈": ["ha"],
    "句": ["gou"],
    "能": ["nai"],
}


def name_syllables(name: str) -> list[str]:
    """Pinyin syllables of a person's name, with surname readings applied."""
    name = name.strip()
    for length in (2, 1):
        surname = name[:length]
        if len(name) > length and surname in SURNAME_READINGS:
            return SURNAME_READINGS[surname] + _syllables(name[length:])
    return _syllables(name)


def text_syllables(text: str) -> list[str]:
    return _syllables(text.strip())


# Runs of letters or digits. pypinyin passes non-Chinese text through unchanged, so the middle
# dot of minority names (买买提·艾力) or a hyphen would otherwise become a "syllable".
_WORD = re.compile(r"[^\W_]+")


def _syllables(text: str) -> list[str]:
    return [
        word
        for token in lazy_pinyin(text, style=Style.NORMAL, errors="default")
        for word in _WORD.findall(token.lower())
    ]


def pinyin_key(syllables: list[str]) -> str:
    """Sort key: syllables joined by spaces, so 张三 (zhang san) sorts before 张珊珊."""
    return " ".join(syllables)


def initials(syllables: list[str]) -> str:
    return "".join(s[0] for s in syllables if s and s[0].isalnum())


def join_list(items: Iterable[object]) -> str:
    """Items of a list in running text: 汉族、回族 in Chinese, "Han, Hui" in English."""
    return pgettext("list separator", "、").join(str(item) for item in items)


def join_clauses(items: Iterable[object]) -> str:
    """Clauses of one line of text: 日期: 2027-01-01；说明: 元旦 in Chinese, "; " in English."""
    return pgettext("clause separator", "；").join(str(item) for item in items)


def ascii_number(text: str) -> int | None:
    """`text` as a whole number when it is written in ASCII digits only ("12"), else None.

    For numbers read from requests and files: str.isdigit() also says yes to "²" (int() then
    raises) and to other scripts' digits ("١٢", which int() reads as 12); and int() refuses
    more digits than sys.int_max_str_digits (4,300)."""
    if not (text.isascii() and text.isdigit()):
        return None
    try:
        return int(text)
    except ValueError:
        return None
