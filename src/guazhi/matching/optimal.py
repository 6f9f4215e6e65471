"""Optimal mode: the largest total score the hard rules allow.

1. Pairwise rules and capacity alone make an assignment problem: posts expand into one column per
   free seat, and scipy's `linear_sum_assignment` (dense) or
   `min_weight_full_bipartite_matching` (sparse, when candidates see few posts; a zero-cost
   "stay out" column per candidate keeps the matching full) solves it exactly.
2. If that optimum also keeps the batch-wide rules (per dispatching unit at a host, leadership
   teams) and meets the composition targets as far as they can be met, it is the answer, exact.
3. Otherwise an integer programme (scipy.optimize.milp, HiGHS) over the feasible pairs with the
   batch-wide rules as rows, composition shortfalls priced above any score (so targets come
   first, then score). Exact when every feasible pair fits (MILP_MAX_EDGES); on larger instances
   it runs over each candidate's best pairs plus the step-1 optimum's pairs, a heuristic.
4. A repair that always ends with no hard rule broken: drop the lowest-scoring members of any
   group over its limit, then fill open seats greedily (candidates who count toward an unmet
   target first). The step-1 optimum bounds the total from above, so what the batch-wide rules
   cost ("given up") is reported against it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, linprog, milp
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from guazhi.matching.board import Board
from guazhi.matching.problem import Problem
from guazhi.matching.result import Reason

# A bonus per pair made, far below any score difference that matters: among equal totals the
# solvers prefer the one that places more people (a post filled by someone with no particular
# fit beats a post left empty). It never appears in reported scores.
EPS = 1e-9
# Integer programmes over more candidate-post pairs than this run on each candidate's best pairs.
MILP_MAX_EDGES = 60_000
MILP_MIN_PER_CANDIDATE = 4
# Dense assignment when the seat-expanded matrix is at most this many cells and at least this
# share of them are feasible pairs; otherwise sparse matching.
DENSE_MAX_CELLS = 40_000_000
DENSE_MIN_SHARE = 0.05
# Below this share of feasible pairs, scores are computed pair by pair rather than by blocks.
SCORE_BY_PAIR_SHARE = 0.02


@dataclass
class EdgeScores:
    """Solver weights (score + EPS) of the pairs still open: a dense matrix or a sparse one."""

    n: int
    m: int
    dense: np.ndarray | None = None
    sparse: sp.csr_matrix | None = None

    def row(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        if self.dense is not None:
            cols = np.flatnonzero(self.dense[i])
            return cols, self.dense[i, cols]
        assert self.sparse is not None
        start, end = self.sparse.indptr[i], self.sparse.indptr[i + 1]
        return self.sparse.indices[start:end], self.sparse.data[start:end]

    def weight(self, i: int, j: int) -> float:
        if self.dense is not None:
            return float(self.dense[i, j])
        cols, weights = self.row(i)
        at = int(np.searchsorted(cols, j))
        return float(weights[at]) if at < len(cols) and cols[at] == j else 0.0

    def count(self) -> int:
        if self.dense is not None:
            return int(np.count_nonzero(self.dense))
        assert self.sparse is not None
        return int(self.sparse.nnz)

    def block(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        if self.dense is not None:
            return self.dense[np.ix_(rows, cols)]
        assert self.sparse is not None
        return self.sparse[rows][:, cols].toarray()

    def edges(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self.dense is not None:
            rows, cols = np.nonzero(self.dense)
            return rows, cols, self.dense[rows, cols]
        assert self.sparse is not None
        coo = self.sparse.tocoo()
        return coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data

    def top_edges(self, per_row: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each row's `per_row` heaviest pairs (ties: lower column first)."""
        out_r, out_c, out_w = [], [], []
        step = max(1, 2_000_000 // max(self.m, 1))
        for start in range(0, self.n, step):
            rows = np.arange(start, min(start + step, self.n))
            if self.dense is not None:
                block = self.dense[rows]
            else:
                assert self.sparse is not None
                block = self.sparse[rows].toarray()
            k = min(per_row, self.m)
            # Stable sort on the negated weights: deterministic among equal weights.
            order = np.argsort(-block, axis=1, kind="stable")[:, :k]
            weights = np.take_along_axis(block, order, axis=1)
            keep = weights > 0
            out_r.append(np.repeat(rows, k).reshape(len(rows), k)[keep])
            out_c.append(order[keep])
            out_w.append(weights[keep])
        if not out_r:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0)
        return np.concatenate(out_r), np.concatenate(out_c), np.concatenate(out_w)


