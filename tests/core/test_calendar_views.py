"""The admins' work-calendar page: reading a year, adding and deleting overrides, pasting a year."""

import datetime as dt

import pytest
from django.urls import reverse

from guazhi.core.calendar import EXPECTED_WEEKDAY_REST_OVERRIDES, covered_years
from guazhi.core.models import AuditEvent, WorkdayOverride

D = dt.date
UNCOVERED = covered_years()[-1] + 1
CALENDAR = reverse("core:calendar")
CREATE = reverse("core:calendar_override_create")


def days_of(start: dt.date, count: int) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range(count)]


def delete_url(override: WorkdayOverride) -> str:
    return reverse("core:calendar_override_delete", kwargs={"override_pk": override.pk})


@pytest.fixture
def admin_client(world, client):
    client.force_login(world.users["admin"])
    return client


# Who may open it ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["coordinator", "dispatch_admin", "host_leader", "group_leader", "cadre"]
)
def test_non_admins_get_403_and_change_nothing(world, client, role) -> None:
    override = WorkdayOverride.objects.create(date=D(2025, 10, 8), is_workday=True, note="更正")
    client.force_login(world.users[role])
    assert client.get(CALENDAR).status_code == 403
    assert client.post(CREATE, {"date": "2025-10-13", "is_workday": "0"}).status_code == 403
    assert client.post(delete_url(override)).status_code == 403
    schedule = {"year": str(UNCOVERED), "rest_days": f"{UNCOVERED}-01-01"}
    assert client.post(CALENDAR, schedule).status_code == 403
    assert list(WorkdayOverride.objects.values_list("date", "is_workday", "note")) == [
        (D(2025, 10, 8), True, "更正")
    ]
    assert AuditEvent.objects.filter(action__startswith="calendar.").count() == 0


def test_anonymous_visitors_are_sent_to_log_in(db, client) -> None:
    response = client.get(CALENDAR)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# Reading a year -----------------------------------------------------------------------------


def test_a_covered_year_lists_the_package_holidays_and_make_up_days(admin_client) -> None:
    page = admin_client.get(CALENDAR, {"year": "2025"}).content.decode()
    assert 'data-coverage="package"' in page
    assert "2025年共有 248 个工作日。" in page
    assert "2025年9月28日" in page and "2025年10月11日" in page
    assert "国庆节" in page and "春节" in page
    assert "尚未录入" not in page


def test_an_uncovered_year_warns_and_shows_overrides_with_their_source(admin_client) -> None:
    WorkdayOverride.objects.create(date=D(UNCOVERED, 1, 1), is_workday=False, note="元旦")
    page = admin_client.get(CALENDAR, {"year": str(UNCOVERED)}).content.decode()
    assert 'data-coverage="none"' in page
    assert f"{UNCOVERED}年的法定节假日和调休安排尚未录入" in page
    assert f"{UNCOVERED}年1月1日" in page and "元旦" in page and "管理员调整" in page
    assert f'action="{delete_url(WorkdayOverride.objects.get())}"' in page
    assert "data-confirm=" in page


def test_a_nonsense_year_falls_back_to_this_year(admin_client) -> None:
    from django.utils import timezone

    page = admin_client.get(CALENDAR, {"year": "abc"}).content.decode()
    assert f"<h1>工作日历 · {timezone.localdate().year}年</h1>" in page


# Adding and deleting one override -----------------------------------------------------------


