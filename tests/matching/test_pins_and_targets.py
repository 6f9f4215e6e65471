"""The coordinator's pins and forbids, and the batch's composition targets."""

from __future__ import annotations

from typing import Any

import pytest

from guazhi.matching import Candidate, Params, Post, Reason, Rules, Weights, solve

WEIGHTS = Weights(expertise_tags=1.0, expertise_text=0.0, preference=1.0)


def cadre(cid: int, **fields: Any) -> Candidate:
    return Candidate(**{"id": cid, "home_unit": 1, "dispatch_unit": 9, **fields})


POSTS = [Post(id=10, host_unit=5), Post(id=11, host_unit=6)]


@pytest.mark.parametrize("mode", ["optimal", "stable"])
def test_a_pin_holds_against_the_score(mode: str) -> None:
    people = [cadre(1, choices=(10, 11)), cadre(2, choices=(11, 10))]
    params = Params(mode=mode, weights=WEIGHTS, pins=frozenset({(1, 11)}))  # type: ignore[arg-type]
    result = solve(people, POSTS, Rules(), params)
    assert result.assignments == {1: 11, 2: 10}
    assert result.warnings == []
    assert result.explanations[1].summary == Reason("pinned", {"post": 11})
    assert result.posts[11].holders == (1,)


@pytest.mark.parametrize("mode", ["optimal", "stable"])
def test_a_forbidden_pair_is_never_made_even_when_best(mode: str) -> None:
    people = [cadre(1, choices=(10,))]
    params = Params(mode=mode, weights=WEIGHTS, forbids=frozenset({(1, 10)}))  # type: ignore[arg-type]
    result = solve(people, POSTS, Rules(), params)
    assert result.assignments == {1: 11}


def test_a_pin_that_breaks_a_hard_rule_is_refused_with_its_reasons_and_the_rest_is_solved() -> None:
    people = [cadre(1, home_unit=5, choices=(10,)), cadre(2, choices=(10,))]
    params = Params(weights=WEIGHTS, pins=frozenset({(1, 10)}))
    result = solve(people, POSTS, Rules(), params)
    assert result.assignments == {1: 11, 2: 10}
    assert result.warnings == [
        Reason(
            "pin_refused",
            {"candidate": 1, "post": 10, "reasons": [{"code": "avoid_home_unit", "unit": 5}]},
        )
    ]


def test_pins_beyond_capacity_or_caps_are_refused_in_order() -> None:
    posts = [Post(id=10, host_unit=5), Post(id=11, host_unit=5), Post(id=12, host_unit=6)]
    people = [cadre(1), cadre(2), cadre(3)]
    params = Params(weights=WEIGHTS, pins=frozenset({(1, 10), (2, 10), (3, 11)}))
    result = solve(people, posts, Rules(max_per_dispatch_at_host=1), params)
    refused = {
        (w.detail["candidate"], w.detail["post"]): w.detail["reasons"] for w in result.warnings
    }
    assert refused == {
        (2, 10): [{"code": "capacity_full", "capacity": 1}, {"code": "dispatch_cap", "limit": 1}],
        (3, 11): [{"code": "dispatch_cap", "limit": 1}],
    }
    assert result.assignments[1] == 10
    assert result.violations == []


def test_two_pins_for_one_candidate_are_both_refused() -> None:
    params = Params(weights=WEIGHTS, pins=frozenset({(1, 10), (1, 11)}))
    result = solve([cadre(1)], POSTS, Rules(), params)
    assert [w.detail["reasons"] for w in result.warnings] == [
        [{"code": "pin_conflict", "pins": 2}]
    ] * 2
    assert result.explanations[1].summary is None  # solved normally, not pinned


def test_pins_and_forbids_naming_unknown_rows_do_no_harm() -> None:
    params = Params(
        weights=WEIGHTS, pins=frozenset({(7, 10), (1, 77)}), forbids=frozenset({(8, 88)})
    )
    result = solve([cadre(1, choices=(10,))], POSTS, Rules(), params)
    assert result.assignments == {1: 10}
    assert [w.detail["reasons"] for w in result.warnings] == [
        [{"code": "post_unknown"}],
        [{"code": "unknown_candidate"}],
    ]


# Composition ---------------------------------------------------------------------------------


def test_a_women_target_is_met_by_giving_up_score() -> None:
    post = Post(id=10, host_unit=5, preferred_tags=frozenset({"财务"}))
    people = [cadre(1, tags=frozenset({"财务"})), cadre(2, woman=True)]
    plain = solve(people, [post], Rules(), Params(weights=WEIGHTS))
    targeted = solve(people, [post], Rules(min_women=1), Params(weights=WEIGHTS))
    assert plain.assignments == {1: 10}
    assert targeted.assignments == {2: 10}
    assert targeted.composition["women"].to_dict() == {
        "target": 1,
        "achieved": 1,
        "met": True,
        "shortfall": 0,
    }
    assert (targeted.objective, targeted.upper_bound, targeted.given_up) == (0.0, 1.0, 1.0)
    assert targeted.exact


def test_a_target_that_cannot_be_met_is_reported_and_costs_nothing() -> None:
    post = Post(id=10, host_unit=5, preferred_tags=frozenset({"财务"}))
    people = [cadre(1, tags=frozenset({"财务"})), cadre(2, minority=True, home_unit=5)]
    result = solve(people, [post], Rules(min_minority=1, min_non_party=2), Params(weights=WEIGHTS))
    assert result.assignments == {1: 10}
    assert result.composition["minority"].to_dict() == {
        "target": 1,
        "achieved": 0,
        "met": False,
        "shortfall": 1,
    }
    assert result.composition["non_party"].shortfall == 2
    assert result.given_up == 0.0
    assert [w for w in result.warnings if w.code == "composition_shortfall"] == [
        Reason("composition_shortfall", {"group": "minority", "target": 1, "achieved": 0}),
        Reason("composition_shortfall", {"group": "non_party", "target": 2, "achieved": 0}),
    ]


def test_targets_are_met_as_far_as_possible_when_not_fully() -> None:
    posts = [Post(id=10, host_unit=5, preferred_tags=frozenset({"财务"})), Post(id=11, host_unit=6)]
    people = [
        cadre(1, tags=frozenset({"财务"}), choices=(10,)),
        cadre(2, tags=frozenset({"财务"}), choices=(10,), dispatch_unit=8),
        cadre(3, woman=True, choices=(11,)),
        cadre(4, woman=True, home_unit=5, relative_units=frozenset({6})),  # can go nowhere
    ]
    result = solve(people, posts, Rules(min_women=2), Params(weights=WEIGHTS))
    assert result.composition["women"].achieved == 1
    assert result.assignments[3] == 11
    assert result.exact


def test_stable_mode_reports_targets_without_enforcing_them() -> None:
    post = Post(id=10, host_unit=5, preferred_tags=frozenset({"财务"}))
    people = [
        cadre(1, tags=frozenset({"财务"}), choices=(10,)),
        cadre(2, woman=True, choices=(10,)),
    ]
    result = solve(people, [post], Rules(min_women=1), Params(mode="stable", weights=WEIGHTS))
    assert result.assignments == {1: 10}
    assert not result.composition["women"].met
    assert result.upper_bound is None
