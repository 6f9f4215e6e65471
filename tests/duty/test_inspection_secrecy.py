"""An inspection is unannounced: until it is over (completed, or its day past), only the
coordinators over the batch know it is planned, whom it drew or what it found — not the
person, nor their host leader, dispatch admin or group leader, on any page, and nobody is
notified. A result recorded at the first door must not warn the next."""

import datetime as dt

import pytest
from django.urls import reverse

from guazhi.core.models import Notification
from guazhi.duty.models import CheckResult, Inspection, SamplingMode
from guazhi.duty.selectors.inspections import check_summary, visible_check_queryset
from guazhi.duty.services.inspections import inspection_complete
from tests.duty.test_inspection_services import plan, record, serving
from tests.duty.world import duty_world
from tests.factories import UserFactory, grant
from tests.pages import as_user, page

NOTE = "突击检查白鹿镇挂职干部在岗情况"
INSPECTORS = "督查组甲"
CONCERNED = ("cadre", "host_leader", "dispatch_admin", "group_leader")


def planned(world) -> Inspection:  # type: ignore[no-untyped-def]
    """An inspection of 白鹿镇 for the day after tomorrow that drew 张三 and 陈明."""
    found = duty_world(world)
    serving(world, world.township_a, "陈明")
    return plan(
        world,
        planned_on=found.today + dt.timedelta(days=2),
        sampling_mode=SamplingMode.ALL,
        host_units=[world.township_a],
        inspectors=INSPECTORS,
        note=NOTE,
    )


def urls(inspection: Inspection) -> dict[str, str]:
    found_batch = inspection.batch
    assignment = inspection.checks.get(assignment__cadre__name="张三").assignment
    return {
        "list": reverse("duty:inspection_list", kwargs={"batch_pk": found_batch.pk}),
        "detail": reverse("duty:inspection_detail", kwargs={"inspection_pk": inspection.pk}),
        "missing": reverse("duty:inspection_detail", kwargs={"inspection_pk": 987654}),
        "checks": reverse("duty:check_list", kwargs={"assignment_pk": assignment.pk}),
        "overview": reverse("duty:assignment_overview", kwargs={"assignment_pk": assignment.pk}),
        "batch": reverse("programmes:batch_detail", kwargs={"batch_pk": found_batch.pk}),
    }


@pytest.mark.parametrize("role", CONCERNED)
def test_the_people_concerned_see_nothing_of_a_planned_inspection(world, client, role) -> None:  # type: ignore[no-untyped-def]
    inspection = planned(world)
    found = duty_world(world)
    links = urls(inspection)
    client = as_user(client, world, role)
    # The inspection pages answer by role, the same for a real inspection and a missing one.
    assert client.get(links["list"]).status_code == 403
    assert client.get(links["detail"]).status_code == 403
    assert client.get(links["missing"]).status_code == 403
    tab = client.get(links["checks"])
    assert tab.status_code == 200
    assert "暂无检查记录。" in page(tab)
    for link in ("checks", "overview", "batch"):
        shown = page(client.get(links[link]))
        assert NOTE not in shown and INSPECTORS not in shown, link
        assert links["list"] not in shown and links["detail"] not in shown, link
    overview = page(client.get(links["overview"]))
    assert "被检查0次，脱岗0次" in overview
    assert "没有脱岗或逾期未销假记录。" in overview
    user = world.users[role]
    assert not visible_check_queryset(user).exists()
    summary = check_summary(actor=user, assignment=found.serving_a)
    assert (summary.recorded, summary.absent, summary.open_rectifications) == (0, 0, 0)
    assert Notification.objects.count() == 0


def test_the_batchs_coordinator_sees_the_plan_and_its_draw(world, client) -> None:  # type: ignore[no-untyped-def]
    inspection = planned(world)
    links = urls(inspection)
    client = as_user(client, world, "coordinator")
    shown = page(client.get(links["detail"]))
    assert NOTE in shown and INSPECTORS in shown
    assert "张三" in shown and "陈明" in shown
    assert links["detail"] in page(client.get(links["list"]))
    # Not on the person's tab, though: that lists recorded results only, for everyone.
    assert "暂无检查记录。" in page(client.get(links["checks"]))


def test_a_coordinator_of_another_district_gets_the_answer_of_a_missing_inspection(
    world, client
) -> None:  # type: ignore[no-untyped-def]
    inspection = planned(world)
    links = urls(inspection)
    grant(UserFactory(username="coordinator_b"), "coordinator", world.district_b)
    client.force_login(UserFactory(username="coordinator_b"))
    assert client.get(links["detail"]).status_code == 404
    assert client.get(links["missing"]).status_code == 404
    check = inspection.checks.first()
    assert check is not None
    url = reverse("duty:check_record", kwargs={"check_pk": check.pk})
    assert client.post(url, {f"c{check.pk}-result": "present"}).status_code == 404
    check.refresh_from_db()
    assert check.result == ""


