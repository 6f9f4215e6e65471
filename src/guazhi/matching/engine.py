"""solve(): one matching run from inputs to a Result, with progress reported along the way."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

from guazhi.matching.board import Board
from guazhi.matching.constraints import check, pair_reasons
from guazhi.matching.explain import Explainer
from guazhi.matching.model import Candidate, Params, Post, Rules, validate
from guazhi.matching.optimal import FLAGS, EdgeScores, build_edge_scores, optimise
from guazhi.matching.problem import ROUND, Problem
from guazhi.matching.result import Reason, Result
from guazhi.matching.stable import blocking_pairs, deferred_acceptance

Progress = Callable[[int, int], None]

# Shares of the progress bar (out of 100) by stage: tokenising the texts is the slow part of
# preparing, solving the slow part of the rest.
STAGES = {"text": (0, 35), "feasibility": (35, 45), "scores": (45, 55), "solve": (55, 90)}


class _Bar:
    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.last = -1

    def stage(self, name: str, fraction: float) -> None:
        if self.progress is None:
            return
        start, end = STAGES[name]
        self.at(int(start + (end - start) * min(max(fraction, 0.0), 1.0)))

    def at(self, done: int) -> None:
        if self.progress is not None and done != self.last:
            self.last = done
            self.progress(done, 100)


def _place_pins(problem: Problem, board: Board) -> list[Reason]:
    """Seat the coordinator's pins first, in (candidate, post) order; refuse, with the reasons,
    any pin that breaks a hard rule or that the earlier pins leave no room for."""
    warnings: list[Reason] = []
    per_candidate = Counter(cid for cid, _ in problem.params.pins)
    for cid, pid in sorted(problem.params.pins):
        reasons: list[Reason] = []
        if cid not in problem.cindex:
            reasons.append(Reason.of("unknown_candidate"))
        if pid not in problem.pindex:
            reasons.append(Reason.of("post_unknown"))
        if per_candidate[cid] > 1:
            reasons.append(Reason.of("pin_conflict", pins=per_candidate[cid]))
        if not reasons:
            i, j = problem.cindex[cid], problem.pindex[pid]
            reasons = pair_reasons(
                problem.candidates[i],
                problem.posts[j],
                problem.rules,
                forbidden=(cid, pid) in problem.params.forbids,
            )
            if not board.room(j):
                reasons.append(Reason.of("capacity_full", capacity=int(problem.p_capacity[j])))
            if not board.dispatch_ok(i, j):
                reasons.append(Reason.of("dispatch_cap", limit=board.dispatch_limit))
            if not board.leadership_ok(i, j):
                reasons.append(
                    Reason.of("leadership_cap", limit=problem.rules.max_leadership_per_host)
                )
            if not reasons:
                board.add(i, j)
                board.pinned.add(i)
                continue
        warnings.append(
            Reason.of(
                "pin_refused",
                candidate=cid,
                post=pid,
                reasons=[r.to_dict() for r in reasons],
            )
        )
    return warnings


def _closed_by_caps(problem: Problem, board: Board) -> Callable[[np.ndarray], np.ndarray | None]:
    """Pairs a cap already shuts before solving: leadership teams the pins (and those serving)
    fill, and hosts where the pins fill a dispatching unit's share."""
    lead_closed = np.zeros(problem.m, dtype=bool)
    for j in range(problem.m):
        if problem.p_leadership[j]:
            seats = board.seats(int(problem.p_host[j]))
            if seats is not None and board.leadership_count[int(problem.p_host[j])] >= seats:
                lead_closed[j] = True
    limit = board.dispatch_limit
    closed_groups: dict[int, np.ndarray] = {}
    if limit is not None:
        by_unit: dict[int, list[int]] = {}
        for (d, h), count in board.dispatch_count.items():
            if count >= limit:
                by_unit.setdefault(d, []).extend(problem.posts_at_unit[h])
        if limit == 0:
            lead_closed[:] = True
        closed_groups = {d: np.array(sorted(js)) for d, js in by_unit.items()}
    if not lead_closed.any() and not closed_groups:
        return lambda rows: None

    def closed(rows: np.ndarray) -> np.ndarray:
        mask = np.zeros((len(rows), problem.m), dtype=bool)
        mask[:, lead_closed] = True
        for d, cols in closed_groups.items():
            chosen = np.flatnonzero(problem.c_dispatch[rows] == d)
            if len(chosen):
                mask[np.ix_(chosen, cols)] = True
        return mask

    return closed


def _feasibility(problem: Problem, bar: _Bar) -> np.ndarray:
    """Pairwise feasibility of every pair (candidates × posts)."""
    feasible = np.zeros((problem.n, problem.m), dtype=bool)
    blocks = list(problem.block_rows())
    for number, rows in enumerate(blocks, 1):
        ruled_out = np.zeros((len(rows), problem.m), dtype=bool)
        for mask in problem.reason_masks(rows).values():
            ruled_out |= mask
        feasible[rows] = ~ruled_out
        bar.stage("feasibility", number / len(blocks))
    return feasible


