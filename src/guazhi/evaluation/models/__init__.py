"""Evaluation and recognition: one module per area, re-exported here."""

from guazhi.evaluation.models.commendations import (
    NOMINATION_TRANSITIONS,
    CommendationDecision,
    CommendationKind,
    Nomination,
    NominationState,
)
from guazhi.evaluation.models.ratings import BallotCode, Rating, RatingScore, RatingSource
from guazhi.evaluation.models.results import CommitteeDecision, FlagKind, Objection, RatingFlag
from guazhi.evaluation.models.rounds import (
    DEFAULT_CRITERIA,
    DEFAULT_RATER_WEIGHTS,
    DEFAULT_THRESHOLDS,
    ROUND_TRANSITIONS,
    SCHEME_GRADES,
    Criterion,
    EvaluatedBy,
    EvaluationRound,
    Evaluee,
    GradeScheme,
    GradeThreshold,
    RaterRole,
    RaterWeight,
    RoundKind,
    RoundState,
)

__all__ = [
    "DEFAULT_CRITERIA",
    "DEFAULT_RATER_WEIGHTS",
    "DEFAULT_THRESHOLDS",
    "NOMINATION_TRANSITIONS",
    "ROUND_TRANSITIONS",
    "SCHEME_GRADES",
    "BallotCode",
    "CommendationDecision",
    "CommendationKind",
    "CommitteeDecision",
    "Criterion",
    "EvaluatedBy",
    "EvaluationRound",
    "Evaluee",
    "FlagKind",
    "GradeScheme",
    "GradeThreshold",
    "Nomination",
    "NominationState",
    "Objection",
    "RaterRole",
    "RaterWeight",
    "Rating",
    "RatingFlag",
    "RatingScore",
    "RatingSource",
    "RoundKind",
    "RoundState",
]
