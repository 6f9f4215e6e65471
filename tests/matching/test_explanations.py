"""Explanations name the right reason, with the right data, in hand-built cases: one test per
reason code (stable-mode ones, blocking_pair and not_placed, are in test_stable.py)."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from guazhi.matching import Candidate, Params, Post, Reason, Result, Rules, Weights, solve
from tests.matching.instances import TAGS, broken_rules, score, shortfall

NO_TEXT = Weights(expertise_tags=1.0, expertise_text=0.0, preference=1.0)


def cadre(cid: int, **fields: Any) -> Candidate:
    return Candidate(**{"id": cid, "home_unit": 1, "dispatch_unit": 9, **fields})


def run(
    candidates: list[Candidate], posts: list[Post], rules: Rules | None = None, **params: Any
) -> Result:
    result = solve(candidates, posts, rules or Rules(), Params(weights=NO_TEXT, **params))
    assert result.violations == []
    return result


def reasons_for(result: Result, candidate: int, post: int) -> list[Reason]:
    (alternative,) = [a for a in result.explanations[candidate].alternatives if a.post == post]
    return list(alternative.reasons)


def only_reason(result: Result, candidate: int, post: int) -> Reason:
    (reason,) = reasons_for(result, candidate, post)
    return reason


FALLBACK = Post(id=99, host_unit=90)


def test_forbidden() -> None:
    result = run(
        [cadre(1, choices=(10, 99))],
        [Post(id=10, host_unit=5), FALLBACK],
        forbids=frozenset({(1, 10)}),
    )
    assert result.assignments == {1: 99}
    assert only_reason(result, 1, 10) == Reason("forbidden", {})


def test_required_tags_missing_names_the_missing_tags() -> None:
    post = Post(id=10, host_unit=5, required_tags=frozenset({"财务", "法律", "规划"}))
    result = run([cadre(1, tags=frozenset({"规划"}), choices=(10, 99))], [post, FALLBACK])
    assert only_reason(result, 1, 10) == Reason(
        "required_tags_missing", {"missing": ["法律", "财务"]}
    )


def test_avoid_home_unit() -> None:
    result = run([cadre(1, home_unit=5, choices=(10, 99))], [Post(id=10, host_unit=5), FALLBACK])
    assert only_reason(result, 1, 10) == Reason("avoid_home_unit", {"unit": 5})


def test_avoid_home_region_covers_every_host_inside_the_home_city() -> None:
    post = Post(id=10, host_unit=5, host_region="360102")
    result = run([cadre(1, home_region="360100", choices=(10, 99))], [post, FALLBACK])
    assert only_reason(result, 1, 10) == Reason(
        "avoid_home_region", {"region": "360100", "host_region": "360102"}
    )


def test_avoid_origin_covers_the_province_of_origin() -> None:
    post = Post(id=10, host_unit=5, host_region="360702")
    result = run([cadre(1, origin_region="360000", choices=(10, 99))], [post, FALLBACK])
    assert only_reason(result, 1, 10) == Reason(
        "avoid_origin", {"region": "360000", "host_region": "360702"}
    )


def test_avoid_relative() -> None:
    result = run(
        [cadre(1, relative_units=frozenset({5}), choices=(10, 99))],
        [Post(id=10, host_unit=5), FALLBACK],
    )
    assert only_reason(result, 1, 10) == Reason("avoid_relative", {"unit": 5})


def test_level_too_high() -> None:
    result = run(
        [cadre(1, level=1, choices=(10, 99))], [Post(id=10, host_unit=5, level=3), FALLBACK]
    )
    assert only_reason(result, 1, 10) == Reason(
        "level_too_high", {"post_level": 3, "candidate_level": 1, "max_levels_above": 0}
    )


def test_several_pairwise_reasons_are_all_listed() -> None:
    post = Post(id=10, host_unit=5, level=2, required_tags=frozenset({"财务"}))
    result = run([cadre(1, home_unit=5, choices=(10, 99))], [post, FALLBACK])
    assert [r.code for r in reasons_for(result, 1, 10)] == [
        "required_tags_missing",
        "avoid_home_unit",
        "level_too_high",
    ]


def test_post_unknown() -> None:
    result = run([cadre(1, choices=(404, 99))], [FALLBACK])
    assert only_reason(result, 1, 404) == Reason("post_unknown", {})
    assert result.explanations[1].rank == 2


def test_pinned_elsewhere() -> None:
    result = run(
        [cadre(1, choices=(10, 99))],
        [Post(id=10, host_unit=5), FALLBACK],
        pins=frozenset({(1, 99)}),
    )
    assert result.assignments == {1: 99}
    assert only_reason(result, 1, 10) == Reason("pinned", {"post": 99})
    assert result.explanations[1].summary == Reason("pinned", {"post": 99})


def test_dispatch_cap_names_the_colleagues_holding_the_places() -> None:
    posts = [Post(id=10, host_unit=5), Post(id=11, host_unit=5), FALLBACK]
    people = [
        cadre(1, choices=(10,), tags=frozenset({"财务"})),
        cadre(2, choices=(11, 99)),
    ]
    posts[0] = Post(id=10, host_unit=5, preferred_tags=frozenset({"财务"}))
    result = run(people, posts, Rules(max_per_dispatch_at_host=1))
    assert result.assignments == {1: 10, 2: 99}
    assert only_reason(result, 2, 11) == Reason(
        "dispatch_cap", {"dispatch_unit": 9, "host_unit": 5, "limit": 1, "holders": [1]}
    )


def test_leadership_cap_counts_those_serving() -> None:
    posts = [Post(id=10, host_unit=5, leadership=True), FALLBACK]
    rules = Rules(max_leadership_per_host=2, serving_in_leadership={5: 2})
    result = run([cadre(1, choices=(10, 99))], posts, rules)
    assert only_reason(result, 1, 10) == Reason(
        "leadership_cap", {"host_unit": 5, "limit": 2, "serving": 2, "holders": []}
    )


def test_capacity_full_lists_holders_scores_and_cutoff() -> None:
    post = Post(id=10, host_unit=5, capacity=2, preferred_tags=frozenset({"财务"}))
    people = [
        cadre(1, tags=frozenset({"财务"}), choices=(10,)),
        cadre(2, tags=frozenset({"财务"}), choices=(10,)),
        cadre(
            3, choices=(10, 99), dispatch_unit=8
        ),  # another unit: the default cap of 2 is not in play
    ]
    result = run(people, [post, FALLBACK])
    assert result.assignments == {1: 10, 2: 10, 3: 99}
    assert only_reason(result, 3, 10) == Reason(
        "capacity_full",
        {
            "holders": [
                {"candidate": 1, "score": 2.0, "pinned": False},
                {"candidate": 2, "score": 2.0, "pinned": False},
            ],
            "cutoff": 2.0,
            "score": 1.0,
        },
    )
    assert result.posts[10].cutoff == 2.0


def test_not_preferred_by_host_in_optimal_mode() -> None:
    post = Post(id=10, host_unit=5, host_ranking=(2,))
    people = [cadre(1, choices=(10, 99)), cadre(2, choices=(10,))]
    result = solve(
        people,
        [post, FALLBACK],
        Rules(),
        Params(weights=Weights(expertise_text=0, host_preference=1)),
    )
    assert result.assignments == {1: 99, 2: 10}
    assert [r.code for r in reasons_for(result, 1, 10)] == [
        "capacity_full",
        "not_preferred_by_host",
    ]


def test_lower_total_when_a_lower_choice_fits_better() -> None:
    posts = [Post(id=10, host_unit=5), Post(id=11, host_unit=6, preferred_tags=frozenset({"财务"}))]
    person = cadre(1, tags=frozenset({"财务"}), choices=(10, 11))
    weights = Weights(expertise_tags=2.0, expertise_text=0.0, preference=1.0)
    result = solve([person], posts, Rules(), Params(weights=weights))
    assert result.assignments == {1: 11}
    assert only_reason(result, 1, 10) == Reason(
        "lower_total", {"score_here": 1.0, "score_obtained": 2.8, "delta": -1.8}
    )


TAGS_ONLY = Weights(
    expertise_tags=1.0, expertise_text=0.0, preference=0.0, host_preference=0.0, recommendation=0.0
)


def test_a_higher_score_than_the_holder_loses_when_the_holder_has_nowhere_else() -> None:
    """Cadre 2 scores 1.0 on post 10 against the holder's 0.5, but taking it would leave cadre
    1 (who ranked nothing else) without a post and give up cadre 2's own 1.0 at post 11."""
    posts = [
        Post(id=10, host_unit=5, preferred_tags=frozenset({"财务", "审计"})),
        Post(id=11, host_unit=6, preferred_tags=frozenset({"法律"})),
    ]
    people = [
        cadre(1, tags=frozenset({"财务"}), choices=(10,)),
        cadre(2, tags=frozenset({"财务", "审计", "法律"}), choices=(10, 11), dispatch_unit=8),
    ]
    result = solve(
        people, posts, Rules(require_choice=True), Params(weights=TAGS_ONLY, mode="optimal")
    )
    assert result.assignments == {1: 10, 2: 11}
    assert result.objective == 1.5
    assert reasons_for(result, 2, 10) == [
        Reason(
            "capacity_full",
            {
                "holders": [{"candidate": 1, "score": 0.5, "pinned": False}],
                "cutoff": 0.5,
                "score": 1.0,
            },
        ),
        Reason(
            "swap_lowers_total",
            {
                "holder": 1,
                "holder_score": 0.5,
                "holder_post": None,
                "holder_post_score": None,
                "score_here": 1.0,
                "score_obtained": 1.0,
                "total_before": 1.5,
                "total_after": 1.0,
                "delta": -0.5,
                "targets": [],
            },
        ),
    ]


