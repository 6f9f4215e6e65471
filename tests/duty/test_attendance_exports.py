"""The Excel files: one unit's monthly return (at once), the whole batch's (a background job),
and the leave ledger of a person (at once) or of a batch (a job). Each is opened back with
openpyxl and read cell by cell."""

import datetime as dt
import io
from decimal import Decimal

from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from guazhi.core.models import AuditEvent, Job
from guazhi.duty.exports_attendance import date_format
from guazhi.duty.models import LeaveLedgerEntry, LeaveType
from guazhi.programmes.models import Assignment
from tests.duty.test_attendance_rates import absent_on, leave, on_duty

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def october_record(world):  # type: ignore[no-untyped-def]
    found = on_duty(world)
    person = found.serving_a
    leave(person, "personal", (dt.date(2026, 10, 13), "am"), (dt.date(2026, 10, 13), "am"))
    leave(person, "annual", (dt.date(2026, 10, 29), "am"), (dt.date(2026, 11, 3), "pm"))
    absent_on(person, dt.date(2026, 10, 20))
    return found


def rows_of(content: bytes, title: str) -> list[tuple]:  # type: ignore[type-arg]
    """The sheet's rows as values (an empty cell reads back as None)."""
    workbook = load_workbook(io.BytesIO(content))
    return [tuple(row) for row in workbook[title].iter_rows(values_only=True)]


RETURN_HEADER = (
    "序号",
    "姓名",
    "派出单位",
    "接收单位",
    "挂职岗位",
    "应出勤（天）",
    "年休假（天）",
    "探亲假（天）",
    "事假（天）",
    "病假（天）",
    "婚丧假（天）",
    "调休（天）",
    "请假合计（天）",
    "脱岗（天）",
    "实际出勤（天）",
    "在岗率",
    "备注",
)
ZHANG_SAN = (
    1,
    "张三",
    "浔阳区委党校",
    "白鹿镇",
    "党委副书记",
    18,
    2,
    0,
    0.5,
    0,
    0,
    0,
    2.5,
    1,
    14.5,
    0.8056,
    "2026年10月20日检查发现脱岗",
)


