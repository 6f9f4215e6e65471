"""What a home page shows, computed for the acting user from the selectors of each domain."""

from dataclasses import dataclass, field
from typing import Any

from guazhi.core.models import WorkdayOverride
from guazhi.orgs import selectors as orgs_selectors
from guazhi.orgs.models import Role
from guazhi.orgs.scopes import scopes_of
from guazhi.programmes.selectors.overview import batches_in_hand, programme_overview


@dataclass
class Home:
    roles: list[str]
    grants: list[Any]
    figures: list[tuple[str, int]] = field(default_factory=list)
    profile: Any = None
    calendar_warnings: list[str] = field(default_factory=list)
    batches: list[Any] = field(default_factory=list)
    my_assignment: Any = None


def home_for(*, actor) -> Home:  # type: ignore[no-untyped-def]
    from django.utils.translation import gettext as _

    scopes = scopes_of(actor)
    home = Home(
        roles=sorted(scopes.roles),
        grants=list(orgs_selectors.role_assignment_list_for_user(actor=actor, user=actor)),
    )
    if scopes.has(Role.COORDINATOR, Role.DISPATCH_ADMIN, Role.HOST_LEADER):
        home.figures.append((_("管辖单位"), orgs_selectors.unit_list(actor=actor).count()))
    if scopes.has(Role.COORDINATOR, Role.DISPATCH_ADMIN):
        home.figures.append((_("在册干部"), orgs_selectors.cadre_list(actor=actor).count()))
    if scopes.has(Role.COORDINATOR, Role.DISPATCH_ADMIN, Role.HOST_LEADER, Role.GROUP_LEADER):
        overview = programme_overview(actor=actor)
        home.figures.append((_("在岗挂职干部"), overview.people_on_duty))
        home.batches = batches_in_hand(actor=actor)
    if Role.CADRE in scopes.roles:
        home.profile = orgs_selectors.cadre_profile_of(actor=actor)
        home.my_assignment = programme_overview(actor=actor).my_assignment
    if scopes.is_admin:
        from guazhi.core.calendar import uncovered_years_warning

        home.calendar_warnings = uncovered_years_warning()
        home.figures.append((_("日历调整"), WorkdayOverride.objects.count()))
    return home
