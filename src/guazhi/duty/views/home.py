"""在岗管理 for a cadre: their record on duty (the latest active assignment), or why there is none."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from guazhi.core.rendering import render_page
from guazhi.duty.selectors.scope import duty_assignment_queryset
from guazhi.orgs.access import acting_user, roles_required
from guazhi.orgs.models import Role
from guazhi.programmes.models import AssignmentState
from guazhi.programmes.selectors.scope import cadre_profile_for


@roles_required(Role.CADRE)
def duty_home(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    profile = cadre_profile_for(actor)
    own = duty_assignment_queryset(actor).filter(cadre=profile) if profile else None
    current = (
        own.filter(state=AssignmentState.ACTIVE).order_by("-start_date", "-pk").first()
        if own
        else None
    )
    if current is None and own is not None:
        current = own.order_by("-end_date", "-pk").first()
    if current is not None:
        return redirect("duty:assignment_overview", assignment_pk=current.pk)
    return render_page(request, "duty/home_none.html", {})
