"""Stable mode: deferred acceptance leaves no candidate and post that would rather be together;
where batch-wide caps make that impossible, the result says so and lists the pairs."""

from __future__ import annotations

from hypothesis import given, settings

from guazhi.matching import Candidate, Params, Post, Rules, Weights, solve
from tests.matching.instances import accepted_pins, blocking_pairs, broken_rules, instances


@settings(max_examples=150, deadline=None)
@given(instance=instances(max_candidates=8, max_posts=5, caps=False, mode="stable"))
def test_stable_results_have_no_blocking_pair(instance) -> None:  # type: ignore[no-untyped-def]
    candidates, posts, rules, params = instance
    result = solve(candidates, posts, rules, params)
    pins = accepted_pins(params, result)
    assert all(result.assignments.get(c) == p for c, p in pins.items())
    assert blocking_pairs(candidates, posts, rules, params, result.assignments, pins) == []
    assert result.blocking_pairs == []
    assert result.exact
    assert result.method == "deferred_acceptance"
    assert broken_rules(candidates, posts, rules, params.forbids, result.assignments) == []


def stable(**weights: float) -> Params:
    return Params(mode="stable", weights=Weights(expertise_text=0.0, **weights))


def test_candidates_get_their_first_choice_unless_the_host_prefers_someone_else() -> None:
    posts = [
        Post(id=10, host_unit=5, host_ranking=(2, 1)),
        Post(id=11, host_unit=6),
    ]
    candidates = [
        Candidate(id=1, home_unit=1, dispatch_unit=9, choices=(10, 11)),
        Candidate(id=2, home_unit=1, dispatch_unit=8, choices=(10, 11)),
    ]
    result = solve(candidates, posts, Rules(), stable())
    assert result.assignments == {1: 11, 2: 10}
    reasons = result.explanations[1].alternatives[0].reasons
    assert [r.code for r in reasons] == ["capacity_full", "not_preferred_by_host"]
    assert reasons[1].detail == {"host_rank": 2, "holder_host_ranks": [1]}
    assert result.posts[10].cutoff == result.scores[2].total


def test_without_a_host_ranking_the_higher_score_wins_the_post() -> None:
    posts = [Post(id=10, host_unit=5, preferred_tags=frozenset({"法律"})), Post(id=11, host_unit=6)]
    candidates = [
        Candidate(id=1, home_unit=1, dispatch_unit=9, choices=(10, 11)),
        Candidate(id=2, home_unit=1, dispatch_unit=8, choices=(10,), tags=frozenset({"法律"})),
    ]
    result = solve(candidates, posts, Rules(), stable(expertise_tags=1.0))
    assert result.assignments == {1: 11, 2: 10}
    assert result.choice_histogram == {1: 1, 2: 1, 3: 0, 4: 0, 5: 0, "unranked": 0, "unassigned": 0}


def capped_instance(require_choice: bool) -> tuple[list[Candidate], list[Post], Rules]:
    """Host 50 has posts 1 and 2; A (2) and B (3) come from dispatching unit 100, which may send
    one person to host 50. Post 1 prefers A to C (1); both hosts rank their own first, and B
    (tag fit) outscores A, so the cap turns A away after A displaced C: post 1 ends empty
    although C wanted it."""
    posts = [
        Post(id=1, host_unit=50, host_ranking=(2, 1)),
        Post(id=2, host_unit=50, preferred_tags=frozenset({"规划"}), host_ranking=(3,)),
        Post(id=3, host_unit=60, capacity=2),
    ]
    candidates = [
        Candidate(id=1, home_unit=7, dispatch_unit=200, choices=(1,) if require_choice else (1, 3)),
        Candidate(id=2, home_unit=7, dispatch_unit=100, choices=(1, 3)),
        Candidate(id=3, home_unit=7, dispatch_unit=100, choices=(2, 3), tags=frozenset({"规划"})),
    ]
    rules = Rules(max_per_dispatch_at_host=1, require_choice=require_choice)
    return candidates, posts, rules


def test_a_cap_that_makes_stability_impossible_is_reported_with_the_blocking_pair() -> None:
    candidates, posts, rules = capped_instance(require_choice=False)
    result = solve(candidates, posts, rules, stable(expertise_tags=1.0))
    assert result.assignments == {1: 3, 2: 3, 3: 2}
    assert result.blocking_pairs == [(1, 1)]
    assert not result.exact
    assert result.violations == []
    assert {w.code for w in result.warnings} == {"not_stable"}
    (alternative,) = result.explanations[1].alternatives
    assert [r.code for r in alternative.reasons] == ["blocking_pair"]
    (alternative,) = result.explanations[2].alternatives
    assert alternative.reasons[0].code == "dispatch_cap"
    assert alternative.reasons[0].detail == {
        "dispatch_unit": 100,
        "host_unit": 50,
        "limit": 1,
        "holders": [3],
    }


def test_an_unplaced_candidate_with_an_open_post_is_told_which_posts_were_open() -> None:
    candidates, posts, rules = capped_instance(require_choice=True)
    result = solve(candidates, posts, rules, stable(expertise_tags=1.0))
    assert 1 not in result.assignments
    summary = result.explanations[1].summary
    assert summary is not None
    assert (summary.code, summary.detail) == (
        "not_placed",
        {"feasible_posts": 1, "open_posts": [1]},
    )
