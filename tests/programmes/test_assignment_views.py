"""The batch's people pages: the list and its filters, a person's record, reporting for duty, outcomes."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guazhi.programmes.models import Assignment, Batch, Group
from tests.factories import CadreFactory
from tests.pages import as_user, field_error, page
from tests.programmes.factories import PostFactory, assign
from tests.programmes.world import programme_world

D = dt.date


def serving(world, batch_state: str = "training") -> tuple[Batch, Assignment, Assignment]:  # type: ignore[no-untyped-def]
    """batch_a with 陈明 (party school A) and 李四 (party school B) approved at 白鹿镇."""
    found = programme_world(world)
    Batch.objects.filter(pk=found.batch_a.pk).update(state=batch_state)
    chen = Assignment.objects.get(pk=found.assignment_a.pk)
    chen.state = "approved"
    chen.save(update_fields=["state"])  # a history record, as the approval leaves one
    post = PostFactory(batch=found.batch_a, host_unit=world.township_a, title="镇长助理")
    li = assign(post, world.cadre_b, state="approved")
    return (
        Batch.objects.get(pk=found.batch_a.pk),
        Assignment.objects.get(pk=found.assignment_a.pk),
        li,
    )


def list_url(batch: Batch) -> str:
    return reverse("programmes:assignment_list", kwargs={"batch_pk": batch.pk})


def detail_url(assignment: Assignment) -> str:
    return reverse("programmes:assignment_detail", kwargs={"assignment_pk": assignment.pk})


def duty_url(assignment: Assignment) -> str:
    return reverse("programmes:assignment_report_duty", kwargs={"assignment_pk": assignment.pk})


def outcome_url(assignment: Assignment) -> str:
    return reverse("programmes:assignment_outcome", kwargs={"assignment_pk": assignment.pk})


# The list ----------------------------------------------------------------------------------


def test_the_list_shows_the_people_the_viewer_sees(world, client):  # type: ignore[no-untyped-def]
    batch, chen, li = serving(world)
    body = page(as_user(client, world, "coordinator").get(list_url(batch)))
    assert "共 2 人" in body
    assert f'<a href="{detail_url(chen)}">陈明</a>' in body
    assert f'<a href="{detail_url(li)}">李四</a>' in body
    assert '<td data-label="挂职岗位">白鹿镇 镇长助理</td>' in body
    # The party school's admin sees its own cadre only.
    client.logout()
    body = page(as_user(client, world, "dispatch_admin").get(list_url(batch)))
    assert "共 1 人" in body and "陈明" in body and "李四" not in body


def test_the_list_filters_by_state_and_group(world, client):  # type: ignore[no-untyped-def]
    batch, _chen, li = serving(world)
    group = Group.objects.create(batch=batch, name="第一组")
    Assignment.objects.filter(pk=li.pk).update(state="active", group=group)
    client = as_user(client, world, "coordinator")
    body = page(client.get(list_url(batch), {"state": "active"}))
    assert "共 1 人" in body and "李四" in body and "陈明" not in body
    body = page(client.get(list_url(batch), {"group": "none"}))
    assert "共 1 人" in body and "陈明" in body and "李四" not in body
    body = page(client.get(list_url(batch), {"group": str(group.pk)}))
    assert "共 1 人" in body and "李四" in body
    # An unknown state is ignored rather than emptying the list.
    assert "共 2 人" in page(client.get(list_url(batch), {"state": "nonsense"}))


def test_an_htmx_filter_returns_only_the_results(world, client):  # type: ignore[no-untyped-def]
    batch, _chen, _li = serving(world)
    response = as_user(client, world, "coordinator").get(
        list_url(batch), {"state": "approved"}, headers={"HX-Request": "true"}
    )
    body = page(response)
    assert "共 2 人" in body
    assert "<html" not in body and "<form" not in body


def test_the_list_costs_the_same_queries_for_more_people(world, client):  # type: ignore[no-untyped-def]
    batch, _chen, _li = serving(world)
    client = as_user(client, world, "coordinator")
    client.get(list_url(batch))  # warm the per-user caches

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(list_url(batch)).status_code == 200
        return len(captured)

    few = queries()
    post = PostFactory(batch=batch, host_unit=world.township_a, title="党政办副主任", capacity=9)
    group = Group.objects.create(batch=batch, name="第二组")
    for n in range(8):
        assign(post, CadreFactory(name=f"干部{n}", home_unit=world.school_a), group=group)
    assert queries() == few
    assert few <= 12


# A person's record -------------------------------------------------------------------------


def test_the_record_offers_reporting_for_duty_to_the_coordinator(world, client):  # type: ignore[no-untyped-def]
    _batch, chen, _li = serving(world)
    body = page(as_user(client, world, "coordinator").get(detail_url(chen)))
    assert "<h1>陈明" in body and "已批准" in body
    assert f'<a class="button primary" href="{duty_url(chen)}">登记报到</a>' in body
    assert outcome_url(chen) not in body


def test_a_cadre_reads_their_own_record_without_actions(world, client):  # type: ignore[no-untyped-def]
    found = programme_world(world)
    Batch.objects.filter(pk=found.batch_a.pk).update(state="training")
    own = assign(found.post_a, world.cadre_a, state="approved")
    body = page(as_user(client, world, "cadre").get(detail_url(own)))
    assert "<h1>张三" in body
    assert duty_url(own) not in body
    assert as_user(client, world, "cadre").get(detail_url(found.assignment_a)).status_code == 404


def test_reporting_for_duty_through_the_page_and_its_history(world, client):  # type: ignore[no-untyped-def]
    _batch, chen, _li = serving(world)
    client = as_user(client, world, "host_leader")
    form = page(client.get(duty_url(chen)))
    assert 'name="start_date"' in form and "确认报到" in form
    response = client.post(
        duty_url(chen),
        {
            "start_date": "2027-03-01",
            "party_transfer_on": "",
            "party_transfer_note": "",
        },
    )
    assert response.status_code == 302 and response["Location"] == detail_url(chen)
    chen.refresh_from_db()
    assert (chen.state, chen.start_date, chen.party_transfer_on) == ("active", D(2027, 3, 1), None)
    body = page(client.get(detail_url(chen)))
    assert "已登记陈明报到。" in body
    assert "状态：已批准 → 在岗" in body
    assert "到岗日期：— → 2027年3月1日" in body
    # On duty, the same page records the Party relationship transfer.
    form = page(client.get(duty_url(chen)))
    assert "登记党组织关系转接" in form and 'name="start_date"' not in form
    response = client.post(
        duty_url(chen),
        {"party_transfer_on": "2027-03-15", "party_transfer_note": "转入镇机关党支部"},
    )
    assert response.status_code == 302
    chen.refresh_from_db()
    assert (chen.party_transfer_on, chen.party_transfer_note) == (
        D(2027, 3, 15),
        "转入镇机关党支部",
    )


def test_a_refused_start_date_is_shown_on_its_field(world, client):  # type: ignore[no-untyped-def]
    _batch, chen, _li = serving(world)
    response = as_user(client, world, "coordinator").post(
        duty_url(chen), {"start_date": "2026-12-01"}
    )
    assert response.status_code == 200
    assert field_error("start_date", "到岗日期不能早于2027年1月30日（挂职开始前30天）。") in page(
        response
    )
    assert Assignment.objects.get(pk=chen.pk).state == "approved"


def test_reporting_for_duty_waits_for_the_training_stage(world, client):  # type: ignore[no-untyped-def]
    _batch, chen, _li = serving(world, batch_state="publicity")
    client = as_user(client, world, "coordinator")
    body = page(client.get(duty_url(chen)))
    assert "批次当前为“公示中”，岗前培训或在岗阶段才能登记报到。" in body
    assert 'name="start_date"' not in body
    client.post(duty_url(chen), {"start_date": "2027-03-01"})
    assert Assignment.objects.get(pk=chen.pk).state == "approved"


def test_recording_an_outcome_through_the_page(world, client):  # type: ignore[no-untyped-def]
    _batch, chen, _li = serving(world, batch_state="active")
    client = as_user(client, world, "coordinator")
    client.post(duty_url(chen), {"start_date": "2027-03-01"})
    assert outcome_url(chen) in page(client.get(detail_url(chen)))
    response = client.post(
        outcome_url(chen), {"outcome": "ended_early", "on": "2027-09-01", "reason": ""}
    )
    assert response.status_code == 200
    assert field_error("reason", "“提前结束”须填写原因。") in page(response)
    response = client.post(
        outcome_url(chen),
        {
            "outcome": "extended",
            "on": "2028-01-10",
            "reason": "项目未完成",
            "extended_to": "2028-08-31",
        },
    )
    assert response.status_code == 302
    body = page(client.get(detail_url(chen)))
    assert "已登记陈明的挂职结果：延长。" in body
    assert "2028年8月31日" in body
    chen.refresh_from_db()
    assert (chen.state, chen.end_date, chen.outcome) == ("active", D(2028, 8, 31), "extended")
