"""The approval inbox (待我审批): who finds which requests there, in what order, on which page, at
a fixed number of queries however many wait."""

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guazhi.duty.models import LeaveRequest, LeaveState, LeaveType, half_slot
from guazhi.duty.selectors.leave import approval_inbox
from guazhi.orgs.models import Role, RoleAssignment
from guazhi.orgs.scopes import grants_changed
from tests.duty.world import duty_world
from tests.factories import UserFactory, grant
from tests.pages import as_user, page

pytestmark = pytest.mark.django_db

INBOX = "/duty/approvals/"
DECIDE_LINK = re.compile(r'href="/duty/leave/(\d+)/">审批</a>')


def waiting(
    world: Any,
    day: dt.date,
    *,
    role: str = "host_leader",
    hours_ago: int = 1,
    assignment: Any = None,
    **fields: Any,
) -> LeaveRequest:
    """A request of 张三 (or `assignment`) on `day`, waiting for `role` since `hours_ago`."""
    found = duty_world(world)
    assignment = assignment or found.serving_a
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
        chain=[role],
        awaiting_role=role,
        submitted_at=timezone.now() - dt.timedelta(hours=hours_ago),
        **fields,
    )


def day(world: Any, n: int) -> dt.date:
    return duty_world(world).today + dt.timedelta(days=7 + 2 * n)


def shown_ids(html: str) -> list[int]:
    return [int(pk) for pk in DECIDE_LINK.findall(html)]


def test_the_inbox_costs_the_same_queries_for_three_requests_or_thirty(client, world) -> None:  # type: ignore[no-untyped-def]
    # Asked later, waiting longer: the inbox's order is not the order of the ids.
    requests = [waiting(world, day(world, n), hours_ago=100 + n) for n in range(3)]
    as_user(client, world, "host_leader")
    client.get(INBOX)  # warm what every page caches whatever it lists (scopes, the menu)
    with CaptureQueriesContext(connection) as three:
        first = page(client.get(INBOX))
    requests += [waiting(world, day(world, n), hours_ago=100 + n) for n in range(3, 30)]
    with CaptureQueriesContext(connection) as thirty:
        crowded = page(client.get(INBOX))
    with CaptureQueriesContext(connection) as second_page:
        rest = page(client.get(INBOX, {"page": 2}))

    longest_first = [r.pk for r in reversed(requests)]
    assert "共 3 份请假等待审批" in first and shown_ids(first) == longest_first[-3:]
    assert "共 30 份请假等待审批" in crowded and "第 1 / 2 页" in crowded
    assert shown_ids(crowded) == longest_first[:20]
    assert "第 2 / 2 页" in rest and shown_ids(rest) == longest_first[20:]
    assert len(three) == len(thirty) == len(second_page)


def test_a_page_number_out_of_range_gives_the_last_page_and_nonsense_the_first(
    client, world
) -> None:  # type: ignore[no-untyped-def]
    requests = [waiting(world, day(world, n), hours_ago=100 - n) for n in range(25)]
    as_user(client, world, "host_leader")
    past = page(client.get(INBOX, {"page": 9}))
    assert "第 2 / 2 页" in past and shown_ids(past) == [r.pk for r in requests[20:]]
    nonsense = page(client.get(INBOX, {"page": "x"}))
    assert "第 1 / 2 页" in nonsense and shown_ids(nonsense) == [r.pk for r in requests[:20]]
    # A number too large for the database's offsets is past the last page all the same.
    huge = page(client.get(INBOX, {"page": "9" * 25}))
    assert "第 2 / 2 页" in huge and shown_ids(huge) == [r.pk for r in requests[20:]]


