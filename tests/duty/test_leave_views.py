"""The leave pages: asking on a phone, the request's page with its chain and ledger, deciding,
reporting back, the approval inbox (a fixed number of queries) and what each person is shown."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guazhi.duty.models import AwayReport, LeaveRequest, LeaveState, LeaveType, half_slot
from tests.duty.test_leave_support import ask, fresh
from tests.duty.world import duty_world
from tests.pages import as_user, field_error, page

pytestmark = pytest.mark.django_db


def next_week(world) -> dt.date:  # type: ignore[no-untyped-def]
    return duty_world(world).today + dt.timedelta(days=7)


def create_url(world) -> str:  # type: ignore[no-untyped-def]
    return reverse("duty:leave_create", kwargs={"assignment_pk": duty_world(world).serving_a.pk})


def form_data(world, **changes) -> dict:  # type: ignore[no-untyped-def]
    start = next_week(world)
    visit = LeaveType.objects.get(batch=duty_world(world).batch_a, kind="home_visit")
    return {
        "leave_type": visit.pk,
        "start_date": start.isoformat(),
        "start_half": "am",
        "end_date": (start + dt.timedelta(days=1)).isoformat(),
        "end_half": "pm",
        "reason": "回老家探望父母",
        "stand_in": "李明",
        "contact_phone": "13912345678",
        **changes,
    }


def test_a_cadre_asks_for_two_days_and_the_host_leader_approves(client, world) -> None:  # type: ignore[no-untyped-def]
    as_user(client, world, "cadre")
    form = page(client.get(create_url(world)))
    assert 'type="date"' in form and 'name="start_half"' in form and 'type="tel"' in form
    response = client.post(create_url(world), form_data(world))
    leave = LeaveRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("duty:leave_detail", kwargs={"leave_pk": leave.pk})
    shown = page(client.get(response["Location"]))
    assert "请假已提交（共2天），等待审批。" in shown
    assert "第1步：接收单位领导" in shown and "待审批" in shown
    assert leave.days == Decimal(2) and leave.state == LeaveState.PENDING

    client.logout()
    as_user(client, world, "host_leader")
    inbox = page(client.get(reverse("duty:approval_inbox")))
    assert "张三" in inbox and "共 1 份请假等待审批" in inbox
    detail = page(client.get(reverse("duty:leave_detail", kwargs={"leave_pk": leave.pk})))
    assert "提交审批意见" in detail
    response = client.post(
        reverse("duty:leave_decide", kwargs={"leave_pk": leave.pk}),
        {"decision": "approve", "comment": "同意，注意安全", "step": 0, "next": "inbox"},
    )
    assert response["Location"] == reverse("duty:approval_inbox")
    leave.refresh_from_db()
    assert leave.state == LeaveState.APPROVED
    shown = page(client.get(reverse("duty:leave_detail", kwargs={"leave_pk": leave.pk})))
    assert "同意，注意安全" in shown and "白鹿镇赵书记" in shown
    assert "休假" in shown and "-2" in shown  # the ledger row


def test_the_day_count_follows_the_dates(client, world) -> None:  # type: ignore[no-untyped-def]
    as_user(client, world, "cadre")
    data = form_data(world, preview="1")
    response = client.get(create_url(world), data, headers={"HX-Request": "true"})
    assert response.content.decode().strip().startswith('<p id="leave-days"')
    assert "共 2 天（按自然日计）" in page(response)
    data["end_date"] = data["start_date"]
    data["end_half"] = "am"
    assert "共 0.5 天（按自然日计）" in page(
        client.get(create_url(world), data, headers={"HX-Request": "true"})
    )
    assert LeaveRequest.objects.count() == 0


def test_a_refusal_is_shown_next_to_its_field_and_nothing_is_saved(client, world) -> None:  # type: ignore[no-untyped-def]
    as_user(client, world, "cadre")
    response = client.post(create_url(world), form_data(world, stand_in=""))
    assert response.status_code == 200
    assert field_error("stand_in", "请填写工作代理人。") in page(response)
    assert LeaveRequest.objects.count() == 0


def test_a_draft_is_kept_then_submitted(client, world) -> None:  # type: ignore[no-untyped-def]
    as_user(client, world, "cadre")
    response = client.post(create_url(world), form_data(world, reason="", draft="1"))
    draft = LeaveRequest.objects.get()
    assert draft.state == LeaveState.DRAFT
    assert "草稿已保存" in page(client.get(response["Location"]))
    edit = reverse("duty:leave_edit", kwargs={"leave_pk": draft.pk})
    assert 'value="李明"' in page(client.get(edit))
    client.post(edit, form_data(world, reason="回老家探望父母"))
    draft.refresh_from_db()
    assert (draft.state, draft.reason) == (LeaveState.PENDING, "回老家探望父母")


def test_the_cadre_reports_back(client, world) -> None:  # type: ignore[no-untyped-def]
    today = duty_world(world).today
    leave = ask(world, today, today, kind="home_visit", today=today)
    as_user(client, world, "host_leader")
    client.post(
        reverse("duty:leave_decide", kwargs={"leave_pk": leave.pk}),
        {"decision": "approve", "step": 0},
    )
    client.logout()
    as_user(client, world, "cadre")
    detail = page(client.get(reverse("duty:leave_detail", kwargs={"leave_pk": leave.pk})))
    assert "休假中" in detail and "销假" in detail
    url = reverse("duty:leave_return", kwargs={"leave_pk": leave.pk})
    assert f'value="{today.isoformat()}"' in page(client.get(url))
    response = client.post(url, {"returned_date": today.isoformat(), "returned_half": "pm"})
    assert "已销假，实际休假0.5天。" in page(client.get(response["Location"]))
    leave.refresh_from_db()
    assert (leave.state, leave.days) == (LeaveState.RETURNED, Decimal("0.5"))


def test_a_rejection_without_a_reason_is_asked_for_again(client, world) -> None:  # type: ignore[no-untyped-def]
    leave = ask(
        world, next_week(world), next_week(world), kind="home_visit", today=duty_world(world).today
    )
    as_user(client, world, "host_leader")
    response = client.post(
        reverse("duty:leave_decide", kwargs={"leave_pk": leave.pk}),
        {"decision": "reject", "comment": "", "step": 0},
    )
    assert response.status_code == 200
    assert field_error("comment", "不同意时请填写审批意见，说明理由。") in page(response)
    leave.refresh_from_db()
    assert leave.state == LeaveState.PENDING


def test_the_leave_page_shows_balances_and_what_the_person_may_do(client, world) -> None:  # type: ignore[no-untyped-def]
    as_user(client, world, "cadre")
    url = reverse("duty:leave_list", kwargs={"assignment_pk": duty_world(world).serving_a.pk})
    shown = page(client.get(url))
    assert "张三的参加工作时间未登记，年休假暂按5天计" in shown
    assert "请假</a>" in shown and "事后补办请假" in shown
    client.logout()
    as_user(client, world, "group_leader")
    shown = page(client.get(url))
    assert "假期额度" in shown and "事后补办请假" not in shown


def test_others_do_not_see_a_draft(client, world) -> None:  # type: ignore[no-untyped-def]
    as_user(client, world, "cadre")
    client.post(create_url(world), form_data(world, draft="1"))
    draft = LeaveRequest.objects.get()
    client.logout()
    as_user(client, world, "host_leader")
    assert (
        client.get(reverse("duty:leave_detail", kwargs={"leave_pk": draft.pk})).status_code == 404
    )
    url = reverse("duty:leave_list", kwargs={"assignment_pk": duty_world(world).serving_a.pk})
    assert "暂无请假记录。" in page(client.get(url))


def _pending(world, assignment, day: dt.date) -> LeaveRequest:  # type: ignore[no-untyped-def]
    return LeaveRequest.objects.create(
        assignment=assignment,
        leave_type=LeaveType.objects.get(batch=assignment.batch, kind="home_visit"),
        start_date=day,
        end_date=day,
        start_slot=half_slot(day, "am"),
        end_slot=half_slot(day, "pm"),
        days=1,
        reason="事由",
        stand_in="李明",
        contact_phone="13912345678",
        state=LeaveState.PENDING,
        chain=["host_leader"],
        awaiting_role="host_leader",
    )


def test_the_inbox_costs_the_same_queries_for_one_request_or_many(client, world) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    _pending(world, found.serving_a, next_week(world))
    AwayReport.objects.create(
        assignment=found.serving_a,
        reason="回家",
        destination="南昌",
        leave_date=next_week(world) + dt.timedelta(days=5),
        return_date=next_week(world) + dt.timedelta(days=6),
        stand_in="李明",
        contact_phone="13912345678",
    )
    as_user(client, world, "host_leader")
    url = reverse("duty:approval_inbox")
    client.get(url)  # warm the caches a page uses whatever it lists
    cache.clear()  # the page itself is rendered, not served from the page cache
    with CaptureQueriesContext(connection) as one:
        first = page(client.get(url))
    for n in range(1, 15):
        _pending(world, found.serving_a, next_week(world) + dt.timedelta(days=10 * n))
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        second = page(client.get(url))
    assert "共 1 份请假等待审批" in first and "共 15 份请假等待审批" in second
    assert "南昌" in second
    assert len(many) == len(one)


def test_the_inbox_is_paged(client, world) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    for n in range(25):
        _pending(world, found.serving_a, next_week(world) + dt.timedelta(days=2 * n))
    as_user(client, world, "host_leader")
    shown = page(client.get(reverse("duty:approval_inbox")))
    assert "第 1 / 2 页" in shown
    assert shown.count(">审批</a>") == 20


def test_a_stale_decision_says_so(client, world) -> None:  # type: ignore[no-untyped-def]
    leave = ask(
        world, next_week(world), next_week(world), kind="home_visit", today=duty_world(world).today
    )
    as_user(client, world, "host_leader")
    url = reverse("duty:leave_decide", kwargs={"leave_pk": leave.pk})
    client.post(url, {"decision": "approve", "step": 0})
    response = client.post(url, {"decision": "approve", "step": 0}, follow=True)
    assert "这一审批环节已经处理过了" in page(response)
    assert fresh(world, leave).decisions.count() == 1


def test_the_host_leader_enters_leave_afterwards_for_the_person(client, world) -> None:  # type: ignore[no-untyped-def]
    today = duty_world(world).today
    as_user(client, world, "host_leader")
    url = reverse("duty:leave_emergency", kwargs={"assignment_pk": duty_world(world).serving_a.pk})
    data = form_data(
        world,
        start_date=today.isoformat(),
        end_date=today.isoformat(),
        emergency_reason="突发急病送医，本人无法操作",
    )
    response = client.post(url, data)
    leave = LeaveRequest.objects.get()
    assert response.status_code == 302
    assert (leave.emergency, leave.created_by, leave.state) == (
        True,
        world.users["host_leader"],
        LeaveState.PENDING,
    )
    shown = page(client.get(response["Location"]))
    assert "突发急病送医，本人无法操作" in shown and "填报人" in shown


def test_an_extension_is_asked_from_the_leave_page(client, world) -> None:  # type: ignore[no-untyped-def]
    start = next_week(world)
    leave = ask(world, start, start, kind="home_visit", today=duty_world(world).today)
    as_user(client, world, "host_leader")
    client.post(
        reverse("duty:leave_decide", kwargs={"leave_pk": leave.pk}),
        {"decision": "approve", "step": 0},
    )
    client.logout()
    as_user(client, world, "cadre")
    url = reverse("duty:leave_extend", kwargs={"leave_pk": leave.pk})
    assert "续假从" in page(client.get(url))
    response = client.post(
        url,
        {
            "end_date": (start + dt.timedelta(days=2)).isoformat(),
            "end_half": "pm",
            "reason": "父亲住院，需延长照顾",
            "stand_in": "李明",
            "contact_phone": "13912345678",
        },
    )
    extension = LeaveRequest.objects.get(extends=leave)
    assert (extension.start_date, extension.days) == (start + dt.timedelta(days=1), Decimal(2))
    assert "续假已提交（2天），等待审批。" in page(client.get(response["Location"]))


def test_a_sick_note_is_read_by_those_who_read_the_leave(client, world) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    from guazhi.core.attachments import attachments_of
    from guazhi.orgs.models import Role
    from tests.factories import UserFactory, grant

    sick = LeaveType.objects.get(batch=duty_world(world).batch_a, kind="sick")
    as_user(client, world, "cadre")
    note = SimpleUploadedFile("病假条.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    client.post(create_url(world), {**form_data(world, leave_type=sick.pk), "file": note})
    leave = LeaveRequest.objects.get()
    attachment = attachments_of(leave).get()
    download = reverse("core:attachment_download", kwargs={"attachment_pk": attachment.pk})
    client.logout()
    as_user(client, world, "host_leader")
    assert client.get(download).status_code == 200
    client.logout()
    outsider = grant(UserFactory(username="lianhua"), Role.HOST_LEADER, world.township_b)
    client.force_login(outsider)
    assert client.get(download).status_code == 404


def test_a_drafts_sick_note_is_the_persons_until_it_is_sent(client, world) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    from guazhi.core.attachments import attachments_of

    sick = LeaveType.objects.get(batch=duty_world(world).batch_a, kind="sick")
    as_user(client, world, "cadre")
    note = SimpleUploadedFile("病假条.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    client.post(
        create_url(world), {**form_data(world, leave_type=sick.pk), "file": note, "draft": "1"}
    )
    draft = LeaveRequest.objects.get()
    assert draft.state == LeaveState.DRAFT
    download = reverse(
        "core:attachment_download", kwargs={"attachment_pk": attachments_of(draft).get().pk}
    )
    assert client.get(download).status_code == 200
    client.logout()
    as_user(client, world, "host_leader")
    assert client.get(download).status_code == 404
    client.logout()
    as_user(client, world, "cadre")
    client.post(reverse("duty:leave_submit", kwargs={"leave_pk": draft.pk}))
    draft.refresh_from_db()
    assert draft.state == LeaveState.PENDING
    client.logout()
    as_user(client, world, "host_leader")
    assert client.get(download).status_code == 200


def test_a_leave_not_taken_is_reported_back_from_its_page(client, world) -> None:  # type: ignore[no-untyped-def]
    today = duty_world(world).today
    leave = ask(world, today, today, kind="home_visit", today=today)
    as_user(client, world, "host_leader")
    client.post(
        reverse("duty:leave_decide", kwargs={"leave_pk": leave.pk}),
        {"decision": "approve", "step": 0},
    )
    client.logout()
    as_user(client, world, "cadre")
    url = reverse("duty:leave_return", kwargs={"leave_pk": leave.pk})
    response = client.post(url, {"returned_date": today.isoformat(), "returned_half": "am"})
    assert "已销假：请假未休，已撤回，1天退回额度。" in page(client.get(response["Location"]))
    leave.refresh_from_db()
    assert leave.state == LeaveState.WITHDRAWN