def build_edge_scores(
    problem: Problem,
    pairwise: np.ndarray,
    open_rows: np.ndarray,
    closed: Callable[[np.ndarray], np.ndarray | None],
    free: np.ndarray,
    progress: Callable[[float], None] | None = None,
) -> EdgeScores:
    """Score every open feasible pair; `closed(rows)` masks pairs a batch-wide cap already shuts."""
    n, m = problem.n, problem.m
    seats = int(free.sum())
    open_n = int(open_rows.sum())
    feasible_seats = int((pairwise[open_rows].astype(np.int64) @ free).sum()) if open_n else 0
    cells = open_n * seats
    dense = 0 < cells <= DENSE_MAX_CELLS and feasible_seats >= DENSE_MIN_SHARE * cells
    edges = EdgeScores(n, m)
    if dense:
        edges.dense = np.zeros((n, m))
    parts_r, parts_c, parts_w = [], [], []
    blocks = list(problem.block_rows())
    # Few feasible pairs: score just those, not every cell of the blocks.
    by_pair = edges.dense is None and feasible_seats < SCORE_BY_PAIR_SHARE * open_n * problem.m
    for number, rows in enumerate(blocks, 1):
        mask = pairwise[rows] & open_rows[rows, None]
        shut = closed(rows)
        if shut is not None:
            mask &= ~shut
        if by_pair:
            r, c = np.nonzero(mask)
            parts_r.append(rows[r])
            parts_c.append(c)
            parts_w.append(problem.scores_at(rows[r], c) + EPS)
        elif mask.any():
            scores = problem.score_block(rows)
            if edges.dense is not None:
                scores += EPS
                scores[~mask] = 0.0
                edges.dense[rows[0] : rows[-1] + 1] = scores  # blocks are runs of rows
            else:
                r, c = np.nonzero(mask)
                parts_r.append(rows[r])
                parts_c.append(c)
                parts_w.append(scores[r, c] + EPS)
        if progress is not None:
            progress(number / len(blocks))
    if edges.dense is None:
        rows_all = np.concatenate(parts_r) if parts_r else np.zeros(0, dtype=np.int64)
        cols_all = np.concatenate(parts_c) if parts_c else np.zeros(0, dtype=np.int64)
        weights = np.concatenate(parts_w) if parts_w else np.zeros(0)
        edges.sparse = sp.csr_matrix((weights, (rows_all, cols_all)), shape=(n, m))
        edges.sparse.sort_indices()  # EdgeScores.weight() searches each row
    return edges


