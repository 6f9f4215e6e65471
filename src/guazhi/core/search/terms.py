"""Index terms of normalised text: overlapping character bigrams for Chinese, words for the rest.

A normalised text is cut into segments: runs of CJK characters (Han, kana, Hangul) and runs of
other letters or digits; everything else (spaces, punctuation, line breaks) separates them.

- A CJK run c1 c2 … cn gives the bigrams c1c2, c2c3, …, c(n-1)cn and then cn alone, at
  consecutive positions: every character starts exactly one term. A word of k ≥ 2 characters is
  then the phrase of its k-1 bigrams (exact: a phrase of bigrams cannot cross from one run into
  the next, since the run's last single character stands between them), and a one-character word
  is the prefix query "c*" (it finds c at any place of a run, the run's end included).
- A backend may also index a run's substrings of GRAM_SIZES (3 and 4) characters (gram_terms),
  apart from the positions above: a word of 3 or 4 characters, the usual length of a Chinese
  word or name, is then one term (query.Word.gram), as exact as its phrase and one short list to
  read instead of two or three long ones to intersect (一个两岁: 一个 is in nine documents in ten,
  一个两岁 in a few). The index then holds about three times the terms (SQLite does this; see
  summaries/search/ for why PostgreSQL does not).
- Any other run is one term (a whole word: "excel" does not find "excels"), at most
  MAX_TERM_CHARS long (a longer one is cut, in the text and in the query alike).
- Between a CJK run and another run, a separator with punctuation in it leaves a GAP term, so a
  query word such as "excel工作" does not match "excel。工作" across the full stop; spaces there do
  not count ("Excel 表格" and "Excel表格" are the same to a reader).

Search engines' CJK analysers (Lucene's CJKBigramFilter, Elasticsearch's cjk analyser) do the same;
it needs no dictionary, so new words and names are found as well as common ones, in Traditional
and Simplified alike once normalised (jieba's segmentation is context dependent and misses words).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

# Han (with extensions and compatibility ideographs), 々 and 〇, kana letters, Hangul syllables.
CJK = (
    "\u3005\u3007\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fc-\u30fe\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7a3\uf900-\ufaff\U00020000-\U0003134f"
)
_SEGMENT = re.compile(f"(?P<cjk>[{CJK}]+)|(?P<word>[^\\W_{CJK}]+)")
# A term no text produces (a private-use character is neither a letter nor CJK): marks a
# separator with punctuation between a CJK run and another run.
GAP = "\ue000"
MAX_TERM_CHARS = 64
# A CJK word of these lengths is a term of its own where grams are indexed (gram_terms).
GRAM_SIZES = (3, 4)


@dataclass(frozen=True)
class Segment:
    text: str
    cjk: bool
    # A separator with punctuation (not only spaces) stands between this segment and the
    # previous one; False for the first.
    punctuated_before: bool


def segments(normalised: str) -> Iterator[Segment]:
    end = 0
    for match in _SEGMENT.finditer(normalised):
        between = normalised[end : match.start()]
        end = match.end()
        yield Segment(
            text=match.group(),
            cjk=match.lastgroup == "cjk",
            punctuated_before=bool(between) and not between.isspace(),
        )


def _bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def needs_gap(previous: Segment | None, segment: Segment) -> bool:
    """A GAP term goes between two segments: punctuation between a CJK run and a word."""
    return previous is not None and segment.punctuated_before and previous.cjk != segment.cjk


def segment_terms(previous: Segment | None, segment: Segment) -> list[str]:
    """The terms one segment of a text adds (a GAP first if it needs one)."""
    terms = [GAP] if needs_gap(previous, segment) else []
    if segment.cjk:
        terms.extend(_bigrams(segment.text))
        terms.append(segment.text[-1])
    else:
        terms.append(segment.text[:MAX_TERM_CHARS])
    return terms


def segment_grams(segment: Segment) -> list[str]:
    """A CJK run's substrings of GRAM_SIZES characters, in order (none for another run)."""
    if not segment.cjk:
        return []
    run = segment.text
    return [run[i : i + size] for size in GRAM_SIZES for i in range(len(run) - size + 1)]


def as_gram(normalised_word: str) -> str | None:
    """The word as one gram (gram_terms) when it is one CJK run of GRAM_SIZES characters."""
    found = list(segments(normalised_word))
    if len(found) == 1 and found[0].cjk and len(found[0].text) in GRAM_SIZES:
        return found[0].text
    return None


def gram_terms(normalised: str) -> list[str]:
    """The text's grams (segment_grams of each run): terms without positions of their own."""
    return [gram for segment in segments(normalised) for gram in segment_grams(segment)]


def index_terms(normalised: str) -> list[str]:
    """The terms of a normalised text, in order (positions are their indexes)."""
    terms: list[str] = []
    previous: Segment | None = None
    for segment in segments(normalised):
        terms.extend(segment_terms(previous, segment))
        previous = segment
    return terms


def canonical(found: list[Segment]) -> str:
    """The segments joined by one space (" GAP " where the terms have a GAP), between spaces:
    " 用 excel 表格 统计 2024 年 ". A word's phrase of terms matches exactly where its own
    canonical form (see query.Word.canonical) is a substring of this: half the size of the
    terms written out, for a database to check phrases with a substring search."""
    out = [" "]
    previous: Segment | None = None
    for segment in found:
        if previous is not None:
            out.append(f" {GAP} " if needs_gap(previous, segment) else " ")
        out.append(segment.text if segment.cjk else segment.text[:MAX_TERM_CHARS])
        previous = segment
    out.append(" ")
    return "".join(out)


def phrase_terms(normalised_word: str) -> tuple[list[str], bool]:
    """A query word's phrase: its terms in order and whether the last one is a prefix.

    The same cut as index_terms, except that the word's last CJK run leaves out its closing
    single character (the text may go on after it), and a last run of one character is a prefix
    (that character followed by anything, or ending a run).
    """
    found = list(segments(normalised_word))
    terms: list[str] = []
    prefix = False
    previous: Segment | None = None
    for index, segment in enumerate(found):
        last = index == len(found) - 1
        if needs_gap(previous, segment):
            terms.append(GAP)
        if not segment.cjk:
            terms.append(segment.text[:MAX_TERM_CHARS])
        elif not last:
            terms.extend(_bigrams(segment.text))
            terms.append(segment.text[-1])
        elif len(segment.text) == 1:
            terms.append(segment.text)
            prefix = True
        else:
            terms.extend(_bigrams(segment.text))
        previous = segment
    return terms, prefix