def test_a_row_shows_the_person_the_post_the_type_and_the_time(client, world) -> None:  # type: ignore[no-untyped-def]
    first = waiting(world, dt.date(2031, 3, 3), hours_ago=3)
    extension = waiting(world, dt.date(2031, 3, 4), hours_ago=2, extends=first, emergency=True)
    as_user(client, world, "host_leader")
    html = page(client.get(INBOX))
    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert len(rows) == 2
    assert '<td data-label="请假人">张三</td>' in rows[0]
    assert '<td data-label="挂职岗位">白鹿镇 党委副书记</td>' in rows[0]
    assert '<td data-label="假别">探亲假</td>' in rows[0]
    assert '<td data-label="时间">2031年3月3日上午至2031年3月3日下午</td>' in rows[0]
    assert '<td data-label="天数">1</td>' in rows[0]
    assert f'href="/duty/leave/{first.pk}/"' in rows[0]
    assert '探亲假 <span class="tag">续假</span> <span class="tag">补办</span>' in rows[1]
    assert f'href="/duty/leave/{extension.pk}/"' in rows[1]


def test_the_htmx_pager_gets_the_list_alone(client, world) -> None:  # type: ignore[no-untyped-def]
    requests = [waiting(world, day(world, n), hours_ago=100 - n) for n in range(21)]
    as_user(client, world, "host_leader")
    fragment = page(client.get(INBOX, {"page": 2}, HTTP_HX_REQUEST="true"))
    assert shown_ids(fragment) == [requests[20].pk]
    assert "外出报备待确认" not in fragment and "<html" not in fragment


def _pending_for(world: Any, user: Any) -> list[int]:
    return list(approval_inbox(actor=user).values_list("pk", flat=True))


def test_a_grant_over_a_unit_above_reaches_the_units_under_it(world) -> None:  # type: ignore[no-untyped-def]
    host_step = waiting(world, day(world, 0))
    dispatch_step = waiting(world, day(world, 1), role="dispatch_admin")
    coordinator_step = waiting(world, day(world, 2), role="coordinator")
    district_leader = grant(UserFactory(username="qu"), Role.HOST_LEADER, world.district_a)
    district_dispatch = grant(UserFactory(username="qupai"), Role.DISPATCH_ADMIN, world.district_a)
    city_coordinator = grant(UserFactory(username="shi"), Role.COORDINATOR, world.city)
    assert _pending_for(world, district_leader) == [host_step.pk]
    assert _pending_for(world, district_dispatch) == [dispatch_step.pk]
    assert _pending_for(world, city_coordinator) == [coordinator_step.pk]


def test_a_grant_for_one_batch_reaches_that_batch_only(world) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    in_a = waiting(world, day(world, 0))
    in_b = waiting(world, day(world, 1), assignment=found.serving_b)
    leader = UserFactory(username="pici")
    for unit in (world.township_a, world.township_b):
        RoleAssignment.objects.create(
            user=leader, role=Role.HOST_LEADER, organisation=unit, batch=found.batch_b
        )
    grants_changed(user_ids=[leader.pk])
    leader.refresh_from_db(fields=["roles_version"])
    assert _pending_for(world, leader) == [in_b.pk]
    # The world's own host leader holds 白鹿镇 for every batch, 莲花镇 not at all.
    assert _pending_for(world, world.users["host_leader"]) == [in_a.pk]


def test_nobody_acts_on_a_step_of_another_role_or_a_request_not_waiting(world) -> None:  # type: ignore[no-untyped-def]
    waiting(world, day(world, 0), role="dispatch_admin")
    approved = waiting(world, day(world, 1))
    LeaveRequest.objects.filter(pk=approved.pk).update(state=LeaveState.APPROVED)
    assert _pending_for(world, world.users["host_leader"]) == []
    assert _pending_for(world, world.users["admin"]) == []


def test_a_leader_on_duty_never_approves_their_own_leave(world) -> None:  # type: ignore[no-untyped-def]
    """张三 serves at 白鹿镇 and also leads it (a host-leader grant there): his own leave waits
    for the host leader, yet it is not in his inbox and he may not act on it."""
    from guazhi.duty.selectors.scope import awaiting_actor, can_act_on_step

    cadre = grant(world.users["cadre"], "host_leader", world.township_a)
    leave = waiting(world, day(world, 3))
    assert can_act_on_step(actor=world.users["host_leader"], leave=leave)
    assert not can_act_on_step(actor=cadre, leave=leave)
    assert not LeaveRequest.objects.filter(awaiting_actor(cadre), pk=leave.pk).exists()