def test_one_units_month_downloads_as_a_sheet_titled_kaoqin_yuebao(client, world) -> None:  # type: ignore[no-untyped-def]
    found = october_record(world)
    client.force_login(world.users["host_leader"])
    url = reverse("duty:attendance_export", kwargs={"batch_pk": found.batch_a.pk})
    response = client.get(url, {"month": "2026-10", "host_unit": world.township_a.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["考勤月报"]
    sheet = workbook["考勤月报"]
    assert [sheet[f"A{n}"].value for n in range(1, 6)] == [
        "考勤月报",
        "批次",
        "接收单位",
        "月份",
        "报送截止日期",
    ]
    assert [sheet[f"B{n}"].value for n in range(2, 6)] == [
        "2026年浔阳区挂职干部（在岗）",
        "白鹿镇",
        "2026年10月",
        "2026年11月5日",
    ]
    rows = rows_of(response.content, "考勤月报")
    assert rows[6] == RETURN_HEADER
    assert rows[7] == ZHANG_SAN
    assert len(rows) == 8
    assert sheet["P8"].number_format == "0.0%"
    event = AuditEvent.objects.get(action="attendance.export")
    assert event.detail == {"host_unit": "白鹿镇", "month": "2026-10", "rows": 1}


def test_a_unit_outside_the_batch_is_not_found(client, world) -> None:  # type: ignore[no-untyped-def]
    found = october_record(world)
    client.force_login(world.users["coordinator"])
    url = reverse("duty:attendance_export", kwargs={"batch_pk": found.batch_a.pk})
    response = client.get(url, {"month": "2026-10", "host_unit": world.township_b.pk})
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="attendance.export").exists()


def test_the_whole_batchs_month_is_made_by_a_job(
    client, world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    found = october_record(world)
    client.force_login(world.users["coordinator"])
    url = reverse("duty:attendance_export_batch", kwargs={"batch_pk": found.batch_a.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"month": "2026-10"})
    job = Job.objects.get()
    assert response["Location"] == reverse("core:job_detail", kwargs={"job_pk": job.pk})
    assert (job.kind, job.state, job.result["rows"], job.done, job.total) == (
        "duty_attendance_export",
        Job.State.SUCCEEDED,
        1,
        1,
        1,
    )
    assert job.result["filename"] == "考勤月报_2026年浔阳区挂职干部（在岗）_2026年10月.xlsx"
    with default_storage.open(job.result["file"], "rb") as stored:
        content = stored.read()
    rows = rows_of(content, "考勤月报")
    assert rows[2][:2] == ("接收单位", "全部接收单位（1个）")
    assert rows[7] == ZHANG_SAN


def ledger(world, found) -> None:  # type: ignore[no-untyped-def]
    person = found.serving_a
    annual = LeaveType.objects.get(batch=found.batch_a, kind="annual")
    taken = leave(person, "annual", (dt.date(2026, 10, 29), "am"), (dt.date(2026, 11, 3), "pm"))
    for kind, days, request, note in (
        ("grant", Decimal(10), None, "工龄10年"),
        ("take", Decimal(-4), taken, ""),
        ("give_back", Decimal(1), taken, "提前销假"),
    ):
        LeaveLedgerEntry.objects.create(
            assignment=person, leave_type=annual, kind=kind, days=days, request=request, note=note
        )


LEDGER_HEADER = ("序号", "姓名", "接收单位", "假别", "类型", "天数", "记账日期", "请假起止", "说明")


def test_a_persons_leave_ledger_downloads_with_the_balances(client, world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    ledger(world, found)
    client.force_login(world.users["cadre"])
    response = client.get(
        reverse("duty:ledger_export", kwargs={"assignment_pk": found.serving_a.pk})
    )
    assert response.status_code == 200
    rows = rows_of(response.content, "假期台账")
    span = "2026年10月29日上午至2026年11月3日下午"
    assert rows[0][0] == "张三 假期台账"
    assert rows[1] == LEDGER_HEADER
    assert [row[:6] + row[7:] for row in rows[2:]] == [
        (1, "张三", "白鹿镇", "年休假", "额度", 10, None, "工龄10年"),
        (2, "张三", "白鹿镇", "年休假", "休假", -4, span, None),
        (3, "张三", "白鹿镇", "年休假", "退回", 1, span, "提前销假"),
    ]
    assert {row[6].date() for row in rows[2:]} == {timezone.localdate()}
    balances = rows_of(response.content, "假期余额")
    assert balances[0] == ("姓名", "接收单位", "假别", "额度（天）", "已休（天）", "剩余（天）")
    assert balances[1:] == [
        ("张三", "白鹿镇", "年休假", 10, 3, 7),
        ("张三", "白鹿镇", "探亲假", None, 0, None),
        ("张三", "白鹿镇", "事假", None, 0, None),
        ("张三", "白鹿镇", "病假", None, 0, None),
        ("张三", "白鹿镇", "婚丧假", None, 0, None),
        ("张三", "白鹿镇", "调休", None, 0, None),
    ]


def test_a_batchs_leave_ledger_is_made_by_a_job_for_the_people_in_scope(
    client, world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    ledger(world, found)
    client.force_login(world.users["host_leader"])
    url = reverse("duty:ledger_export_batch", kwargs={"batch_pk": found.batch_a.pk})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    job = Job.objects.get()
    assert (job.kind, job.state, job.result["rows"]) == (
        "duty_ledger_export",
        Job.State.SUCCEEDED,
        3,
    )
    with default_storage.open(job.result["file"], "rb") as stored:
        content = stored.read()
    rows = rows_of(content, "假期台账")
    assert [row[1:6] for row in rows[2:]] == [
        ("张三", "白鹿镇", "年休假", "额度", 10),
        ("张三", "白鹿镇", "年休假", "休假", -4),
        ("张三", "白鹿镇", "年休假", "退回", 1),
    ]
    assert rows_of(content, "假期余额")[1] == ("张三", "白鹿镇", "年休假", 10, 3, 7)


def test_a_term_starting_within_the_month_says_from_when_it_counts(client, world) -> None:  # type: ignore[no-untyped-def]
    found = october_record(world)
    Assignment.objects.filter(pk=found.serving_a.pk).update(start_date=dt.date(2026, 10, 15))
    client.force_login(world.users["host_leader"])
    url = reverse("duty:attendance_export", kwargs={"batch_pk": found.batch_a.pk})
    response = client.get(url, {"month": "2026-10", "host_unit": world.township_a.pk})
    row = rows_of(response.content, "考勤月报")[7]
    # From the 15th: 12 working days due, the 20th absent, 29–30 on annual leave (the 13th's
    # half day of personal leave falls before the term).
    assert (row[5], row[6], row[8], row[13], row[14]) == (12, 2, 0, 1, 9)
    assert row[16] == "2026年10月20日检查发现脱岗；自2026年10月15日起统计"


def test_the_ledgers_dates_read_as_the_rest_of_the_workbook(client, world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    ledger(world, found)
    client.force_login(world.users["cadre"])
    response = client.get(
        reverse("duty:ledger_export", kwargs={"assignment_pk": found.serving_a.pk})
    )
    sheet = load_workbook(io.BytesIO(response.content))["假期台账"]
    assert [sheet[f"G{n}"].number_format for n in (3, 4, 5)] == ['yyyy"年"m"月"d"日"'] * 3
    with translation.override("en"):
        assert date_format() == "yyyy-mm-dd"


def test_a_leave_type_no_longer_offered_keeps_its_balance(client, world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    ledger(world, found)
    LeaveType.objects.filter(batch=found.batch_a, kind="annual").update(active=False)
    client.force_login(world.users["cadre"])
    response = client.get(
        reverse("duty:ledger_export", kwargs={"assignment_pk": found.serving_a.pk})
    )
    balances = rows_of(response.content, "假期余额")
    assert balances[1] == ("张三", "白鹿镇", "年休假", 10, 3, 7)
    assert len(balances) == 7  # the header and the batch's six types
