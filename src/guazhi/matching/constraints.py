"""The hard rules, pair by pair and batch-wide, and the checker every result goes through.

The solvers work on vectorised forms of the same rules (guazhi.matching.problem); this module
states them once in plain Python, so the checker and the explanations read like the rules.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from guazhi.matching.model import Candidate, Post, Rules
from guazhi.matching.regions import region_contains
from guazhi.matching.result import Reason

PAIR_REASON_CODES: tuple[str, ...] = (
    "forbidden",
    "required_tags_missing",
    "avoid_home_unit",
    "avoid_home_region",
    "avoid_origin",
    "avoid_relative",
    "level_too_high",
    "not_chosen",
)


def pair_reasons(
    candidate: Candidate, post: Post, rules: Rules, *, forbidden: bool = False
) -> list[Reason]:
    """Every pairwise rule that keeps `candidate` out of `post`; empty when the pair may be made."""
    reasons: list[Reason] = []
    if forbidden:
        reasons.append(Reason.of("forbidden"))
    missing = post.required_tags - candidate.tags
    if missing:
        reasons.append(Reason.of("required_tags_missing", missing=missing))
    if post.host_unit == candidate.home_unit:
        reasons.append(Reason.of("avoid_home_unit", unit=post.host_unit))
    if region_contains(candidate.home_region, post.host_region):
        reasons.append(
            Reason.of(
                "avoid_home_region", region=candidate.home_region, host_region=post.host_region
            )
        )
    if region_contains(candidate.origin_region, post.host_region):
        reasons.append(
            Reason.of("avoid_origin", region=candidate.origin_region, host_region=post.host_region)
        )
    if post.host_unit in candidate.relative_units:
        reasons.append(Reason.of("avoid_relative", unit=post.host_unit))
    if post.level >= 0 and post.level - candidate.level > rules.max_levels_above:
        reasons.append(
            Reason.of(
                "level_too_high",
                post_level=post.level,
                candidate_level=candidate.level,
                max_levels_above=rules.max_levels_above,
            )
        )
    if rules.require_choice and post.id not in candidate.choices:
        reasons.append(Reason.of("not_chosen"))
    return reasons


def leadership_limit(rules: Rules, host_unit: int) -> int | None:
    """Seats seconded cadres may still take in a host's leadership team, before this batch."""
    if rules.max_leadership_per_host is None:
        return None
    return rules.max_leadership_per_host - rules.serving_in_leadership.get(host_unit, 0)


def check(
    candidates: Iterable[Candidate],
    posts: Iterable[Post],
    rules: Rules,
    assignments: Mapping[int, int],
    *,
    forbids: Iterable[tuple[int, int]] = (),
) -> list[Reason]:
    """Every hard rule the assignments break; the engine's results must give an empty list."""
    by_candidate = {c.id: c for c in candidates}
    by_post = {p.id: p for p in posts}
    forbidden = set(forbids)
    violations: list[Reason] = []
    filled: Counter[int] = Counter()
    per_dispatch: Counter[tuple[int, int]] = Counter()
    per_leadership: Counter[int] = Counter()
    for candidate_id, post_id in sorted(assignments.items()):
        candidate = by_candidate.get(candidate_id)
        post = by_post.get(post_id)
        if candidate is None or post is None:
            violations.append(Reason.of("unknown_pair", candidate=candidate_id, post=post_id))
            continue
        for reason in pair_reasons(
            candidate, post, rules, forbidden=(candidate_id, post_id) in forbidden
        ):
            violations.append(
                Reason.of(reason.code, candidate=candidate_id, post=post_id, **reason.detail)
            )
        filled[post_id] += 1
        per_dispatch[(candidate.dispatch_unit, post.host_unit)] += 1
        if post.leadership:
            per_leadership[post.host_unit] += 1
    for post_id, count in sorted(filled.items()):
        if count > by_post[post_id].capacity:
            violations.append(
                Reason.of(
                    "capacity_exceeded",
                    post=post_id,
                    capacity=by_post[post_id].capacity,
                    filled=count,
                )
            )
    limit = rules.max_per_dispatch_at_host
    if limit is not None:
        for (dispatch_unit, host_unit), count in sorted(per_dispatch.items()):
            if count > limit:
                violations.append(
                    Reason.of(
                        "dispatch_cap_exceeded",
                        dispatch_unit=dispatch_unit,
                        host_unit=host_unit,
                        count=count,
                        limit=limit,
                    )
                )
    for host_unit, count in sorted(per_leadership.items()):
        seats = leadership_limit(rules, host_unit)
        if seats is not None and count > seats:
            violations.append(
                Reason.of(
                    "leadership_cap_exceeded",
                    host_unit=host_unit,
                    count=count,
                    serving=rules.serving_in_leadership.get(host_unit, 0),
                    limit=rules.max_leadership_per_host,
                )
            )
    return violations
