"""Spot inspections through their services: planning and its draw, recording checks, closing
rectifications, completing. The helpers at the top serve the other inspection tests too."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.models import AuditEvent
from guazhi.duty.models import (
    CheckResult,
    Half,
    Inspection,
    InspectionCheck,
    InspectionState,
    LeaveKind,
    LeaveRequest,
    LeaveState,
    LeaveType,
    SamplingMode,
    half_slot,
)
from guazhi.duty.selectors.inspections import check_summary, draw_check
from guazhi.duty.services.inspections import (
    SEED_BELOW,
    check_record,
    check_rectified,
    check_version,
    inspection_complete,
    inspection_plan,
)
from guazhi.programmes.models import Assignment, AssignmentState
from tests.duty.world import DutyWorld, duty_world
from tests.factories import CadreFactory, UnitFactory, UserFactory, grant
from tests.programmes.factories import PostFactory, assign


def township(world, name: str):  # type: ignore[no-untyped-def]
    return UnitFactory(name=name, kind="township", level="township", parent=world.district_a)


def serving(world, host, name: str, **fields) -> Assignment:  # type: ignore[no-untyped-def]
    """Another person on duty in batch A at `host` (from the district's party school)."""
    found = duty_world(world)
    post = PostFactory(batch=found.batch_a, host_unit=host, title="镇长助理")
    cadre = CadreFactory(name=name, home_unit=world.school_a)
    fields.setdefault("start_date", found.today - dt.timedelta(days=120))
    end_date = fields.pop("end_date", None)
    person = assign(post, cadre, fields.pop("state", AssignmentState.ACTIVE), **fields)
    if end_date is not None:
        Assignment.objects.filter(pk=person.pk).update(end_date=end_date)
        person.end_date = end_date
    return person


def three_townships(world) -> dict[str, list[Assignment]]:  # type: ignore[no-untyped-def]
    """Batch A on duty at 白鹿镇 (张三 and 2 more), 新港镇 (2) and 永安乡 (1)."""
    found = duty_world(world)
    xingang = township(world, "新港镇")
    yongan = township(world, "永安乡")
    return {
        "白鹿镇": [
            found.serving_a,
            serving(world, world.township_a, "陈明"),
            serving(world, world.township_a, "刘芳"),
        ],
        "新港镇": [serving(world, xingang, "王强"), serving(world, xingang, "孙丽")],
        "永安乡": [serving(world, yongan, "周伟")],
    }


def plan(world, **arguments) -> Inspection:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    arguments.setdefault("actor", world.users["coordinator"])
    arguments.setdefault("batch", found.batch_a)
    arguments.setdefault("planned_on", found.today)
    arguments.setdefault("today", found.today)
    return inspection_plan(**arguments)


def drawn_names(inspection: Inspection) -> list[str]:
    return sorted(inspection.checks.values_list("assignment__cadre__name", flat=True))


def zh(day: dt.date) -> str:
    """A date as the Chinese pages and messages write it."""
    return f"{day.year}年{day.month}月{day.day}日"


def leave(
    assignment: Assignment,
    start: dt.date,
    end: dt.date,
    state: str = LeaveState.APPROVED,
    *,
    start_half: str = Half.AM,
    end_half: str = Half.PM,
    entered_afterwards_on: dt.date | None = None,
) -> LeaveRequest:
    """Leave of 张三's kind; `entered_afterwards_on`: an emergency leave (事后补办) submitted
    at 9:00 that day."""
    submitted = None
    if entered_afterwards_on is not None:
        submitted = timezone.make_aware(dt.datetime.combine(entered_afterwards_on, dt.time(9)))
    return LeaveRequest.objects.create(
        assignment=assignment,
        leave_type=LeaveType.objects.get(batch=assignment.batch, kind=LeaveKind.PERSONAL),
        start_date=start,
        start_half=start_half,
        end_date=end,
        end_half=end_half,
        start_slot=half_slot(start, start_half),
        end_slot=half_slot(end, end_half),
        days=Decimal((end - start).days + 1),
        reason="家中老人住院",
        stand_in="陈明",
        contact_phone="13907920001",
        state=state,
        emergency=entered_afterwards_on is not None,
        emergency_reason="突发急病住院" if entered_afterwards_on is not None else "",
        submitted_at=submitted,
    )


def one_check(world) -> tuple[DutyWorld, InspectionCheck]:  # type: ignore[no-untyped-def]
    """A planned inspection of batch A today that drew 张三 alone."""
    found = duty_world(world)
    inspection = plan(world, sampling_mode=SamplingMode.CHOSEN, chosen=[found.serving_a])
    return found, inspection.checks.get()


def record(world, check: InspectionCheck, **arguments) -> InspectionCheck:  # type: ignore[no-untyped-def]
    arguments.setdefault("actor", world.users["coordinator"])
    arguments.setdefault("today", duty_world(world).today)
    return check_record(check=check, **arguments)


# Planning and the draw ---------------------------------------------------------------------


def test_a_seeded_random_draw_is_the_same_every_time_it_is_drawn(world) -> None:  # type: ignore[no-untyped-def]
    three_townships(world)
    first = plan(world, sampling_mode=SamplingMode.RANDOM, sample_size=3, seed=20261123)
    # A different note: the same plan twice in a row would be taken for a form sent twice.
    second = plan(
        world,
        sampling_mode=SamplingMode.RANDOM,
        sample_size=3,
        seed=20261123,
        note="按同一种子再抽一次核对",
    )
    assert first.seed == second.seed == 20261123
    assert first.checks.count() == 3
    assert drawn_names(first) == drawn_names(second)
    others = {
        tuple(drawn_names(plan(world, sampling_mode=SamplingMode.RANDOM, sample_size=3, seed=s)))
        for s in range(1, 9)
    }
    assert len(others) > 1  # the seed, not the population alone, decides who is drawn


def test_without_a_seed_one_is_drawn_recorded_and_the_draw_verifies(world) -> None:  # type: ignore[no-untyped-def]
    three_townships(world)
    inspection = plan(world, sampling_mode=SamplingMode.RANDOM, sample_size=2)
    assert inspection.seed is not None and 0 <= inspection.seed < SEED_BELOW
    checked = draw_check(actor=world.users["coordinator"], inspection=inspection)
    assert checked is not None
    assert (checked.population, checked.matches) == (6, True)
    # A check row slipped in by hand (not through the draw) is caught by drawing again.
    drawn = set(inspection.checks.values_list("assignment_id", flat=True))
    extra = Assignment.objects.filter(batch=inspection.batch).exclude(pk__in=drawn).first()
    InspectionCheck.objects.create(inspection=inspection, assignment=extra)
    checked = draw_check(actor=world.users["coordinator"], inspection=inspection)
    assert checked is not None and checked.matches is False


def test_a_spread_draw_takes_one_person_from_each_host_unit(world) -> None:  # type: ignore[no-untyped-def]
    units = three_townships(world)
    unit_of = {person.pk: name for name, group in units.items() for person in group}
    for seed in range(1, 13):
        inspection = plan(
            world,
            sampling_mode=SamplingMode.RANDOM,
            sample_size=3,
            spread_across_hosts=True,
            seed=seed,
        )
        drawn = inspection.checks.values_list("assignment_id", flat=True)
        assert sorted(unit_of[pk] for pk in drawn) == ["新港镇", "永安乡", "白鹿镇"]


def test_all_takes_everyone_on_duty_in_scope_on_the_day_and_nobody_else(world) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    units = three_townships(world)
    serving(world, world.township_a, "吴刚", start_date=found.today + dt.timedelta(days=1))
    serving(world, world.township_a, "郑洁", state=AssignmentState.ENDED)
    serving(world, world.township_a, "冯涛", end_date=found.today - dt.timedelta(days=1))
    everyone = plan(world, sampling_mode=SamplingMode.ALL, sample_size=2, seed=5)
    assert drawn_names(everyone) == sorted(["张三", "陈明", "刘芳", "王强", "孙丽", "周伟"])
    # Only a random draw has a size and a seed.
    assert (everyone.sample_size, everyone.seed) == (None, None)
    xingang = units["新港镇"][0].host_unit
    scoped = plan(world, sampling_mode=SamplingMode.ALL, host_units=[xingang])
    assert drawn_names(scoped) == ["孙丽", "王强"]
    assert list(scoped.host_units.all()) == [xingang]


def test_a_random_draw_larger_than_the_population_inspects_everyone(world) -> None:  # type: ignore[no-untyped-def]
    three_townships(world)
    inspection = plan(world, sampling_mode=SamplingMode.RANDOM, sample_size=50)
    assert drawn_names(inspection) == sorted(["张三", "陈明", "刘芳", "王强", "孙丽", "周伟"])
    assert inspection.sample_size == 50


def test_chosen_people_are_inspected_and_only_people_on_duty_in_scope_may_be_chosen(world) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    units = three_townships(world)
    chosen = plan(
        world, sampling_mode=SamplingMode.CHOSEN, chosen=[units["新港镇"][1], found.serving_a]
    )
    assert drawn_names(chosen) == ["孙丽", "张三"]
    before = Inspection.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        plan(
            world,
            sampling_mode=SamplingMode.CHOSEN,
            host_units=[world.township_a],
            chosen=[units["新港镇"][0], found.serving_a],
        )
    assert refused.value.detail == {
        "chosen": "王强在检查日期不在检查范围内的岗位上，不能指定检查。"
    }
    assert Inspection.objects.count() == before


def test_a_plan_records_its_draw_in_the_audit_trail(world) -> None:  # type: ignore[no-untyped-def]
    found, check = one_check(world)
    event = AuditEvent.objects.get(action="inspection.plan")
    assert event.object_id == str(check.inspection_id)
    assert event.detail["population"] == [[found.serving_a.pk, world.township_a.pk]]
    assert event.detail["drawn"] == [found.serving_a.pk]
    assert event.detail["sampling"] == "chosen"


def test_a_coordinator_of_another_district_cannot_plan_in_the_batch(world) -> None:  # type: ignore[no-untyped-def]
    other = grant(UserFactory(username="coordinator_b"), "coordinator", world.district_b)
    with pytest.raises(Forbidden):
        plan(world, actor=other, sampling_mode=SamplingMode.ALL)
    for role in ("host_leader", "dispatch_admin", "group_leader", "cadre"):
        with pytest.raises(Forbidden):
            plan(world, actor=world.users[role], sampling_mode=SamplingMode.ALL)
    assert Inspection.objects.count() == 0
    assert InspectionCheck.objects.count() == 0


def test_a_plan_is_refused_with_every_mistake_named(world) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    with pytest.raises(ValidationFailed) as refused:
        plan(
            world,
            planned_on=found.today - dt.timedelta(days=1),
            host_units=[world.township_b],
            sampling_mode=SamplingMode.RANDOM,
            sample_size=0,
        )
    assert refused.value.detail == {
        "planned_on": "检查日期不能早于今天。",
        "host_units": "莲花镇不是本批次的接收单位。",
        "sample_size": "随机抽取须填写抽查人数（至少1人）。",
    }
    with pytest.raises(ValidationFailed) as refused:
        plan(world, planned_on=None, sampling_mode=SamplingMode.CHOSEN)
    assert refused.value.detail == {
        "planned_on": "请填写检查日期。",
        "chosen": "指定人员检查须至少选择1人。",
    }
    with pytest.raises(ValidationFailed) as refused:
        plan(world, planned_on=found.today + dt.timedelta(days=400), sampling_mode="all")
    assert refused.value.detail == {"planned_on": "检查范围内这一天没有在岗人员。"}
    assert Inspection.objects.count() == 0


# Recording checks ----------------------------------------------------------------------------


def test_on_approved_leave_is_refused_when_no_approved_leave_covers_the_day(world) -> None:  # type: ignore[no-untyped-def]
    found, check = one_check(world)
    leave(found.serving_a, found.today - dt.timedelta(days=3), found.today - dt.timedelta(days=1))
    leave(found.serving_a, found.today, found.today, state=LeaveState.PENDING)
    leave(found.serving_a, found.today, found.today, state=LeaveState.REJECTED)
    with pytest.raises(ValidationFailed) as refused:
        record(world, check, result=CheckResult.ON_LEAVE)
    assert refused.value.detail == {
        "result": f"张三在{zh(found.today)}没有经批准的请假，不能登记为“请假（已批准）”；"
        "请登记为“脱岗（未经批准）”，或登记为“其他”并写明情况。"
    }
    check.refresh_from_db()
    assert (check.result, check.checked_at, check.checked_by) == ("", None, None)
    assert not AuditEvent.objects.filter(action="check.record").exists()


@pytest.mark.parametrize(
    "state", [LeaveState.APPROVED, LeaveState.ON_LEAVE, LeaveState.RETURNED, LeaveState.OVERDUE]
)
def test_on_approved_leave_is_recorded_when_approved_leave_covers_the_day(world, state) -> None:  # type: ignore[no-untyped-def]
    found, check = one_check(world)
    leave(found.serving_a, found.today - dt.timedelta(days=1), found.today, state=state)
    saved = record(world, check, result=CheckResult.ON_LEAVE)
    assert saved.result == CheckResult.ON_LEAVE
    assert saved.checked_by == world.users["coordinator"]


def test_an_absence_is_the_flag_on_the_persons_record(world) -> None:  # type: ignore[no-untyped-def]
    found, check = one_check(world)
    record(
        world,
        check,
        result=CheckResult.ABSENT,
        findings="上午10时到镇政府检查，本人不在岗，未请假。",
        rectification="作出书面说明，严格执行请销假制度。",
        rectification_due=found.today + dt.timedelta(days=7),
    )
    # Shown to the host leader once the inspection is over (here: its day past).
    summary = check_summary(
        actor=world.users["host_leader"],
        assignment=found.serving_a,
        today=found.today + dt.timedelta(days=1),
    )
    assert (summary.recorded, summary.absent, summary.open_rectifications) == (1, 1, 1)
    event = AuditEvent.objects.get(action="check.record")
    assert event.detail["result"] == "absent"
    assert event.detail["person"] == "张三"


def test_a_check_is_recorded_on_or_after_the_day_only(world) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    inspection = plan(
        world,
        planned_on=found.today + dt.timedelta(days=2),
        sampling_mode=SamplingMode.ALL,
    )
    check = inspection.checks.get()
    with pytest.raises(InvalidTransition) as refused:
        record(world, check, result=CheckResult.PRESENT)
    planned = zh(found.today + dt.timedelta(days=2))
    assert refused.value.message == f"检查日期为{planned}，当天或之后才能登记检查结果。"
    check.refresh_from_db()
    assert check.result == ""


def test_other_needs_findings_and_a_rectification_needs_its_due_date(world) -> None:  # type: ignore[no-untyped-def]
    found, check = one_check(world)
    with pytest.raises(ValidationFailed) as refused:
        record(world, check, result=CheckResult.OTHER, rectification="补交工作日志")
    assert refused.value.detail == {
        "findings": "检查结果为“其他”时，请在“发现问题”中写明情况。",
        "rectification_due": "提出整改要求的，请填写整改期限。",
    }
    with pytest.raises(ValidationFailed) as refused:
        record(
            world,
            check,
            result=CheckResult.PRESENT,
            rectification_due=found.today + dt.timedelta(days=3),
        )
    assert refused.value.detail == {"rectification": "填写了整改期限，请同时写明整改要求。"}
    with pytest.raises(ValidationFailed) as refused:
        record(world, check, result="")
    assert refused.value.detail == {"result": "请选择张三的检查结果。"}
    check.refresh_from_db()
    assert check.result == ""


def test_only_the_batchs_coordinators_record_a_check(world) -> None:  # type: ignore[no-untyped-def]
    _found, check = one_check(world)
    for role in ("host_leader", "dispatch_admin", "group_leader", "cadre"):
        with pytest.raises(Forbidden):
            record(world, check, actor=world.users[role], result=CheckResult.PRESENT)
    check.refresh_from_db()
    assert check.result == ""


def test_a_recorded_check_is_corrected_while_the_inspection_is_open(world) -> None:  # type: ignore[no-untyped-def]
    _found, check = one_check(world)
    record(world, check, result=CheckResult.ABSENT)
    record(world, check, result=CheckResult.OTHER, findings="外出参加县里会议，已向镇党委报备。")
    check.refresh_from_db()
    assert check.result == CheckResult.OTHER
    event = AuditEvent.objects.get(action="check.correct")
    assert event.detail["changes"] == {
        "result": ["absent", "other"],
        "findings": ["", "外出参加县里会议，已向镇党委报备。"],
    }


# Rectification and completion ---------------------------------------------------------------


def test_a_rectification_is_closed_once_with_a_note(world) -> None:  # type: ignore[no-untyped-def]
    found, check = one_check(world)
    coordinator = world.users["coordinator"]
    with pytest.raises(InvalidTransition):
        check_rectified(actor=coordinator, check=check, note="已整改")  # nothing recorded yet
    record(
        world,
        check,
        result=CheckResult.PRESENT,
        findings="工作日志未按周填写",
        rectification="补填近一个月的工作日志",
        rectification_due=found.today + dt.timedelta(days=10),
    )
    with pytest.raises(ValidationFailed) as refused:
        check_rectified(actor=coordinator, check=check, note="")
    assert refused.value.detail == {"note": "请写明整改情况。"}
    closed = check_rectified(actor=coordinator, check=check, note="已补填并经镇党委审核")
    assert closed.rectified_note == "已补填并经镇党委审核"
    assert closed.rectified_at is not None
    with pytest.raises(InvalidTransition) as refused:
        check_rectified(actor=coordinator, check=check, note="再次销号")
    assert refused.value.message == f"这项整改已于{zh(found.today)}销号。"
    # The closed requirement stays as it was.
    with pytest.raises(ValidationFailed) as refused:
        record(world, check, result=CheckResult.PRESENT, rectification="", findings="")
    assert refused.value.detail == {"rectification": "整改已销号，不能再修改整改要求。"}


def test_an_inspection_completes_when_every_check_is_recorded_and_is_final_then(world) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    chen = serving(world, world.township_a, "陈明")
    inspection = plan(world, sampling_mode=SamplingMode.ALL)
    coordinator = world.users["coordinator"]
    checks = {c.assignment_id: c for c in inspection.checks.all()}
    record(world, checks[found.serving_a.pk], result=CheckResult.PRESENT)
    with pytest.raises(InvalidTransition) as refused:
        inspection_complete(actor=coordinator, inspection=inspection)
    assert refused.value.message == "还有1人未登记检查结果：陈明。登记完毕后才能完成检查。"
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.PLANNED
    record(world, checks[chen.pk], result=CheckResult.ABSENT)
    done = inspection_complete(actor=coordinator, inspection=inspection)
    assert done.state == InspectionState.COMPLETED
    assert done.completed_at is not None
    event = AuditEvent.objects.get(action="inspection.complete")
    assert (event.detail["checked_present"], event.detail["checked_absent"]) == (1, 1)
    with pytest.raises(InvalidTransition):
        record(world, checks[chen.pk], result=CheckResult.PRESENT)
    assert InspectionCheck.objects.get(pk=checks[chen.pk].pk).result == CheckResult.ABSENT


# A plan sent twice, a result recorded meanwhile, leave on the day ----------------------------


def test_the_same_plan_sent_twice_makes_one_inspection(world) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    three_townships(world)
    arguments = {"sampling_mode": SamplingMode.RANDOM, "sample_size": 3, "inspectors": "督查组甲"}
    first = plan(world, **arguments)
    before = drawn_names(first)
    with pytest.raises(InvalidTransition) as refused:
        plan(world, **arguments)
    made = timezone.localtime(first.created_at)
    assert refused.value.message == (
        f"{zh(made.date())} {made:%H:%M}已安排了同样的检查（{zh(found.today)}，随机抽取，"
        "抽取3人），本次提交没有再安排。如确需再安排一次，请在“说明”中写明原因。"
    )
    assert Inspection.objects.count() == 1
    assert InspectionCheck.objects.count() == 3
    assert drawn_names(first) == before
    assert AuditEvent.objects.filter(action="inspection.plan").count() == 1
    # A different plan is no repeat: another size, or the same with a reason in the note.
    plan(world, **{**arguments, "sample_size": 2})
    plan(world, **arguments, note="上午抽查发现问题较多，下午再抽一次")
    assert Inspection.objects.count() == 3


def test_a_repeat_is_only_a_plan_made_moments_ago_by_the_same_coordinator(world) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    first = plan(world, sampling_mode=SamplingMode.ALL)
    other = grant(
        UserFactory(username="coordinator2", full_name="组织部李干事"),
        "coordinator",
        world.district_a,
    )
    plan(world, actor=other, sampling_mode=SamplingMode.ALL)  # a colleague's own plan
    Inspection.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=6)
    )
    plan(world, sampling_mode=SamplingMode.ALL)  # the same again, but not moments ago
    assert Inspection.objects.filter(batch=found.batch_a).count() == 3


