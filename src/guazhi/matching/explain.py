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
                   lower_total (score_here, score_obtained, delta: taking the post instead
                   would lower the total), not_improved (a heuristic result left a better move),
                   blocking_pair (stable mode: the pair would rather be together)
  unassigned       no_feasible_post (reasons: {code: posts it rules out}),
                   outscored (feasible_posts, full, capped), not_placed (feasible_posts, open_posts)
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import numpy as np

from guazhi.matching.board import Board
from guazhi.matching.constraints import PAIR_REASON_CODES, pair_reasons
from guazhi.matching.optimal import FLAGS, targets_of
from guazhi.matching.problem import Problem
from guazhi.matching.result import (
    Alternative,
    Explanation,
    PairScore,
    PostOutcome,
    Reason,
    Target,
)


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
