"""Cancelling an approved person who is already in a group: they leave it, and a leader or
deputy loses the group-leader role the group gave them (the groups services decide, once)."""

import pytest
from django.urls import reverse

from guazhi.core.errors import ValidationFailed
from guazhi.core.models import AuditEvent
from guazhi.orgs.models import RoleAssignment
from guazhi.programmes.models import Assignment, AssignmentState, Group
from guazhi.programmes.services.groups import group_create
from guazhi.programmes.services.selection import assignment_cancel
from tests.factories import grant
from tests.pages import as_user
from tests.programmes.test_group_services import leader_grants, people, state


def test_a_cancelled_leader_leaves_the_group_and_loses_the_role(world):  # type: ignore[no-untyped-def]
    p = people(world)
    coordinator = world.users["coordinator"]
    group, _ = group_create(
        actor=coordinator,
        batch=p.batch,
        name="第一组",
        members=[p.zhang, p.liu, p.chen],
        leader=p.liu,
        deputy=p.zhang,
    )
    assert [row[0] for row in leader_grants()] == ["cadre", "liuyang"]

    cancelled = assignment_cancel(actor=coordinator, assignment=p.liu, reason="本人因病退出")
    assert (cancelled.state, cancelled.group) == (AssignmentState.CANCELLED, None)
    group.refresh_from_db()
    assert (group.leader_id, group.deputy_id) == (None, p.zhang.pk)
    assert dict(
        Assignment.objects.filter(batch=p.batch).values_list("cadre__name", "group__name")
    ) == {"陈明": "第一组", "张三": "第一组", "刘洋": None, "王芳": None}
    # The deputy keeps theirs; the leader's grant for this batch is gone.
    assert [row[0] for row in leader_grants()] == ["cadre"]
    removed = AuditEvent.objects.get(action="group.member_remove")
    assert removed.detail == {"removed": "刘洋", "was": ["leader"]}
    revoked = AuditEvent.objects.get(action="role.revoke")
    assert revoked.detail["user"] == "liuyang"


def test_a_cancelled_deputy_loses_the_role_too(world):  # type: ignore[no-untyped-def]
    p = people(world)
    coordinator = world.users["coordinator"]
    group, _ = group_create(
        actor=coordinator, batch=p.batch, name="第一组", members=[p.zhang, p.liu], deputy=p.zhang
    )
    assignment_cancel(actor=coordinator, assignment=p.zhang, reason="考察发现问题")
    group.refresh_from_db()
    assert group.deputy_id is None
    assert leader_grants() == []


def test_a_member_who_did_not_lead_leaves_without_touching_any_role(world):  # type: ignore[no-untyped-def]
    p = people(world)
    coordinator = world.users["coordinator"]
    group_create(
        actor=coordinator, batch=p.batch, name="第一组", members=[p.zhang, p.liu], leader=p.liu
    )
    assignment_cancel(actor=coordinator, assignment=p.zhang, reason="本人退出")
    assert list(Group.objects.values_list("leader_id", flat=True)) == [p.liu.pk]
    assert [row[0] for row in leader_grants()] == ["liuyang"]
    assert not AuditEvent.objects.filter(action="role.revoke").exists()
    assert Assignment.objects.get(pk=p.zhang.pk).group_id is None


def test_a_group_leader_role_granted_by_hand_stays_after_a_cancel(world):  # type: ignore[no-untyped-def]
    p = people(world)
    coordinator = world.users["coordinator"]
    grant(p.liu.cadre.user, "group_leader", world.district_a)
    group_create(actor=coordinator, batch=p.batch, name="第一组", members=[p.liu], leader=p.liu)
    assignment_cancel(actor=coordinator, assignment=p.liu, reason="本人退出")
    assert list(
        RoleAssignment.objects.filter(user=p.liu.cadre.user, role="group_leader").values_list(
            "batch_id", flat=True
        )
    ) == [None]


def test_a_refused_cancel_leaves_the_group_and_the_role(world):  # type: ignore[no-untyped-def]
    p = people(world)
    coordinator = world.users["coordinator"]
    group_create(actor=coordinator, batch=p.batch, name="第一组", members=[p.liu], leader=p.liu)
    before = (state(), Assignment.objects.get(pk=p.liu.pk).state)
    with pytest.raises(ValidationFailed):
        assignment_cancel(actor=coordinator, assignment=p.liu, reason=" ")
    assert (state(), Assignment.objects.get(pk=p.liu.pk).state) == before


# The person's page -----------------------------------------------------------------------------


def detail_url(assignment: Assignment) -> str:
    return reverse("programmes:assignment_detail", kwargs={"assignment_pk": assignment.pk})


def test_the_coordinator_cancels_from_the_persons_page_and_comes_back_to_it(world, client):  # type: ignore[no-untyped-def]
    p = people(world)
    coordinator = world.users["coordinator"]
    group_create(actor=coordinator, batch=p.batch, name="第一组", members=[p.liu], leader=p.liu)
    client.force_login(coordinator)
    cancel = reverse("programmes:assignment_cancel", kwargs={"assignment_pk": p.liu.pk})
    html = client.get(detail_url(p.liu)).content.decode()
    assert f'action="{cancel}"' in html
    assert "<dt>小组</dt><dd>第一组</dd>" in html
    response = client.post(cancel, {"reason": "本人因病退出", "back": "detail"})
    assert response["Location"] == detail_url(p.liu)
    html = client.get(detail_url(p.liu)).content.decode()
    assert "已取消刘洋的人选。" in html
    assert "<dt>小组</dt><dd>—</dd>" in html
    assert "<dt>取消原因</dt><dd>本人因病退出</dd>" in html
    assert f'action="{cancel}"' not in html  # cancelled: nothing more to cancel
    assert leader_grants() == []


def test_others_see_no_cancel_form_on_the_persons_page(world, client):  # type: ignore[no-untyped-def]
    p = people(world)
    client.force_login(world.users["host_leader"])
    html = client.get(detail_url(p.liu)).content.decode()
    assert reverse("programmes:assignment_cancel", kwargs={"assignment_pk": p.liu.pk}) not in html


# Who reads why -------------------------------------------------------------------------------

UPHELD = "公示期间反映的问题经核查属实：该同志在原单位受到诫勉谈话，未如实报告。"


def test_only_the_batchs_managers_and_the_person_read_why_they_were_taken_off(world, client):  # type: ignore[no-untyped-def]
    """The reason is as private as the timeline line that says it (managers only): the host
    unit, the dispatching unit and the group leader learn that the person was taken off the
    list, on the page and in its history, not what an objection found."""
    p = people(world)
    assignment_cancel(actor=world.users["coordinator"], assignment=p.zhang, reason=UPHELD)
    for role in ("host_leader", "dispatch_admin", "group_leader"):
        html = as_user(client, world, role).get(detail_url(p.zhang)).content.decode()
        assert ">已取消</span>" in html, role
        assert "→ 已取消</div>" in html, role  # the history says it happened
        assert "诫勉" not in html and "取消原因" not in html, role
    for role in ("coordinator", "cadre"):  # the batch's manager; 张三 reading their own record
        html = as_user(client, world, role).get(detail_url(p.zhang)).content.decode()
        assert f"<dt>取消原因</dt><dd>{UPHELD}</dd>" in html, role
        assert f"<div>取消原因：— → {UPHELD}</div>" in html, role