def test_a_result_recorded_meanwhile_by_another_coordinator_is_not_overwritten(world) -> None:  # type: ignore[no-untyped-def]
    _found, check = one_check(world)
    shown = check_version(check)  # both pages were opened before anything was recorded
    assert shown == ""
    other = grant(
        UserFactory(username="coordinator2", full_name="组织部李干事"),
        "coordinator",
        world.district_a,
    )
    record(
        world, check, actor=other, result=CheckResult.ABSENT, findings="本人不在岗", based_on=shown
    )
    with pytest.raises(InvalidTransition) as refused:
        record(world, check, result=CheckResult.PRESENT, based_on=shown)
    assert refused.value.message == (
        "张三的检查结果已由组织部李干事登记为“脱岗（未经批准）”，请核对后再更正。"
    )
    check.refresh_from_db()
    assert (check.result, check.findings, check.checked_by) == ("absent", "本人不在岗", other)
    assert not AuditEvent.objects.filter(action="check.correct").exists()
    # Having seen it, the coordinator corrects it deliberately.
    record(world, check, result=CheckResult.PRESENT, based_on=check_version(check))
    check.refresh_from_db()
    assert (check.result, check.checked_by) == ("present", world.users["coordinator"])
    event = AuditEvent.objects.get(action="check.correct")
    assert event.detail["changes"]["result"] == ["absent", "present"]


