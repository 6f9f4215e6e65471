"""The batch timeline: one helper so every service writes its events the same way (pages read
the notes through programmes.events.batch_event_note)."""

from typing import Any

from guazhi.core.i18n import Message, message_source
from guazhi.programmes.events import EVENT_LABELS, NOTE_SOURCE
from guazhi.programmes.models import Batch, BatchEvent


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
