"""The batch timeline: one helper so every service writes its events the same way, and one so
every page reads their notes the same way (in the reader's language)."""

from typing import Any

from django.utils import translation

from guazhi.core.i18n import Message, message_source, stored_text
from guazhi.programmes.events import EVENT_LABELS
from guazhi.programmes.models import Batch, BatchEvent

# Where a note written as a Message keeps its msgid and parameters, to be read again later in
# whichever language the reader has chosen (the note itself stays as written, for search).
NOTE_SOURCE = "note_source"


def batch_event_record(
    *,
    actor: Any,
    batch: Batch,
    kind: str,
    note: str = "",
    from_state: str = "",
    to_state: str = "",
    payload: dict[str, Any] | None = None,
) -> BatchEvent:
    """Append a line to the batch's timeline. Call inside the service's transaction.

    `kind` must be named in programmes/events.py: a line the page cannot name is a bug.
    `note` is a `Message` when the system words it (it is then shown in the reader's language)
    or plain text when it is someone's own words (a reason typed by the coordinator).
    """
    if kind not in EVENT_LABELS:
        raise ValueError(f"batch event kind {kind!r} has no label in programmes/events.py")
    payload = dict(payload or {})
    if isinstance(note, Message):
        payload[NOTE_SOURCE] = message_source(note)
    return BatchEvent.objects.create(
        batch=batch,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        kind=kind,
        note=str(note),
        from_state=from_state,
        to_state=to_state,
        payload=payload,
    )


def batch_event_note(event: BatchEvent) -> str:
    """The event's note in the active language: a system-worded note from its source, a
    person's own words as they were typed."""
    source = (event.payload or {}).get(NOTE_SOURCE)
    if source is None:
        # Plain text is someone's words: stored_text would otherwise look it up as a msgid.
        return event.note
    return stored_text(event.note, source)


def label_message(label: Any) -> Message:
    """A model or choice label (gettext_lazy) as a Message, to sit inside a timeline note."""
    # Chinese is the source language: a label read in Chinese is its msgid.
    with translation.override("zh-hans"):
        return Message(str(label))