def _reachable(
    problem: Problem, board: Board, edges: EdgeScores, open_rows: np.ndarray
) -> dict[str, int]:
    """Per composition flag, the most people of that group who could be placed at all."""
    if edges.dense is not None:
        has_pair = edges.dense.any(axis=1)
    else:
        assert edges.sparse is not None
        has_pair = np.diff(edges.sparse.indptr) > 0
    could = (has_pair & open_rows) | np.isin(np.arange(problem.n), list(board.pinned))
    return {flag: int((problem.c_flags[flag] & could).sum()) for flag in FLAGS}


def solve(
    candidates: Sequence[Candidate],
    posts: Sequence[Post],
    rules: Rules | None = None,
    params: Params | None = None,
    progress: Progress | None = None,
) -> Result:
    """Match candidates to posts; see the package docstring for what is exact and what is not.

    progress(done, total) is called as the run advances (total is 100).
    """
    rules = rules if rules is not None else Rules()
    params = params if params is not None else Params()
    validate(candidates, posts, rules, params)
    bar = _Bar(progress)
    bar.at(0)
    problem = Problem(candidates, posts, rules, params)
    problem.prepare_text(lambda done, total: bar.stage("text", done / max(total, 1)))
    bar.stage("text", 1.0)
    board = Board(problem)
    warnings = _place_pins(problem, board)
    pairwise = _feasibility(problem, bar)
    open_rows = np.ones(problem.n, dtype=bool)
    open_rows[list(board.pinned)] = False
    free = np.array([board.free_slots(j) for j in range(problem.m)], dtype=np.int64)
    edges = build_edge_scores(
        problem,
        pairwise,
        open_rows,
        _closed_by_caps(problem, board),
        free,
        lambda fraction: bar.stage("scores", fraction),
    )
    bar.stage("scores", 1.0)
    pairwise_optimum: dict[int, int] | None = None
    blocking: list[tuple[int, int]] = []
    if params.mode == "optimal":
        outcome = optimise(
            problem, board, edges, open_rows, _reachable(problem, board, edges, open_rows)
        )
        method, exact, pairwise_optimum = outcome.method, outcome.exact, outcome.pairwise
        warnings += outcome.warnings
    else:
        cap_rejections = deferred_acceptance(problem, board, edges, open_rows)
        method, exact = "deferred_acceptance", True
        if cap_rejections:
            blocking = blocking_pairs(problem, board, edges, open_rows)
            exact = not blocking
    bar.stage("solve", 1.0)

    explainer = Explainer(problem, board, pairwise, blocking)
    ids = sorted(board.post_of, key=lambda i: problem.candidates[i].id)
    assignments = {problem.candidates[i].id: problem.posts[board.post_of[i]].id for i in ids}
    scores = {problem.candidates[i].id: explainer.score(i, board.post_of[i]) for i in ids}
    objective = round(sum(s.total for s in scores.values()), ROUND)
    upper_bound = given_up = None
    if pairwise_optimum is not None:
        bound = sum(explainer.score(i, j).total for i, j in pairwise_optimum.items()) + sum(
            explainer.score(i, board.post_of[i]).total for i in board.pinned
        )
        upper_bound = round(max(bound, objective), ROUND)
        given_up = round(upper_bound - objective, ROUND)
        if given_up > 0:
            warnings.append(
                Reason.of("objective_given_up", upper_bound=upper_bound, given_up=given_up)
            )
    composition = explainer.composition()
    for flag, target in composition.items():
        if not target.met:
            warnings.append(
                Reason.of(
                    "composition_shortfall",
                    group=flag,
                    target=target.target,
                    achieved=target.achieved,
                )
            )
    if blocking:
        warnings.append(Reason.of("not_stable", pairs=len(blocking)))
    explanations = explainer.all_candidates()
    bar.at(95)
    result = Result(
        mode=params.mode,
        method=method,
        exact=exact,
        seed=params.seed,
        assignments=assignments,
        scores=scores,
        objective=objective,
        upper_bound=upper_bound,
        given_up=given_up,
        explanations=explanations,
        posts=explainer.post_outcomes(),
        choice_histogram=explainer.choice_histogram(),
        composition=composition,
        violations=check(candidates, posts, rules, assignments, forbids=params.forbids),
        warnings=warnings,
        blocking_pairs=sorted((problem.candidates[i].id, problem.posts[j].id) for i, j in blocking),
        stats={
            "candidates": problem.n,
            "posts": problem.m,
            "seats": int(problem.p_capacity.sum()),
            "feasible_pairs": int(pairwise.sum()),
            "pinned": len(board.pinned),
            "assigned": len(assignments),
        },
    )
    bar.at(100)
    return result
