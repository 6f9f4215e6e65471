"""Scoped reads of cadre profiles, and who may see their ID and phone numbers."""

from django.db.models import QuerySet

from guazhi.core.errors import NotFound
from guazhi.orgs.idcard import mask_id_number, mask_phone
from guazhi.orgs.models import (
    CadreProfile,
    Organisation,
)
from guazhi.orgs.scopes import ROSTER_ROLES, SENSITIVE_DATA_ROLES, scopes_of
from guazhi.orgs.selectors.search import _search


def cadre_list(*, actor, query: str = "", unit_id: int | None = None) -> QuerySet[CadreProfile]:  # type: ignore[no-untyped-def]
    """The roster the actor manages, sorted by pinyin."""
    cadres = CadreProfile.objects.filter(
        scopes_of(actor).org_filter(ROSTER_ROLES, field="home_unit__path")
    )
    if unit_id:
        unit = Organisation.objects.filter(pk=unit_id).only("path").first()
        cadres = cadres.filter(home_unit__path__startswith=unit.path) if unit else cadres.none()
    return _search(cadres, query).order_by("name_pinyin", "id")


def access_cadre(*, actor, pk: int, manage: bool = False) -> CadreProfile:  # type: ignore[no-untyped-def]
    """A profile the actor manages (or, to read, their own), else NotFound."""
    profile = CadreProfile.objects.filter(pk=pk).select_related("home_unit", "user").first()
    if profile is None:
        raise NotFound()
    if scopes_of(actor).covers(profile.home_unit.path, ROSTER_ROLES):
        return profile
    if not manage and profile.user_id is not None and profile.user_id == actor.pk:
        return profile
    raise NotFound()


def cadre_profile_of(*, actor) -> CadreProfile | None:  # type: ignore[no-untyped-def]
    return CadreProfile.objects.filter(user_id=actor.pk).select_related("home_unit").first()


def can_see_sensitive(*, actor, profile: CadreProfile) -> bool:  # type: ignore[no-untyped-def]
    """Full ID number and phone: the managing roles in scope, and the person themself."""
    if profile.user_id is not None and profile.user_id == actor.pk:
        return True
    return scopes_of(actor).covers(profile.home_unit.path, SENSITIVE_DATA_ROLES)


def displayed_id_number(*, actor, profile: CadreProfile, sensitive: bool | None = None) -> str:  # type: ignore[no-untyped-def]
    if sensitive is None:
        sensitive = can_see_sensitive(actor=actor, profile=profile)
    return profile.id_number if sensitive else mask_id_number(profile.id_number)


def displayed_phone(*, actor, profile: CadreProfile, sensitive: bool | None = None) -> str:  # type: ignore[no-untyped-def]
    if sensitive is None:
        sensitive = can_see_sensitive(actor=actor, profile=profile)
    return profile.phone if sensitive else mask_phone(profile.phone)


def cadre_home_unit_choices(*, actor) -> QuerySet[Organisation]:  # type: ignore[no-untyped-def]
    """Units a profile may be placed in: those whose roster the actor manages."""
    return Organisation.objects.filter(scopes_of(actor).org_filter(ROSTER_ROLES)).order_by("path")


def can_manage_cadre(*, actor, profile: CadreProfile) -> bool:  # type: ignore[no-untyped-def]
    return scopes_of(actor).covers(profile.home_unit.path, ROSTER_ROLES)