def solve_assignment(edges: EdgeScores, free: np.ndarray) -> tuple[dict[int, int], str]:
    """The maximum-weight assignment under capacity alone: {candidate index: post index}."""
    seat_post = np.repeat(np.arange(edges.m), free)
    if len(seat_post) == 0 or edges.count() == 0:
        return {}, "assignment_dense" if edges.dense is not None else "assignment_sparse"
    if edges.dense is not None:
        active = np.flatnonzero(edges.dense.any(axis=1))
        matrix = edges.dense if len(active) == edges.n else edges.dense[active]
        if not (len(seat_post) == edges.m and (free == 1).all()):
            matrix = matrix[:, seat_post]
        rows, seats = linear_sum_assignment(matrix, maximize=True)
        made = matrix[rows, seats] > 0
        return (
            {
                int(active[r]): int(seat_post[s])
                for r, s in zip(rows[made], seats[made], strict=True)
            },
            "assignment_dense",
        )
    assert edges.sparse is not None
    matrix = edges.sparse
    active = np.flatnonzero(np.diff(matrix.indptr))
    coo = matrix[active].tocoo()
    # One column per free seat; every pair repeated once per seat of its post.
    per_edge = free[coo.col]
    first_seat = np.concatenate([[0], np.cumsum(free)[:-1]])
    rows = np.repeat(coo.row, per_edge)
    offsets = np.arange(int(per_edge.sum())) - np.repeat(np.cumsum(per_edge) - per_edge, per_edge)
    seats = np.repeat(first_seat[coo.col], per_edge) + offsets
    weights = np.repeat(coo.data, per_edge)
    if len(rows) == 0:
        return {}, "assignment_sparse"
    top = float(weights.max()) + 1.0
    k = len(active)
    # Costs top - weight > 0 (a stored zero would be no edge); staying out costs top.
    costs = np.concatenate([top - weights, np.full(k, top)])
    graph = sp.csr_matrix(
        (
            costs,
            (
                np.concatenate([rows, np.arange(k)]),
                np.concatenate([seats, len(seat_post) + np.arange(k)]),
            ),
        ),
        shape=(k, len(seat_post) + k),
    )
    matched_rows, matched_cols = min_weight_full_bipartite_matching(graph)
    real = matched_cols < len(seat_post)
    return (
        {
            int(active[r]): int(seat_post[c])
            for r, c in zip(matched_rows[real], matched_cols[real], strict=True)
        },
        "assignment_sparse",
    )


# Batch-wide rules ------------------------------------------------------------------------------

FLAGS: tuple[str, ...] = ("women", "minority", "non_party")


def targets_of(problem: Problem) -> dict[str, int]:
    rules = problem.rules
    return {
        "women": rules.min_women,
        "minority": rules.min_minority,
        "non_party": rules.min_non_party,
    }


def composition_counts(problem: Problem, assigned: Iterable[int]) -> dict[str, int]:
    rows = np.fromiter(assigned, dtype=np.int64)
    return {flag: int(problem.c_flags[flag][rows].sum()) for flag in FLAGS}


@dataclass
class Breaches:
    dispatch: list[tuple[int, int]] = field(default_factory=list)
    leadership: list[int] = field(default_factory=list)
    short: dict[str, int] = field(default_factory=dict)  # flag -> shortfall one could reduce

    def __bool__(self) -> bool:
        return bool(self.dispatch or self.leadership or self.short)


def breaches(problem: Problem, board: Board, reachable: dict[str, int]) -> Breaches:
    """What the current board breaks: groups over their limit, and composition targets it misses
    although more of that group could be placed (`reachable`: the most that could be)."""
    found = Breaches()
    limit = board.dispatch_limit
    if limit is not None:
        found.dispatch = sorted(g for g, count in board.dispatch_count.items() if count > limit)
    for host_unit, count in sorted(board.leadership_count.items()):
        seats = board.seats(host_unit)
        if seats is not None and count > seats:
            found.leadership.append(host_unit)
    achieved = composition_counts(problem, board.post_of)
    for flag, target in targets_of(problem).items():
        if achieved[flag] < min(target, reachable[flag]):
            found.short[flag] = target - achieved[flag]
    return found


@dataclass
class MilpOutcome:
    assignment: dict[int, int] | None
    optimal: bool
    timed_out: bool


