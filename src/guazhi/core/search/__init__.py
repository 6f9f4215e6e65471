"""Chinese full-text search analysis, independent of what is searched: normalise, index terms,
parse a query, highlight. The library's index (summaries/search/) builds on it."""

from guazhi.core.search.normalise import normalise, normalise_with_offsets
from guazhi.core.search.query import MAX_PHRASE_TERMS, MAX_WORDS, Word, parse_query
from guazhi.core.search.snippets import highlight_words, match_spans, snippet
from guazhi.core.search.terms import GAP, MAX_TERM_CHARS, gram_terms, index_terms, phrase_terms

__all__ = [
    "GAP",
    "MAX_PHRASE_TERMS",
    "MAX_TERM_CHARS",
    "MAX_WORDS",
    "Word",
    "gram_terms",
    "highlight_words",
    "index_terms",
    "match_spans",
    "normalise",
    "normalise_with_offsets",
    "parse_query",
    "phrase_terms",
    "snippet",
]
