"""Who holds which post while a run is solved, and what the capacity and batch-wide caps allow.

Counts include the pinned pairs and, for leadership teams, the cadres already serving there, so
every question ("may candidate i take post j now?") is answered against the whole batch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection

from guazhi.matching.constraints import leadership_limit
from guazhi.matching.problem import Problem


class Board:
    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.post_of: dict[int, int] = {}
        self.holders: list[set[int]] = [set() for _ in range(problem.m)]
        self.dispatch_count: Counter[tuple[int, int]] = Counter()
        self.leadership_count: Counter[int] = Counter()
        self.dispatch_limit = problem.rules.max_per_dispatch_at_host
        self.pinned: set[int] = set()

    # Groups ------------------------------------------------------------------------------------

    def dispatch_group(self, i: int, j: int) -> tuple[int, int]:
        return int(self.problem.c_dispatch[i]), int(self.problem.p_host[j])

    def seats(self, host_unit: int) -> int | None:
        return leadership_limit(self.problem.rules, host_unit)

    def dispatch_members(self, i: int, j: int) -> list[int]:
        """Candidates from i's dispatching unit now at j's host unit (i included if there)."""
        p = self.problem
        return sorted(
            x
            for k in p.posts_at_unit[int(p.p_host[j])]
            for x in self.holders[k]
            if p.c_dispatch[x] == p.c_dispatch[i]
        )

    def leadership_members(self, j: int) -> list[int]:
        p = self.problem
        return sorted(
            x
            for k in p.posts_at_unit[int(p.p_host[j])]
            if p.p_leadership[k]
            for x in self.holders[k]
        )

    # Questions ---------------------------------------------------------------------------------

    def _in_dispatch_group(self, x: int, group: tuple[int, int]) -> bool:
        k = self.post_of.get(x)
        return k is not None and self.dispatch_group(x, k) == group

    def _in_leadership(self, x: int, host_unit: int) -> bool:
        k = self.post_of.get(x)
        p = self.problem
        return k is not None and bool(p.p_leadership[k]) and int(p.p_host[k]) == host_unit

    def room(self, j: int, leaving: Collection[int] = ()) -> bool:
        held = len(self.holders[j]) - sum(1 for x in leaving if x in self.holders[j])
        return held < self.problem.p_capacity[j]

    def dispatch_ok(self, i: int, j: int, leaving: Collection[int] = ()) -> bool:
        """Whether one more from i's unit fits at j's host, once `leaving` (and i) have left."""
        if self.dispatch_limit is None:
            return True
        group = self.dispatch_group(i, j)
        gone = {x for x in (*leaving, i) if self._in_dispatch_group(x, group)}
        return self.dispatch_count[group] - len(gone) < self.dispatch_limit

    def leadership_ok(self, i: int, j: int, leaving: Collection[int] = ()) -> bool:
        p = self.problem
        if not p.p_leadership[j]:
            return True
        host_unit = int(p.p_host[j])
        seats = self.seats(host_unit)
        if seats is None:
            return True
        gone = {x for x in (*leaving, i) if self._in_leadership(x, host_unit)}
        return self.leadership_count[host_unit] - len(gone) < seats

    def fits(self, i: int, j: int, leaving: Collection[int] = ()) -> bool:
        """Capacity and both caps allow i at j, i leaving its own post (if any) first."""
        leaving_all = (*leaving, i)
        return (
            self.room(j, leaving_all)
            and self.dispatch_ok(i, j, leaving)
            and self.leadership_ok(i, j, leaving)
        )

    # Changes -----------------------------------------------------------------------------------

    def add(self, i: int, j: int) -> None:
        assert i not in self.post_of
        p = self.problem
        self.post_of[i] = j
        self.holders[j].add(i)
        self.dispatch_count[self.dispatch_group(i, j)] += 1
        if p.p_leadership[j]:
            self.leadership_count[int(p.p_host[j])] += 1

    def remove(self, i: int) -> int:
        p = self.problem
        j = self.post_of.pop(i)
        self.holders[j].discard(i)
        self.dispatch_count[self.dispatch_group(i, j)] -= 1
        if p.p_leadership[j]:
            self.leadership_count[int(p.p_host[j])] -= 1
        return j

    def free_slots(self, j: int) -> int:
        return int(self.problem.p_capacity[j]) - len(self.holders[j])
