"""Summaries, the experience library and meetings: one module per area, re-exported here."""

from guazhi.summaries.models.library import (
    LIBRARY_TRANSITIONS,
    Bookmark,
    LibraryDocument,
    LibraryKeyword,
    LibrarySource,
    LibraryState,
)
from guazhi.summaries.models.meetings import Meeting, MeetingKind, MeetingSpeaker
from guazhi.summaries.models.search import LibrarySearchEntry as LibrarySearchEntry
from guazhi.summaries.models.summaries import (
    BASIC_SECTION,
    DEFAULT_SECTIONS,
    EDITABLE_STATES,
    SUMMARY_TRANSITIONS,
    WORK_SECTION,
    Summary,
    SummaryEvent,
    SummaryEventAction,
    SummaryKind,
    SummarySection,
    SummaryState,
    SummaryTemplate,
)

__all__ = [
    "BASIC_SECTION",
    "DEFAULT_SECTIONS",
    "EDITABLE_STATES",
    "LIBRARY_TRANSITIONS",
    "SUMMARY_TRANSITIONS",
    "WORK_SECTION",
    "Bookmark",
    "LibraryDocument",
    "LibraryKeyword",
    "LibrarySource",
    "LibraryState",
    "Meeting",
    "MeetingKind",
    "MeetingSpeaker",
    "Summary",
    "SummaryEvent",
    "SummaryEventAction",
    "SummaryKind",
    "SummarySection",
    "SummaryState",
    "SummaryTemplate",
]
