"""Small instances for the matching tests, and the rules written again from the specification.

Nothing here imports the engine's rule code: the checker, the scores, the brute-force optimum
and the blocking-pair test are independent restatements, so a shared mistake cannot hide.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Mapping

from hypothesis import strategies as st

from guazhi.matching import Candidate, Params, Post, Result, Rules, Weights

TAGS = ("招商引资", "乡村振兴", "财务")
UNITS = (1, 2, 3, 4)
REGIONS = ("", "360000", "360100", "360102", "360200", "440100", "440103")
FLAGS = {"women": "woman", "minority": "minority", "non_party": "non_party"}


def in_region(region: str, host_region: str) -> bool:
    """The spec: strip trailing "00" pairs (a province keeps two digits); empty never matches."""
    if not region or not host_region or set(region) == {"0"}:
        return False
    stripped = region
    while len(stripped) > 2 and stripped[-2:] == "00":
        stripped = stripped[:-2]
    return host_region[: len(stripped)] == stripped


def pair_allowed(c: Candidate, p: Post, rules: Rules, forbids: Iterable[tuple[int, int]]) -> bool:
    return not (
        (c.id, p.id) in set(forbids)
        or not p.required_tags <= c.tags
        or p.host_unit == c.home_unit
        or in_region(c.home_region, p.host_region)
        or in_region(c.origin_region, p.host_region)
        or p.host_unit in c.relative_units
        or (p.level >= 0 and p.level - c.level > rules.max_levels_above)
        or (rules.require_choice and p.id not in c.choices)
    )


def broken_rules(
    candidates: list[Candidate],
    posts: list[Post],
    rules: Rules,
    forbids: Iterable[tuple[int, int]],
    assignments: Mapping[int, int],
) -> list[str]:
    """Every hard rule the assignments break, as short strings; [] when none."""
    cs = {c.id: c for c in candidates}
    ps = {p.id: p for p in posts}
    broken = []
    for cid, pid in assignments.items():
        if not pair_allowed(cs[cid], ps[pid], rules, forbids):
            broken.append(f"pair {cid}->{pid}")
    for pid, count in Counter(assignments.values()).items():
        if count > ps[pid].capacity:
            broken.append(f"capacity {pid}")
    if rules.max_per_dispatch_at_host is not None:
        groups = Counter((cs[c].dispatch_unit, ps[p].host_unit) for c, p in assignments.items())
        broken += [f"dispatch {g}" for g, n in groups.items() if n > rules.max_per_dispatch_at_host]
    if rules.max_leadership_per_host is not None:
        teams = Counter(ps[p].host_unit for p in assignments.values() if ps[p].leadership)
        for host, count in teams.items():
            serving = rules.serving_in_leadership.get(host, 0)
            if count + serving > rules.max_leadership_per_host:
                broken.append(f"leadership {host}")
    return broken


def score(c: Candidate, p: Post, weights: Weights) -> float:
    """The spec's score for texts left empty (the text component is then 0)."""
    wanted = p.required_tags | p.preferred_tags
    tags = len(c.tags & wanted) / len(wanted) if wanted else 0.0
    preference = 0.0
    if p.id in c.choices:
        scale = max(5, len(c.choices))
        preference = (scale - (c.choices.index(p.id) + 1) + 1) / scale
    host = 0.0
    if c.id in p.host_ranking:
        host = (len(p.host_ranking) - p.host_ranking.index(c.id)) / len(p.host_ranking)
    return (
        weights.expertise_tags * tags
        + weights.preference * preference
        + weights.host_preference * host
        + weights.recommendation * (1.0 if c.recommended else 0.0)
    )


def shortfall(candidates: list[Candidate], rules: Rules, assigned: Iterable[int]) -> int:
    people = [c for c in candidates if c.id in set(assigned)]
    return sum(
        max(0, getattr(rules, f"min_{group}") - sum(getattr(c, attr) for c in people))
        for group, attr in FLAGS.items()
    )


def brute_force(
    candidates: list[Candidate],
    posts: list[Post],
    rules: Rules,
    params: Params,
    pins: Mapping[int, int],
) -> tuple[int, float]:
    """The best (least composition shortfall, then highest total) over every assignment that
    keeps the pins and every hard rule."""
    options = []
    for c in candidates:
        if c.id in pins:
            options.append([pins[c.id]])
        else:
            allowed = [p.id for p in posts if pair_allowed(c, p, rules, params.forbids)]
            options.append([None, *allowed])
    ps = {p.id: p for p in posts}
    best: tuple[int, float] | None = None
    for combo in itertools.product(*options):
        chosen = {c.id: pid for c, pid in zip(candidates, combo, strict=True) if pid is not None}
        if broken_rules(candidates, posts, rules, params.forbids, chosen):
            continue
        total = sum(
            score(c, ps[chosen[c.id]], params.weights) for c in candidates if c.id in chosen
        )
        key = (shortfall(candidates, rules, chosen), -total)
        if best is None or key < (best[0], -best[1]):
            best = (key[0], total)
    assert best is not None  # the pins alone (the engine accepted them) keep every rule
    return best


def accepted_pins(params: Params, result: Result) -> dict[int, int]:
    refused = {
        (w.detail["candidate"], w.detail["post"])
        for w in result.warnings
        if w.code == "pin_refused"
    }
    return {c: p for c, p in params.pins if (c, p) not in refused}