def test_an_admin_adds_an_override_and_returns_to_its_year(admin_client) -> None:
    response = admin_client.post(
        CREATE, {"date": "2025-10-13", "is_workday": "0", "note": "本地节日"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{CALENDAR}?year=2025"
    override = WorkdayOverride.objects.get()
    assert (override.date, override.is_workday, override.note) == (
        D(2025, 10, 13),
        False,
        "本地节日",
    )
    assert AuditEvent.objects.filter(action="calendar.override_create").count() == 1
    page = admin_client.get(response["Location"]).content.decode()
    assert "已将2025年10月13日设为休息日。" in page


def test_an_override_without_a_date_shows_the_error_and_saves_nothing(admin_client) -> None:
    response = admin_client.post(CREATE, {"date": "", "is_workday": "0", "note": ""})
    assert response.status_code == 200
    assert "这个字段是必填项。" in response.content.decode()
    assert WorkdayOverride.objects.count() == 0


def test_an_admin_deletes_an_override_by_post_only(admin_client) -> None:
    override = WorkdayOverride.objects.create(date=D(2025, 10, 8), is_workday=True)
    assert admin_client.get(delete_url(override)).status_code == 405
    assert WorkdayOverride.objects.count() == 1
    response = admin_client.post(delete_url(override))
    assert response.status_code == 302
    assert response["Location"] == f"{CALENDAR}?year=2025"
    assert WorkdayOverride.objects.count() == 0
    assert AuditEvent.objects.filter(action="calendar.override_delete").count() == 1


def test_deleting_a_missing_override_is_not_found(admin_client) -> None:
    response = admin_client.post(
        reverse("core:calendar_override_delete", kwargs={"override_pk": 999})
    )
    assert response.status_code == 404


# Pasting a year's schedule ------------------------------------------------------------------


def test_an_admin_pastes_a_year_and_the_warning_goes(admin_client) -> None:
    weekdays = [day for day in days_of(D(UNCOVERED, 3, 1), 30) if day.weekday() < 5]
    first, last = weekdays[0], weekdays[EXPECTED_WEEKDAY_REST_OVERRIDES - 1]
    saturday = next(day for day in days_of(D(UNCOVERED, 5, 1), 7) if day.weekday() == 5)
    response = admin_client.post(
        CALENDAR,
        {
            "year": str(UNCOVERED),
            "rest_days": f"{first.isoformat()} ～ {last.isoformat()}\n\n",
            "make_up_workdays": f"{saturday.year}年{saturday.month}月{saturday.day}日",
            "note": "国办通知",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{CALENDAR}?year={UNCOVERED}"
    span = (last - first).days + 1
    assert WorkdayOverride.objects.filter(is_workday=False).count() == span
    assert WorkdayOverride.objects.get(is_workday=True).date == saturday
    page = admin_client.get(response["Location"]).content.decode()
    assert f"已录入{UNCOVERED}年的放假安排：新增{span + 1}天" in page
    assert "尚未录入" not in page


def test_bad_pasted_lines_are_named_and_nothing_is_saved(admin_client) -> None:
    response = admin_client.post(
        CALENDAR,
        {
            "year": str(UNCOVERED),
            "rest_days": "\n".join(
                [f"{UNCOVERED}-01-01", f"{UNCOVERED}-13-01", f"{UNCOVERED}-02-10~{UNCOVERED}-02-01"]
            ),
            "make_up_workdays": "",
            "note": "",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f"第2行“{UNCOVERED}-13-01”：不是有效日期" in page
    assert "第3行" in page and "结束日期早于开始日期。" in page
    assert f"{UNCOVERED}-02-10~{UNCOVERED}-02-01</textarea>" in page  # what was typed comes back
    assert WorkdayOverride.objects.count() == 0


def test_a_service_refusal_shows_under_its_field(admin_client) -> None:
    response = admin_client.post(
        CALENDAR,
        {
            "year": str(UNCOVERED),
            "rest_days": f"{UNCOVERED + 1}-01-01",
            "make_up_workdays": "",
            "note": "",
        },
    )
    assert response.status_code == 200
    assert f"以下日期不在{UNCOVERED}年内：{UNCOVERED + 1}-01-01。" in response.content.decode()
    assert WorkdayOverride.objects.count() == 0
    assert AuditEvent.objects.filter(action__startswith="calendar.").count() == 0
