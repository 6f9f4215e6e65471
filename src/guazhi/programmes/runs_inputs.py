"""Freezing a batch into the matching engine's inputs: candidates, posts, rules, parameters.

`runs_freeze` reads the batch once and returns plain JSON: the engine's own frozen form
(`guazhi.matching.inputs_to_dict`, replayed exactly by `inputs_from_dict`) under "engine", and
the names the pages print under "labels" (people, units, posts as they were named when the run
started), so a run's page and export keep saying what was computed even after a unit is renamed
or a post edited.

Who is a candidate: every submitted application of the batch (the call area's
`matching_candidates`) whose cadre meets the batch's eligibility rules today (the call checked
them when the person applied, but a profile, the rules, or a post approved in another batch may
have changed since). Those left out are frozen under "ineligible" with their reasons, for the
run page; someone approved for or serving a secondment in another batch is always left out,
even where the batch admits serving cadres to its call: one person serves in one batch at a
time, so a run must not place them (adoption and approval refuse them too). A recommended
cadre enters only through an application confirming the recommendation (the voluntary
principle), so recommended here means "has a recommendation they have not declined".

The frozen form carries "fingerprint_version": 2, which tells runs_job that the run's
fingerprint covers the labels and the run's number as well as the engine's inputs (runs frozen
before had only the engine's inputs fingerprinted, and are verified that way).

Regional avoidance (回避) works at county level, as 地域回避 does: a person is not posted in the
county (县、市辖区) of their home unit, nor of their place of origin (籍贯). A home unit with a
city or province code (a city agency, 360400) stands for no county, so it avoids nothing by
region: otherwise a city could never second its own agencies' cadres to its own counties.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guazhi.matching import Candidate, Params, Post, Rules, Weights, inputs_to_dict
from guazhi.orgs import vocab
from guazhi.orgs.models import CadreProfile, Organisation
from guazhi.programmes.eligibility import eligibility_reasons
from guazhi.programmes.models import (
    Assignment,
    AssignmentState,
    Batch,
    Recommendation,
)
from guazhi.programmes.models import Post as PostModel
from guazhi.programmes.selectors.call import host_rankings, matching_candidates, standings
from guazhi.programmes.selectors.scope import unit_ids_on_path

Pair = tuple[int, int]  # (cadre profile id, post id)
# What runs_job's fingerprint of a run frozen here covers (see the module docstring).
FINGERPRINT_VERSION = 2

# The five weights of a run, in the order the form shows them; defaults are the engine's.
WEIGHT_NAMES: tuple[str, ...] = (
    "expertise_tags",
    "expertise_text",
    "preference",
    "host_preference",
    "recommendation",
)


def default_weights() -> dict[str, float]:
    defaults = Weights()
    return {name: float(getattr(defaults, name)) for name in WEIGHT_NAMES}


def _region(code: str) -> str:
    """A usable region code or "": the engine reads only 6-digit codes."""
    code = (code or "").strip()
    return code if len(code) == 6 and code.isascii() and code.isdigit() else ""


def _county(code: str) -> str:
    """The code if it names a county (县级: not ending in 00), else "" (see the docstring)."""
    code = _region(code)
    return code if code and not code.endswith("00") else ""


class _Regions:
    """Each unit's region code, or its nearest ancestor's when it has none of its own (a
    school or a township office rarely carries a code; its county does)."""

    def __init__(self, units: Iterable[Organisation]) -> None:
        paths = {unit.pk: unit.path for unit in units}
        wanted = {pk for path in paths.values() for pk in unit_ids_on_path(path)}
        codes = dict(Organisation.objects.filter(pk__in=wanted).values_list("pk", "region_code"))
        self.found: dict[int, str] = {}
        for pk, path in paths.items():
            chain = unit_ids_on_path(path)
            self.found[pk] = next(
                (_region(codes.get(i, "")) for i in reversed(chain) if _region(codes.get(i, ""))),
                "",
            )

    def of(self, unit_pk: int) -> str:
        return self.found.get(unit_pk, "")


def _dispatch_unit(home: Organisation, dispatching: Mapping[int, Organisation]) -> int:
    """The batch's dispatching organisation this person comes from: their home unit or its
    nearest ancestor among the batch's dispatching organisations. A batch that admits people
    from elsewhere (require_dispatching_home off) counts such a person under their home unit,
    so the per-dispatching-unit cap still groups colleagues together."""
    for pk in reversed(unit_ids_on_path(home.path)):
        if pk in dispatching:
            return pk
    return home.pk


def _profile_text(cadre: CadreProfile, statement: str) -> str:
    parts = [*cadre.expertise, cadre.position, cadre.professional_title, statement]
    return "\n".join(part for part in (str(p).strip() for p in parts) if part)


def _post_text(post: PostModel) -> str:
    return "\n".join(part for part in (post.title, post.portfolio, post.duties) if part)


def _serving_in_leadership(batch: Batch, host_ids: set[int]) -> dict[int, int]:
    """host unit -> seconded cadres of other batches in its leadership team: on duty, or
    approved and about to report (they will sit in the same team as this batch's people)."""
    rows = (
        Assignment.objects.filter(
            state__in=(AssignmentState.APPROVED, AssignmentState.ACTIVE),
            post__leadership=True,
            host_unit__in=host_ids,
        )
        .exclude(batch=batch)
        .values("host_unit")
        .annotate(n=Count("id"))
    )
    return {row["host_unit"]: row["n"] for row in rows if row["n"]}


@dataclass(frozen=True)
class FrozenPairs:
    """The coordinator's pins and forbids as they entered a run, and those left out."""

    pins: list[Pair]
    forbids: list[Pair]
    dropped: list[Pair]  # naming a person no longer applying or a post no longer in the batch


def _usable_pairs(
    pins: Iterable[Pair], forbids: Iterable[Pair], candidates: set[int], posts: set[int]
) -> FrozenPairs:
    kept_pins: list[Pair] = []
    kept_forbids: list[Pair] = []
    dropped: list[Pair] = []
    for source, kept in ((pins, kept_pins), (forbids, kept_forbids)):
        for cadre_id, post_id in sorted({(int(c), int(p)) for c, p in source}):
            if cadre_id in candidates and post_id in posts:
                kept.append((cadre_id, post_id))
            else:
                dropped.append((cadre_id, post_id))
    return FrozenPairs(kept_pins, kept_forbids, dropped)


def _ineligibility(batch: Batch, applications: list[Any]) -> dict[int, list[str]]:
    """cadre id -> why they may not enter the batch's matching today (only those who may not).

    The reasons are stored with the run in Chinese, the source language, as every stored text.
    """
    facts = standings(batch, [application.cadre for application in applications])
    found: dict[int, list[str]] = {}
    with translation.override("zh-hans"):
        for application in applications:
            cadre = application.cadre
            standing = facts[cadre.pk]
            reasons = eligibility_reasons(batch, cadre, standing)
            if standing.serving_in and not batch.exclude_serving:
                reasons.append(
                    _("已在其他批次（%(batch)s）获批挂职或正在挂职，不能同时参加本批次")
                    % {"batch": standing.serving_in}
                )
            if reasons:
                found[cadre.pk] = reasons
    return found


def runs_freeze(
    *,
    batch: Batch,
    mode: str,
    weights: Mapping[str, float],
    seed: int,
    pins: Iterable[Pair] = (),
    forbids: Iterable[Pair] = (),
    require_choice: bool = True,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The batch as the engine will see it, frozen as JSON (see the module docstring)."""
    # Sorted by person, so the engine sees the same order however the rows were entered.
    applied = sorted(matching_candidates(batch), key=lambda a: a.cadre_id)
    ineligible = _ineligibility(batch, applied)
    applications = [a for a in applied if a.cadre_id not in ineligible]
    posts = list(PostModel.objects.filter(batch=batch).select_related("host_unit").order_by("id"))
    dispatching = {unit.pk: unit for unit in batch.dispatching_orgs.all()}
    homes = {a.cadre.home_unit_id: a.cadre.home_unit for a in applications}
    hosts = {post.host_unit_id: post.host_unit for post in posts}
    regions = _Regions([*homes.values(), *hosts.values()])
    recommended = set(
        Recommendation.objects.filter(batch=batch, declined_at=None).values_list(
            "cadre_id", flat=True
        )
    )
    candidate_ids = {a.cadre_id for a in applications}
    rankings = {post: tuple(ids) for post, ids in host_rankings(batch).items()}

    candidates: list[Candidate] = []
    people: dict[str, dict[str, Any]] = {}
    units: dict[str, str] = {}
    for application in applications:
        cadre = application.cadre
        relatives = frozenset(r.unit_id for r in cadre.relatives.all() if r.unit_id)
        dispatch = _dispatch_unit(cadre.home_unit, dispatching)
        candidates.append(
            Candidate(
                id=cadre.pk,
                tags=frozenset(str(tag) for tag in cadre.expertise),
                text=_profile_text(cadre, application.statement),
                home_unit=cadre.home_unit_id,
                home_region=_county(regions.of(cadre.home_unit_id)),
                origin_region=_county(cadre.native_region_code),
                relative_units=relatives,
                dispatch_unit=dispatch,
                level=vocab.RANK_ORDER.get(cadre.rank, 0),
                woman=cadre.is_woman,
                minority=cadre.is_ethnic_minority,
                non_party=cadre.is_non_party,
                choices=tuple(
                    choice.post_id
                    for choice in sorted(application.choices.all(), key=lambda c: c.rank)
                ),
                recommended=cadre.pk in recommended,
            )
        )
        people[str(cadre.pk)] = {
            "name": cadre.name,
            "home_unit": cadre.home_unit_id,
            "application": application.pk,
            "rank": cadre.rank,
        }
        units[str(cadre.home_unit_id)] = cadre.home_unit.name
        if dispatch in dispatching:
            # Otherwise the dispatch unit is the home unit itself, named just above.
            units[str(dispatch)] = dispatching[dispatch].name
    engine_posts: list[Post] = []
    places: dict[str, dict[str, Any]] = {}
    for post in posts:
        engine_posts.append(
            Post(
                id=post.pk,
                host_unit=post.host_unit_id,
                host_region=regions.of(post.host_unit_id),
                capacity=post.capacity,
                required_tags=frozenset(str(tag) for tag in post.required_tags),
                preferred_tags=frozenset(str(tag) for tag in post.preferred_tags),
                text=_post_text(post),
                level=vocab.RANK_ORDER.get(post.rank, -1),
                leadership=post.leadership,
                host_ranking=rankings.get(post.pk, ()),
            )
        )
        places[str(post.pk)] = {
            "title": post.title,
            "host_unit": post.host_unit_id,
            "capacity": post.capacity,
            "rank": post.rank,
        }
        units[str(post.host_unit_id)] = post.host_unit.name
    relative_ids = {u for c in candidates for u in c.relative_units} - {int(k) for k in units}
    units.update(
        (str(pk), name)
        for pk, name in Organisation.objects.filter(pk__in=relative_ids).values_list("pk", "name")
    )
    units = {pk: name for pk, name in units.items() if name}

    pairs = _usable_pairs(pins, forbids, candidate_ids, {post.pk for post in posts})
    rules = Rules(
        max_per_dispatch_at_host=batch.max_per_dispatch_at_host,
        max_leadership_per_host=batch.max_leadership_per_host,
        serving_in_leadership=_serving_in_leadership(batch, set(hosts)),
        max_levels_above=batch.max_levels_above,
        min_women=batch.min_women,
        min_minority=batch.min_minority,
        min_non_party=batch.min_non_party,
        require_choice=require_choice,
    )
    params = Params(
        mode=mode,  # type: ignore[arg-type]  # checked by run_start against RunMode
        weights=Weights(**{name: float(weights[name]) for name in WEIGHT_NAMES}),
        pins=frozenset(pairs.pins),
        forbids=frozenset(pairs.forbids),
        seed=seed,
    )
    left_out = [
        {
            "cadre": application.cadre_id,
            "name": application.cadre.name,
            "home_unit": application.cadre.home_unit.name,
            "application": application.pk,
            "reasons": ineligible[application.cadre_id],
        }
        for application in applied
        if application.cadre_id in ineligible
    ]
    return {
        "engine": inputs_to_dict(candidates, engine_posts, rules, params),
        "labels": {"batch": batch.name, "people": people, "posts": places, "units": units},
        "dropped_pairs": [list(pair) for pair in pairs.dropped],
        "ineligible": left_out,
        "frozen_at": (now or timezone.now()).isoformat(),
        "fingerprint_version": FINGERPRINT_VERSION,
    }
