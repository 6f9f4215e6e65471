"""Heart-to-heart talks: recorded by leaders in scope, never read by a cadre, not even the person."""

import datetime as dt

import pytest
from django.urls import reverse

from guazhi.core.errors import NotFound, ValidationFailed
from guazhi.core.models import AuditEvent
from guazhi.duty.models import HeartTalk
from guazhi.duty.selectors.talks import access_talk, access_talk_assignment, talk_list
from guazhi.duty.services.talks import talk_record, talk_update
from guazhi.orgs.models import RoleAssignment
from guazhi.orgs.scopes import grants_changed
from guazhi.programmes.models import Assignment, AssignmentState, Group
from tests.duty.world import duty_world
from tests.factories import CadreFactory, UserFactory, grant
from tests.pages import as_user, field_error, page
from tests.programmes.factories import PostFactory, assign


def record(world, role: str = "host_leader", **fields):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    arguments = {
        "actor": world.users[role],
        "assignment": found.serving_a,
        "held_on": found.today - dt.timedelta(days=1),
        "talker": "赵书记",
        "participants": "镇组织委员",
        "topics": "了解到岗以来的工作和生活情况，家中老人生病。",
        "follow_up": "协调镇卫生院上门随访。",
        "today": found.today,
        **fields,
    }
    return talk_record(**arguments)


def test_a_leader_records_a_talk_and_the_trail_keeps_its_content_out(world):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    with pytest.raises(ValidationFailed) as refused:
        record(world, held_on=found.today + dt.timedelta(days=1), topics="", talker="")
    assert refused.value.detail == {
        "held_on": "谈话日期不能晚于今天。",
        "talker": "请填写谈话人。",
        "topics": "请填写谈话内容。",
    }
    assert HeartTalk.objects.count() == 0
    talk = record(world)
    assert (talk.held_on, talk.talker, talk.recorded_by) == (
        found.today - dt.timedelta(days=1),
        "赵书记",
        world.users["host_leader"],
    )
    event = AuditEvent.objects.get(action="talk.record")
    assert event.detail == {"held_on": str(found.today - dt.timedelta(days=1)), "talker": "赵书记"}
    talk_update(
        actor=world.users["coordinator"],
        talk=talk,
        held_on=talk.held_on,
        talker="赵书记",
        participants="镇组织委员",
        topics=talk.topics,
        follow_up="已协调镇卫生院每周随访一次。",
        today=found.today,
    )
    talk.refresh_from_db()
    assert talk.follow_up == "已协调镇卫生院每周随访一次。"
    assert AuditEvent.objects.get(action="talk.update").detail == {"fields": ["follow_up"]}


def test_every_leader_in_scope_reads_the_talks_and_no_cadre_does(world, client):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    talk = record(world)
    url = reverse("duty:talk_list", kwargs={"assignment_pk": found.serving_a.pk})
    for role in ("coordinator", "dispatch_admin", "host_leader", "group_leader"):
        client = as_user(client, world, role)
        assert "家中老人生病" in page(client.get(url)), role
    client = as_user(client, world, "cadre")
    assert client.get(url).status_code == 403
    edit = reverse("duty:talk_edit", kwargs={"talk_pk": talk.pk})
    assert client.get(edit).status_code == 403
    # Below the page: the selectors answer not-found to the person, whatever the role.
    with pytest.raises(NotFound):
        access_talk_assignment(actor=world.users["cadre"], pk=found.serving_a.pk)
    with pytest.raises(NotFound):
        access_talk(actor=world.users["cadre"], pk=talk.pk)
    assert talk_list(actor=world.users["cadre"], assignment=found.serving_a) == []
    with pytest.raises(NotFound):
        record(world, role="cadre")
    assert HeartTalk.objects.count() == 1


def test_a_leader_outside_the_persons_reach_finds_nothing(world, client):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    talk = record(world)
    outsider = grant(UserFactory(username="lianhua"), "host_leader", world.township_b)
    with pytest.raises(NotFound):
        access_talk(actor=outsider, pk=talk.pk)
    client.force_login(outsider)
    url = reverse("duty:talk_list", kwargs={"assignment_pk": found.serving_a.pk})
    assert client.get(url).status_code == 404


