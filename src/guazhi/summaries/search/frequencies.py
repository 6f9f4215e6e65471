"""PostgreSQL: how many documents hold each term, read before a search touches its index.

The table (migration 0003, kept by triggers) counts the one-part documents holding each term,
exactly, and under "#documents" and "#long" the one-part documents and the long ones. So, with
one small lookup, a search knows:
- at most how many documents a query can match: every word needs all its terms, so no more
  than the rarest term holds, plus the long documents (not counted per term);
- at least how many it matches, for a query of one word of one term (a two-character word):
  exactly the documents holding that term;
- roughly what share of the library a word is in, which sizes the newest-first walk.
A one-character word is a prefix of many terms: nothing is known of it.
"""

from dataclasses import dataclass

from guazhi.core.search import GAP, Word

TABLE = "summaries_library_search_frequency"
DOCUMENTS, LONG = "#documents", "#long"


def counted_terms(word: Word) -> list[str]:
    """The word's terms the table counts: none for a prefix (a one-character word)."""
    terms = [term for term in word.terms if term != GAP]
    return terms[:-1] if word.prefix else terms


def counted_terms_of(words: list[Word]) -> list[str]:
    return sorted({term for word in words for term in counted_terms(word)})


@dataclass(frozen=True)
class Frequencies:
    holding: dict[str, int]
    documents: int  # one-part documents
    long: int  # documents in several parts

    @classmethod
    def of(cls, words: list[Word], counts: dict[str, int]) -> "Frequencies":
        """From the counts read (planner.steered reads them with its settings): a term not
        there is in no document."""
        holding = {term: counts.get(term, 0) for term in counted_terms_of(words)}
        return cls(holding, counts.get(DOCUMENTS, 0), counts.get(LONG, 0))

    @property
    def total(self) -> int:
        return self.documents + self.long

    def word_at_most(self, word: Word) -> int | None:
        terms = counted_terms(word)
        if not terms:
            return None
        return min(self.holding[term] for term in terms) + self.long

    def at_most(self, words: list[Word]) -> int | None:
        """No more documents than this match all the words; None: not known."""
        bounds = [bound for word in words if (bound := self.word_at_most(word)) is not None]
        return min(bounds) if bounds else None

    def at_least(self, words: list[Word]) -> int:
        """At least this many documents match (of the whole library): exact for one word of
        one term, 0 (nothing known) otherwise."""
        if len(words) == 1 and len(words[0].terms) == 1 and not words[0].prefix:
            return self.holding[words[0].terms[0]]
        return 0

    def share_at_most(self, words: list[Word]) -> float | None:
        """At most this share of the library matches; None: not known."""
        bound = self.at_most(words)
        if bound is None or not self.total:
            return None
        return min(1.0, bound / self.total)
