"""The inspection draw (guazhi.duty.sampling): reproducible from its seed, spread across host
units, everyone or the chosen; plain Python, so these need no database."""

import random
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guazhi.duty.sampling import ALL, CHOSEN, RANDOM, draw

# A population as (assignment id, host unit id): distinct ids, a few units.
people = st.lists(
    st.tuples(st.integers(1, 10_000), st.integers(1, 6)),
    min_size=0,
    max_size=40,
    unique_by=lambda person: person[0],
)
seeds = st.integers(0, 2**63 - 1)


def ident(person: tuple[int, int]) -> int:
    return person[0]


def unit(person: tuple[int, int]) -> int:
    return person[1]


@given(people, seeds, st.integers(0, 50), st.booleans(), st.randoms())
def test_the_same_population_and_seed_give_the_same_draw_whatever_the_order_given(
    population, seed, n, spread, shuffler
):  # type: ignore[no-untyped-def]
    shuffled = list(population)
    shuffler.shuffle(shuffled)
    spread_by = unit if spread else None
    first = draw(population, mode=RANDOM, n=n, seed=seed, spread_by=spread_by, key=ident)
    again = draw(shuffled, mode=RANDOM, n=n, seed=seed, spread_by=spread_by, key=ident)
    assert again == first
    assert len(first) == min(n, len(population))
    assert len(set(first)) == len(first)  # nobody twice
    assert set(first) <= set(population)


@given(people, seeds, st.integers(0, 50))
def test_a_spread_draw_gives_no_unit_a_second_person_before_every_unit_has_one(population, seed, n):  # type: ignore[no-untyped-def]
    drawn = draw(population, mode=RANDOM, n=n, seed=seed, spread_by=unit, key=ident)
    sizes = Counter(unit(person) for person in population)
    taken: Counter[int] = Counter()
    for person in drawn:
        # Before a unit gives its (k+1)th person, every unit with k+1 people has given k.
        depth = taken[unit(person)]
        assert all(taken[other] >= min(depth, size) for other, size in sizes.items())
        taken[unit(person)] += 1
    if n >= len(sizes):
        assert set(taken) == set(sizes)  # every unit is visited
    # As even as the units allow: a unit short of the most-drawn count by two or more has
    # given everyone it has.
    most = max(taken.values(), default=0)
    assert all(taken[u] >= most - 1 or taken[u] == sizes[u] for u in sizes)


def test_a_spread_draw_visits_every_unit_once_before_any_twice() -> None:
    population = [(pk, 1) for pk in range(1, 9)] + [(20, 2), (30, 3), (31, 3)]
    drawn = draw(population, mode=RANDOM, n=4, seed=2026, spread_by=unit, key=ident)
    assert sorted(Counter(unit(p) for p in drawn[:3]).values()) == [1, 1, 1]
    assert Counter(unit(p) for p in drawn) in (
        Counter({1: 2, 2: 1, 3: 1}),
        Counter({1: 1, 2: 1, 3: 2}),
    )


def test_a_seed_gives_the_draw_random_gives_it() -> None:
    """The recorded seed is all anyone needs to draw again with Python's own generator."""
    population = [(pk, 1) for pk in (5, 3, 9, 1, 7)]
    assert draw(population, mode=RANDOM, n=2, seed=42, key=ident) == random.Random(42).sample(
        sorted(population), 2
    )


def test_different_seeds_draw_differently() -> None:
    population = [(pk, pk % 3) for pk in range(1, 41)]
    draws = {tuple(draw(population, mode=RANDOM, n=5, seed=seed, key=ident)) for seed in range(10)}
    assert len(draws) == 10


def test_a_sample_larger_than_the_population_takes_everyone() -> None:
    population = [(3, 1), (1, 2), (2, 2)]
    assert sorted(draw(population, mode=RANDOM, n=10, seed=7, key=ident)) == sorted(population)
    assert sorted(draw(population, mode=RANDOM, n=10, seed=7, spread_by=unit, key=ident)) == sorted(
        population
    )


def test_all_takes_everyone_in_key_order_and_chosen_only_the_chosen() -> None:
    population = [(3, 1), (1, 2), (2, 2)]
    assert draw(population, mode=ALL, key=ident) == [(1, 2), (2, 2), (3, 1)]
    assert draw(population, mode=CHOSEN, key=ident, chosen={3, 2, 99}) == [(2, 2), (3, 1)]


def test_a_random_draw_without_a_seed_or_a_size_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="seed"):
        draw([1, 2], mode=RANDOM, n=1, seed=None)
    with pytest.raises(ValueError, match="sample size"):
        draw([1, 2], mode=RANDOM, n=None, seed=1)
    with pytest.raises(ValueError, match="unknown sampling mode"):
        draw([1, 2], mode="lottery", n=1, seed=1)