def test_an_absence_is_refused_when_approved_leave_covers_the_whole_day(world) -> None:  # type: ignore[no-untyped-def]
    found, check = one_check(world)
    # Leave of the morning, and leave of the afternoon asked separately: the whole day.
    leave(found.serving_a, found.today, found.today, end_half=Half.AM)
    leave(found.serving_a, found.today, found.today, start_half=Half.PM)
    with pytest.raises(ValidationFailed) as refused:
        record(world, check, result=CheckResult.ABSENT)
    assert refused.value.detail == {
        "result": f"张三在{zh(found.today)}全天有经批准的请假，不能登记为“脱岗（未经批准）”；"
        "请登记为“请假（已批准）”，或登记为“其他”并写明情况。"
    }
    check.refresh_from_db()
    assert (check.result, check.checked_at) == ("", None)
    assert record(world, check, result=CheckResult.ON_LEAVE).result == CheckResult.ON_LEAVE


def test_an_absence_is_recorded_when_leave_covers_only_half_the_day(world) -> None:  # type: ignore[no-untyped-def]
    found, check = one_check(world)
    leave(found.serving_a, found.today, found.today, end_half=Half.AM)
    saved = record(world, check, result=CheckResult.ABSENT, findings="下午3时不在岗，未请假。")
    assert saved.result == CheckResult.ABSENT