def solve_milp(
    problem: Problem,
    board: Board,
    rows: np.ndarray,
    cols: np.ndarray,
    weights: np.ndarray,
    time_limit: float,
) -> MilpOutcome:
    """Maximise total weight over the given pairs with every rule as a row; the board holds the
    pins, whose seats and group places are already taken."""
    e = len(rows)
    if e == 0:
        return MilpOutcome({}, True, False)
    achieved = composition_counts(problem, board.post_of)
    short = {
        flag: target - achieved[flag]
        for flag, target in targets_of(problem).items()
        if target > achieved[flag]
    }
    n_vars = e + len(short)
    a_rows: list[np.ndarray] = []
    a_cols: list[np.ndarray] = []
    upper: list[float] = []
    counter = 0

    def add_groups(group_of_edge: np.ndarray, edge_ids: np.ndarray, limits: np.ndarray) -> None:
        """One row per group: sum of its pairs <= its limit (groups named 0..len(limits)-1)."""
        nonlocal counter
        a_rows.append(group_of_edge + counter)
        a_cols.append(edge_ids)
        upper.extend(limits.tolist())
        counter += len(limits)

    all_ids = np.arange(e)
    # Each candidate at most once; each post at most its free seats.
    _, cand_group = np.unique(rows, return_inverse=True)
    add_groups(cand_group, all_ids, np.ones(cand_group.max() + 1))
    post_ids, post_group = np.unique(cols, return_inverse=True)
    add_groups(post_group, all_ids, np.array([board.free_slots(int(j)) for j in post_ids], float))
    # Candidates of one dispatching unit at one host unit.
    if board.dispatch_limit is not None:
        keys = np.stack([problem.c_dispatch[rows], problem.p_host[cols]], axis=1)
        groups, group_of = np.unique(keys, axis=0, return_inverse=True)
        group_of = group_of.ravel()
        people = np.unique(np.stack([group_of, rows], axis=1), axis=0)
        distinct = np.bincount(people[:, 0], minlength=len(groups))
        limits = np.array(
            [board.dispatch_limit - board.dispatch_count[(int(d), int(h))] for d, h in groups],
            float,
        )
        limits = np.maximum(limits, 0.0)  # never below zero, or the programme has no solution
        binding = distinct > limits
        if binding.any():
            renumber = np.cumsum(binding) - 1
            chosen = binding[group_of]
            add_groups(renumber[group_of[chosen]], all_ids[chosen], limits[binding])
    # Seconded cadres in one host leadership team.
    lead = problem.p_leadership[cols]
    if lead.any():
        hosts, host_of = np.unique(problem.p_host[cols[lead]], return_inverse=True)
        limits = np.array(
            [
                np.inf if (s := board.seats(int(h))) is None else s - board.leadership_count[int(h)]
                for h in hosts
            ]
        )
        limits = np.maximum(limits, 0.0)
        binding = np.isfinite(limits)
        if binding.any():
            renumber = np.cumsum(binding) - 1
            lead_ids = all_ids[lead]
            chosen = binding[host_of]
            add_groups(renumber[host_of[chosen]], lead_ids[chosen], limits[binding])
    # Composition: flagged pairs + shortfall >= target, i.e. -(flagged) - shortfall <= -target.
    ones = [np.ones(sum(len(c) for c in a_cols))]
    comp_rows, comp_cols, comp_vals = [], [], []
    for k, (flag, missing) in enumerate(short.items()):
        flagged = all_ids[problem.c_flags[flag][rows]]
        comp_rows.append(np.full(len(flagged) + 1, counter))
        comp_cols.append(np.concatenate([flagged, [e + k]]))
        comp_vals.append(-np.ones(len(flagged) + 1))
        upper.append(-float(missing))
        counter += 1
    matrix = sp.csr_matrix(
        (
            np.concatenate(ones + comp_vals),
            (np.concatenate(a_rows + comp_rows), np.concatenate(a_cols + comp_cols)),
        ),
        shape=(counter, n_vars),
    )
    # A unit of shortfall costs more than every score together: targets first, then score.
    best_per_candidate = np.zeros(problem.n)
    np.maximum.at(best_per_candidate, rows, weights)
    price = float(best_per_candidate.sum()) + 1.0
    cost = np.concatenate([-weights, np.full(len(short), price)])
    upper_bounds = np.concatenate([np.ones(e), np.array(list(short.values()), float)])
    constraint = LinearConstraint(matrix, -np.inf, np.array(upper))
    # The relaxation first: these programmes are an assignment problem plus a few side rows, and
    # the dual simplex's vertex is usually integral, which proves it optimal for the integer
    # programme too, in a fraction of the time HiGHS's MIP machinery spends on its root node.
    started = time.monotonic()
    relaxed = linprog(
        cost,
        A_ub=matrix,
        b_ub=np.array(upper),
        bounds=np.column_stack([np.zeros(n_vars), upper_bounds]),
        method="highs-ds",
        options={"time_limit": time_limit},
    )
    if relaxed.status == 0 and relaxed.x is not None:
        x = relaxed.x
        if np.all(np.abs(x - np.round(x)) <= 1e-6):
            return MilpOutcome(_pairs(rows, cols, x[:e]), True, False)
    remaining = max(1.0, time_limit - (time.monotonic() - started))
    answer = milp(
        cost,
        constraints=constraint,
        integrality=np.ones(n_vars),
        bounds=Bounds(np.zeros(n_vars), upper_bounds),
        options={"time_limit": remaining, "mip_rel_gap": 1e-9, "presolve": True},
    )
    if answer.x is None:
        return MilpOutcome(None, False, answer.status == 1)
    return MilpOutcome(_pairs(rows, cols, answer.x[:e]), answer.status == 0, answer.status == 1)


