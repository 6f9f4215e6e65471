"""Organisation units: the tree in scope, a unit's page, and creating, editing and moving units.

Coordinators (and admins) manage units in their subtree; dispatch admins and host leaders may
read the units their roles reach. Units outside the actor's scope answer 404, like missing ones.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext

from guazhi.core.errors import ValidationFailed
from guazhi.core.forms import show_service_errors
from guazhi.core.rendering import render_page
from guazhi.orgs import selectors, services
from guazhi.orgs.access import acting_user, roles_required
from guazhi.orgs.forms.units import UnitCreateForm, UnitFieldsForm, UnitMoveForm
from guazhi.orgs.models import OrgKind
from guazhi.orgs.scopes import scopes_of

PAGE_SIZE = 100
UNIT_READERS = selectors.UNIT_ROLES
UNIT_MANAGERS = selectors.UNIT_MANAGER_ROLES


@roles_required(*UNIT_READERS)
def unit_list(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    query = request.GET.get("q", "")[:50]
    kind = request.GET.get("kind", "")
    if kind not in OrgKind.values:
        kind = ""
    units = selectors.unit_list(actor=actor, query=query, kind=kind)
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    # The whole tree reads best indented; a filtered list is not a tree, so it stays flat.
    base_depth = selectors.unit_tree_base_depth(actor=actor)
    as_tree = not query and not kind
    rows = [(unit, max(unit.depth - base_depth, 0) if as_tree else 0) for unit in page.object_list]
    return render_page(
        request,
        "orgs/unit_list.html",
        {
            "page": page,
            "rows": rows,
            "query": query,
            "kind": kind,
            "kinds": OrgKind.choices,
            "can_create": scopes_of(actor).has(*UNIT_MANAGERS),
        },
        partial="results",
    )


@roles_required(*UNIT_READERS)
def unit_detail(request: HttpRequest, unit_pk: int) -> HttpResponse:
    actor = acting_user(request)
    unit = selectors.access_unit(actor=actor, pk=unit_pk)
    return render_page(
        request,
        "orgs/unit_detail.html",
        {
            "unit": unit,
            "breadcrumb": selectors.unit_breadcrumb(actor=actor, unit=unit),
            "children": list(selectors.unit_children(actor=actor, unit=unit)),
            "counts": selectors.unit_cadre_counts(actor=actor, unit=unit),
            "history": selectors.unit_history(actor=actor, unit=unit),
            "can_manage": selectors.can_manage_unit(actor=actor, unit=unit),
        },
    )


@roles_required(*UNIT_MANAGERS)
def unit_create(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    form = UnitCreateForm(
        request.POST if request.method == "POST" else None,
        parents=selectors.unit_choices_for(actor=actor),
        base_depth=selectors.unit_tree_base_depth(actor=actor),
        top_level_allowed=scopes_of(actor).is_admin,
        initial={"parent": request.GET.get("parent", "")[:12]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(
                actor=actor, parent=form.cleaned_data["parent"], **form.unit_fields()
            )
        except ValidationFailed as error:
            show_service_errors(form, error)
        else:
            messages.success(request, gettext("已新增单位“%(name)s”。") % {"name": unit.name})
            return redirect("orgs:unit_detail", unit_pk=unit.pk)
    return render_page(request, "orgs/unit_form.html", {"form": form, "unit": None})


@roles_required(*UNIT_MANAGERS)
def unit_edit(request: HttpRequest, unit_pk: int) -> HttpResponse:
    actor = acting_user(request)
    unit = selectors.access_unit(actor=actor, pk=unit_pk, manage=True)
    form = UnitFieldsForm(
        request.POST if request.method == "POST" else None,
        initial={name: getattr(unit, name) for name in services.UNIT_FIELDS},
    )
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_update(actor=actor, unit=unit, **form.unit_fields())
        except ValidationFailed as error:
            show_service_errors(form, error)
        else:
            messages.success(request, gettext("单位信息已保存。"))
            return redirect("orgs:unit_detail", unit_pk=unit.pk)
    return render_page(request, "orgs/unit_form.html", {"form": form, "unit": unit})


@roles_required(*UNIT_MANAGERS)
def unit_move(request: HttpRequest, unit_pk: int) -> HttpResponse:
    actor = acting_user(request)
    unit = selectors.access_unit(actor=actor, pk=unit_pk, manage=True)
    form = UnitMoveForm(
        request.POST if request.method == "POST" else None,
        # Any managed unit is accepted, so moving under its own subtree gets the service's
        # message; only the possible targets are offered.
        parents=selectors.unit_choices_for(actor=actor),
        offered=selectors.unit_move_targets(actor=actor, unit=unit),
        base_depth=selectors.unit_tree_base_depth(actor=actor),
        initial={"parent": unit.parent_id},
    )
    if request.method == "POST" and form.is_valid():
        new_parent = form.cleaned_data["parent"]
        if new_parent.pk == unit.parent_id:
            messages.info(request, gettext("上级单位没有变化。"))
            return redirect("orgs:unit_detail", unit_pk=unit.pk)
        try:
            unit = services.unit_move(actor=actor, unit=unit, new_parent=new_parent)
        except ValidationFailed as error:
            show_service_errors(form, error)
        else:
            messages.success(
                request,
                gettext("已将“%(unit)s”移动到“%(parent)s”之下。")
                % {"unit": unit.name, "parent": new_parent.name},
            )
            return redirect("orgs:unit_detail", unit_pk=unit.pk)
    return render_page(
        request,
        "orgs/unit_move.html",
        {
            "form": form,
            "unit": unit,
            "breadcrumb": selectors.unit_breadcrumb(actor=actor, unit=unit),
        },
    )
