"""Reads of the shared building blocks: work-calendar overrides and the audit trail, scoped."""

import datetime as dt

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from guazhi.core.errors import NotFound
from guazhi.core.models import AuditEvent, WorkdayOverride
from guazhi.orgs.models import CadreProfile, Organisation, Role, RoleAssignment
from guazhi.orgs.scopes import scopes_of

# Work calendar -------------------------------------------------------------------------------


def workday_override_list(*, actor, year: int) -> QuerySet[WorkdayOverride]:  # type: ignore[no-untyped-def]
    """The overrides of one year, by date. The work calendar is the same for everyone, so any
    signed-in user may read it (leave and deadlines depend on it); only admins change it."""
    if not getattr(actor, "is_authenticated", False):
        return WorkdayOverride.objects.none()
    return WorkdayOverride.objects.filter(
        date__range=(dt.date(year, 1, 1), dt.date(year, 12, 31))
    ).order_by("date")


def access_workday_override(*, actor, pk: int) -> WorkdayOverride:  # type: ignore[no-untyped-def]
    """An override an admin may change; NotFound for everyone else and for a missing one."""
    override = WorkdayOverride.objects.filter(pk=pk).first()
    if override is None or not scopes_of(actor).is_admin:
        raise NotFound()
    return override


# Audit trail -------------------------------------------------------------------------------


def _as_text_ids(queryset: QuerySet, field: str = "pk") -> QuerySet:
    # AuditEvent.object_id is text (it names rows of any model): compare like with like.
    return queryset.annotate(text_id=Cast(field, CharField())).values("text_id")


def _coordinator_condition(actor) -> Q:  # type: ignore[no-untyped-def]
    scopes = scopes_of(actor)
    roles = [Role.COORDINATOR]
    units = Organisation.objects.filter(scopes.org_filter(roles))
    grants = RoleAssignment.objects.filter(scopes.org_filter(roles, field="organisation__path"))
    cadres = CadreProfile.objects.filter(scopes.org_filter(roles, field="home_unit__path"))
    accounts = cadres.filter(user_id__isnull=False)
    return (
        Q(actor_id__in=grants.values("user_id"))
        | Q(actor_id__in=accounts.values("user_id"))
        | Q(object_type="orgs.user", object_id__in=_as_text_ids(grants, "user_id"))
        | Q(object_type="orgs.user", object_id__in=_as_text_ids(accounts, "user_id"))
        | Q(object_type="orgs.organisation", object_id__in=_as_text_ids(units))
        | Q(object_type="orgs.cadreprofile", object_id__in=_as_text_ids(cadres))
        | Q(object_type="orgs.roleassignment", object_id__in=_as_text_ids(grants))
    )


def audit_event_list(  # type: ignore[no-untyped-def]
    *,
    actor,
    action: str = "",
    actor_name: str = "",
    object_type: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """The audit events the actor may read, newest first, filtered.

    - Admins read everything.
    - A coordinator reads an event when its actor is one of "their people" — someone holding
      any role at a unit in the coordinator's subtree, or the account of a cadre whose home
      unit is there — or when its object is a unit, cadre profile, role grant or account in
      that subtree. People are judged by the roles they hold now, not when the event happened;
      someone also holding roles elsewhere is "theirs" for all their events. Failed logins
      with no account, and events whose object has since been deleted and whose actor is not
      theirs, stay with the admins.
    - Everyone else reads nothing.
    """
    scopes = scopes_of(actor)
    if scopes.is_admin:
        events = AuditEvent.objects.all()
    elif Role.COORDINATOR in scopes.roles:
        events = AuditEvent.objects.filter(_coordinator_condition(actor))
    else:
        return AuditEvent.objects.none()
    if action:
        events = events.filter(action=action)
    if actor_name.strip():
        events = events.filter(actor_name__icontains=actor_name.strip())
    if object_type:
        events = events.filter(object_type=object_type)
    if date_from:
        events = events.filter(created_at__date__gte=date_from)
    if date_to:
        events = events.filter(created_at__date__lte=date_to)
    return events.order_by("-created_at", "-id")
