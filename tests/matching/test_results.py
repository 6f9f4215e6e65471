"""A result's JSON form, the frozen inputs, the fingerprint, determinism, progress, refusals."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings

from guazhi.matching import (
    Candidate,
    MatchingInputError,
    Params,
    Post,
    Result,
    Rules,
    Weights,
    fingerprint,
    inputs_from_dict,
    inputs_to_dict,
    solve,
)
from tests.matching.instances import instances

TEXTS = [
    "负责招商引资和项目落地",
    "乡村振兴与农业农村工作",
    "财务审计、预算管理",
    "国土空间规划编制",
]


def batch(size: int = 12) -> tuple[list[Candidate], list[Post], Rules, Params]:
    rng = random.Random(5)
    posts = [
        Post(
            id=100 + k,
            host_unit=50 + k % 3,
            capacity=1 + k % 2,
            host_region="360102",
            preferred_tags=frozenset({("财务", "规划")[k % 2]}),
            text=TEXTS[k % 4],
            leadership=k % 3 == 0,
        )
        for k in range(5)
    ]
    candidates = [
        Candidate(
            id=k + 1,
            home_unit=k % 4,
            dispatch_unit=k % 2,
            tags=frozenset({("财务", "规划", "法律")[k % 3]}),
            text=TEXTS[(k * 3) % 4] + "，曾任乡镇副镇长",
            woman=k % 3 == 0,
            choices=tuple(rng.sample(range(100, 105), 3)),
        )
        for k in range(size)
    ]
    rules = Rules(min_women=3, max_per_dispatch_at_host=1)
    return candidates, posts, rules, Params(seed=11)


def test_the_result_round_trips_through_json() -> None:
    candidates, posts, rules, params = batch()
    result = solve(candidates, posts, rules, params)
    text = json.dumps(result.to_dict(), ensure_ascii=False, allow_nan=False)
    back = Result.from_dict(json.loads(text))
    assert back == result
    assert back.to_dict() == result.to_dict()
    assert list(json.loads(text)["assignments"]) == [str(c) for c in result.assignments]


@settings(max_examples=40, deadline=None)
@given(instance=instances())
def test_any_result_round_trips(instance) -> None:  # type: ignore[no-untyped-def]
    result = solve(*instance)
    assert Result.from_dict(json.loads(json.dumps(result.to_dict()))) == result


def test_frozen_inputs_replay_the_same_run() -> None:
    candidates, posts, rules, params = batch()
    frozen = json.loads(json.dumps(inputs_to_dict(candidates, posts, rules, params)))
    again = inputs_from_dict(frozen)
    assert again == (candidates, posts, rules, params)
    assert solve(*again).to_dict() == solve(candidates, posts, rules, params).to_dict()


def test_the_same_inputs_and_seed_give_the_same_result_in_any_input_order() -> None:
    candidates, posts, rules, params = batch()
    first = solve(candidates, posts, rules, params).to_dict()
    shuffled = solve(candidates[::-1], posts[::-1], rules, params).to_dict()
    assert shuffled == first
    inputs = inputs_to_dict(candidates, posts, rules, params)
    assert fingerprint(inputs, shuffled) == fingerprint(inputs, first)


REPLAY = """
import sys
sys.path[:0] = [{src!r}, {root!r}]
from guazhi.matching import fingerprint, inputs_to_dict, solve
from tests.matching.test_results import batch
inputs = batch()
print(fingerprint(inputs_to_dict(*inputs), solve(*inputs).to_dict()))
"""


def test_another_process_with_another_hash_seed_computes_the_same_fingerprint() -> None:
    """String hashing differs between processes; nothing in a result may depend on it."""
    root = Path(__file__).resolve().parents[2]
    code = REPLAY.format(src=str(root / "src"), root=str(root))
    here = solve(*batch())
    expected = fingerprint(inputs_to_dict(*batch()), here.to_dict())
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        env.pop("DJANGO_SETTINGS_MODULE", None)  # the engine needs no Django
        answer = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        assert answer.stdout.strip() == expected


def test_the_seed_breaks_ties_and_is_recorded() -> None:
    """Four equal candidates, two seats: who gets them depends on the seed alone."""
    people = [Candidate(id=k, home_unit=1, dispatch_unit=k) for k in range(1, 5)]
    posts = [Post(id=10, host_unit=5, capacity=2)]
    winners = {
        tuple(solve(people, posts, Rules(), Params(seed=seed)).assignments) for seed in range(12)
    }
    assert len(winners) > 1
    assert solve(people, posts, Rules(), Params(seed=3)).seed == 3


def test_the_fingerprint_changes_when_any_input_changes() -> None:
    candidates, posts, rules, params = batch()
    result = solve(candidates, posts, rules, params).to_dict()
    base = fingerprint(inputs_to_dict(candidates, posts, rules, params), result)
    assert len(base) == 64 and int(base, 16) >= 0
    edited = [
        Candidate(**{**vars(candidates[0]), "text": candidates[0].text + "。"}),
        *candidates[1:],
    ]
    assert fingerprint(inputs_to_dict(edited, posts, rules, params), result) != base
    assert fingerprint(inputs_to_dict(candidates, posts, Rules(), params), result) != base
    reseeded = Params(seed=12)
    assert fingerprint(inputs_to_dict(candidates, posts, rules, reseeded), result) != base
    changed = {**result, "objective": result["objective"] + 1}
    assert fingerprint(inputs_to_dict(candidates, posts, rules, params), changed) != base


def test_progress_is_reported_from_0_to_100() -> None:
    candidates, posts, rules, params = batch(size=1200)
    seen: list[tuple[int, int]] = []
    solve(candidates, posts, rules, params, progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 100)
    assert seen[-1] == (100, 100)
    assert [d for d, _ in seen] == sorted({d for d, _ in seen})
    assert len(seen) >= 5


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"candidates": "duplicate"}, "duplicate_candidate"),
        ({"region": "3601"}, "bad_region"),
        ({"capacity": -1}, "bad_capacity"),
        ({"weight": -0.5}, "bad_weight"),
        ({"weight": float("nan")}, "bad_weight"),
        ({"mode": "fastest"}, "bad_mode"),
    ],
)
def test_inputs_the_engine_cannot_interpret_are_refused_with_a_code(
    change: dict, code: str
) -> None:  # type: ignore[type-arg]
    people = [Candidate(id=1, home_unit=1, dispatch_unit=1, home_region=change.get("region", ""))]
    if "candidates" in change:
        people *= 2
    posts = [Post(id=10, host_unit=5, capacity=change.get("capacity", 1))]
    params = Params(
        mode=change.get("mode", "optimal"),
        weights=Weights(preference=change.get("weight", 1.0)),
    )
    with pytest.raises(MatchingInputError) as refused:
        solve(people, posts, Rules(), params)
    assert refused.value.code == code


def test_an_empty_batch_gives_an_empty_result() -> None:
    result = solve([], [], Rules(), Params())
    assert (result.assignments, result.objective, result.violations) == ({}, 0.0, [])
    result = solve([Candidate(id=1, home_unit=1, dispatch_unit=1)], [], Rules(), Params())
    assert result.choice_histogram["unassigned"] == 1
