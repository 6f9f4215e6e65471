"""What a run produces, its JSON form, the frozen form of its inputs, and the fingerprint.

Explanations are data (reason codes, ids and numbers), never prose: the caller words them in the
reader's language. JSON forms use strings for integer keys, lists for tuples and sets.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, cast

import numpy as np

from guazhi.matching.model import Candidate, Params, Post, Rules, Weights

COMPONENTS: tuple[str, ...] = (
    "tags",
    "text",
    "preference",
    "host_preference",
    "recommendation",
)


_SCALARS = (int, float, str, bool, type(None))


def _plain(value: Any) -> Any:
    """A JSON-safe copy: sets become sorted lists, tuples lists, mapping keys strings."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is list or kind is tuple:
        return [_plain(item) for item in value]
    if kind is dict:
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, frozenset | set):
        return sorted(_plain(item) for item in value)
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


@dataclass(frozen=True)
class Reason:
    """One reason code and its data (ids, numbers, tags), e.g. capacity_full with the holders."""

    code: str
    detail: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, code: str, **detail: Any) -> Reason:
        return cls(code, _plain(detail))

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, **self.detail}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Reason:
        detail = {key: value for key, value in data.items() if key != "code"}
        return cls(str(data["code"]), detail)


@dataclass(frozen=True)
class PairScore:
    """The score of one candidate at one post: weighted components and what they came from.

    Components are weight × fit (each fit in [0, 1]); total is their sum before rounding.
    """

    post: int
    tags: float
    text: float
    preference: float
    host_preference: float
    recommendation: float
    total: float
    matched_tags: tuple[str, ...] = ()  # the post's wanted tags the candidate holds
    similarity: float = 0.0  # TF-IDF cosine of profile and duties, before weighting
    choice_rank: int | None = None  # where the candidate ranked the post (1 = first)
    host_rank: int | None = None  # where the host ranked the candidate (1 = first)

    def to_dict(self) -> dict[str, Any]:
        return _plain(asdict(self))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PairScore:
        return cls(**{**data, "matched_tags": tuple(data.get("matched_tags", ()))})


@dataclass(frozen=True)
class Alternative:
    """A post the candidate ranked above the one obtained, and why it was not theirs."""

    post: int
    rank: int
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "post": self.post,
            "rank": self.rank,
            "reasons": [r.to_dict() for r in self.reasons],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Alternative:
        reasons = tuple(Reason.from_dict(r) for r in data["reasons"])
        return cls(int(data["post"]), int(data["rank"]), reasons)


