"""The audit trail: append-only in the database, read by scope, listed for people to scan."""

import datetime as dt

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone

from guazhi.core import selectors
from guazhi.core.audit import audit_record
from guazhi.core.models import AuditEvent
from guazhi.core.views.audit import action_label, compact_detail
from guazhi.orgs.models import RoleAssignment, User
from tests.factories import grant

AUDIT = reverse("core:audit_list")


# Append-only --------------------------------------------------------------------------------


def test_the_database_refuses_to_rewrite_or_delete_an_event(world) -> None:
    event = audit_record(actor=world.users["admin"], action="org.update", obj=world.township_a)
    event.action = "org.create"
    with pytest.raises(DatabaseError), transaction.atomic():
        event.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(actor_name="别人")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.get(pk=event.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()
    stored = AuditEvent.objects.get()
    assert (stored.action, stored.actor_name) == ("org.update", "管理员")


# Who reads what -----------------------------------------------------------------------------


@pytest.fixture
def trail(world):
    """Events inside and outside district A, the coordinator's scope; named by object_repr."""
    admin, users = world.users["admin"], world.users
    outsider = User.objects.create(username="outsider", full_name="濂溪区孙书记")
    grant(outsider, "host_leader", world.township_b)
    grant_a = RoleAssignment.objects.get(user=users["host_leader"])
    grant_b = RoleAssignment.objects.get(user=outsider)
    audit_record(actor=admin, action="org.update", obj=world.township_a, detail={"n": "unit in A"})
    audit_record(actor=admin, action="org.update", obj=world.township_b, detail={"n": "unit in B"})
    audit_record(actor=admin, action="cadre.update", obj=world.cadre_a, detail={"n": "cadre in A"})
    audit_record(actor=admin, action="cadre.update", obj=world.cadre_b, detail={"n": "cadre in B"})
    audit_record(actor=admin, action="role.grant", obj=grant_a, detail={"n": "grant in A"})
    audit_record(actor=admin, action="role.grant", obj=grant_b, detail={"n": "grant in B"})
    audit_record(
        actor=users["host_leader"],
        action="auth.login",
        obj=users["host_leader"],
        detail={"n": "login in A"},
    )
    audit_record(actor=outsider, action="auth.login", obj=outsider, detail={"n": "login in B"})
    audit_record(
        actor=None, actor_name="nobody", action="auth.login_failed", detail={"n": "failed login"}
    )
    audit_record(actor=admin, action="calendar.import_year", detail={"n": "calendar"})
    return world


def seen(actor, **filters) -> list[str]:
    return sorted(event.detail["n"] for event in selectors.audit_event_list(actor=actor, **filters))


def test_an_admin_reads_every_event(trail) -> None:
    assert len(seen(trail.users["admin"])) == 10


def test_a_coordinator_reads_events_of_its_people_and_objects_only(trail) -> None:
    assert seen(trail.users["coordinator"]) == [
        "cadre in A",
        "grant in A",
        "login in A",
        "unit in A",
    ]


@pytest.mark.parametrize("role", ["dispatch_admin", "host_leader", "group_leader", "cadre"])
def test_other_roles_read_nothing(trail, role) -> None:
    assert seen(trail.users[role]) == []


def test_the_trail_filters_by_action_actor_type_and_date(trail) -> None:
    admin = trail.users["admin"]
    today = timezone.localdate()
    assert seen(admin, action="auth.login") == ["login in A", "login in B"]
    assert seen(admin, actor_name="孙书记") == ["login in B"]
    assert seen(admin, object_type="orgs.cadreprofile") == ["cadre in A", "cadre in B"]
    assert len(seen(admin, date_from=today, date_to=today)) == 10
    assert seen(admin, date_from=today + dt.timedelta(days=1)) == []
    assert seen(admin, date_to=today - dt.timedelta(days=1)) == []


# The page -----------------------------------------------------------------------------------


def test_the_page_shows_chinese_labels_and_only_what_the_coordinator_may_read(
    trail, client
) -> None:
    client.force_login(trail.users["coordinator"])  # itself an event: the coordinator logged in
    page = client.get(AUDIT).content.decode()
    assert "共 5 条" in page
    assert "授予角色" in page and "修改干部信息" in page and "修改单位" in page
    assert "白鹿镇" in page and "莲花镇" not in page and "李四" not in page
    assert f"{timezone.localdate().year}年" in page


@pytest.mark.parametrize("role", ["dispatch_admin", "host_leader", "group_leader", "cadre"])
def test_the_page_is_refused_to_other_roles(world, client, role) -> None:
    client.force_login(world.users[role])
    assert client.get(AUDIT).status_code == 403


def test_filters_through_htmx_return_only_the_results(trail, client) -> None:
    client.force_login(trail.users["admin"])
    response = client.get(AUDIT, {"action": "auth.login_failed"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "共 1 条" in body and "登录失败" in body and "nobody" in body


def test_a_bad_date_shows_its_error_and_the_other_filters_still_apply(trail, client) -> None:
    client.force_login(trail.users["admin"])
    page = client.get(AUDIT, {"action": "auth.login", "date_from": "明天"}).content.decode()
    assert "输入一个有效的日期。" in page
    assert "共 3 条" in page  # two logins in the trail, and the admin's own


def test_fifty_newest_first_a_page_in_few_queries(
    world, client, django_assert_max_num_queries
) -> None:
    admin = world.users["admin"]
    client.force_login(admin)  # the oldest event: auth.login
    for number in range(50):
        audit_record(actor=admin, action="org.update", obj=world.township_a, detail={"n": number})
    with django_assert_max_num_queries(8):
        first = client.get(AUDIT).content.decode()
    assert first.count('data-label="时间"') == 50
    assert first.index(">n: 49<") < first.index(">n: 0<") and "第 1 / 2 页" in first
    assert "登录" not in first.split("<tbody>")[1]
    second = client.get(AUDIT, {"page": "2"}).content.decode()
    assert second.count('data-label="时间"') == 1 and ">登录<" in second


# Labels and details -------------------------------------------------------------------------


def test_actions_read_in_chinese_and_unknown_ones_fall_back_sensibly() -> None:
    assert action_label("auth.login") == "登录"
    assert action_label("role.grant") == "授予角色"
    assert action_label("org.delete") == "删除单位"
    assert action_label("parcel.approve") == "审批（parcel.approve）"
    assert action_label("something.odd") == "something.odd"


def test_details_are_compact_one_liners() -> None:
    detail = {"changes": {"name": ["旧名", "新名"]}, "is_workday": False, "role": "coordinator"}
    assert compact_detail(detail) == "名称: 旧名 → 新名；上班: 否；角色: 组织部门"
    assert compact_detail({}) == ""
    long = compact_detail({"note": "长" * 300})
    assert len(long) == 160 and long.endswith("…")
