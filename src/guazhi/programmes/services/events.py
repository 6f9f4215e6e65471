"""The batch timeline: one helper so every service writes its events the same way."""

from typing import Any

from guazhi.programmes.events import EVENT_LABELS
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
    """
    if kind not in EVENT_LABELS:
        raise ValueError(f"batch event kind {kind!r} has no label in programmes/events.py")
    return BatchEvent.objects.create(
        batch=batch,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        kind=kind,
        note=note,
        from_state=from_state,
        to_state=to_state,
        payload=payload or {},
    )
