"""Spot inspections are unannounced: the overview and every attendance figure show a recorded
check only once it is released (selectors.inspections: the inspection completed or its day
over), whoever reads them; the coordinators over the batch see its flag at once, but not in
the figures, so the rates they read match the host unit's and the file sent on.
"""

import datetime as dt
import io
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from guazhi.core.models import WorkdayOverride
from guazhi.duty.models import InspectionCheck, InspectionState
from guazhi.duty.selectors.attendance import attendance_batch_month, duty_overview
from tests.duty.test_attendance_rates import OCTOBER, absent_on, on_duty
from tests.duty.world import duty_world
from tests.pages import as_user, page

DAY = dt.date(2026, 10, 20)  # a Tuesday, a working day
NEXT = dt.date(2026, 10, 21)


def absent_today(world, day: dt.date) -> InspectionCheck:  # type: ignore[no-untyped-def]
    """An inspection under way on `day` (planned, not completed) that found 张三 absent."""
    found = duty_world(world)
    check = absent_on(found.serving_a, day)
    check.findings = "电话联系不上"
    check.save(update_fields=["findings"])
    return check


def complete(check: InspectionCheck) -> None:
    check.inspection.state = InspectionState.COMPLETED
    check.inspection.save(update_fields=["state"])


def seen(overview) -> tuple:  # type: ignore[no-untyped-def,type-arg]
    checks = overview.summaries["checks"]
    return (
        [(flag.kind, flag.day, flag.text) for flag in overview.flags],
        (checks.count, checks.waiting, checks.latest),
        overview.month.absent,
        overview.term.absent,
    )


FLAGGED = [("absent", DAY, "电话联系不上")]


def test_the_overview_shows_a_check_once_its_inspection_is_over(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    check = absent_today(world, DAY)
    person = found.serving_a

    def overview(role: str, today: dt.date):  # type: ignore[no-untyped-def]
        return seen(duty_overview(actor=world.users[role], assignment=person, today=today))

    nothing = ([], (0, 0, None), Decimal(0), Decimal(0))
    for role in ("cadre", "host_leader", "dispatch_admin", "group_leader"):
        assert overview(role, DAY) == nothing, role
    # The coordinator over the batch reads the result at once, but the figures wait too.
    assert overview("coordinator", DAY) == (FLAGGED, (1, 1, DAY), Decimal(0), Decimal(0))
    # The next day the inspection is over, completed or not.
    released = (FLAGGED, (1, 1, DAY), Decimal(1), Decimal(1))
    assert overview("host_leader", NEXT) == released
    complete(check)
    for role in ("cadre", "host_leader", "dispatch_admin", "group_leader", "coordinator"):
        assert overview(role, DAY) == released, role


def test_the_batchs_month_counts_only_released_checks(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    check = absent_today(world, DAY)

    def absent(role: str, today: dt.date) -> list[tuple[str, Decimal, tuple[dt.date, ...]]]:
        rows = attendance_batch_month(world.users[role], found.batch_a, OCTOBER, today=today)
        return [(row.assignment.cadre.name, row.absent, row.absent_days) for row in rows]

    for role in ("coordinator", "host_leader"):
        assert absent(role, DAY) == [("张三", Decimal(0), ())], role
        assert absent(role, NEXT) == [("张三", Decimal(1), (DAY,))], role
    complete(check)
    assert absent("host_leader", DAY) == [("张三", Decimal(1), (DAY,))]


def test_the_pages_and_the_file_of_the_month_under_way_wait_for_the_inspection(
    client, world
) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    # Today a working day whatever the day the tests run, so an absence would count.
    WorkdayOverride.objects.create(date=today, is_workday=True, note="测试")
    found = duty_world(world)
    check = absent_today(world, today)
    overview_url = reverse("duty:assignment_overview", kwargs={"assignment_pk": found.serving_a.pk})
    batch_url = reverse("duty:attendance_batch", kwargs={"batch_pk": found.batch_a.pk})
    export_url = reverse("duty:attendance_export", kwargs={"batch_pk": found.batch_a.pk})
    month = {"month": f"{today:%Y-%m}"}
    absent_badge = '<span class="badge bad">1.0</span>'
    flag = "不定期检查发现未经批准离岗。"
    absent_figure = '<span class="value">1.0</span><span class="label">本月脱岗（天）</span>'

    def absent_in_file() -> tuple[object, object]:
        response = client.get(export_url, {**month, "host_unit": world.township_a.pk})
        sheet = load_workbook(io.BytesIO(response.content))["考勤月报"]
        return sheet["N8"].value, sheet["Q8"].value  # 脱岗（天）, 备注

    as_user(client, world, "host_leader")
    text = page(client.get(overview_url))
    assert flag not in text and "没有脱岗或逾期未销假记录。" in text
    assert "被检查0次，脱岗0次" in text and absent_figure not in text
    assert absent_badge not in page(client.get(batch_url, month))
    assert absent_in_file()[0] == 0
    complete(check)
    text = page(client.get(overview_url))
    assert flag in text and "电话联系不上" in text and "被检查1次，脱岗1次" in text
    assert absent_figure in text
    assert absent_badge in page(client.get(batch_url, month))
    absent, notes = absent_in_file()
    assert absent == 1 and f"{today.year}年{today.month}月{today.day}日检查发现脱岗" in str(notes)