@dataclass(frozen=True)
class Explanation:
    """Why one candidate got what they got."""

    candidate: int
    post: int | None
    rank: int | None  # the choice obtained (1 = first); None if unranked or unassigned
    score: PairScore | None
    summary: Reason | None  # pinned, or why an unassigned candidate was left out
    alternatives: tuple[Alternative, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "candidate": self.candidate,
            "post": self.post,
            "rank": self.rank,
            "score": None if self.score is None else self.score.to_dict(),
            "summary": None if self.summary is None else self.summary.to_dict(),
            "alternatives": [a.to_dict() for a in self.alternatives],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Explanation:
        return cls(
            candidate=int(data["candidate"]),
            post=None if data["post"] is None else int(data["post"]),
            rank=None if data["rank"] is None else int(data["rank"]),
            score=None if data["score"] is None else PairScore.from_dict(data["score"]),
            summary=None if data["summary"] is None else Reason.from_dict(data["summary"]),
            alternatives=tuple(Alternative.from_dict(a) for a in data["alternatives"]),
        )


@dataclass(frozen=True)
class PostOutcome:
    """How a post filled: holders in the post's own order (best first) and the cutoff."""

    post: int
    capacity: int
    filled: int
    holders: tuple[int, ...]
    cutoff: float | None  # total score of the last admitted; None when empty

    def to_dict(self) -> dict[str, Any]:
        return _plain(asdict(self))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PostOutcome:
        return cls(**{**data, "holders": tuple(data["holders"])})


@dataclass(frozen=True)
class Target:
    """One composition target (women, minority, non-Party) against what was achieved."""

    target: int
    achieved: int
    met: bool
    shortfall: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Target:
        return cls(**data)


def _histogram_key(key: str) -> int | str:
    return int(key) if key.isdigit() else key


@dataclass
class Result:
    """The outcome of one run. `violations` is always empty: the engine's own checker's verdict.

    method names the path taken (assignment_dense, assignment_sparse, milp, milp_restricted,
    deferred_acceptance, with +repair when the final repair changed anything); exact says
    whether the objective is proven optimal for the rules (optimal mode) or the matching proven
    stable (stable mode). upper_bound is the best total ignoring the batch-wide rules and
    composition targets (optimal mode), given_up = upper_bound - objective.
    """

    mode: str
    method: str
    exact: bool
    seed: int
    assignments: dict[int, int]
    scores: dict[int, PairScore]
    objective: float
    upper_bound: float | None
    given_up: float | None
    explanations: dict[int, Explanation]
    posts: dict[int, PostOutcome]
    choice_histogram: dict[int | str, int]
    composition: dict[str, Target]
    violations: list[Reason]
    warnings: list[Reason]
    blocking_pairs: list[tuple[int, int]]
    stats: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "method": self.method,
            "exact": self.exact,
            "seed": self.seed,
            "assignments": {str(c): p for c, p in self.assignments.items()},
            "scores": {str(c): s.to_dict() for c, s in self.scores.items()},
            "objective": self.objective,
            "upper_bound": self.upper_bound,
            "given_up": self.given_up,
            "explanations": {str(c): e.to_dict() for c, e in self.explanations.items()},
            "posts": {str(p): o.to_dict() for p, o in self.posts.items()},
            "choice_histogram": {str(k): v for k, v in self.choice_histogram.items()},
            "composition": {k: t.to_dict() for k, t in self.composition.items()},
            "violations": [v.to_dict() for v in self.violations],
            "warnings": [w.to_dict() for w in self.warnings],
            "blocking_pairs": [list(pair) for pair in self.blocking_pairs],
            "stats": dict(self.stats),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Result:
        return cls(
            mode=data["mode"],
            method=data["method"],
            exact=data["exact"],
            seed=data["seed"],
            assignments={int(c): int(p) for c, p in data["assignments"].items()},
            scores={int(c): PairScore.from_dict(s) for c, s in data["scores"].items()},
            objective=data["objective"],
            upper_bound=data["upper_bound"],
            given_up=data["given_up"],
            explanations={
                int(c): Explanation.from_dict(e) for c, e in data["explanations"].items()
            },
            posts={int(p): PostOutcome.from_dict(o) for p, o in data["posts"].items()},
            choice_histogram={_histogram_key(k): v for k, v in data["choice_histogram"].items()},
            composition={k: Target.from_dict(t) for k, t in data["composition"].items()},
            violations=[Reason.from_dict(v) for v in data["violations"]],
            warnings=[Reason.from_dict(w) for w in data["warnings"]],
            blocking_pairs=[(int(c), int(p)) for c, p in data["blocking_pairs"]],
            stats=dict(data["stats"]),
        )


# Inputs ----------------------------------------------------------------------------------------


def inputs_to_dict(
    candidates: Iterable[Candidate], posts: Iterable[Post], rules: Rules, params: Params
) -> dict[str, Any]:
    """The inputs of a run as JSON-safe data, in id order, for freezing with the run."""
    return {
        "candidates": [_plain(asdict(c)) for c in sorted(candidates, key=lambda c: c.id)],
        "posts": [_plain(asdict(p)) for p in sorted(posts, key=lambda p: p.id)],
        "rules": _plain(asdict(rules)),
        "params": _plain(asdict(params)),
    }


def inputs_from_dict(
    data: Mapping[str, Any],
) -> tuple[list[Candidate], list[Post], Rules, Params]:
    """The inverse of inputs_to_dict: `solve(*inputs_from_dict(frozen))` replays a run."""
    candidates = [
        Candidate(
            **{
                **c,
                "tags": frozenset(c["tags"]),
                "relative_units": frozenset(c["relative_units"]),
                "choices": tuple(c["choices"]),
            }
        )
        for c in data["candidates"]
    ]
    posts = [
        Post(
            **{
                **p,
                "required_tags": frozenset(p["required_tags"]),
                "preferred_tags": frozenset(p["preferred_tags"]),
                "host_ranking": tuple(p["host_ranking"]),
            }
        )
        for p in data["posts"]
    ]
    raw_rules = data["rules"]
    rules = Rules(
        **{
            **raw_rules,
            "serving_in_leadership": {
                int(k): int(v) for k, v in raw_rules["serving_in_leadership"].items()
            },
        }
    )
    raw_params = data["params"]
    params = Params(
        **{
            **raw_params,
            "weights": Weights(**raw_params["weights"]),
            "pins": frozenset(cast(tuple[int, int], tuple(pair)) for pair in raw_params["pins"]),
            "forbids": frozenset(
                cast(tuple[int, int], tuple(pair)) for pair in raw_params["forbids"]
            ),
        }
    )
    return candidates, posts, rules, params


def canonical_json(value: Any) -> str:
    """One spelling of a value: sorted keys, no spaces, UTF-8 text, NaN refused."""
    return json.dumps(
        _plain(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )


def fingerprint(inputs: Mapping[str, Any], result: Mapping[str, Any]) -> str:
    """sha256 of the canonical JSON of a run's inputs and result, printed on every export."""
    text = canonical_json({"inputs": inputs, "result": result})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