def test_leave_entered_afterwards_on_a_later_day_does_not_cover_the_inspection_day(world) -> None:  # type: ignore[no-untyped-def]
    found, check = one_check(world)
    later = found.today + dt.timedelta(days=2)
    leave(found.serving_a, found.today, found.today, entered_afterwards_on=later)
    with pytest.raises(ValidationFailed) as refused:
        record(world, check, result=CheckResult.ON_LEAVE, today=later)
    assert refused.value.detail == {
        "result": f"张三在{zh(found.today)}的请假是事后补办的（{zh(later)}补办），检查当天并没有"
        "经批准的请假，不能登记为“请假（已批准）”；请登记为“脱岗（未经批准）”，或登记为“其他”"
        "并写明情况。"
    }
    check.refresh_from_db()
    assert check.result == ""
    # Nor does it keep the absence found from being recorded.
    saved = record(world, check, result=CheckResult.ABSENT, today=later)
    assert saved.result == CheckResult.ABSENT


def test_leave_entered_afterwards_on_the_day_itself_covers_it(world) -> None:  # type: ignore[no-untyped-def]
    found, check = one_check(world)
    leave(found.serving_a, found.today, found.today, entered_afterwards_on=found.today)
    with pytest.raises(ValidationFailed):
        record(world, check, result=CheckResult.ABSENT)
    assert record(world, check, result=CheckResult.ON_LEAVE).result == CheckResult.ON_LEAVE
