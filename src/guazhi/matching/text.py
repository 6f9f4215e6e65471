"""Text similarity of a profile to a post's duties: jieba tokens, TF-IDF, cosine.

TF-IDF is computed here with numpy and scipy.sparse (no scikit-learn): sublinear term frequency
(1 + ln tf), smoothed inverse document frequency ln((1 + N) / (1 + df)) + 1 over the run's own
corpus (every candidate's and every post's text), rows scaled to unit length, so the dot product
of two rows is their cosine similarity in [0, 1].
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence

import jieba
import numpy as np
import scipy.sparse as sp

# Words that say nothing about expertise but occur in every profile and every duties text;
# one-character tokens (的, 和, 与, punctuation) are dropped by length instead.
STOPWORDS: frozenset[str] = frozenset(
    {
        "负责",
        "协助",
        "参与",
        "相关",
        "工作",
        "方面",
        "以及",
        "我们",
        "我的",
        "本人",
        "能够",
        "具有",
        "具备",
        "进行",
        "开展",
        "有关",
        "主要",
        "其他",
    }
)
_WORDLIKE = re.compile(r"\w")
# jieba cuts each run of these characters on its own (its re_han_default) and yields whatever
# lies between them one character at a time, which tokenize() drops. So a text's tokens are its
# runs' tokens in order, and a run seen before (a phrase many duties texts share) is cut once.
_RUN = re.compile("[\u4e00-\u9fd5a-zA-Z0-9+#&\\._%\\-]+")

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def _jieba() -> jieba.Tokenizer:
    """A tokenizer of our own, loaded once per process.

    Not jieba's shared default: words other code adds to that one (jieba.add_word) would change
    our tokens, and with them a run's result and its fingerprint.
    """
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            _tokenizer = tokenizer
        return _tokenizer


def _keep(words: list[str]) -> list[str]:
    lowered = (word.strip().lower() for word in words)
    return [
        word
        for word in lowered
        if len(word) >= 2 and word not in STOPWORDS and _WORDLIKE.search(word)
    ]


def tokenize(text: str) -> list[str]:
    """The words of a text that can carry meaning: jieba's dictionary segmentation (no HMM
    guessing of unknown words, which is slower and adds nothing to matching), lower-cased,
    at least two characters, stop words removed."""
    return _keep(_jieba().lcut(text, HMM=False))


def tokenize_all(
    texts: Sequence[str], progress: Callable[[int], None] | None = None
) -> list[list[str]]:
    """tokenize() over many texts, each run of characters jieba cuts on its own cut once.
    progress(done) every 500 texts."""
    tokenizer = _jieba()
    runs: dict[str, list[str]] = {}
    out: list[list[str]] = []
    for number, text in enumerate(texts, 1):
        tokens: list[str] = []
        for run in _RUN.findall(text):
            found = runs.get(run)
            if found is None:
                found = runs[run] = _keep(tokenizer.lcut(run, HMM=False))
            tokens.extend(found)
        out.append(tokens)
        if progress is not None and number % 500 == 0:
            progress(number)
    return out


def tfidf(documents: Sequence[Sequence[str]]) -> sp.csr_matrix:
    """Unit-length TF-IDF rows, one per document, over the documents' own vocabulary."""
    vocabulary: dict[str, int] = {}
    indices: list[int] = []
    indptr = [0]
    for document in documents:
        indices.extend(vocabulary.setdefault(word, len(vocabulary)) for word in document)
        indptr.append(len(indices))
    shape = (len(documents), max(len(vocabulary), 1))
    counts = sp.csr_matrix(
        (np.ones(len(indices)), np.asarray(indices, dtype=np.int64), np.asarray(indptr)),
        shape=shape,
    )
    counts.sum_duplicates()
    frequency = np.bincount(counts.indices, minlength=shape[1])
    idf = np.log((1.0 + shape[0]) / (1.0 + frequency)) + 1.0
    counts.data = (1.0 + np.log(counts.data)) * idf[counts.indices]
    norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ counts)