def test_the_displaced_holder_moves_to_their_best_open_post_in_the_swap() -> None:
    """Displaced from post 10, cadre 1 could take post 11 (left by cadre 2, score 0) or the
    empty post 12 (score 0.25): the swap counts the better one and still loses 0.25."""
    posts = [
        Post(id=10, host_unit=5, preferred_tags=frozenset({"财务", "审计"})),
        Post(id=11, host_unit=6, preferred_tags=frozenset({"法律"})),
        Post(id=12, host_unit=7, preferred_tags=frozenset({"财务", "统计", "规划", "农业"})),
    ]
    people = [
        cadre(1, tags=frozenset({"财务"}), choices=(10,)),
        cadre(2, tags=frozenset({"财务", "审计", "法律"}), choices=(10, 11), dispatch_unit=8),
    ]
    result = solve(people, posts, Rules(), Params(weights=TAGS_ONLY))
    assert result.assignments == {1: 10, 2: 11}
    swap = reasons_for(result, 2, 10)[-1]
    assert swap == Reason(
        "swap_lowers_total",
        {
            "holder": 1,
            "holder_score": 0.5,
            "holder_post": 12,
            "holder_post_score": 0.25,
            "score_here": 1.0,
            "score_obtained": 1.0,
            "total_before": 1.5,
            "total_after": 1.25,
            "delta": -0.25,
            "targets": [],
        },
    )


