"""The public notice (公示): everyone who sees the batch reads the period, the whole list and how
to object; nobody reads the objections or who raised them there."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from guazhi.programmes.models import BatchState
from guazhi.programmes.services.selection import (
    objection_record,
    publicity_start,
    publicity_withdraw,
)
from tests.programmes.test_selection_services import (
    SelectionWorld,
    decided,
    make_selection_world,
    publicised,
)


@pytest.fixture
def sw(world) -> SelectionWorld:  # type: ignore[no-untyped-def]
    return make_selection_world(world)


def notice(client, world, sw: SelectionWorld, role: str) -> str:  # type: ignore[no-untyped-def]
    client.force_login(world.users[role])
    response = client.get(reverse("programmes:publicity_notice", kwargs={"batch_pk": sw.batch.pk}))
    assert response.status_code == 200
    return response.content.decode()


def test_a_cadre_of_the_dispatching_unit_reads_the_whole_list(client, world, sw) -> None:  # type: ignore[no-untyped-def]
    publicity = publicised(sw, dt.date(2026, 9, 29))
    objection_record(
        actor=sw.coordinator,
        publicity=publicity,
        received_on=dt.date(2026, 9, 30),
        raised_by="王某",
        content="反映其违规兼职",
        assignment=sw.lin,
    )
    html = notice(client, world, sw, "cadre")
    assert "关于2027年浔阳区挂职干部拟挂职人选的公示" in html
    assert "2026年9月29日至2026年10月10日（5个工作日）" in html
    assert "拟挂职人选名单（2 人）" in html
    # Both people, though a cadre's own roles reach only their own record.
    assert '<td data-label="姓名">陈明</td>' in html
    assert '<td data-label="姓名">林芳</td>' in html
    assert '<td data-label="拟挂职单位及职务">白鹿镇 党委委员</td>' in html
    assert "可通过来信、来电、来访等方式向浔阳区反映。" in html
    # No objection, no objector, no state column, no way to manage.
    assert "王某" not in html and "违规兼职" not in html
    assert 'data-label="状态"' not in html
    manage = reverse("programmes:publicity", kwargs={"batch_pk": sw.batch.pk})
    assert f'href="{manage}"' not in html and "管理公示、异议与审批" not in html


@pytest.mark.parametrize("role", ["dispatch_admin", "host_leader", "group_leader"])
def test_the_batchs_staff_read_the_same_notice(client, world, sw, role) -> None:  # type: ignore[no-untyped-def]
    decided(sw, dt.date(2026, 9, 25))
    publicity_start(
        actor=sw.coordinator,
        batch=sw.batch,
        starts_on=dt.date(2026, 9, 29),
        text="联系电话：0792-1234567",
    )
    html = notice(client, world, sw, role)
    assert "拟挂职人选名单（2 人）" in html
    assert "<p>联系电话：0792-1234567</p>" in html
    assert "可通过来信、来电、来访等方式" not in html


def test_the_coordinator_is_pointed_to_the_management_page(client, world, sw) -> None:  # type: ignore[no-untyped-def]
    publicised(sw, dt.date(2026, 9, 29))
    html = notice(client, world, sw, "coordinator")
    manage = reverse("programmes:publicity", kwargs={"batch_pk": sw.batch.pk})
    assert f'<a href="{manage}">管理公示、异议与审批</a>' in html


def test_before_the_start_date_the_list_is_not_yet_public(client, world, sw) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    decided(sw, today - dt.timedelta(days=1))
    starts = today + dt.timedelta(days=10)
    publicity_start(actor=sw.coordinator, batch=sw.batch, starts_on=starts)
    html = notice(client, world, sw, "cadre")
    assert "未到公示开始日期" in html
    assert f"公示将于{starts.year}年{starts.month}月{starts.day}日开始，届时公布名单。" in html
    assert "陈明" not in html and "林芳" not in html


def test_without_a_running_publicity_the_notice_says_so(client, world, sw) -> None:  # type: ignore[no-untyped-def]
    assert "本批次目前没有公示。" in notice(client, world, sw, "cadre")
    publicised(sw, dt.date(2026, 9, 29))
    publicity_withdraw(actor=sw.coordinator, batch=sw.batch, reason="名单有误")
    html = notice(client, world, sw, "cadre")
    assert "本批次目前没有公示。" in html
    assert "陈明" not in html
    assert sw.batch.state == BatchState.PUBLICITY


def test_a_cancelled_person_leaves_the_public_list(client, world, sw) -> None:  # type: ignore[no-untyped-def]
    from guazhi.programmes.services.selection import assignment_cancel

    publicised(sw, dt.date(2026, 9, 29))
    assignment_cancel(actor=sw.coordinator, assignment=sw.lin, reason="本人退出")
    html = notice(client, world, sw, "cadre")
    assert "拟挂职人选名单（1 人）" in html
    assert "林芳" not in html