def _pairs(rows: np.ndarray, cols: np.ndarray, x: np.ndarray) -> dict[int, int]:
    taken = np.flatnonzero(x > 0.5)
    return {int(rows[k]): int(cols[k]) for k in taken}


def repair(
    problem: Problem,
    board: Board,
    edges: EdgeScores,
    open_rows: np.ndarray,
) -> tuple[int, float]:
    """Make the board keep every hard rule, then fill open seats greedily.

    Returns how many pairs were dropped and the score the filling added.
    """
    dropped = 0

    def weight(i: int) -> float:
        return edges.weight(i, board.post_of[i])

    def trim(members: list[int], excess: int) -> None:
        nonlocal dropped
        movable = sorted(
            (x for x in members if x not in board.pinned), key=lambda x: (weight(x), x)
        )
        for x in movable[:excess]:
            board.remove(x)
            dropped += 1

    for j in range(problem.m):
        excess = len(board.holders[j]) - int(problem.p_capacity[j])
        if excess > 0:
            trim(sorted(board.holders[j]), excess)
    limit = board.dispatch_limit
    if limit is not None:
        for group in sorted(g for g, count in board.dispatch_count.items() if count > limit):
            d, h = group
            members = sorted(
                x
                for k in problem.posts_at_unit[h]
                for x in board.holders[k]
                if problem.c_dispatch[x] == d
            )
            trim(members, board.dispatch_count[group] - limit)
    for host_unit in sorted(board.leadership_count):
        seats = board.seats(host_unit)
        if seats is not None and board.leadership_count[host_unit] > seats:
            j_any = problem.posts_at_unit[host_unit][0]
            trim(board.leadership_members(j_any), board.leadership_count[host_unit] - seats)
    return dropped, fill(problem, board, edges, open_rows)


def fill(problem: Problem, board: Board, edges: EdgeScores, open_rows: np.ndarray) -> float:
    """Seat unplaced candidates in open seats, best pairs first; those who count toward an unmet
    composition target go first. Returns the score added."""
    added = 0.0
    for wanted_only in (True, False):
        free = np.array([board.free_slots(j) for j in range(problem.m)])
        free_posts = np.flatnonzero(free > 0)
        waiting = np.array(
            [i for i in np.flatnonzero(open_rows) if int(i) not in board.post_of], dtype=np.int64
        )
        if wanted_only:
            achieved = composition_counts(problem, board.post_of)
            short = [f for f, t in targets_of(problem).items() if achieved[f] < t]
            if not short:
                continue
            keep = np.zeros(len(waiting), dtype=bool)
            for flag in short:
                keep |= problem.c_flags[flag][waiting]
            waiting = waiting[keep]
        if len(free_posts) == 0 or len(waiting) == 0:
            continue
        block = edges.block(waiting, free_posts)
        r, c = np.nonzero(block)
        w = block[r, c]
        order = np.lexsort((free_posts[c], waiting[r], -w))
        for k in order:
            i, j = int(waiting[r[k]]), int(free_posts[c[k]])
            if i in board.post_of or not board.fits(i, j):
                continue
            if wanted_only and not _still_short(problem, board, i):
                continue
            board.add(i, j)
            added += float(w[k]) - EPS
    return added