def test_a_swap_that_raises_the_total_but_breaks_a_composition_target() -> None:
    posts = [Post(id=10, host_unit=5, preferred_tags=frozenset({"财务", "审计"}))]
    people = [
        cadre(1, tags=frozenset({"财务"}), choices=(10,), woman=True),
        cadre(2, tags=frozenset({"财务", "审计"}), choices=(10,), dispatch_unit=8),
    ]
    result = solve(people, posts, Rules(min_women=1), Params(weights=TAGS_ONLY))
    assert result.assignments == {1: 10}
    assert reasons_for(result, 2, 10)[-1] == Reason(
        "swap_lowers_total",
        {
            "holder": 1,
            "holder_score": 0.5,
            "holder_post": None,
            "holder_post_score": None,
            "score_here": 1.0,
            "score_obtained": None,
            "total_before": 0.5,
            "total_after": 1.0,
            "delta": 0.5,
            "targets": ["women"],
        },
    )


def test_no_swap_is_offered_against_a_pinned_holder_or_a_higher_score() -> None:
    posts = [
        Post(id=10, host_unit=5, preferred_tags=frozenset({"财务", "审计"})),
        Post(id=11, host_unit=6, preferred_tags=frozenset({"财务", "审计"})),
        FALLBACK,
    ]
    people = [
        cadre(1, tags=frozenset({"财务"}), choices=(10,)),
        cadre(2, tags=frozenset({"财务", "审计"}), choices=(11,), dispatch_unit=8),
        cadre(3, tags=frozenset({"财务", "审计"}), choices=(10, 11, 99), dispatch_unit=7),
    ]
    result = solve(people, posts, Rules(), Params(weights=TAGS_ONLY, pins=frozenset({(1, 10)})))
    assert result.assignments == {1: 10, 2: 11, 3: 99}
    assert [r.code for r in reasons_for(result, 3, 10)] == ["capacity_full"]
    assert [r.code for r in reasons_for(result, 3, 11)] == ["capacity_full"]


@st.composite
def contested(draw: st.DrawFn) -> tuple[list[Candidate], list[Post], Rules, Params]:
    """Few posts everybody ranks, so that holders are often outscored by someone who ranked
    the post higher (the general strategy rarely makes such a case)."""
    m = draw(st.integers(2, 4))
    post_ids = list(range(100, 100 + m))
    tags = st.frozensets(st.sampled_from(TAGS), max_size=3)
    posts = [
        Post(
            id=pid,
            host_unit=draw(st.sampled_from((1, 2))),
            capacity=draw(st.integers(1, 2)),
            preferred_tags=draw(tags),
            leadership=draw(st.booleans()),
        )
        for pid in post_ids
    ]
    candidates = [
        Candidate(
            id=cid,
            home_unit=5,
            dispatch_unit=draw(st.sampled_from((7, 8))),
            tags=draw(tags),
            woman=draw(st.booleans()),
            choices=tuple(draw(st.permutations(post_ids))[: draw(st.integers(1, m))]),
        )
        for cid in range(1, draw(st.integers(2, 8)) + 1)
    ]
    limit = st.sampled_from([None, None, 1, 2])
    rules = Rules(
        max_per_dispatch_at_host=draw(limit),
        max_leadership_per_host=draw(limit),
        min_women=draw(st.integers(0, 2)),
        require_choice=draw(st.booleans()),
    )
    weights = Weights(
        expertise_tags=draw(st.sampled_from((1.0, 2.0, 3.0))),
        expertise_text=0.0,
        preference=draw(st.sampled_from((0.0, 0.5, 1.0))),
        host_preference=0.0,
        recommendation=0.0,
    )
    pins = st.tuples(st.sampled_from([c.id for c in candidates]), st.sampled_from(post_ids))
    params = Params(weights=weights, pins=draw(st.frozensets(pins, max_size=1)))
    return candidates, posts, rules, params


