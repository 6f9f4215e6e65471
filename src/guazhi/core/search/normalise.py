"""Search normalisation: Traditional→Simplified, width and compatibility folding, lower case.

Every character is normalised on its own, never by context, so a word and any text it occurs
in normalise alike: normalise(text)[i:j] is always the normal form of the matching piece of
`text`. That is what makes "总结 finds 總結" exact. OpenCC's phrase tables (乾隆 stays 乾隆,
乾燥 becomes 干燥) would break it, so only its character table is used, each Traditional
character becoming its first Simplified reading (乾 → 干 everywhere, in the text and in the
query alike): a search finds the Simplified form of what was written, never misses it.
"""

import re
import unicodedata
from functools import cache
from pathlib import Path

import opencc


@cache
def _traditional_to_simplified() -> dict[str, str]:
    table: dict[str, str] = {}
    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        traditional, _, simplified = line.partition("\t")
        candidates = simplified.split()
        if len(traditional) == 1 and candidates and candidates[0] != traditional:
            table[traditional] = candidates[0]
    return table


def _fold(character: str) -> str:
    # NFKC folds full-width letters and digits (ＡＢＣ１２３), compatibility ideographs and
    # ideographic spaces; lower() the case; then each resulting character to Simplified.
    t2s = _traditional_to_simplified()
    folded = "".join(t2s.get(c, c) for c in unicodedata.normalize("NFKC", character).lower())
    # Never the empty string: str.translate would delete the character and shift offsets.
    return folded or character


class _FoldTable(dict[int, str]):
    """str.translate's table, filled on first sight of each character."""

    def __missing__(self, code: int) -> str:
        folded = _fold(chr(code))
        self[code] = folded
        return folded


_TABLE = _FoldTable()


@cache
def basic_plane() -> list[str]:
    # str.translate indexes a list about five times faster than it looks a dict up (a 2,000
    # character document: 0.1 ms instead of 0.5); built once per process (about 0.1 s).
    return [_fold(chr(code)) for code in range(0x10000)]


# A character beyond the basic plane (a regular expression finds one faster than max() does).
_BEYOND_BASIC_PLANE = re.compile("[\U00010000-\U0010ffff]")


def normalise(text: str) -> str:
    """The searchable form of `text`: Simplified, half-width, lower case."""
    if _BEYOND_BASIC_PLANE.search(text):  # the table that has them all
        return text.translate(_TABLE)
    return text.translate(basic_plane())


def normalise_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """The normal form and, for each of its characters, the index in `text` it came from.

    None stands for "the same index": the usual case, every character folding to exactly one.
    """
    folded = normalise(text)
    if len(folded) == len(text):
        return folded, None
    origins: list[int] = []
    for index, character in enumerate(text):
        origins.extend([index] * len(_TABLE[ord(character)]))
    return folded, origins
