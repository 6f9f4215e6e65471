"""Drawing the people a spot inspection (不定期检查) checks: plain Python, no Django.

A random draw is reproducible: the population is put in a stable order (by `key`, e.g. the
assignment id) and drawn with `random.Random(seed)`, so the same population and the same
recorded seed give the same people, in the same order, on any machine and any later day. That
is what makes a draw verifiable: nobody can have picked or spared a person by hand without the
seed giving them away.

Spreading across host units (`spread_by`) deals the sample out like cards: the units are put
in a random order, each unit's people are shuffled, then one person is taken from each unit
in turn, round after round, so no unit gives a second person before every unit has given one
(a unit whose people are all taken drops out of the round).
"""

import random
from collections.abc import Callable, Collection, Hashable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")

RANDOM = "random"
ALL = "all"
CHOSEN = "chosen"
MODES = (RANDOM, ALL, CHOSEN)


def _identity(item: Any) -> Any:
    return item


def draw(
    population: Iterable[T],
    *,
    mode: str,
    n: int | None = None,
    seed: int | None = None,
    spread_by: Callable[[T], Hashable] | None = None,
    key: Callable[[T], Any] = _identity,
    chosen: Collection[Any] = (),
) -> list[T]:
    """The people an inspection checks, in the order drawn.

    - RANDOM: `n` people drawn with `random.Random(seed)`; `n` at least the population's size
      takes everyone; with `spread_by` (a person's host unit) spread evenly across its values.
    - ALL: everyone, in `key` order.
    - CHOSEN: the people whose `key` is in `chosen`, in `key` order (keys not in the
      population are not invented: the caller checks the choice against the population).

    `key` orders the population before drawing, so the draw does not depend on the order the
    caller happens to pass it in; keys must be distinct.
    """
    people = sorted(population, key=key)
    if mode == ALL:
        return people
    if mode == CHOSEN:
        wanted = set(chosen)
        return [person for person in people if key(person) in wanted]
    if mode != RANDOM:
        raise ValueError(f"unknown sampling mode: {mode!r}")
    if n is None or n < 0:
        raise ValueError("a random draw needs a sample size of at least 0")
    if seed is None:
        raise ValueError("a random draw needs a seed, so that it can be drawn again")
    rng = random.Random(seed)
    if spread_by is None:
        if n >= len(people):
            # Everyone, still shuffled by the seed: the order drawn is part of the answer.
            return rng.sample(people, len(people))
        return rng.sample(people, n)
    return _spread(people, n=n, rng=rng, spread_by=spread_by)


def _spread(
    people: list[T], *, n: int, rng: random.Random, spread_by: Callable[[T], Hashable]
) -> list[T]:
    groups: dict[Hashable, list[T]] = {}
    for person in people:  # in key order, so the groups' first order is stable too
        groups.setdefault(spread_by(person), []).append(person)
    decks = list(groups.values())
    for deck in decks:
        rng.shuffle(deck)
    rng.shuffle(decks)
    taken: list[T] = []
    depth = 0
    while len(taken) < n:
        round_ = [deck[depth] for deck in decks if depth < len(deck)]
        if not round_:
            break  # everyone is taken
        taken.extend(round_[: n - len(taken)])
        depth += 1
    return taken
