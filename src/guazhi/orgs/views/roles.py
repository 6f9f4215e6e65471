"""Role assignments (角色授权): who holds which role over which subtree; granting, revoking.

Only coordinators (and admins) open these pages; the grant and revoke services check the scope
of each change again and write the audit events.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from guazhi.core.errors import Forbidden, ValidationFailed
from guazhi.core.forms import show_service_errors
from guazhi.core.rendering import render_page
from guazhi.core.text import ascii_number
from guazhi.orgs import selectors, services
from guazhi.orgs.access import acting_user, roles_required
from guazhi.orgs.forms.roles import USER_OPTIONS, RoleGrantForm, user_label
from guazhi.orgs.models import Role, User
from guazhi.orgs.scopes import scopes_of

PAGE_SIZE = 50
ROLE_MANAGERS = selectors.ROLE_MANAGER_ROLES


@roles_required(*ROLE_MANAGERS)
def role_list(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    role = request.GET.get("role", "")
    if role not in Role.values:
        role = ""
    query = request.GET.get("q", "")[:50]
    assignments = selectors.role_assignment_list(actor=actor, role=role, query=query)
    page = Paginator(assignments, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(a, selectors.can_revoke_role(actor=actor, assignment=a)) for a in page.object_list]
    return render_page(
        request,
        "orgs/role_list.html",
        {"page": page, "rows": rows, "role": role, "roles": Role.choices, "query": query},
        partial="results",
    )


def _offered_users(request: HttpRequest, query: str) -> tuple[list[User], bool]:
    """The accounts shown in the select: the search matches, plus the one already chosen."""
    actor = acting_user(request)
    found = list(selectors.user_choices_for(actor=actor, query=query)[: USER_OPTIONS + 1])
    more = len(found) > USER_OPTIONS
    found = found[:USER_OPTIONS]
    chosen = ascii_number(
        (request.POST if request.method == "POST" else request.GET).get("user", "")
    )
    if chosen is not None and all(user.pk != chosen for user in found):
        found += list(selectors.user_choices_for(actor=actor).filter(pk=chosen))
    return found, more


@roles_required(*ROLE_MANAGERS)
def role_grant(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    user_query = request.GET.get("user_q", "")[:50]
    offered, more = _offered_users(request, user_query)
    form = RoleGrantForm(
        request.POST if request.method == "POST" else None,
        users=selectors.user_choices_for(actor=actor),
        offered_users=offered,
        organisations=selectors.unit_choices_for(actor=actor),
        base_depth=selectors.unit_tree_base_depth(actor=actor),
        may_grant_admin=scopes_of(actor).is_admin,
        initial={
            "user": request.GET.get("user", "")[:12],
            "organisation": request.GET.get("organisation", "")[:12],
        },
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assignment = services.role_grant(
                actor=actor, user=data["user"], role=data["role"], organisation=data["organisation"]
            )
        except ValidationFailed as error:
            show_service_errors(form, error)
        except Forbidden as error:
            # Shown on the form rather than as a bare error page: the person can correct it.
            form.add_error(None, str(error.message))
            status = 403
        else:
            messages.success(
                request,
                gettext("已授予 %(user)s “%(role)s”角色，管辖范围：%(unit)s。")
                % {
                    "user": user_label(assignment.user),
                    "role": assignment.get_role_display(),
                    "unit": assignment.organisation.name,
                },
            )
            return redirect("orgs:role_list")
    return render_page(
        request,
        "orgs/role_grant.html",
        {"form": form, "user_query": user_query, "more_users": more, "user_options": USER_OPTIONS},
        partial="user_field",
        status=status,
    )


@roles_required(*ROLE_MANAGERS)
@require_POST
def role_revoke(request: HttpRequest, role_pk: int) -> HttpResponse:
    actor = acting_user(request)
    assignment = selectors.access_role_assignment(actor=actor, pk=role_pk)
    try:
        services.role_revoke(actor=actor, assignment=assignment)
    except ValidationFailed as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            gettext("已撤销 %(user)s 在“%(unit)s”的“%(role)s”角色。")
            % {
                "user": user_label(assignment.user),
                "unit": assignment.organisation.name,
                "role": assignment.get_role_display(),
            },
        )
    return redirect("orgs:role_list")
