"""A search query: words separated by spaces, every one of which must be found."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from guazhi.core.search.normalise import normalise
from guazhi.core.search.terms import (
    CJK,
    MAX_TERM_CHARS,
    as_gram,
    canonical,
    needs_gap,
    phrase_terms,
    segments,
)

# A query is read up to this many characters (a pasted page is not a query).
MAX_QUERY_CHARS = 256
# More words than this are dropped (each one is a phrase the index intersects).
MAX_WORDS = 8
# A phrase longer than this is cut to its first terms (found wherever the whole word is, plus
# possibly where only its beginning is): bounds the query, and lets the PostgreSQL index split
# long documents into overlapping parts (see summaries/search/postgresql.py).
MAX_PHRASE_TERMS = 64


@dataclass(frozen=True)
class Word:
    text: str  # as typed (trimmed)
    normalised: str
    terms: tuple[str, ...]
    prefix: bool  # the last term is a prefix (a word ending in one CJK character)

    @property
    def gram(self) -> str | None:
        """The word as one term of an index that holds grams (terms.gram_terms): a word of
        one CJK run of 3 or 4 characters; None for any other."""
        return as_gram(self.normalised)

    def canonical(self) -> str:
        """What the word is in a text's canonical form (terms.canonical): its segments joined
        alike, a word of letters whole (spaces around it), a CJK run at either end open (it may
        go on in the text)."""
        found = list(segments(self.normalised))
        joined = canonical(found)[1:-1]
        head = " " if not found[0].cjk else ""
        tail = " " if not found[-1].cjk else ""
        return head + joined + tail

    def pattern(self, literal: Callable[[str], str] = re.escape) -> str:
        """A regular expression finding the word in normalised text as the index does.
        `literal` writes the word's own characters (snippets.py widens each to the characters
        that normalise to it, to look in text as written)."""
        parts: list[str] = []
        previous = None
        for segment in segments(self.normalised):
            if previous is not None:
                if needs_gap(previous, segment):
                    # Punctuation between a CJK run and a word, spaces around it allowed.
                    parts.append(r"[\W_]*?[^\w\s][\W_]*")
                elif previous.cjk != segment.cjk:
                    parts.append(r"\s*")
                else:
                    parts.append(r"[\W_]+")
            if segment.cjk:
                parts.append(literal(segment.text))
            else:
                # A whole word: no other letter or digit (CJK aside) right before or after.
                text = segment.text[:MAX_TERM_CHARS]
                tail = "" if len(segment.text) > MAX_TERM_CHARS else f"(?![^\\W_{CJK}])"
                parts.append(f"(?<![^\\W_{CJK}]){literal(text)}{tail}")
            previous = segment
        return "".join(parts)


def parse_query(query: str) -> list[Word]:
    """The words of `query`, each once (总结 and 總結 are one word), in the order typed.

    Words separated by spaces (full-width ones too) must all be found. A word without a letter,
    digit or CJK character (punctuation alone) is dropped, so a query may give no words at all.
    """
    words: list[Word] = []
    seen: set[str] = set()
    for text in query[:MAX_QUERY_CHARS].split():
        normalised = normalise(text)
        terms, prefix = phrase_terms(normalised)
        if not terms:
            continue
        if len(terms) > MAX_PHRASE_TERMS:
            terms, prefix = terms[:MAX_PHRASE_TERMS], False
        key = " ".join(terms) + ("*" if prefix else "")
        if key in seen:
            continue
        seen.add(key)
        words.append(Word(text=text, normalised=normalised, terms=tuple(terms), prefix=prefix))
        if len(words) == MAX_WORDS:
            break
    return words