def test_a_group_leader_never_reads_talks_about_themselves(world):  # type: ignore[no-untyped-def]
    """张三 leads his group (a group leader is a cadre of the batch): he reads a member's talks,
    never his own."""
    found = duty_world(world)
    group = Group.objects.create(batch=found.batch_a, name="第一组")
    member = assign(
        PostFactory(batch=found.batch_a, host_unit=world.township_a, title="镇长助理"),
        CadreFactory(name="王五", home_unit=world.school_a),
        AssignmentState.ACTIVE,
        start_date=found.serving_a.start_date,
        group=group,
    )
    Assignment.objects.filter(pk=found.serving_a.pk).update(group=group)
    Group.objects.filter(pk=group.pk).update(leader=found.serving_a)
    zhang = world.users["cadre"]
    RoleAssignment.objects.create(
        user=zhang, role="group_leader", organisation=world.district_a, batch=found.batch_a
    )
    grants_changed(user_ids=[zhang.pk])
    zhang.refresh_from_db()
    own_talk = record(world)
    members_talk = record(world, assignment=member, topics="了解王五的工作情况。")
    assert access_talk(actor=zhang, pk=members_talk.pk) == members_talk
    with pytest.raises(NotFound):
        access_talk(actor=zhang, pk=own_talk.pk)
    with pytest.raises(NotFound):
        access_talk_assignment(actor=zhang, pk=found.serving_a.pk)


def test_the_page_records_a_talk_with_the_leaders_name_offered(world, client):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    client = as_user(client, world, "group_leader")
    url = reverse("duty:talk_list", kwargs={"assignment_pk": found.serving_a.pk})
    body = page(client.get(url))
    assert 'value="组长钱"' in body and "还没有谈心谈话记录。" in body
    tomorrow = found.today + dt.timedelta(days=1)
    response = client.post(
        url, {"held_on": tomorrow.isoformat(), "talker": "组长钱", "topics": "谈思想"}
    )
    assert field_error("held_on", "谈话日期不能晚于今天。") in page(response)
    response = client.post(
        url, {"held_on": found.today.isoformat(), "talker": "组长钱", "topics": "谈思想"}
    )
    assert response["Location"] == url
    body = page(client.get(url))
    assert "已记录谈心谈话。" in body and "谈思想" in body


def test_only_the_recorder_and_the_batchs_coordinators_change_a_talk(world, client):  # type: ignore[no-untyped-def]
    from guazhi.core.errors import Forbidden

    found = duty_world(world)
    talk = record(world)  # by the host leader
    changes = {
        "held_on": talk.held_on,
        "talker": "赵书记",
        "participants": "",
        "topics": "改写别人的记录。",
        "follow_up": "",
        "today": found.today,
    }
    for role in ("group_leader", "dispatch_admin", "admin"):
        with pytest.raises(Forbidden) as refused:
            talk_update(actor=world.users[role], talk=talk, **changes)
        assert refused.value.message == "谈心谈话记录只能由记录人或本批次的组织部门修改。"
    talk.refresh_from_db()
    assert (talk.topics, talk.participants) == (
        "了解到岗以来的工作和生活情况，家中老人生病。",
        "镇组织委员",
    )
    assert not AuditEvent.objects.filter(action="talk.update").exists()
    url = reverse("duty:talk_list", kwargs={"assignment_pk": found.serving_a.pk})
    edit = reverse("duty:talk_edit", kwargs={"talk_pk": talk.pk})
    client = as_user(client, world, "group_leader")
    body = page(client.get(url))
    assert "家中老人生病" in body and f'href="{edit}"' not in body
    response = client.post(
        edit, {"held_on": talk.held_on.isoformat(), "talker": "钱", "topics": "改"}
    )
    assert response["Location"] == url
    assert "谈心谈话记录只能由记录人或本批次的组织部门修改。" in page(client.get(url))
    talk.refresh_from_db()
    assert talk.talker == "赵书记"
    # The recorder and the coordinator may; the page says who changed it last.
    client = as_user(client, world, "coordinator")
    assert f'href="{edit}"' in page(client.get(url))
    response = client.post(
        edit,
        {
            "held_on": talk.held_on.isoformat(),
            "talker": "赵书记",
            "participants": "镇组织委员",
            "topics": talk.topics,
            "follow_up": "组织部已协调县医院专家会诊。",
        },
    )
    assert response["Location"] == url
    body = page(client.get(url))
    assert "<dt>最后修改</dt><dd>组织部王科长 · " in body
    client = as_user(client, world, "host_leader")
    assert f'href="{edit}"' in page(client.get(url))
    assert "<dt>最后修改</dt><dd>组织部王科长 · " in page(client.get(edit))


def test_a_talk_sent_twice_is_recorded_once(world):  # type: ignore[no-untyped-def]
    first = record(world)
    assert record(world).pk == first.pk
    assert HeartTalk.objects.count() == 1
    assert AuditEvent.objects.filter(action="talk.record").count() == 1
    # Another leader's record of the same talk is theirs: kept.
    assert record(world, role="coordinator").pk != first.pk
    assert HeartTalk.objects.count() == 2
