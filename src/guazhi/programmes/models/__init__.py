"""The programme's data, split along the lifecycle: plan, call, match, approve, serve."""

from guazhi.programmes.models.assignments import (
    ASSIGNMENT_TRANSITIONS,
    Assignment,
    AssignmentState,
    Objection,
    Outcome,
    Publicity,
    SelectionStep,
    SelectionStepKind,
)
from guazhi.programmes.models.batches import (
    BATCH_TRANSITIONS,
    Batch,
    BatchEvent,
    BatchState,
    Direction,
    Post,
)
from guazhi.programmes.models.groups import (
    AttendanceStatus,
    Group,
    TrainingAttendance,
    TrainingSession,
)
from guazhi.programmes.models.runs import MatchingRun, RunMode, RunState
from guazhi.programmes.models.selection import (
    Application,
    ApplicationChoice,
    ApplicationState,
    HostPreference,
    Notice,
    Recommendation,
)

__all__ = [
    "ASSIGNMENT_TRANSITIONS",
    "BATCH_TRANSITIONS",
    "Application",
    "ApplicationChoice",
    "ApplicationState",
    "Assignment",
    "AssignmentState",
    "AttendanceStatus",
    "Batch",
    "BatchEvent",
    "BatchState",
    "Direction",
    "Group",
    "HostPreference",
    "MatchingRun",
    "Notice",
    "Objection",
    "Outcome",
    "Post",
    "Publicity",
    "Recommendation",
    "RunMode",
    "RunState",
    "SelectionStep",
    "SelectionStepKind",
    "TrainingAttendance",
    "TrainingSession",
]
