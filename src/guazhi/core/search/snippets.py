"""Highlighting: the text HTML-escaped with <mark> around every place a query word is found.

Matching runs on the normalised text and maps back to the original characters, so a Simplified
query marks the Traditional text it found (总结 marks 總結).
"""

import re
from collections.abc import Sequence
from functools import cache, lru_cache

from markupsafe import Markup, escape

from guazhi.core.search.normalise import basic_plane, normalise_with_offsets
from guazhi.core.search.query import Word

ELLIPSIS = "…"


def match_spans(text: str, words: Sequence[Word]) -> list[tuple[int, int]]:
    """Where the words occur in `text` (original indexes, end exclusive), merged and sorted."""
    if not words or not text:
        return []
    normalised, origins = normalise_with_offsets(text)
    spans: list[tuple[int, int]] = []
    for word in words:
        for found in _normal_pattern(word).finditer(normalised):
            start, end = found.span()
            if start == end:
                continue
            if origins is not None:
                start, end = origins[start], origins[end - 1] + 1
            spans.append((start, end))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


@lru_cache(maxsize=256)
def _normal_pattern(word: Word) -> re.Pattern[str]:
    return re.compile(word.pattern())


def _marked(
    text: str, spans: Sequence[tuple[int, int]], before: str = "", after: str = ""
) -> Markup:
    """`text` escaped with the spans marked, between `before` and `after` (safe as they are)."""
    out = [before]
    at = 0
    for start, end in spans:
        out += (escape(text[at:start]), "<mark>", escape(text[start:end]), "</mark>")
        at = end
    out += (escape(text[at:]), after)
    return Markup("".join(out))


def highlight_words(text: str, words: Sequence[Word]) -> Markup:
    """All of `text`, escaped, the words marked."""
    return _marked(text, match_spans(text, words))


# Normalising a whole 2,000-character text costs about 0.1 ms, twenty times a page of results:
# more than the search itself. So the first match is looked for in the text as written, each
# character of a word widened to every character that normalises to it (总 → [总總]), and only
# the snippet cut around the place found is normalised, to confirm and mark it. Without a
# confirmed place, the text is searched this many characters at a time (the words are usually
# found near the start), each piece overlapping the next by WINDOW_OVERLAP so that a word across
# the cut is still found.
WINDOW = 600
WINDOW_OVERLAP = 80


@cache
def _written_forms() -> dict[str, str]:
    """For each character of the normal form, a regular expression matching every basic-plane
    character that normalises to exactly it (itself included)."""
    forms: dict[str, list[str]] = {}
    for code, folded in enumerate(basic_plane()):
        if len(folded) == 1:
            forms.setdefault(folded, []).append(chr(code))
    return {
        folded: re.escape(sources[0])
        if len(sources) == 1
        else "[" + "".join(re.escape(source) for source in sources) + "]"
        for folded, sources in forms.items()
    }


def _as_written(text: str) -> str:
    forms = _written_forms()
    return "".join(forms.get(character, re.escape(character)) for character in text)


@lru_cache(maxsize=256)
def _written_pattern(word: Word) -> re.Pattern[str]:
    return re.compile(word.pattern(literal=_as_written))


def _guess(text: str, words: Sequence[Word]) -> int | None:
    """Where a word seems to occur first in `text` as written; a guess to confirm (a character
    folding to several, like ﬁ, is not widened: the confirmation or the full search finds it)."""
    found = [m.start() for word in words if (m := _written_pattern(word).search(text))]
    return min(found) if found else None


def _first_match(text: str, words: Sequence[Word]) -> tuple[int, int] | None:
    for at in range(0, len(text), WINDOW):
        spans = match_spans(text[at : at + WINDOW + WINDOW_OVERLAP], words)
        if spans:
            return spans[0][0] + at, spans[0][1] + at
    return None


def _cut(length: int, first: tuple[int, int] | None, width: int, before: int) -> tuple[int, int]:
    """Where the snippet starts and ends: `before` characters ahead of the match, `width` in
    all (the whole match if it is longer)."""
    start = max(0, first[0] - before) if first else 0
    end = min(length, start + width)
    if first and first[1] > end:  # a long match: show it whole
        end = first[1]
    return max(0, min(start, end - width)), end


def snippet(text: str, words: Sequence[Word], *, width: int = 120, before: int = 30) -> Markup:
    """A piece of `text` about `width` characters long around the first place a word occurs,
    escaped, the words marked, "…" where it was cut; line breaks read as spaces. Without a
    match (the word is in the title only), the beginning of the text. Spaces and line breaks
    are folded in the piece only (folding a whole text costs more than the rest together)."""
    guess = _guess(text, words)
    cut: tuple[int, int, str, list[tuple[int, int]]] | None = None
    if guess is not None:
        start, end = _cut(len(text), (guess, guess + 1), width, before)
        piece, spans = _folded_spans(text[start:end], words)
        # Confirmed when a word is found in the cut, and not cut short at its end.
        if spans and not (spans[-1][1] == len(piece) and end < len(text)):
            cut = (start, end, piece, spans)
    if cut is None:
        start, end = _cut(len(text), _first_match(text, words), width, before)
        cut = (start, end, *_folded_spans(text[start:end], words))
    start, end, piece, spans = cut
    prefix = ELLIPSIS if start > 0 and not text[:start].isspace() else ""
    suffix = ELLIPSIS if end < len(text) and not text[end:].isspace() else ""
    return _marked(piece, spans, prefix, suffix)


def _folded_spans(piece: str, words: Sequence[Word]) -> tuple[str, list[tuple[int, int]]]:
    folded = " ".join(piece.split())
    return folded, match_spans(folded, words)
