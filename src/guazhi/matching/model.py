"""Inputs of the matching engine: candidates, posts, batch rules, score weights, run parameters.

Everything is a frozen dataclass of plain values (ids are the callers' database ids), so a run's
inputs can be frozen as JSON (`guazhi.matching.result.inputs_to_dict`) and replayed exactly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Mode = Literal["optimal", "stable"]
MODES: tuple[str, ...] = ("optimal", "stable")


@dataclass(frozen=True, kw_only=True)
class Candidate:
    """A person who applied (or confirmed a recommendation) and may be posted."""

    id: int
    home_unit: int  # organisation id of the work unit
    dispatch_unit: int  # the batch's dispatching organisation this person comes from
    tags: frozenset[str] = frozenset()  # expertise tags
    text: str = ""  # profile text for TF-IDF: expertise, position, statement
    home_region: str = ""  # 6-digit region code of the home unit, "" if unknown
    origin_region: str = ""  # 6-digit region code of the place of origin (籍贯), "" if unknown
    relative_units: frozenset[int] = frozenset()  # units where a listed relative works
    level: int = 0  # rank on a ladder: 0 = 科员级 … 6 = 正厅级
    woman: bool = False
    minority: bool = False
    non_party: bool = False
    choices: tuple[int, ...] = ()  # post ids, most wanted first (up to 5, may be empty)
    recommended: bool = False


@dataclass(frozen=True, kw_only=True)
class Post:
    """A post at a host unit, with its capacity and what it needs."""

    id: int
    host_unit: int
    capacity: int = 1
    host_region: str = ""  # 6-digit region code of the host unit
    required_tags: frozenset[str] = frozenset()  # hard: a candidate must hold every one
    preferred_tags: frozenset[str] = frozenset()  # soft: count toward the tag fit only
    text: str = ""  # title + portfolio + duties
    level: int = -1  # level of the title held (same ladder); -1 = unspecified
    leadership: bool = False  # a seat in the host's leadership team (counts toward its cap)
    host_ranking: tuple[int, ...] = ()  # candidate ids the host prefers, best first


@dataclass(frozen=True, kw_only=True)
class Rules:
    """The batch's hard rules and composition targets; None means no limit."""

    max_per_dispatch_at_host: int | None = 2  # cadres from one dispatching unit at one host unit
    max_leadership_per_host: int | None = 2  # seconded cadres in one host leadership team
    serving_in_leadership: Mapping[int, int] = field(default_factory=dict)  # host -> serving now
    max_levels_above: int = 0  # 不高挂: post.level - candidate.level must be <= this
    min_women: int = 0
    min_minority: int = 0
    min_non_party: int = 0
    require_choice: bool = False  # only post people to posts they ranked


@dataclass(frozen=True, kw_only=True)
class Weights:
    """How much each score component counts; each component lies in [0, 1]."""

    expertise_tags: float = 1.0
    expertise_text: float = 1.0
    preference: float = 1.0
    host_preference: float = 0.5
    recommendation: float = 0.5


@dataclass(frozen=True, kw_only=True)
class Params:
    """One run: the mode, the weights, the coordinator's pins and forbids, the seed."""

    mode: Mode = "optimal"
    weights: Weights = field(default_factory=Weights)
    pins: frozenset[tuple[int, int]] = frozenset()  # (candidate id, post id) forced
    forbids: frozenset[tuple[int, int]] = frozenset()  # (candidate id, post id) excluded
    seed: int = 0  # breaks ties; recorded by the caller
    # HiGHS stops after this many seconds on batch-wide rules it cannot settle by assignment
    # alone; the result then says so (a warning), since the outcome may depend on machine speed.
    time_limit: float = 60.0


class MatchingInputError(ValueError):
    """Inputs the engine refuses: a code and the offending values, for the caller to word."""

    def __init__(self, code: str, **detail: Any) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


def _region_ok(code: str) -> bool:
    return code == "" or (len(code) == 6 and code.isascii() and code.isdigit())


def _duplicates(ids: Iterable[int]) -> list[int]:
    seen: set[int] = set()
    repeated: set[int] = set()
    for item in ids:
        (repeated if item in seen else seen).add(item)
    return sorted(repeated)


def validate(
    candidates: Iterable[Candidate], posts: Iterable[Post], rules: Rules, params: Params
) -> None:
    """Refuse inputs the engine cannot interpret; raises MatchingInputError."""
    candidates = list(candidates)
    posts = list(posts)
    if repeated := _duplicates(c.id for c in candidates):
        raise MatchingInputError("duplicate_candidate", ids=repeated)
    if repeated := _duplicates(p.id for p in posts):
        raise MatchingInputError("duplicate_post", ids=repeated)
    for candidate in candidates:
        for code in (candidate.home_region, candidate.origin_region):
            if not _region_ok(code):
                raise MatchingInputError("bad_region", candidate=candidate.id, region=code)
    for post in posts:
        if post.capacity < 0:
            raise MatchingInputError("bad_capacity", post=post.id, capacity=post.capacity)
        if not _region_ok(post.host_region):
            raise MatchingInputError("bad_region", post=post.id, region=post.host_region)
    for name in ("max_per_dispatch_at_host", "max_leadership_per_host"):
        limit = getattr(rules, name)
        if limit is not None and limit < 0:
            raise MatchingInputError("bad_rule", rule=name, value=limit)
    for name in ("max_levels_above", "min_women", "min_minority", "min_non_party"):
        if getattr(rules, name) < 0:
            raise MatchingInputError("bad_rule", rule=name, value=getattr(rules, name))
    if any(count < 0 for count in rules.serving_in_leadership.values()):
        raise MatchingInputError("bad_rule", rule="serving_in_leadership")
    if params.mode not in MODES:
        raise MatchingInputError("bad_mode", mode=params.mode)
    for name, value in vars(params.weights).items():
        # Negative weights would make leaving a pair out better than taking it, which the
        # solvers (and the meaning of "score") do not allow.
        if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
            raise MatchingInputError("bad_weight", weight=name, value=value)
    if not (math.isfinite(params.time_limit) and params.time_limit > 0):
        raise MatchingInputError("bad_time_limit", value=params.time_limit)
