"""Groups (小组) of a batch: the list for the batch's staff, creating and editing for coordinators.

Saving a group may grant or revoke the group-leader role; the page says whom it reached and
which leaders have no account to give it to.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext

from guazhi.core.text import join_list
from guazhi.orgs.access import acting_user, roles_required
from guazhi.programmes.forms.groups import GroupForm
from guazhi.programmes.models import Batch, Group
from guazhi.programmes.selectors import groups as selectors
from guazhi.programmes.selectors.scope import (
    BATCH_MANAGER_ROLES,
    BATCH_STAFF_ROLES,
    access_batch,
    can_manage_batch,
)
from guazhi.programmes.services import groups as services
from guazhi.programmes.views.common import render_batch_page, submit


@roles_required(*BATCH_STAFF_ROLES)
def group_list(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk)
    groups = selectors.group_list(actor=actor, batch=batch)
    manages = can_manage_batch(actor=actor, batch=batch)
    return render_batch_page(
        request,
        "programmes/group_list.html",
        batch,
        {
            "groups": groups,
            "can_manage": manages and batch.state in selectors.SERVING_BATCH_STATES,
            "ungrouped": selectors.ungrouped_count(batch=batch) if manages else None,
            "without_account": selectors.leaders_without_account(groups=groups),
        },
    )


def _saved_messages(request: HttpRequest, group: Group, grants: services.LeaderGrants) -> None:
    messages.success(request, gettext("小组“%(name)s”已保存。") % {"name": group.name})
    if grants.granted:
        messages.success(
            request,
            gettext("已授予%(names)s本批次的组长角色。")
            % {"names": join_list(user.get_full_name() for user in grants.granted)},
        )
    if grants.revoked:
        messages.success(
            request,
            gettext("已撤销%(names)s本批次的组长角色。")
            % {"names": join_list(user.get_full_name() for user in grants.revoked)},
        )
    if grants.without_account:
        messages.warning(
            request,
            gettext("%(names)s没有系统账号，未能授予组长角色；为其开通账号后重新保存本小组即可。")
            % {"names": join_list(person.cadre.name for person in grants.without_account)},
        )


def _group_form_page(request: HttpRequest, batch: Batch, group: Group | None) -> HttpResponse:
    actor = acting_user(request)
    offered = selectors.group_member_choices(batch=batch, group=group)
    initial = {}
    if group is not None:
        initial = {
            "name": group.name,
            "members": [a.pk for a in offered if a.group_id == group.pk],
            "leader": group.leader_id,
            "deputy": group.deputy_id,
        }
    form = GroupForm(
        request.POST if request.method == "POST" else None, offered=offered, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        if group is None:
            saved = submit(form, services.group_create, actor=actor, batch=batch, **form.chosen())
        else:
            saved = submit(form, services.group_update, actor=actor, group=group, **form.chosen())
        if saved is not None:
            _saved_messages(request, *saved)
            return redirect("programmes:group_list", batch_pk=batch.pk)
    return render_batch_page(
        request,
        "programmes/group_form.html",
        batch,
        {
            "group": group,
            "form": form,
            "serving": batch.state in selectors.SERVING_BATCH_STATES,
        },
    )


@roles_required(*BATCH_MANAGER_ROLES)
def group_create(request: HttpRequest, batch_pk: int) -> HttpResponse:
    batch = access_batch(actor=acting_user(request), pk=batch_pk, manage=True)
    return _group_form_page(request, batch, None)


@roles_required(*BATCH_MANAGER_ROLES)
def group_edit(request: HttpRequest, group_pk: int) -> HttpResponse:
    group = selectors.access_group(actor=acting_user(request), pk=group_pk, manage=True)
    return _group_form_page(request, group.batch, group)
