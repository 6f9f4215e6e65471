"""The away-report pages as people use them: filing from a phone, a refusal shown on its field,
acknowledging from the tab or the inbox, withdrawing. Dates are the coming rest weekend of the
duty world's term, which runs around today."""

import datetime as dt
import io

from django.urls import reverse
from django.utils import timezone
from docx import Document

from guazhi.core.calendar import is_workday
from guazhi.core.jinja import format_date
from guazhi.duty.models import AwayReport, AwayState
from tests.duty.world import duty_world
from tests.pages import as_user, field_error, page


def rest_weekend() -> tuple[dt.date, dt.date]:
    """The next Saturday and Sunday, both rest days, at least a day away."""
    day = timezone.localdate() + dt.timedelta(days=1)
    while not (
        day.weekday() == 5 and not is_workday(day) and not is_workday(day + dt.timedelta(1))
    ):
        day += dt.timedelta(days=1)
    return day, day + dt.timedelta(days=1)


def working_day() -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=1)
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day


def form(leave_date: dt.date, return_date: dt.date) -> dict[str, str]:
    return {
        "destination": "江西省南昌市",
        "reason": "回家探望父母",
        "leave_date": leave_date.isoformat(),
        "leave_half": "am",
        "return_date": return_date.isoformat(),
        "return_half": "pm",
        "stand_in": "李明",
        "contact_phone": "13800000000",
    }


def test_the_cadre_files_a_report_and_sees_it_waiting(client, world) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    saturday, sunday = rest_weekend()
    as_user(client, world, "cadre")
    create = reverse("duty:away_create", kwargs={"assignment_pk": found.serving_a.pk})
    listing = reverse("duty:away_list", kwargs={"assignment_pk": found.serving_a.pk})
    assert 'type="date"' in page(client.get(create))
    response = client.post(create, form(saturday, sunday))
    assert (response.status_code, response["Location"]) == (302, listing)
    report = AwayReport.objects.get()
    assert (report.assignment, report.state, report.leave_date) == (
        found.serving_a,
        AwayState.SUBMITTED,
        saturday,
    )
    text = page(client.get(listing))
    assert "外出报备已提交，等待接收单位领导确认。" in text
    assert "江西省南昌市" in text and "待确认" in text
    assert reverse("duty:away_withdraw", kwargs={"away_pk": report.pk}) in text
    assert reverse("duty:away_acknowledge", kwargs={"away_pk": report.pk}) not in text


def test_a_working_day_is_refused_on_the_leaving_date(client, world) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    day = working_day()
    as_user(client, world, "cadre")
    create = reverse("duty:away_create", kwargs={"assignment_pk": found.serving_a.pk})
    response = client.post(create, form(day, day))
    assert response.status_code == 400
    date = f"{day.year}年{day.month}月{day.day}日"
    message = (
        f"离开至返回期间含工作日（{date}上午、{date}下午），外出报备只适用于周末和节假日；"
        "工作日离岗请先请假，请假获批后再报备。"
    )
    assert field_error("leave_date", message) in page(response)
    assert AwayReport.objects.count() == 0


def test_missing_dates_are_asked_for(client, world) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    as_user(client, world, "cadre")
    create = reverse("duty:away_create", kwargs={"assignment_pk": found.serving_a.pk})
    response = client.post(create, {"leave_half": "am", "return_half": "pm"})
    assert response.status_code == 400
    assert field_error("leave_date", "请选择离开日期。") in page(response)
    assert field_error("return_date", "请选择返回日期。") in page(response)


def test_an_administrator_is_sent_back_from_the_form(client, world) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    as_user(client, world, "admin")
    create = reverse("duty:away_create", kwargs={"assignment_pk": found.serving_a.pk})
    response = client.get(create, follow=True)
    assert "只有挂职干部本人可以填报外出报备。" in page(response)


def submitted(world) -> AwayReport:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    saturday, sunday = rest_weekend()
    return AwayReport.objects.create(
        assignment=found.serving_a,
        reason="回家探望父母",
        destination="江西省南昌市",
        leave_date=saturday,
        return_date=sunday,
        stand_in="李明",
        contact_phone="13800000000",
    )


def test_the_host_leader_acknowledges_from_the_tab(client, world) -> None:  # type: ignore[no-untyped-def]
    report = submitted(world)
    as_user(client, world, "host_leader")
    listing = reverse("duty:away_list", kwargs={"assignment_pk": report.assignment_id})
    acknowledge = reverse("duty:away_acknowledge", kwargs={"away_pk": report.pk})
    assert acknowledge in page(client.get(listing))
    response = client.post(acknowledge)
    assert response["Location"] == listing
    report.refresh_from_db()
    assert (report.state, report.acknowledged_by) == (
        AwayState.ACKNOWLEDGED,
        world.users["host_leader"],
    )
    text = page(client.get(listing))
    # The row's acknowledgement line (the header prints the leader's name on every page).
    acknowledged = format_date(report.acknowledged_at, with_time=True)
    assert "已确认张三的外出报备。" in text
    assert f'<div class="muted">白鹿镇赵书记 {acknowledged}确认</div>' in text
    assert acknowledge not in text


def test_acknowledging_from_the_inbox_returns_there_but_never_off_site(client, world) -> None:  # type: ignore[no-untyped-def]
    report = submitted(world)
    as_user(client, world, "host_leader")
    acknowledge = reverse("duty:away_acknowledge", kwargs={"away_pk": report.pk})
    inbox = reverse("duty:approval_inbox")
    assert client.post(acknowledge, {"next": inbox})["Location"] == inbox
    again = client.post(acknowledge, {"next": "https://example.com/"})
    assert again["Location"] == reverse(
        "duty:away_list", kwargs={"assignment_pk": report.assignment_id}
    )
    assert "该外出报备已经确认过了。" in page(client.get(again["Location"]))


def test_the_cadre_withdraws_a_report(client, world) -> None:  # type: ignore[no-untyped-def]
    report = submitted(world)
    as_user(client, world, "cadre")
    client.post(reverse("duty:away_withdraw", kwargs={"away_pk": report.pk}))
    report.refresh_from_db()
    assert report.state == AwayState.WITHDRAWN


def test_the_report_prints_as_a_word_form(client, world) -> None:  # type: ignore[no-untyped-def]
    report = submitted(world)
    as_user(client, world, "host_leader")
    client.post(reverse("duty:away_acknowledge", kwargs={"away_pk": report.pk}))
    response = client.get(reverse("duty:away_document", kwargs={"away_pk": report.pk}))
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    assert document.paragraphs[0].text == "挂职干部外出报备单"
    cells = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    saturday, sunday = rest_weekend()
    assert (cells["姓名"], cells["挂职单位及职务"], cells["去向"], cells["工作代理人"]) == (
        "张三",
        "白鹿镇党委副书记",
        "江西省南昌市",
        "李明",
    )
    assert cells["离开时间"] == f"{saturday.year}年{saturday.month}月{saturday.day}日上午"
    assert cells["返回时间"] == f"{sunday.year}年{sunday.month}月{sunday.day}日下午"
    assert cells["接收单位意见"].startswith("白鹿镇赵书记于")
