"""The role pages: listing, granting and revoking roles within the coordinator's scope."""

import pytest
from django.urls import reverse

from guazhi.core.models import AuditEvent
from guazhi.orgs.models import RoleAssignment
from tests.factories import UserFactory, grant
from tests.pages import as_user, field_error, page

NOT_MANAGERS = ("dispatch_admin", "host_leader", "group_leader", "cadre")


def assignments() -> list[tuple]:
    return list(
        RoleAssignment.objects.order_by("pk").values_list(
            "pk", "user_id", "role", "organisation_id"
        )
    )


def revoke_url(assignment: RoleAssignment) -> str:
    return reverse("orgs:role_revoke", kwargs={"role_pk": assignment.pk})


# The list ----------------------------------------------------------------------------------


def test_a_coordinator_lists_the_assignments_in_its_scope_with_who_granted_them(world, client):  # type: ignore[no-untyped-def]
    outsider = grant(
        UserFactory(username="outsider", full_name="外区人员"), "host_leader", world.township_b
    )
    RoleAssignment.objects.filter(user=world.users["host_leader"]).update(
        granted_by=world.users["admin"]
    )
    body = page(as_user(client, world, "coordinator").get(reverse("orgs:role_list")))
    assert "共 5 条授权" in body
    assert "白鹿镇赵书记" in body and '<td data-label="授权人">管理员</td>' in body
    assert outsider.full_name not in body
    host = RoleAssignment.objects.get(user=world.users["host_leader"])
    own = RoleAssignment.objects.get(user=world.users["coordinator"])
    assert revoke_url(host) in body
    assert revoke_url(own) not in body  # nobody is offered to revoke their own managing role


def test_the_role_list_filters_by_role_and_by_name(world, client):  # type: ignore[no-untyped-def]
    client = as_user(client, world, "coordinator")
    by_role = page(client.get(reverse("orgs:role_list"), {"role": "dispatch_admin"}))
    assert "共 1 条授权" in by_role and "党校李老师" in by_role
    by_name = page(client.get(reverse("orgs:role_list"), {"q": "赵书记"}))
    assert "共 1 条授权" in by_name and "白鹿镇赵书记" in by_name


def test_an_htmx_filter_returns_only_the_results_block(world, client):  # type: ignore[no-untyped-def]
    response = as_user(client, world, "coordinator").get(
        reverse("orgs:role_list"), {"role": "cadre"}, HTTP_HX_REQUEST="true"
    )
    body = page(response)
    assert body.lstrip().startswith('<p class="muted">共 1 条授权</p>')
    assert "<html" not in body and 'role="search"' not in body


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_only_coordinators_and_admins_open_the_role_pages(world, client, role):  # type: ignore[no-untyped-def]
    client = as_user(client, world, role)
    assert client.get(reverse("orgs:role_list")).status_code == 403
    assert client.get(reverse("orgs:role_grant")).status_code == 403


# Grant -------------------------------------------------------------------------------------


def test_the_grant_form_finds_accounts_by_name_and_does_not_offer_admin_to_a_coordinator(
    world, client
):  # type: ignore[no-untyped-def]
    UserFactory(username="liu", full_name="刘六")
    UserFactory(username="gone", full_name="刘停用", is_active=False)
    body = page(
        as_user(client, world, "coordinator").get(reverse("orgs:role_grant"), {"user_q": "刘"})
    )
    assert "刘六（liu）" in body and "刘停用" not in body and "白鹿镇赵书记" not in body
    assert '<option value="coordinator">组织部门</option>' in body
    assert '<option value="admin">' not in body
    assert "濂溪区" not in body  # organisations offered are the coordinator's own subtree


def test_the_account_search_answers_htmx_with_only_the_account_field(world, client):  # type: ignore[no-untyped-def]
    UserFactory(username="liu", full_name="刘六")
    response = as_user(client, world, "coordinator").get(
        reverse("orgs:role_grant"), {"user_q": "liu"}, HTTP_HX_REQUEST="true"
    )
    body = page(response)
    assert "刘六（liu）" in body and "id_user" in body
    assert "<html" not in body and "id_role" not in body and "id_organisation" not in body


def test_an_admin_is_offered_the_admin_role(world, client):  # type: ignore[no-untyped-def]
    assert '<option value="admin">系统管理员</option>' in page(
        as_user(client, world, "admin").get(reverse("orgs:role_grant"))
    )