def blocking_pairs(
    candidates: list[Candidate],
    posts: list[Post],
    rules: Rules,
    params: Params,
    assignments: Mapping[int, int],
    pinned: Iterable[int],
) -> list[tuple[int, int]]:
    """Pairs that strictly prefer each other (no batch-wide caps in play): the candidate ranks
    the post above what they hold (ranked posts first, in their order; then others by score);
    the post has a free seat or a holder it ranks strictly lower (host ranking, then score).
    Pinned people neither move nor give way."""
    ps = {p.id: p for p in posts}
    pinned = set(pinned)
    holders: dict[int, list[Candidate]] = {p.id: [] for p in posts}
    for c in candidates:
        if c.id in assignments:
            holders[assignments[c.id]].append(c)

    def wish(c: Candidate, pid: int | None) -> tuple[int, float]:
        if pid is None:
            return (3, 0.0)
        if pid in c.choices:
            return (1, c.choices.index(pid))
        return (2, -score(c, ps[pid], params.weights))

    def standing(c: Candidate, p: Post) -> tuple[int, float]:
        rank = p.host_ranking.index(c.id) if c.id in p.host_ranking else 1 << 30
        return (rank, -score(c, p, params.weights))

    found = []
    for c in candidates:
        if c.id in pinned:
            continue
        current = assignments.get(c.id)
        for p in posts:
            if not pair_allowed(c, p, rules, params.forbids) or p.id == current:
                continue
            if rules.require_choice and p.id not in c.choices:
                continue
            mine, theirs = wish(c, p.id), wish(c, current)
            if not (mine[0] < theirs[0] or (mine[0] == theirs[0] and mine[1] < theirs[1] - 1e-9)):
                continue
            if len(holders[p.id]) < p.capacity:
                found.append((c.id, p.id))
                continue
            me = standing(c, p)
            for other in holders[p.id]:
                if other.id in pinned:
                    continue
                them = standing(other, p)
                if me[0] < them[0] or (me[0] == them[0] and me[1] < them[1] - 1e-9):
                    found.append((c.id, p.id))
                    break
    return found


# Strategies ----------------------------------------------------------------------------------

weights_values = st.sampled_from([0.0, 0.5, 1.0, 2.0]) | st.floats(0, 3).map(lambda x: round(x, 3))


@st.composite
def instances(
    draw: st.DrawFn,
    *,
    max_candidates: int = 6,
    max_posts: int = 4,
    max_capacity: int = 2,
    caps: bool = True,
    composition: bool = True,
    mode: str = "optimal",
    pins: bool = True,
) -> tuple[list[Candidate], list[Post], Rules, Params]:
    m = draw(st.integers(1, max_posts))
    n = draw(st.integers(1, max_candidates))
    post_ids = [100 + k for k in range(m)]
    cand_ids = [1 + k for k in range(n)]
    tag_sets = st.frozensets(st.sampled_from(TAGS), max_size=2)
    # Mostly permissive values, so that most pairs are allowed and the batch-wide rules bind.
    regions = st.sampled_from(("", "", "", "", "", *REGIONS[1:]))
    required = st.sampled_from((*[frozenset()] * 5, *(frozenset({t}) for t in TAGS)))
    candidates = [
        Candidate(
            id=cid,
            home_unit=draw(st.sampled_from((*UNITS, 5, 6))),
            dispatch_unit=draw(st.sampled_from((7, 8))),
            tags=draw(tag_sets),
            home_region=draw(regions),
            origin_region=draw(regions),
            relative_units=draw(st.sampled_from((frozenset(), frozenset(), frozenset({4})))),
            level=draw(st.integers(0, 3)),
            woman=draw(st.booleans()),
            minority=draw(st.booleans()),
            non_party=draw(st.booleans()),
            choices=tuple(
                draw(st.lists(st.sampled_from([*post_ids, 999]), max_size=3, unique=True))
            ),
            recommended=draw(st.booleans()),
        )
        for cid in cand_ids
    ]
    posts = [
        Post(
            id=pid,
            host_unit=draw(st.sampled_from(UNITS)),
            capacity=draw(st.integers(0, max_capacity)),
            host_region=draw(st.sampled_from(REGIONS)),
            required_tags=draw(required),
            preferred_tags=draw(tag_sets),
            level=draw(st.sampled_from((-1, -1, -1, 0, 1, 2, 3))),
            leadership=draw(st.booleans()),
            host_ranking=tuple(draw(st.lists(st.sampled_from(cand_ids), max_size=3, unique=True))),
        )
        for pid in post_ids
    ]
    limit = st.sampled_from([None, 0, 1, 2]) if caps else st.none()
    rules = Rules(
        max_per_dispatch_at_host=draw(limit),
        max_leadership_per_host=draw(limit),
        serving_in_leadership=draw(st.dictionaries(st.sampled_from(UNITS), st.integers(0, 2))),
        max_levels_above=draw(st.integers(0, 1)),
        min_women=draw(st.integers(0, 3)) if composition else 0,
        min_minority=draw(st.integers(0, 2)) if composition else 0,
        min_non_party=draw(st.integers(0, 2)) if composition else 0,
        require_choice=draw(st.sampled_from((False, False, False, True))),
    )
    pairs = st.tuples(st.sampled_from(cand_ids), st.sampled_from(post_ids))
    params = Params(
        mode=mode,  # type: ignore[arg-type]
        weights=Weights(
            expertise_tags=draw(weights_values),
            expertise_text=0.0,
            preference=draw(weights_values),
            host_preference=draw(weights_values),
            recommendation=draw(weights_values),
        ),
        pins=draw(st.frozensets(pairs, max_size=2)) if pins else frozenset(),
        forbids=draw(st.frozensets(pairs, max_size=3)),
        seed=draw(st.integers(0, 2**31)),
    )
    return candidates, posts, rules, params
