"""Writing the audit trail. Every service calls `audit_record` inside its transaction."""

from typing import Any

from django.db import models

from guazhi.core.context import current_ip
from guazhi.core.models import AuditEvent


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    detail: dict[str, Any] | None = None,
    actor_name: str = "",
    ip_address: str | None = None,
    anonymous: bool = False,
) -> AuditEvent:
    """One audit row. `anonymous=True` records the event with no actor and no client address
    whoever sent the request: a democratic ballot (evaluation) must not be traceable to anyone."""
    if anonymous:
        actor, actor_name, ip_address = None, "", None
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if authenticated else None,
        actor_name=actor_name or (actor.get_full_name() or actor.username if authenticated else ""),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        detail=detail or {},
        ip_address=None if anonymous else ip_address or current_ip.get(),
    )


def changed_fields(instance: models.Model, before: dict[str, Any], fields: list[str]) -> dict:
    """{field: [old, new]} for the fields whose value changed; values made JSON-safe as text."""
    changes: dict[str, list[Any]] = {}
    for name in fields:
        old, new = before.get(name), getattr(instance, name)
        if old != new:
            changes[name] = [_json_safe(old), _json_safe(new)]
    return changes


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)  # dates, related objects, Decimals: as a person would read them


def history_by(actor: Any, *records: models.Model) -> None:
    """Name `actor` on the history rows `records` are about to write. In a request the history
    middleware does it; a job, the shell or a demo loader has no request, so services say who."""
    if getattr(actor, "is_authenticated", False):
        for record in records:
            record._history_user = actor  # type: ignore[attr-defined]
