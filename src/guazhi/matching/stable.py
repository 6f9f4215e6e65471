"""Stable mode: candidate-proposing deferred acceptance (Gale–Shapley) with seats.

Candidates propose down their list: the posts they ranked, in their order, then (unless the batch
requires a choice) every other post open to them by descending score. A post keeps the best
proposers its free seats hold, best meaning: ranked higher by the host, then a higher score,
then the seed's order. With capacity and pairwise rules only, the outcome is the stable matching
every candidate likes best (no candidate and post would both rather have each other): exact.

The batch-wide caps are not a post's own choice: when one is exceeded, the host unit turns away
the group member its posts like least (same order, across its posts). Stable matchings need not
exist under such caps, so then the result is audited: any pair that would still rather be
together, within every rule, is listed in `blocking_pairs` and the result is not called exact.
Composition targets are reported, never enforced, in this mode: enforcing them would break
stability.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from guazhi.matching.board import Board
from guazhi.matching.optimal import EdgeScores
from guazhi.matching.problem import Problem

Key = tuple[int, float, int]


class Preferences:
    """Each candidate's list (built when first needed) and each post's order over candidates."""

    def __init__(self, problem: Problem, edges: EdgeScores) -> None:
        self.problem = problem
        self.edges = edges
        self._lists: dict[int, np.ndarray] = {}

    def candidate_list(self, i: int) -> np.ndarray:
        found = self._lists.get(i)
        if found is not None:
            return found
        ranks = self.problem.choice_rank[i]
        ranked = np.array(
            [j for j in sorted(ranks, key=ranks.__getitem__) if self.edges.weight(i, j) > 0],
            dtype=np.int64,
        )
        if self.problem.rules.require_choice:
            found = ranked
        else:
            cols, weights = self.edges.row(i)
            rest = cols[np.lexsort((cols, -weights))].astype(np.int64)
            found = np.concatenate([ranked, rest[~np.isin(rest, ranked)]])
        self._lists[i] = found
        return found

    def score(self, i: int, j: int) -> float:
        return self.edges.weight(i, j)

    def key(self, i: int, j: int) -> Key:
        """How post j ranks candidate i: lower is better."""
        host_rank = self.problem.host_rank[j].get(i, 1 << 30)
        return host_rank, -self.score(i, j), i


def deferred_acceptance(
    problem: Problem, board: Board, edges: EdgeScores, open_rows: np.ndarray
) -> int:
    """Run deferred acceptance on the board (which holds the pins); returns how many times a
    batch-wide cap, not a post, turned someone away."""
    prefs = Preferences(problem, edges)
    queue = deque(int(i) for i in np.flatnonzero(open_rows))
    next_choice = dict.fromkeys(queue, 0)
    cap_rejections = 0

    def worst(members: list[int]) -> int | None:
        movable = [x for x in members if x not in board.pinned]
        if not movable:
            return None
        return max(movable, key=lambda x: prefs.key(x, board.post_of[x]))

    while queue:
        i = queue.popleft()
        wishes = prefs.candidate_list(i)
        if next_choice[i] >= len(wishes):
            continue
        j = int(wishes[next_choice[i]])
        next_choice[i] += 1
        turned_away: list[int] = []
        if board.free_slots(j) > 0:
            board.add(i, j)
        else:
            loser = worst(sorted(board.holders[j]))
            if loser is not None and prefs.key(i, j) < prefs.key(loser, j):
                board.remove(loser)
                board.add(i, j)
                turned_away.append(loser)
            else:
                turned_away.append(i)
        if i in board.post_of:
            limit = board.dispatch_limit
            group = board.dispatch_group(i, j)
            if limit is not None and board.dispatch_count[group] > limit:
                loser = worst(board.dispatch_members(i, j))
                assert loser is not None  # pins alone never exceed a limit
                board.remove(loser)
                turned_away.append(loser)
                cap_rejections += 1
        if i in board.post_of and problem.p_leadership[j]:
            host_unit = int(problem.p_host[j])
            seats = board.seats(host_unit)
            if seats is not None and board.leadership_count[host_unit] > seats:
                loser = worst(board.leadership_members(j))
                assert loser is not None
                board.remove(loser)
                turned_away.append(loser)
                cap_rejections += 1
        queue.extend(turned_away)
    return cap_rejections


def blocking_pairs(
    problem: Problem, board: Board, edges: EdgeScores, open_rows: np.ndarray
) -> list[tuple[int, int]]:
    """Pairs (candidate index, post index) that would both rather be together, within the rules:
    the candidate prefers the post, which has a free seat or holds someone it likes less, and
    moving there (that person out) breaks no batch-wide cap."""
    prefs = Preferences(problem, edges)
    found: list[tuple[int, int]] = []
    for i in (int(i) for i in np.flatnonzero(open_rows)):
        wishes = prefs.candidate_list(i)
        current = board.post_of.get(i)
        at = np.flatnonzero(wishes == current) if current is not None else np.zeros(0, dtype=int)
        better = wishes[: at[0]] if len(at) else wishes
        for j in (int(j) for j in better):
            displaced: list[int] = []
            if board.free_slots(j) <= 0:
                movable = [x for x in board.holders[j] if x not in board.pinned]
                if not movable:
                    continue
                loser = max(movable, key=lambda x: prefs.key(x, j))
                if prefs.key(i, j) >= prefs.key(loser, j):
                    continue
                displaced.append(loser)
            if board.dispatch_ok(i, j, displaced) and board.leadership_ok(i, j, displaced):
                found.append((i, j))
    return found
