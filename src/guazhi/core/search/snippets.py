"""Highlighting: the text HTML-escaped with <mark> around every place a query word is found.

Matching runs on the normalised text and maps back to the original characters, so a Simplified
query marks the Traditional text it found (总结 marks 總結).
"""

import re
from collections.abc import Sequence

from markupsafe import Markup, escape

from guazhi.core.search.normalise import normalise_with_offsets
from guazhi.core.search.query import Word

ELLIPSIS = "…"


def match_spans(text: str, words: Sequence[Word]) -> list[tuple[int, int]]:
    """Where the words occur in `text` (original indexes, end exclusive), merged and sorted."""
    if not words or not text:
        return []
    normalised, origins = normalise_with_offsets(text)
    spans: list[tuple[int, int]] = []
    for word in words:
        for found in re.finditer(word.pattern(), normalised):
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


def _marked(text: str, spans: Sequence[tuple[int, int]], offset: int = 0) -> Markup:
    out: list[str] = []
    at = 0
    for start, end in spans:
        start, end = start - offset, end - offset
        out.append(str(escape(text[at:start])))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        at = end
    out.append(str(escape(text[at:])))
    return Markup("".join(out))


def highlight_words(text: str, words: Sequence[Word]) -> Markup:
    """All of `text`, escaped, the words marked."""
    return _marked(text, match_spans(text, words))


# The text is searched this many characters at a time (the words are usually found near the
# start, and normalising a whole long text costs more than cutting the snippet), each piece
# overlapping the next by WINDOW_OVERLAP so that a word across the cut is still found.
WINDOW = 600
WINDOW_OVERLAP = 80


def _first_match(text: str, words: Sequence[Word]) -> tuple[int, int] | None:
    for at in range(0, len(text), WINDOW):
        spans = match_spans(text[at : at + WINDOW + WINDOW_OVERLAP], words)
        if spans:
            return spans[0][0] + at, spans[0][1] + at
    return None


def snippet(text: str, words: Sequence[Word], *, width: int = 120, before: int = 30) -> Markup:
    """A piece of `text` about `width` characters long around the first place a word occurs,
    escaped, the words marked, "…" where it was cut; line breaks read as spaces. Without a
    match (the word is in the title only), the beginning of the text."""
    text = " ".join(text.split())
    first = _first_match(text, words)
    start = max(0, first[0] - before) if first else 0
    end = min(len(text), start + width)
    if first and first[1] > end:  # a long match: show it whole
        end = first[1]
    start = max(0, min(start, end - width))
    piece = text[start:end]
    body = _marked(piece, match_spans(piece, words))
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(text) else ""
    return Markup(prefix) + body + Markup(suffix)