def test_a_coordinator_grants_a_role_inside_its_scope_and_it_is_audited(world, client):  # type: ignore[no-untyped-def]
    person = UserFactory(username="liu", full_name="刘六")
    response = as_user(client, world, "coordinator").post(
        reverse("orgs:role_grant"),
        {"user": person.pk, "role": "host_leader", "organisation": world.township_a.pk},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:role_list")
    assignment = RoleAssignment.objects.get(user=person)
    assert (assignment.role, assignment.organisation, assignment.granted_by) == (
        "host_leader",
        world.township_a,
        world.users["coordinator"],
    )
    event = AuditEvent.objects.get(action="role.grant")
    assert (event.actor, event.object_id) == (world.users["coordinator"], str(assignment.pk))


def test_granting_outside_the_coordinators_scope_is_refused_and_nothing_changes(world, client):  # type: ignore[no-untyped-def]
    person = UserFactory(username="liu")
    client = as_user(client, world, "coordinator")
    before, audits = assignments(), AuditEvent.objects.count()
    response = client.post(
        reverse("orgs:role_grant"),
        {"user": person.pk, "role": "host_leader", "organisation": world.township_b.pk},
    )
    assert response.status_code == 200
    assert field_error("organisation", "单位不存在或不在您的管辖范围内。") in page(response)
    assert assignments() == before
    assert AuditEvent.objects.count() == audits


def test_a_coordinator_granting_admin_is_refused_and_nothing_changes(world, client):  # type: ignore[no-untyped-def]
    person = UserFactory(username="liu")
    client = as_user(client, world, "coordinator")
    before, audits = assignments(), AuditEvent.objects.count()
    response = client.post(
        reverse("orgs:role_grant"),
        {"user": person.pk, "role": "admin", "organisation": world.district_a.pk},
    )
    assert response.status_code == 403
    assert "只有系统管理员可以授予系统管理员角色。" in page(response)
    assert assignments() == before
    assert AuditEvent.objects.count() == audits


def test_grant_form_problems_are_shown_per_field(world, client):  # type: ignore[no-untyped-def]
    client = as_user(client, world, "coordinator")
    before = assignments()
    body = page(
        client.post(reverse("orgs:role_grant"), {"user": "", "role": "", "organisation": ""})
    )
    assert "请选择要授权的账号。" in body and "请选择角色。" in body and "请选择管辖范围。" in body
    for n in range(30):  # enough accounts sorted before "host" to push it off the offered list
        UserFactory(username=f"aa{n:02d}")
    body = page(
        client.post(
            reverse("orgs:role_grant"),
            {
                "user": world.users["host_leader"].pk,
                "role": "emperor",
                "organisation": world.township_a.pk,
            },
        )
    )
    assert field_error("role", "角色不存在。") in body
    # The account chosen stays chosen, although it is not among the first accounts listed.
    assert (
        f'<option value="{world.users["host_leader"].pk}" selected>白鹿镇赵书记（host）</option>'
        in body
    )
    body = page(
        client.post(
            reverse("orgs:role_grant"),
            {
                "user": world.users["host_leader"].pk,
                "role": "host_leader",
                "organisation": world.township_a.pk,
            },
        )
    )
    assert "该账号已在此范围内拥有该角色。" in body
    assert assignments() == before


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_others_cannot_grant_roles(world, client, role):  # type: ignore[no-untyped-def]
    person = UserFactory(username="liu")
    client = as_user(client, world, role)
    before = assignments()
    response = client.post(
        reverse("orgs:role_grant"),
        {"user": person.pk, "role": "cadre", "organisation": world.school_a.pk},
    )
    assert response.status_code == 403
    assert assignments() == before


# Revoke ------------------------------------------------------------------------------------


def test_a_coordinator_revokes_a_role_inside_its_scope_and_it_is_audited(world, client):  # type: ignore[no-untyped-def]
    assignment = RoleAssignment.objects.get(user=world.users["host_leader"])
    response = as_user(client, world, "coordinator").post(revoke_url(assignment))
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:role_list")
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    event = AuditEvent.objects.get(action="role.revoke")
    assert (event.actor, event.object_id) == (world.users["coordinator"], str(assignment.pk))


def test_revoking_asks_for_confirmation_and_only_by_post(world, client):  # type: ignore[no-untyped-def]
    assignment = RoleAssignment.objects.get(user=world.users["host_leader"])
    client = as_user(client, world, "coordinator")
    assert 'data-confirm="确定撤销 白鹿镇赵书记 在“白鹿镇”的“接收单位领导”角色吗？"' in page(
        client.get(reverse("orgs:role_list"))
    )
    before = assignments()
    assert client.get(revoke_url(assignment)).status_code == 405
    assert assignments() == before


def test_revoking_outside_scope_is_not_found_and_nothing_changes(world, client):  # type: ignore[no-untyped-def]
    outsider = grant(UserFactory(username="outsider"), "host_leader", world.township_b)
    client = as_user(client, world, "coordinator")
    before, audits = assignments(), AuditEvent.objects.count()
    assert client.post(revoke_url(RoleAssignment.objects.get(user=outsider))).status_code == 404
    assert assignments() == before
    assert AuditEvent.objects.count() == audits


def test_revoking_ones_own_coordinator_role_is_refused_with_a_message(world, client):  # type: ignore[no-untyped-def]
    own = RoleAssignment.objects.get(user=world.users["coordinator"])
    client = as_user(client, world, "coordinator")
    before = assignments()
    response = client.post(revoke_url(own), follow=True)
    assert "不能撤销自己的管理角色，请由其他管理员操作。" in page(response)
    assert assignments() == before


def test_a_coordinator_cannot_revoke_an_admin_role_in_its_scope(world, client):  # type: ignore[no-untyped-def]
    deputy = grant(UserFactory(username="deputyadmin"), "admin", world.district_a)
    client = as_user(client, world, "coordinator")
    before = assignments()
    assert client.post(revoke_url(RoleAssignment.objects.get(user=deputy))).status_code == 403
    assert assignments() == before


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_others_cannot_revoke_roles(world, client, role):  # type: ignore[no-untyped-def]
    assignment = RoleAssignment.objects.get(user=world.users["host_leader"])
    client = as_user(client, world, role)
    before = assignments()
    assert client.post(revoke_url(assignment)).status_code == 403
    assert assignments() == before
