"""Optimal mode: the best total the rules allow, equal to brute force on small instances, and
never a broken rule, whichever solver path the instance takes."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guazhi.matching import Candidate, Params, Post, Rules, Weights, solve
from guazhi.matching import optimal as optimal_module
from tests.matching.instances import (
    accepted_pins,
    broken_rules,
    brute_force,
    instances,
    shortfall,
)

PROPERTY = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(params=["dense", "sparse", "sparse_scored_by_pair"])
def solver_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with dense assignment, with sparse matching, and with sparse matching whose
    scores are computed pair by pair (the path for candidates who see few posts)."""
    if request.param != "dense":
        monkeypatch.setattr(optimal_module, "DENSE_MIN_SHARE", 2.0)
    if request.param == "sparse_scored_by_pair":
        monkeypatch.setattr(optimal_module, "SCORE_BY_PAIR_SHARE", 2.0)
    return str(request.param)


@PROPERTY
@given(instance=instances())
def test_optimal_mode_equals_brute_force(instance, solver_path: str) -> None:  # type: ignore[no-untyped-def]
    candidates, posts, rules, params = instance
    result = solve(candidates, posts, rules, params)
    pins = accepted_pins(params, result)
    assert all(result.assignments.get(c) == p for c, p in pins.items())
    best_short, best_total = brute_force(candidates, posts, rules, params, pins)
    assert shortfall(candidates, rules, result.assignments) == best_short
    assert math.isclose(result.objective, best_total, abs_tol=1e-5)
    assert result.exact
    assert result.violations == []
    assert broken_rules(candidates, posts, rules, params.forbids, result.assignments) == []
    if solver_path != "dense":
        assert result.method != "assignment_dense"


@PROPERTY
@given(instance=instances(max_candidates=14, max_posts=6, max_capacity=3))
def test_no_result_breaks_a_hard_rule(instance) -> None:  # type: ignore[no-untyped-def]
    candidates, posts, rules, params = instance
    for mode in ("optimal", "stable"):
        result = solve(candidates, posts, rules, Params(**{**vars(params), "mode": mode}))
        assert result.violations == []
        assert broken_rules(candidates, posts, rules, params.forbids, result.assignments) == []


@settings(max_examples=60, deadline=None)
@given(instance=instances(max_candidates=7, max_posts=4), data=st.data())
def test_the_heuristic_path_keeps_every_rule_and_stays_below_the_optimum(instance, data) -> None:  # type: ignore[no-untyped-def]
    """Integer programmes too big for all pairs see only each candidate's best few: forced here
    by a tiny edge budget, the result is still legal and never claims more than the optimum."""
    candidates, posts, rules, params = instance
    original = (optimal_module.MILP_MAX_EDGES, optimal_module.MILP_MIN_PER_CANDIDATE)
    optimal_module.MILP_MAX_EDGES, optimal_module.MILP_MIN_PER_CANDIDATE = 0, 1
    try:
        result = solve(candidates, posts, rules, params)
    finally:
        optimal_module.MILP_MAX_EDGES, optimal_module.MILP_MIN_PER_CANDIDATE = original
    pins = accepted_pins(params, result)
    best_short, best_total = brute_force(candidates, posts, rules, params, pins)
    assert result.violations == []
    assert broken_rules(candidates, posts, rules, params.forbids, result.assignments) == []
    found_short = shortfall(candidates, rules, result.assignments)
    assert found_short >= best_short
    if found_short == best_short:
        assert result.objective <= best_total + 1e-5
    if result.method.startswith("milp_restricted") or result.method == "repair":
        assert not result.exact
    assert result.upper_bound is not None and result.given_up is not None
    assert math.isclose(result.upper_bound - result.objective, result.given_up, abs_tol=1e-6)


def person(cid: int, **fields: object) -> Candidate:
    return Candidate(id=cid, home_unit=1, dispatch_unit=9, **fields)  # type: ignore[arg-type]


def test_capacity_above_one_seats_the_best_pair_of_candidates() -> None:
    posts = [
        Post(id=10, host_unit=5, capacity=2, preferred_tags=frozenset({"财务"})),
        Post(id=11, host_unit=6, capacity=1),
    ]
    candidates = [
        person(1, tags=frozenset({"财务"}), choices=(11,)),
        person(2, tags=frozenset({"财务"})),
        person(3, tags=frozenset({"财务"})),
    ]
    weights = Weights(expertise_tags=1.0, expertise_text=0.0, preference=0.6)
    result = solve(candidates, posts, Rules(), Params(weights=weights))
    # 1 at its choice (0.6) + 2 and 3 sharing post 10 (1.0 each) beats 1 at 10 and one left out.
    assert result.assignments == {1: 11, 2: 10, 3: 10}
    assert result.objective == 2.6
    assert result.posts[10].holders == (2, 3)
    assert result.posts[10].filled == 2
    assert result.posts[10].cutoff == 1.0


def test_batch_wide_rules_are_met_by_giving_up_score_and_the_cost_is_reported() -> None:
    """Two people of one dispatching unit want two posts at one host; the cap allows one."""
    posts = [Post(id=10, host_unit=5), Post(id=11, host_unit=5), Post(id=12, host_unit=6)]
    candidates = [person(1, choices=(10,)), person(2, choices=(11,))]
    weights = Weights(expertise_tags=0, expertise_text=0, preference=1.0)
    free = solve(candidates, posts, Rules(max_per_dispatch_at_host=None), Params(weights=weights))
    capped = solve(candidates, posts, Rules(max_per_dispatch_at_host=1), Params(weights=weights))
    assert free.assignments == {1: 10, 2: 11}
    assert free.given_up == 0.0
    assert sorted(capped.assignments.values())[1] == 12  # one of them goes to the other host
    assert capped.objective == 1.0
    assert capped.upper_bound == 2.0
    assert capped.given_up == 1.0
    assert capped.method == "milp"
    assert capped.exact
    assert {w.code for w in capped.warnings} == {"objective_given_up"}


def test_leadership_team_cap_counts_the_cadres_already_serving() -> None:
    posts = [
        Post(id=10, host_unit=5, leadership=True),
        Post(id=11, host_unit=5, leadership=True),
        Post(id=12, host_unit=5, leadership=False),
    ]
    candidates = [person(1, choices=(10,)), person(2, choices=(11,)), person(3, choices=(12,))]
    rules = Rules(max_leadership_per_host=2, serving_in_leadership={5: 1})
    result = solve(candidates, posts, rules, Params(weights=Weights(expertise_text=0)))
    leaders = [c for c, p in result.assignments.items() if p in (10, 11)]
    assert len(leaders) == 1
    assert result.assignments[3] == 12
    assert result.violations == []


def test_nobody_is_posted_above_their_level_beyond_what_the_batch_allows() -> None:
    posts = [Post(id=10, host_unit=5, level=3)]
    candidates = [person(1, level=1, choices=(10,))]
    strict = solve(candidates, posts, Rules(max_levels_above=1), Params())
    lenient = solve(candidates, posts, Rules(max_levels_above=2), Params())
    assert strict.assignments == {}
    assert lenient.assignments == {1: 10}


def test_among_equal_totals_more_people_are_placed() -> None:
    """Nobody has any fit: placing them scores nothing, yet the posts are filled."""
    posts = [Post(id=10, host_unit=5), Post(id=11, host_unit=6)]
    candidates = [person(1), person(2)]
    result = solve(candidates, posts, Rules(), Params(weights=Weights(expertise_text=0)))
    assert sorted(result.assignments.values()) == [10, 11]
    assert result.objective == 0.0
