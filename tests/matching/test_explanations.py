"""Explanations name the right reason, with the right data, in hand-built cases: one test per
reason code (stable-mode ones, blocking_pair and not_placed, are in test_stable.py)."""

from __future__ import annotations

from typing import Any

from guazhi.matching import Candidate, Params, Post, Reason, Result, Rules, Weights, solve

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
