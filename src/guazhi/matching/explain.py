"""Explanations as data: for every candidate, what they got and why not the posts they ranked
higher; per post, who holds it and the cutoff; for the batch, choices obtained and composition.

Reason codes (each with its data):
  pairwise rules   forbidden, required_tags_missing (missing), avoid_home_unit (unit),
                   avoid_home_region / avoid_origin (region, host_region), avoid_relative (unit),
                   level_too_high (post_level, candidate_level, max_levels_above), not_chosen,
                   post_unknown (the ranked post is not in the run)
  the coordinator  pinned (post): the candidate was pinned elsewhere
  batch-wide caps  dispatch_cap (dispatch_unit, host_unit, limit, holders),
                   leadership_cap (host_unit, limit, serving, holders)
  competition      capacity_full (holders [{candidate, score, pinned}], cutoff, score),
                   not_preferred_by_host (host_rank, holder_host_ranks),
                   swap_lowers_total (optimal mode, own score above a holder's: taking the post
                   from that holder would lower the total or break a composition target; see
                   Explainer.swap for the data), swap_not_made (the same data, when a heuristic
                   result left that swap undone although it raises the total),
                   lower_total (score_here, score_obtained, delta: the post has a free seat but
                   moving there would lower the total), not_improved (a heuristic result left a
                   better move), blocking_pair (stable mode: the pair would rather be together)
  unassigned       no_feasible_post (reasons: {code: posts it rules out}),
                   outscored (feasible_posts, full, capped), not_placed (feasible_posts, open_posts)
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import numpy as np

from guazhi.matching.board import Board
from guazhi.matching.constraints import PAIR_REASON_CODES, pair_reasons
from guazhi.matching.optimal import FLAGS, composition_counts, targets_of
from guazhi.matching.problem import ROUND, Problem
from guazhi.matching.result import (
    Alternative,
    Explanation,
    PairScore,
    PostOutcome,
    Reason,
    Target,
)

# Scores are reported rounded to ROUND places: differences below this are rounding, not a swap
# that would pay.
TIE = 1e-5


class Explainer:
    def __init__(
        self,
        problem: Problem,
        board: Board,
        pairwise: np.ndarray,
        blocking: Collection[tuple[int, int]] = (),
    ) -> None:
        self.problem = problem
        self.board = board
        self.pairwise = pairwise
        self.blocking = set(blocking)
        self.stable = problem.params.mode == "stable"
        self.forbids = problem.params.forbids
        self._scores: dict[tuple[int, int], PairScore] = {}
        self._similarity: dict[tuple[int, int], float] = {}
        self._holders: dict[int, list[int]] = {}
        self._holder_table: dict[int, list[dict[str, Any]]] = {}
        self._ranked_posts: dict[int, list[int]] = {}
        self._open: np.ndarray | None = None
        self._objective: float | None = None
        self._counts: dict[str, int] | None = None
        self._prefetch()

    def _prefetch(self) -> None:
        """Text similarity of every pair the explanations can quote, in one sparse pass: the
        assigned pairs and each candidate's ranked posts (holders are assigned pairs)."""
        p = self.problem
        pairs = set(self.board.post_of.items())
        for i in range(p.n):
            pairs.update((i, j) for j in p.choice_rank[i])
        ordered = sorted(pairs)
        rows = np.array([i for i, _ in ordered], dtype=np.int64)
        cols = np.array([j for _, j in ordered], dtype=np.int64)
        values = p.similarities(rows, cols)
        self._similarity = dict(zip(ordered, values.tolist(), strict=True))

    def score(self, i: int, j: int) -> PairScore:
        found = self._scores.get((i, j))
        if found is None:
            found = self._scores[(i, j)] = self.problem.pair_score(
                i, j, self._similarity.get((i, j))
            )
        return found

    def holders_in_order(self, j: int) -> list[int]:
        """A post's holders, best first: by score (optimal mode) or the post's own order."""
        found = self._holders.get(j)
        if found is None:
            found = self._holders[j] = self._order_holders(j)
        return found

    def _order_holders(self, j: int) -> list[int]:
        ranks = self.problem.host_rank[j]
        cid = self.problem.candidates

        def order(i: int) -> tuple[float, ...]:
            if self.stable:
                return (ranks.get(i, 1 << 30), -self.score(i, j).total, cid[i].id)
            return (-self.score(i, j).total, cid[i].id)

        return sorted(self.board.holders[j], key=order)

    # Posts -------------------------------------------------------------------------------------

    def post_outcomes(self) -> dict[int, PostOutcome]:
        out: dict[int, PostOutcome] = {}
        for j in sorted(range(self.problem.m), key=lambda j: self.problem.posts[j].id):
            post = self.problem.posts[j]
            holders = self.holders_in_order(j)
            out[post.id] = PostOutcome(
                post=post.id,
                capacity=post.capacity,
                filled=len(holders),
                holders=tuple(self.problem.candidates[i].id for i in holders),
                cutoff=self.score(holders[-1], j).total if holders else None,
            )
        return out

    # Candidates --------------------------------------------------------------------------------

    def _ids(self, members: list[int]) -> list[int]:
        return sorted(self.problem.candidates[x].id for x in members)

    def alternative(self, i: int, j: int) -> list[Reason]:
        """Why candidate i does not hold post j (which they ranked above what they got)."""
        p, board = self.problem, self.board
        candidate, post = p.candidates[i], p.posts[j]
        reasons = pair_reasons(
            candidate, post, p.rules, forbidden=(candidate.id, post.id) in self.forbids
        )
        if reasons:
            return reasons
        current = board.post_of.get(i)
        if i in board.pinned:
            assert current is not None
            return [Reason.of("pinned", post=p.posts[current].id)]
        if not board.dispatch_ok(i, j):
            reasons.append(
                Reason.of(
                    "dispatch_cap",
                    dispatch_unit=candidate.dispatch_unit,
                    host_unit=post.host_unit,
                    limit=board.dispatch_limit,
                    holders=self._ids([x for x in board.dispatch_members(i, j) if x != i]),
                )
            )
        if not board.leadership_ok(i, j):
            reasons.append(
                Reason.of(
                    "leadership_cap",
                    host_unit=post.host_unit,
                    limit=p.rules.max_leadership_per_host,
                    serving=p.rules.serving_in_leadership.get(post.host_unit, 0),
                    holders=self._ids([x for x in board.leadership_members(j) if x != i]),
                )
            )
        own = self.score(i, j).total
        if not board.room(j, (i,)):
            capped = bool(reasons)
            holders = self.holders_in_order(j)
            reasons.append(
                Reason(
                    "capacity_full",
                    {
                        "holders": self._holder_rows(j),
                        "cutoff": self.score(holders[-1], j).total if holders else None,
                        "score": own,
                    },
                )
            )
            ranks = p.host_rank[j]
            if post.host_ranking and holders:
                mine = ranks.get(i)
                theirs = [ranks.get(x) for x in holders]
                if all(r is not None and (mine is None or r < mine) for r in theirs):
                    reasons.append(
                        Reason.of("not_preferred_by_host", host_rank=mine, holder_host_ranks=theirs)
                    )
            # A higher score than a holder's needs its own answer in optimal mode: why the
            # result did not simply swap the two. (With a cap in the way the cap is the answer.)
            if (
                not self.stable
                and not capped
                and holders
                and own > self.score(holders[-1], j).total
            ):
                swap = self.swap(i, j)
                if swap is not None:
                    reasons.append(swap)
        if (i, j) in self.blocking:
            reasons.append(Reason.of("blocking_pair", score=own))
        if not reasons:
            if self.stable:
                reasons.append(Reason.of("blocking_pair", score=own))
            else:
                obtained = self.score(i, current).total if current is not None else 0.0
                delta = round(own - obtained, 6)
                code = "lower_total" if delta <= 0 else "not_improved"
                reasons.append(
                    Reason.of(code, score_here=own, score_obtained=obtained, delta=delta)
                )
        return reasons

    def swap(self, i: int, j: int) -> Reason | None:
        """What taking full post j from one of its lower-scoring holders would do: i leaves its
        own post (if any), the holder moves to the best post still open to them (if any).

        The best such swap is reported (ties: the lowest-scoring holder), with the batch total
        before and after: swap_lowers_total when it does not raise the total or leaves a
        composition target short, else swap_not_made (a heuristic result). One step only:
        chains of moves are not followed; in an exact result none of them raises the total
        either. None when no holder can be displaced (all pinned, or the caps refuse i)."""
        p, board = self.problem, self.board
        own = self.score(i, j).total
        current = board.post_of.get(i)
        obtained = None if current is None else self.score(i, current).total
        best: tuple[float, int, int | None] | None = None
        for h in reversed(self.holders_in_order(j)):
            if h in board.pinned or self.score(h, j).total >= own:
                continue
            moved = self._displace(i, j, h)
            if moved is None:
                continue
            gained = 0.0 if moved < 0 else self.score(h, moved).total
            delta = own - (obtained or 0.0) - self.score(h, j).total + gained
            if best is None or delta > best[0] + TIE:
                best = (delta, h, None if moved < 0 else moved)
        if best is None:
            return None
        delta, h, moved = best
        before = self.objective()
        short = self._short_after(i, h, gains=current is None, loses=moved is None)
        # Reported scores are rounded; a difference below that noise is no difference.
        delta = 0.0 if abs(delta) < TIE else round(delta, ROUND)
        code = "swap_lowers_total" if delta <= 0 or short else "swap_not_made"
        return Reason.of(
            code,
            holder=p.candidates[h].id,
            holder_score=self.score(h, j).total,
            holder_post=None if moved is None else p.posts[moved].id,
            holder_post_score=None if moved is None else self.score(h, moved).total,
            score_here=own,
            score_obtained=obtained,
            total_before=before,
            total_after=round(before + delta, ROUND),
            delta=delta,
            targets=short,
        )

    def _displace(self, i: int, j: int, h: int) -> int | None:
        """With i moved into j in place of h: the best post h can move to (-1: none), or None
        when the caps refuse i at j even then. The board is restored before returning.

        Only posts with a free seat now, and the one i leaves, can take h: the swap fills j
        again and frees nothing else."""
        board = self.board
        current = board.post_of.get(i)
        if current is not None:
            board.remove(i)
        board.remove(h)
        try:
            if not board.fits(i, j):
                return None
            board.add(i, j)
            try:
                found = next((k for k in self._open_posts_by_score(h) if board.fits(h, k)), -1)
                if (
                    current is not None
                    and self.pairwise[h, current]
                    and board.fits(h, current)
                    and (found < 0 or self.score(h, current).total > self.score(h, found).total)
                ):
                    found = current
                return found
            finally:
                board.remove(i)
        finally:
            board.add(h, j)
            if current is not None:
                board.add(i, current)

    def _open_posts_by_score(self, h: int) -> list[int]:
        """Posts with a free seat in the result that h may hold under the pairwise rules, best
        score first (ties: post id). Scored only over the open posts: they are few."""
        found = self._ranked_posts.get(h)
        if found is None:
            p = self.problem
            if self._open is None:
                self._open = np.array(
                    [k for k in range(p.m) if self.board.free_slots(k) > 0], dtype=np.int64
                )
            cols = self._open[self.pairwise[h, self._open]]
            scores = p.scores_at(np.full(len(cols), h, dtype=np.int64), cols)
            order = sorted(
                zip((-scores).tolist(), cols.tolist(), strict=True),
                key=lambda pair: (pair[0], p.posts[pair[1]].id),
            )
            found = self._ranked_posts[h] = [k for _, k in order]
        return found

    def objective(self) -> float:
        """The batch total, as the result reports it."""
        if self._objective is None:
            board = self.board
            self._objective = round(
                sum(self.score(x, k).total for x, k in board.post_of.items()), ROUND
            )
        return self._objective

    def _short_after(self, i: int, h: int, *, gains: bool, loses: bool) -> list[str]:
        """Composition targets a swap would leave short that are met or closer now: i joins
        (if unplaced before), h drops out (if left with no post)."""
        p = self.problem
        if self._counts is None:
            self._counts = composition_counts(p, self.board.post_of)
        short = []
        for flag, target in targets_of(p).items():
            before = self._counts[flag]
            after = before + int(gains and p.c_flags[flag][i]) - int(loses and p.c_flags[flag][h])
            if after < target and after < before:
                short.append(flag)
        return short

    def _holder_rows(self, j: int) -> list[dict[str, Any]]:
        """capacity_full's holder list, built once per post and copied into each reason."""
        rows = self._holder_table.get(j)
        if rows is None:
            p, board = self.problem, self.board
            rows = self._holder_table[j] = [
                {
                    "candidate": p.candidates[x].id,
                    "score": self.score(x, j).total,
                    "pinned": x in board.pinned,
                }
                for x in self.holders_in_order(j)
            ]
        return [dict(row) for row in rows]

    def unassigned_summary(self, i: int) -> Reason:
        p, board = self.problem, self.board
        feasible = np.flatnonzero(self.pairwise[i])
        if len(feasible) == 0:
            masks = p.reason_masks(np.array([i]))
            counts = {
                code: int(masks[code].sum()) for code in PAIR_REASON_CODES if masks[code].any()
            }
            return Reason.of("no_feasible_post", reasons=counts)
        free = p.p_capacity[feasible] - np.array([len(board.holders[j]) for j in feasible])
        full = int((free <= 0).sum())
        open_posts, capped = [], 0
        for j in feasible[free > 0]:
            if board.dispatch_ok(i, int(j)) and board.leadership_ok(i, int(j)):
                open_posts.append(p.posts[int(j)].id)
            else:
                capped += 1
        if not open_posts:
            return Reason.of("outscored", feasible_posts=len(feasible), full=full, capped=capped)
        return Reason.of(
            "not_placed", feasible_posts=len(feasible), open_posts=sorted(open_posts)[:10]
        )

    def candidate(self, i: int) -> Explanation:
        p, board = self.problem, self.board
        candidate = p.candidates[i]
        j = board.post_of.get(i)
        score = None if j is None else self.score(i, j)
        obtained_rank = None if j is None else p.choice_rank[i].get(j)
        alternatives: list[Alternative] = []
        seen: set[int] = set()
        for rank, post_id in enumerate(candidate.choices, 1):
            if obtained_rank is not None and rank >= obtained_rank:
                break
            if post_id in seen:
                continue
            seen.add(post_id)
            k = p.pindex.get(post_id)
            reasons = [Reason.of("post_unknown")] if k is None else self.alternative(i, k)
            alternatives.append(Alternative(post_id, rank, tuple(reasons)))
        if i in board.pinned:
            summary: Reason | None = Reason.of("pinned", post=score.post if score else None)
        elif j is None:
            summary = self.unassigned_summary(i)
        else:
            summary = None
        return Explanation(
            candidate=candidate.id,
            post=None if j is None else p.posts[j].id,
            rank=obtained_rank,
            score=score,
            summary=summary,
            alternatives=tuple(alternatives),
        )

    def all_candidates(self) -> dict[int, Explanation]:
        order = sorted(range(self.problem.n), key=lambda i: self.problem.candidates[i].id)
        return {self.problem.candidates[i].id: self.candidate(i) for i in order}

    # Batch -------------------------------------------------------------------------------------

    def choice_histogram(self) -> dict[int | str, int]:
        p = self.problem
        histogram: dict[int | str, int] = dict.fromkeys(range(1, p.choice_length + 1), 0)
        histogram["unranked"] = 0
        histogram["unassigned"] = 0
        for i in range(p.n):
            j = self.board.post_of.get(i)
            if j is None:
                histogram["unassigned"] += 1
            elif (rank := p.choice_rank[i].get(j)) is not None:
                histogram[rank] += 1
            else:
                histogram["unranked"] += 1
        return histogram

    def composition(self) -> dict[str, Target]:
        p = self.problem
        assigned = np.fromiter(self.board.post_of, dtype=np.int64)
        out: dict[str, Target] = {}
        for flag, target in targets_of(p).items():
            achieved = int(p.c_flags[flag][assigned].sum())
            out[flag] = Target(target, achieved, achieved >= target, max(0, target - achieved))
        assert tuple(out) == FLAGS
        return out