@settings(max_examples=150, deadline=None)
@given(instance=contested())
def test_every_swap_explained_is_legal_and_costs_what_it_says(instance) -> None:  # type: ignore[no-untyped-def]
    """Replayed with the spec's own scores and rules: the swap a reason describes breaks no hard
    rule, reaches the total it names, and in an exact result never pays without leaving a
    composition target shorter."""
    candidates, posts, rules, params = instance
    result = solve(candidates, posts, rules, params)
    by_id = {c.id: c for c in candidates}
    by_post = {p.id: p for p in posts}
    for cid, explanation in result.explanations.items():
        for alternative in explanation.alternatives:
            for reason in alternative.reasons:
                if not reason.code.startswith("swap_"):
                    continue
                d = reason.detail
                swapped = dict(result.assignments)
                swapped[cid] = alternative.post
                if d["holder_post"] is None:
                    del swapped[d["holder"]]
                else:
                    swapped[d["holder"]] = d["holder_post"]
                assert broken_rules(candidates, posts, rules, params.forbids, swapped) == []
                total = sum(score(by_id[c], by_post[p], params.weights) for c, p in swapped.items())
                assert d["total_before"] == result.objective
                assert math.isclose(d["total_after"], total, abs_tol=1e-5)
                assert reason.code == "swap_lowers_total"
                if d["delta"] > 0:
                    assert d["targets"] != []
                    assert shortfall(candidates, rules, swapped) > shortfall(
                        candidates, rules, result.assignments
                    )


def test_unassigned_with_no_feasible_post_counts_what_ruled_each_post_out() -> None:
    posts = [
        Post(id=10, host_unit=1),
        Post(id=11, host_unit=5, required_tags=frozenset({"法律"})),
        Post(id=12, host_unit=6, level=4),
    ]
    result = run([cadre(1, choices=(10,))], posts, Rules(require_choice=True))
    explanation = result.explanations[1]
    assert explanation.post is None
    assert explanation.summary == Reason(
        "no_feasible_post",
        {
            "reasons": {
                "avoid_home_unit": 1,
                "required_tags_missing": 1,
                "level_too_high": 1,
                "not_chosen": 2,
            }
        },
    )
    assert result.choice_histogram["unassigned"] == 1


def test_unassigned_and_outscored() -> None:
    post = Post(id=10, host_unit=5, preferred_tags=frozenset({"财务"}))
    people = [cadre(1, tags=frozenset({"财务"}), choices=(10,)), cadre(2, choices=(10,))]
    result = run(people, [post])
    assert result.assignments == {1: 10}
    assert result.explanations[2].summary == Reason(
        "outscored", {"feasible_posts": 1, "full": 1, "capped": 0}
    )
    assert [r.code for r in reasons_for(result, 2, 10)] == ["capacity_full"]


def test_the_assigned_see_their_score_components() -> None:
    post = Post(id=10, host_unit=5, preferred_tags=frozenset({"财务", "审计"}), host_ranking=(1,))
    person = cadre(1, tags=frozenset({"财务"}), choices=(10,), recommended=True)
    weights = Weights(
        expertise_tags=2.0,
        expertise_text=0.0,
        preference=1.0,
        host_preference=0.5,
        recommendation=0.25,
    )
    result = solve([person], [post], Rules(), Params(weights=weights))
    explanation = result.explanations[1]
    assert (explanation.post, explanation.rank, explanation.summary) == (10, 1, None)
    score = explanation.score
    assert score is not None
    assert (
        score.tags,
        score.text,
        score.preference,
        score.host_preference,
        score.recommendation,
    ) == (
        1.0,
        0.0,
        1.0,
        0.5,
        0.25,
    )
    assert score.total == 2.75
    assert (score.matched_tags, score.choice_rank, score.host_rank) == (("财务",), 1, 1)