def _still_short(problem: Problem, board: Board, i: int) -> bool:
    achieved = composition_counts(problem, board.post_of)
    return any(
        problem.c_flags[flag][i] and achieved[flag] < target
        for flag, target in targets_of(problem).items()
    )


@dataclass
class Outcome:
    method: str
    exact: bool
    pairwise: dict[int, int]  # the assignment-problem optimum, before batch-wide rules
    warnings: list[Reason] = field(default_factory=list)


def optimise(
    problem: Problem,
    board: Board,
    edges: EdgeScores,
    open_rows: np.ndarray,
    reachable: dict[str, int],
) -> Outcome:
    """Fill the board (which holds the pins) optimally; see the module docstring."""
    free = np.array([board.free_slots(j) for j in range(problem.m)], dtype=np.int64)
    pairwise, method = solve_assignment(edges, free)
    for i, j in sorted(pairwise.items()):
        board.add(i, j)
    outcome = Outcome(method, True, pairwise)
    if not breaches(problem, board, reachable):
        return outcome
    for i in sorted(pairwise):
        board.remove(i)
    total = edges.count()
    if total <= MILP_MAX_EDGES:
        rows, cols, weights = edges.edges()
        outcome.method = "milp"
    else:
        per_row = max(MILP_MIN_PER_CANDIDATE, MILP_MAX_EDGES // max(int(open_rows.sum()), 1))
        rows, cols, weights = edges.top_edges(per_row)
        # The assignment optimum's own pairs, so the programme can keep what was already best.
        if pairwise:
            rows = np.concatenate([rows, np.fromiter(pairwise.keys(), dtype=np.int64)])
            cols = np.concatenate([cols, np.fromiter(pairwise.values(), dtype=np.int64)])
            weights = np.concatenate([weights, [edges.weight(i, j) for i, j in pairwise.items()]])
            _, first = np.unique(np.stack([rows, cols], axis=1), axis=0, return_index=True)
            first.sort()
            rows, cols, weights = rows[first], cols[first], weights[first]
        outcome.method = "milp_restricted"
        outcome.exact = False
    answer = solve_milp(problem, board, rows, cols, weights, problem.params.time_limit)
    if answer.timed_out:
        outcome.warnings.append(Reason.of("time_limit", seconds=problem.params.time_limit))
    chosen = answer.assignment
    if chosen is None:
        chosen = pairwise
        outcome.method = "repair"
        outcome.exact = False
    elif not answer.optimal:
        outcome.exact = False
    for i, j in sorted(chosen.items()):
        board.add(i, j)
    dropped, added = repair(problem, board, edges, open_rows)
    if dropped or added > 1e-7:
        outcome.exact = False
        if outcome.method != "repair":
            outcome.method += "+repair"
    if not outcome.exact and outcome.method != "repair":
        # A heuristic answer must at least match the assignment optimum repaired.
        fallback = Board(problem)
        for i in sorted(board.pinned):
            fallback.add(i, board.post_of[i])
            fallback.pinned.add(i)
        for i, j in sorted(pairwise.items()):
            fallback.add(i, j)
        repair(problem, fallback, edges, open_rows)
        if _standing(problem, fallback, edges) < _standing(problem, board, edges):
            for i in sorted(set(board.post_of) - board.pinned):
                board.remove(i)
            for i in sorted(set(fallback.post_of) - fallback.pinned):
                board.add(i, fallback.post_of[i])
            outcome.method = "repair"
    return outcome


def _standing(problem: Problem, board: Board, edges: EdgeScores) -> tuple[int, float]:
    """How good a board is, lower is better: composition shortfall first, then minus score."""
    achieved = composition_counts(problem, board.post_of)
    short = sum(max(0, t - achieved[f]) for f, t in targets_of(problem).items())
    score = sum(edges.weight(i, j) for i, j in board.post_of.items() if i not in board.pinned)
    return short, -score
