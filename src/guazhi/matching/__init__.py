"""The matching engine: candidates to posts, optimal or stable, with explanations as data.

Plain Python, numpy and scipy; no Django. The caller (programmes) freezes a run's inputs as JSON
(`inputs_to_dict`), calls `solve`, stores `result.to_dict()` and words the explanations itself.

    from guazhi.matching import Candidate, Post, Rules, Params, solve, fingerprint, inputs_to_dict
    result = solve(candidates, posts, Rules(min_women=3), Params(mode="optimal", seed=7),
                   progress=lambda done, total: ...)
    result.assignments            # {candidate id: post id}
    result.explanations[cid]      # Explanation: score components, reasons per higher choice
    stamp = fingerprint(inputs_to_dict(candidates, posts, rules, params), result.to_dict())

Score of a pair (each fit in [0, 1], times its weight in `Weights`):
  expertise_tags   share of the post's required + preferred tags the candidate holds
  expertise_text   cosine of the TF-IDF vectors (jieba tokens) of profile and duties texts
  preference       1.0 for the 1st of 5 choices … 0.2 for the 5th, 0 if unranked
  host_preference  1.0 for the host's first-ranked candidate … 1/L for the L-th, 0 if unranked
  recommendation   1.0 if recommended

Hard rules (never broken; `Result.violations` is the checker's verdict and always empty):
capacity; required tags; avoidance (home unit, a host inside the home unit's region or the place
of origin's region, a unit where a listed relative works); level (post.level - candidate.level <=
max_levels_above); forbidden pairs; only ranked posts if require_choice; at most
max_per_dispatch_at_host from one dispatching unit at one host unit; at most
max_leadership_per_host seconded cadres in one host leadership team, counting those serving.
Composition targets (min_women, min_minority, min_non_party among those placed) are soft: met
where possible, the shortfall reported (`Result.composition`, a warning).
Pins are seated first; a pin that breaks a hard rule is refused with its reasons (a warning).
Explanation reason codes are listed in guazhi.matching.explain; warnings are pin_refused,
composition_shortfall, objective_given_up, not_stable and time_limit.

Modules: model (inputs, validate), constraints (the rules in plain Python, check), regions,
text (jieba, TF-IDF), problem (indexes, vectorised feasibility and scores), board (occupancy and
caps), optimal, stable, explain, result (Result, JSON forms, fingerprint), engine (solve).

What is exact and what is heuristic:
  optimal mode  The maximum total score under capacity and the pairwise rules is exact
                (linear_sum_assignment on a dense seat-expanded matrix;
                min_weight_full_bipartite_matching when candidates see few posts). When that
                optimum keeps the batch-wide caps and meets the composition targets as far as
                the candidates allow, it is the answer, exact. Otherwise an integer programme
                (HiGHS; its LP relaxation first, whose vertex is usually integral and then
                proves optimality) with the caps as rows and composition shortfall priced above
                all score: exact when all feasible pairs fit (optimal.MILP_MAX_EDGES, 60,000),
                a heuristic over each candidate's best pairs plus the unconstrained optimum's
                pairs beyond that. A final repair guarantees the hard rules whatever happened.
                `Result.exact` says which case it was; `upper_bound` (the optimum without
                batch-wide rules and targets) and `given_up` say what they cost.
                Among equal totals the solvers place more people (a 1e-9 bonus per pair).
  stable mode   Candidate-proposing deferred acceptance: exact (stable, candidate-optimal)
                with capacity and pairwise rules; with binding batch-wide caps a stable
                matching may not exist: the remaining blocking pairs are listed and
                `exact` is False. Composition targets are reported, not enforced.
The seed only shuffles the internal order that breaks ties; the same inputs and seed give the
same result (and fingerprint) on any run.
"""

from guazhi.matching.constraints import check, pair_reasons
from guazhi.matching.engine import solve
from guazhi.matching.model import (
    Candidate,
    MatchingInputError,
    Params,
    Post,
    Rules,
    Weights,
)
from guazhi.matching.regions import region_contains, region_prefix
from guazhi.matching.result import (
    Alternative,
    Explanation,
    PairScore,
    PostOutcome,
    Reason,
    Result,
    Target,
    canonical_json,
    fingerprint,
    inputs_from_dict,
    inputs_to_dict,
)

__all__ = [
    "Alternative",
    "Candidate",
    "Explanation",
    "MatchingInputError",
    "PairScore",
    "Params",
    "Post",
    "PostOutcome",
    "Reason",
    "Result",
    "Rules",
    "Target",
    "Weights",
    "canonical_json",
    "check",
    "fingerprint",
    "inputs_from_dict",
    "inputs_to_dict",
    "pair_reasons",
    "region_contains",
    "region_prefix",
    "solve",
]
