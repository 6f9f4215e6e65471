"""One run's inputs indexed for the solvers: feasibility and scores, in blocks and pair by pair.

Candidates and posts are sorted by id and then shuffled by the run's seed; that internal order
is the only thing the seed changes, and it decides ties (the assignment solvers and deferred
acceptance take the first of equals). The same rules as guazhi.matching.constraints, vectorised
over a block of candidates against every post.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

import numpy as np
import scipy.sparse as sp

from guazhi.matching.constraints import PAIR_REASON_CODES
from guazhi.matching.model import Candidate, Params, Post, Rules
from guazhi.matching.regions import region_prefix
from guazhi.matching.result import PairScore
from guazhi.matching.text import tfidf, tokenize_all

# The preference component: a candidate's 1st choice of 5 scores 1.0, the 5th 0.2. Longer
# lists stretch the scale rather than give the 6th choice nothing.
CHOICE_SCALE = 5
# Cells computed per block: bounds the memory of the vectorised passes (a few arrays of this many
# booleans or floats) whatever the instance size.
BLOCK_CELLS = 2_000_000
ROUND = 6


def _ranks(ids: Iterable[int]) -> dict[int, int]:
    """1-based positions, the first occurrence of a repeated id counting."""
    ranks: dict[int, int] = {}
    for position, item in enumerate(ids, 1):
        ranks.setdefault(item, position)
    return ranks


class Problem:
    """Indexes, arrays and sparse matrices built once per run; see the module docstring."""

    def __init__(
        self,
        candidates: Iterable[Candidate],
        posts: Iterable[Post],
        rules: Rules,
        params: Params,
    ) -> None:
        rng = np.random.default_rng(params.seed)
        by_id_c = sorted(candidates, key=lambda c: c.id)
        by_id_p = sorted(posts, key=lambda p: p.id)
        self.candidates: list[Candidate] = [by_id_c[k] for k in rng.permutation(len(by_id_c))]
        self.posts: list[Post] = [by_id_p[k] for k in rng.permutation(len(by_id_p))]
        self.rules = rules
        self.params = params
        self.weights = params.weights
        self.n = len(self.candidates)
        self.m = len(self.posts)
        self.cindex = {c.id: i for i, c in enumerate(self.candidates)}
        self.pindex = {p.id: j for j, p in enumerate(self.posts)}
        cands, posts_ = self.candidates, self.posts

        self.c_home = np.array([c.home_unit for c in cands], dtype=np.int64)
        self.c_dispatch = np.array([c.dispatch_unit for c in cands], dtype=np.int64)
        self.c_level = np.array([c.level for c in cands], dtype=np.int64)
        self.c_recommended = np.array([c.recommended for c in cands], dtype=bool)
        self.c_flags = {
            "women": np.array([c.woman for c in cands], dtype=bool),
            "minority": np.array([c.minority for c in cands], dtype=bool),
            "non_party": np.array([c.non_party for c in cands], dtype=bool),
        }
        self.p_host = np.array([p.host_unit for p in posts_], dtype=np.int64)
        self.p_level = np.array([p.level for p in posts_], dtype=np.int64)
        self.p_capacity = np.array([p.capacity for p in posts_], dtype=np.int64)
        self.p_leadership = np.array([p.leadership for p in posts_], dtype=bool)
        self.posts_at_unit: dict[int, list[int]] = defaultdict(list)
        for j, post in enumerate(posts_):
            self.posts_at_unit[post.host_unit].append(j)

        self._index_tags()
        self._index_regions()
        self._index_rankings()
        self.relative_posts = [
            np.array(
                sorted(j for unit in c.relative_units for j in self.posts_at_unit.get(unit, ())),
                dtype=np.int64,
            )
            for c in cands
        ]
        forbidden_posts: dict[int, list[int]] = defaultdict(list)
        for candidate_id, post_id in params.forbids:
            if candidate_id in self.cindex and post_id in self.pindex:
                forbidden_posts[self.cindex[candidate_id]].append(self.pindex[post_id])
        self.forbidden_posts = {i: np.array(sorted(js)) for i, js in forbidden_posts.items()}
        self.text_c: sp.csr_matrix | None = None
        self.text_p: sp.csr_matrix | None = None
        self.text_p_t: sp.csc_matrix | None = None

    # Indexes -----------------------------------------------------------------------------------

    def _index_tags(self) -> None:
        vocabulary: dict[str, int] = {}
        for tags in (
            *(c.tags for c in self.candidates),
            *(p.required_tags | p.preferred_tags for p in self.posts),
        ):
            for tag in sorted(tags):
                vocabulary.setdefault(tag, len(vocabulary))
        width = max(len(vocabulary), 1)

        def incidence(tag_sets: list[frozenset[str]]) -> sp.csr_matrix:
            rows = [r for r, tags in enumerate(tag_sets) for _ in tags]
            cols = [vocabulary[t] for tags in tag_sets for t in tags]
            return sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(tag_sets), width))

        self.tags_c = incidence([c.tags for c in self.candidates])
        wanted = [p.required_tags | p.preferred_tags for p in self.posts]
        self.wanted_p = incidence(wanted)
        self.wanted_p_t = self.wanted_p.T.tocsc()
        self.wanted_count = np.array([len(w) for w in wanted], dtype=np.float64)
        # Posts that want no tag hold none of them: 0 / 1 gives their fit of 0.
        self.wanted_divisor = np.maximum(self.wanted_count, 1.0)
        self.required_p_t = incidence([p.required_tags for p in self.posts]).T.tocsc()
        self.required_count = np.array([len(p.required_tags) for p in self.posts], dtype=float)

    def _index_regions(self) -> None:
        """Region prefixes as integers: a host's code gives its province, city and county."""
        ids: dict[str, int] = {}
        self.p_region = np.full((self.m, 3), -1, dtype=np.int64)
        for j, post in enumerate(self.posts):
            if len(post.host_region) == 6:
                for level, length in enumerate((2, 4, 6)):
                    self.p_region[j, level] = ids.setdefault(post.host_region[:length], len(ids))

        def encode(codes: list[str]) -> tuple[np.ndarray, np.ndarray]:
            levels = np.full(len(codes), -1, dtype=np.int64)
            values = np.full(len(codes), -2, dtype=np.int64)
            for i, code in enumerate(codes):
                prefix = region_prefix(code)
                if prefix:
                    levels[i] = len(prefix) // 2 - 1
                    values[i] = ids.get(prefix, -2)  # -2: no host there, matches nothing
            return levels, values

        self.c_home_region = encode([c.home_region for c in self.candidates])
        self.c_origin_region = encode([c.origin_region for c in self.candidates])

    def _index_rankings(self) -> None:
        """Both sides' rankings as ranks and as fits in [0, 1]."""
        self.choice_rank: list[dict[int, int]] = []  # per candidate: post index -> rank
        self.choice_length = CHOICE_SCALE
        rows, cols, fits = [], [], []
        for i, candidate in enumerate(self.candidates):
            scale = max(CHOICE_SCALE, len(candidate.choices))
            self.choice_length = max(self.choice_length, len(candidate.choices))
            ranks = {
                self.pindex[post_id]: rank
                for post_id, rank in _ranks(candidate.choices).items()
                if post_id in self.pindex
            }
            self.choice_rank.append(ranks)
            for j, rank in ranks.items():
                rows.append(i)
                cols.append(j)
                fits.append((scale - rank + 1) / scale)
        self.preference = sp.csr_matrix((fits, (rows, cols)), shape=(self.n, self.m))
        self.host_rank: list[dict[int, int]] = []  # per post: candidate index -> rank
        rows, cols, fits = [], [], []
        for j, post in enumerate(self.posts):
            scale = len(post.host_ranking)
            ranks = {
                self.cindex[cid]: rank
                for cid, rank in _ranks(post.host_ranking).items()
                if cid in self.cindex
            }
            self.host_rank.append(ranks)
            for i, rank in ranks.items():
                rows.append(i)
                cols.append(j)
                fits.append((scale - rank + 1) / scale)
        self.host_preference = sp.csr_matrix((fits, (rows, cols)), shape=(self.n, self.m))

    def prepare_text(self, progress: Callable[[int, int], None] | None = None) -> None:
        """Tokenise every text and build the TF-IDF rows (the slow part of preparing a run)."""
        texts = [c.text for c in self.candidates] + [p.text for p in self.posts]
        if self.weights.expertise_text == 0:
            texts = ["" for _ in texts]
        report = None if progress is None else (lambda done: progress(done, len(texts)))
        matrix = tfidf(tokenize_all(texts, report))
        self.text_c = matrix[: self.n]
        self.text_p_t = matrix[self.n :].T.tocsc()
        self.text_p = matrix[self.n :]

    # Blocks ------------------------------------------------------------------------------------

    def block_rows(self) -> Iterable[np.ndarray]:
        size = max(1, BLOCK_CELLS // max(self.m, 1))
        for start in range(0, self.n, size):
            yield np.arange(start, min(start + size, self.n))

    def _region_mask(self, encoded: tuple[np.ndarray, np.ndarray], rows: np.ndarray) -> np.ndarray:
        levels, values = encoded[0][rows], encoded[1][rows]
        mask = np.zeros((len(rows), self.m), dtype=bool)
        for level in range(3):
            chosen = np.flatnonzero(levels == level)
            if len(chosen):
                mask[chosen] = values[chosen, None] == self.p_region[None, :, level]
        return mask

    def reason_masks(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        """For each pairwise rule, the pairs (rows × every post) it keeps apart."""
        shape = (len(rows), self.m)
        masks: dict[str, np.ndarray] = {}
        forbidden = np.zeros(shape, dtype=bool)
        relative = np.zeros(shape, dtype=bool)
        for k, i in enumerate(rows):
            if (js := self.forbidden_posts.get(int(i))) is not None:
                forbidden[k, js] = True
            if len(self.relative_posts[i]):
                relative[k, self.relative_posts[i]] = True
        masks["forbidden"] = forbidden
        if self.required_count.any():
            held = (self.tags_c[rows] @ self.required_p_t).toarray()
            masks["required_tags_missing"] = held < self.required_count[None, :]
        else:
            masks["required_tags_missing"] = np.zeros(shape, dtype=bool)
        masks["avoid_home_unit"] = self.c_home[rows, None] == self.p_host[None, :]
        masks["avoid_home_region"] = self._region_mask(self.c_home_region, rows)
        masks["avoid_origin"] = self._region_mask(self.c_origin_region, rows)
        masks["avoid_relative"] = relative
        masks["level_too_high"] = (self.p_level[None, :] >= 0) & (
            self.p_level[None, :] - self.c_level[rows, None] > self.rules.max_levels_above
        )
        if self.rules.require_choice:
            masks["not_chosen"] = self.preference[rows].toarray() <= 0
        else:
            masks["not_chosen"] = np.zeros(shape, dtype=bool)
        assert tuple(masks) == PAIR_REASON_CODES
        return masks

    def score_block(self, rows: np.ndarray) -> np.ndarray:
        """Total scores of rows × every post, feasible or not (in place, one array: these blocks
        are most of the cells a run computes)."""
        w = self.weights
        total = np.zeros((len(rows), self.m))
        if w.expertise_tags:
            total += (self.tags_c[rows] @ self.wanted_p_t).toarray()
            total /= self.wanted_divisor
            if w.expertise_tags != 1:
                total *= w.expertise_tags
        if w.expertise_text:
            assert self.text_c is not None and self.text_p_t is not None
            text = (self.text_c[rows] @ self.text_p_t).toarray()
            if w.expertise_text != 1:
                text *= w.expertise_text
            total += text
        for weight, matrix in (
            (w.preference, self.preference),
            (w.host_preference, self.host_preference),
        ):
            if weight:
                part = matrix[rows].tocoo()
                np.add.at(total, (part.row, part.col), weight * part.data)
        if w.recommendation:
            total += w.recommendation * self.c_recommended[rows, None]
        return total

    def scores_at(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Total scores of the pairs (rows[k], cols[k]): for sparse feasibility, where scoring
        whole blocks would mostly score pairs nobody can make."""
        w = self.weights
        total = np.zeros(len(rows))
        if len(rows) == 0:
            return total
        if w.expertise_tags:
            held = self.tags_c[rows].multiply(self.wanted_p[cols]).sum(axis=1)
            total += w.expertise_tags * (np.asarray(held).ravel() / self.wanted_divisor[cols])
        if w.expertise_text:
            total += w.expertise_text * self.similarities(rows, cols)
        for weight, matrix in (
            (w.preference, self.preference),
            (w.host_preference, self.host_preference),
        ):
            if weight:
                total += weight * np.asarray(matrix[rows, cols]).ravel()
        if w.recommendation:
            total += w.recommendation * self.c_recommended[rows]
        return total

    # One pair ----------------------------------------------------------------------------------

    def similarities(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Text similarity of many pairs at once (candidate rows[k] with post cols[k])."""
        if self.text_c is None or self.text_p is None or len(rows) == 0:
            return np.zeros(len(rows))
        products = self.text_c[rows].multiply(self.text_p[cols])
        return np.asarray(products.sum(axis=1)).ravel()

    def pair_score(self, i: int, j: int, similarity: float | None = None) -> PairScore:
        """The score of candidate i at post j, component by component (what results report);
        `similarity` if already known (see similarities())."""
        candidate, post = self.candidates[i], self.posts[j]
        w = self.weights
        wanted = post.required_tags | post.preferred_tags
        matched = tuple(sorted(candidate.tags & wanted))
        tag_fit = len(matched) / len(wanted) if wanted else 0.0
        if not w.expertise_text:
            similarity = 0.0
        elif similarity is None:
            similarity = float(self.similarities(np.array([i]), np.array([j]))[0])
        rank = self.choice_rank[i].get(j)
        scale = max(CHOICE_SCALE, len(candidate.choices))
        preference = (scale - rank + 1) / scale if rank is not None else 0.0
        host_rank = self.host_rank[j].get(i)
        host = (
            (len(post.host_ranking) - host_rank + 1) / len(post.host_ranking)
            if host_rank is not None
            else 0.0
        )
        parts = (
            w.expertise_tags * tag_fit,
            w.expertise_text * similarity,
            w.preference * preference,
            w.host_preference * host,
            w.recommendation * (1.0 if candidate.recommended else 0.0),
        )
        return PairScore(
            post=post.id,
            tags=round(parts[0], ROUND),
            text=round(parts[1], ROUND),
            preference=round(parts[2], ROUND),
            host_preference=round(parts[3], ROUND),
            recommendation=round(parts[4], ROUND),
            total=round(sum(parts), ROUND),
            matched_tags=matched,
            similarity=round(similarity, ROUND),
            choice_rank=rank,
            host_rank=host_rank,
        )