def summary_of(user, assignment, **today) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    found = check_summary(actor=user, assignment=assignment, **today)
    return (found.recorded, found.absent, found.open_rectifications)


def absent(world, check, day: dt.date):  # type: ignore[no-untyped-def]
    return record(
        world,
        check,
        result=CheckResult.ABSENT,
        findings="上午10时到镇政府检查，本人不在岗，未请假。",
        rectification="作出书面说明",
        rectification_due=day + dt.timedelta(days=7),
        today=day,
    )


def test_a_result_recorded_stays_hidden_until_the_inspection_is_over(world, client) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    inspection = planned(world)
    day = inspection.planned_on
    zhang = inspection.checks.get(assignment=found.serving_a)
    absent(world, zhang, day)  # 陈明, drawn too, is still to be visited
    for role in CONCERNED:
        user = world.users[role]
        assert list(visible_check_queryset(user, today=day)) == [], role
        assert summary_of(user, found.serving_a, today=day) == (0, 0, 0), role
        shown = page(as_user(client, world, role).get(urls(inspection)["checks"]))
        assert "暂无检查记录。" in shown, role
        assert "脱岗（未经批准）" not in shown, role
        client.logout()
    # The coordinators over the batch read it at once, on the person's tab too.
    coordinator = world.users["coordinator"]
    assert list(visible_check_queryset(coordinator, today=day)) == [zhang]
    assert summary_of(coordinator, found.serving_a, today=day) == (1, 1, 1)
    shown = page(as_user(client, world, "coordinator").get(urls(inspection)["checks"]))
    assert '<span class="badge bad">脱岗（未经批准）</span>' in shown
    # The day after, the inspection is over for everyone.
    for role in CONCERNED:
        user = world.users[role]
        after = day + dt.timedelta(days=1)
        assert list(visible_check_queryset(user, today=after)) == [zhang], role
        assert summary_of(user, found.serving_a, today=after) == (1, 1, 1), role
    assert Notification.objects.count() == 0


def test_a_completed_inspection_is_shown_to_the_people_concerned_at_once(world, client) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    inspection = planned(world)
    day = inspection.planned_on
    zhang = inspection.checks.get(assignment=found.serving_a)
    chen = inspection.checks.get(assignment__cadre__name="陈明")
    absent(world, zhang, day)
    record(world, chen, result=CheckResult.PRESENT, today=day)
    inspection_complete(actor=world.users["coordinator"], inspection=inspection)
    for role in CONCERNED:
        user = world.users[role]
        # Today is still before the inspection's planned day: completion alone releases it.
        assert list(visible_check_queryset(user).filter(assignment=zhang.assignment_id)) == [
            zhang
        ], role
        assert summary_of(user, found.serving_a) == (1, 1, 1), role
        client = as_user(client, world, role)
        shown = page(client.get(urls(inspection)["checks"]))
        assert "不定期检查中有1次脱岗（未经批准）记录。" in shown, role
        assert '<span class="badge bad">脱岗（未经批准）</span>' in shown, role
        overview = page(client.get(urls(inspection)["overview"]))
        assert "被检查1次，脱岗1次" in overview, role
        client.logout()


def test_a_result_shows_once_the_inspection_day_is_over(world, client) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    chen_serving = serving(world, world.township_a, "陈明")
    yesterday = found.today - dt.timedelta(days=1)
    inspection = plan(world, planned_on=yesterday, today=yesterday, sampling_mode=SamplingMode.ALL)
    zhang = inspection.checks.get(assignment=found.serving_a)
    record(world, zhang, result=CheckResult.PRESENT, today=yesterday)
    chen_tab = reverse("duty:check_list", kwargs={"assignment_pk": chen_serving.pk})
    for role in CONCERNED:
        user = world.users[role]
        assert list(visible_check_queryset(user)) == [zhang], role
        client = as_user(client, world, role)
        shown = page(client.get(urls(inspection)["checks"]))
        assert '<span class="badge ok">在岗</span>' in shown, role
        client.logout()
    # 陈明 was not visited: an unrecorded check stays in nobody's list.
    shown = page(as_user(client, world, "host_leader").get(chen_tab))
    assert "暂无检查记录。" in shown
    assert Notification.objects.count() == 0


def test_the_overview_hides_a_result_until_the_inspection_is_over(world, client) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    # Planned and recorded today: today's inspection is not over until completed.
    inspection = plan(world, sampling_mode=SamplingMode.ALL)
    absent(world, inspection.checks.get(assignment=found.serving_a), found.today)
    for role in CONCERNED:
        overview = page(as_user(client, world, role).get(urls(inspection)["overview"]))
        assert "被检查0次，脱岗0次" in overview, role
        assert "没有脱岗或逾期未销假记录。" in overview, role
        client.logout()
    # The coordinators read it at once, on the overview too.
    overview = page(as_user(client, world, "coordinator").get(urls(inspection)["overview"]))
    assert "被检查1次，脱岗1次" in overview
