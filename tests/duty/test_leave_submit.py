"""Asking for leave: the days counted, the checks a request passes, the chain it goes through."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from guazhi.core.attachments import attachments_of
from guazhi.core.errors import Forbidden, ValidationFailed
from guazhi.core.models import AuditEvent, Notification, WorkdayOverride
from guazhi.duty.models import LeaveApprovalRule, LeaveRequest, LeaveState
from guazhi.duty.services.leave import leave_draft_save, leave_request_submit, leave_submit
from guazhi.programmes.models import Assignment, AssignmentState
from tests.duty.test_leave_support import (
    MONDAY,
    ask,
    fixed_term,
    leave_type,
    record,
)

pytestmark = pytest.mark.django_db


def refusal(error: pytest.ExceptionInfo[ValidationFailed]) -> tuple[str, dict]:
    return str(error.value.message), error.value.detail


# --- counting ----------------------------------------------------------------------------------


def test_annual_leave_over_national_day_counts_only_the_working_days(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    # Mon 28 Sep – Sat 10 Oct 2026: 28, 29, 30 Sep, 8, 9 Oct and the make-up Saturday 10 Oct.
    leave = ask(world, dt.date(2026, 9, 28), dt.date(2026, 10, 10), kind="annual")
    assert leave.days == Decimal("6")


def test_home_visit_leave_counts_every_calendar_day(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    leave = ask(world, dt.date(2026, 9, 28), dt.date(2026, 10, 10), kind="home_visit")
    assert leave.days == Decimal("13")


def test_leave_across_the_year_end_counts_the_new_years_day_override(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    # 2027 is not in the calendar package yet: the admin entered New Year's Day.
    WorkdayOverride.objects.create(date=dt.date(2027, 1, 1), is_workday=False, note="元旦")
    # Wed 30 Dec 2026 – Mon 4 Jan 2027: 30, 31 Dec and 4 Jan.
    leave = ask(world, dt.date(2026, 12, 30), dt.date(2027, 1, 4), kind="annual")
    assert leave.days == Decimal("3")


def test_half_days_count_as_half(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    # Tue 29 Sep afternoon – Thu 8 Oct morning: 29 pm, 30 am + pm, 8 Oct am.
    leave = ask(
        world,
        dt.date(2026, 9, 29),
        dt.date(2026, 10, 8),
        start_half="pm",
        end_half="am",
        kind="annual",
    )
    assert leave.days == Decimal("2")
    assert (leave.start_half, leave.end_half) == ("pm", "am")


def test_working_day_leave_over_a_weekend_only_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    with pytest.raises(ValidationFailed) as error:
        ask(world, dt.date(2026, 6, 13), dt.date(2026, 6, 14), today=MONDAY)
    assert refusal(error)[1] == {
        "end_date": "所选时段内没有需计入事假的工作日（按工作日计），无需请假。"
    }
    assert LeaveRequest.objects.count() == 0


# --- checks --------------------------------------------------------------------------------


def test_a_request_is_pending_at_the_first_step_with_its_chain_frozen(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    leave = ask(world, MONDAY, MONDAY + dt.timedelta(days=1))
    assert (leave.state, leave.days, leave.chain, leave.step, leave.awaiting_role) == (
        LeaveState.PENDING,
        Decimal("2"),
        ["host_leader"],
        0,
        "host_leader",
    )
    assert leave.created_by == world.users["cadre"]
    assert AuditEvent.objects.filter(action="leave.submit", object_id=str(leave.pk)).count() == 1


def test_the_first_approver_is_notified(world, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    with django_capture_on_commit_callbacks(execute=True):
        leave = ask(world, MONDAY, MONDAY + dt.timedelta(days=1))
    notes = Notification.objects.filter(key=f"leave:{leave.pk}:step:0")
    assert [(n.recipient.username, n.kind) for n in notes] == [("host", "leave.awaiting")]
    assert notes[0].text == "张三的请假（事假 2天，2026年6月8日至2026年6月9日）等待您审批。"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reason", "  ", "请填写请假事由。"),
        ("stand_in", "", "请填写工作代理人。"),
        ("contact_phone", "", "请填写请假期间的联系电话。"),
        (
            "contact_phone",
            "电话找我",
            "联系电话“电话找我”格式不对：请填写手机号码或区号-座机号码。",
        ),
    ],
)
def test_reason_stand_in_and_phone_are_required(world, field, value, message) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    with pytest.raises(ValidationFailed) as error:
        ask(world, MONDAY, MONDAY, **{field: value})
    assert refusal(error)[1] == {field: message}
    assert LeaveRequest.objects.count() == 0


def test_a_start_in_the_past_is_refused_and_points_to_emergency_entry(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    with pytest.raises(ValidationFailed) as error:
        ask(world, MONDAY, MONDAY, today=MONDAY + dt.timedelta(days=1))
    assert refusal(error)[1] == {
        "start_date": "开始日期不能早于今天。已经开始的请假请使用“事后补办”并说明原因。"
    }


def test_dates_outside_the_term_are_refused(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    with pytest.raises(ValidationFailed) as error:
        ask(world, dt.date(2027, 2, 26), dt.date(2027, 3, 2), today=dt.date(2027, 2, 1))
    assert refusal(error)[1] == {"end_date": "结束日期不能晚于挂职期满日期2027年2月28日。"}


def test_an_end_before_the_start_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    with pytest.raises(ValidationFailed) as error:
        ask(world, MONDAY, MONDAY, start_half="pm", end_half="am")
    assert refusal(error)[1] == {"end_date": "结束时间不能早于开始时间。"}


def test_overlap_is_refused_naming_the_other_leave(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    ask(world, MONDAY, MONDAY + dt.timedelta(days=2), end_half="am")
    with pytest.raises(ValidationFailed) as error:
        ask(world, MONDAY + dt.timedelta(days=2), MONDAY + dt.timedelta(days=3), today=MONDAY)
    assert refusal(error)[1] == {
        "start_date": "与已有的请假时间重叠（事假，2026年6月8日上午至2026年6月10日上午，审批中），请调整日期。"
    }
    assert LeaveRequest.objects.count() == 1


def test_half_days_do_not_overlap(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    ask(world, MONDAY, MONDAY + dt.timedelta(days=2), end_half="am")
    second = ask(
        world,
        MONDAY + dt.timedelta(days=2),
        MONDAY + dt.timedelta(days=2),
        start_half="pm",
        today=MONDAY,
    )
    assert (second.state, second.days) == (LeaveState.PENDING, Decimal("0.5"))


def test_only_the_person_asks_for_their_leave(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    with pytest.raises(Forbidden):
        leave_request_submit(
            actor=world.users["host_leader"],
            assignment=record(world, "host_leader"),
            leave_type=leave_type(world, "personal"),
            start_date=MONDAY,
            end_date=MONDAY,
            reason="事由",
            stand_in="李明",
            contact_phone="13912345678",
            today=MONDAY,
        )
    assert LeaveRequest.objects.count() == 0


def test_no_leave_off_duty(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed_term(world)
    assignment = record(world)
    # Ended while the form was open: the state is read again under the lock.
    Assignment.objects.filter(pk=found.serving_a.pk).update(state=AssignmentState.ENDED)
    with pytest.raises(ValidationFailed) as error:
        leave_request_submit(
            actor=world.users["cadre"],
            assignment=assignment,
            leave_type=leave_type(world, "personal"),
            start_date=MONDAY,
            end_date=MONDAY,
            reason="事由",
            stand_in="李明",
            contact_phone="13912345678",
            today=MONDAY,
        )
    assert str(error.value.message) == "张三当前不在岗（已期满），不能请假。"
    assert LeaveRequest.objects.count() == 0


def test_a_type_of_another_batch_or_switched_off_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    sick = leave_type(world, "sick")
    sick.active = False
    sick.save(update_fields=["active"])
    with pytest.raises(ValidationFailed) as error:
        ask(world, MONDAY, MONDAY, kind="sick")
    assert refusal(error)[1] == {"leave_type": "本批次没有启用“病假”。"}


def test_sick_leave_needs_a_document(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    with pytest.raises(ValidationFailed) as error:
        ask(world, MONDAY, MONDAY, kind="sick")
    assert refusal(error)[1] == {"file": "病假须上传证明材料（如病假条），请添加附件后再提交。"}
    note = SimpleUploadedFile("病假条.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    leave = ask(world, MONDAY, MONDAY, kind="sick", uploads=[note])
    assert [a.name for a in attachments_of(leave)] == ["病假条.pdf"]
    assert leave.state == LeaveState.PENDING


def test_a_document_is_checked_by_its_content(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    fake = SimpleUploadedFile("病假条.pdf", b"MZ\x90\x00\x03program")
    with pytest.raises(ValidationFailed):
        ask(world, MONDAY, MONDAY, kind="sick", uploads=[fake])
    assert LeaveRequest.objects.count() == 0


# --- the chain -------------------------------------------------------------------------------


def test_the_chain_grows_with_the_length(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    # Working days: 3 → host leader; 5 → + dispatching unit; 8 → + coordinator.
    three = ask(world, dt.date(2026, 6, 1), dt.date(2026, 6, 3))
    five = ask(world, dt.date(2026, 7, 6), dt.date(2026, 7, 10))
    eight = ask(world, dt.date(2026, 8, 3), dt.date(2026, 8, 12))
    assert [(leave.days, leave.chain) for leave in (three, five, eight)] == [
        (Decimal("3"), ["host_leader"]),
        (Decimal("5"), ["host_leader", "dispatch_admin"]),
        (Decimal("8"), ["host_leader", "dispatch_admin", "coordinator"]),
    ]


def test_a_rule_for_one_type_comes_before_the_general_ones(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed_term(world)
    LeaveApprovalRule.objects.create(
        batch=found.batch_a,
        leave_type=leave_type(world, "home_visit"),
        max_days=Decimal(30),
        steps=["dispatch_admin"],
    )
    visit = ask(world, dt.date(2026, 7, 1), dt.date(2026, 7, 10), kind="home_visit")
    personal = ask(world, dt.date(2026, 8, 3), dt.date(2026, 8, 4))
    assert (visit.chain, personal.chain) == (["dispatch_admin"], ["host_leader"])


def test_a_later_rule_change_does_not_move_a_waiting_request(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed_term(world)
    leave = ask(world, MONDAY, MONDAY)
    LeaveApprovalRule.objects.filter(batch=found.batch_a).update(steps=["coordinator"])
    leave.refresh_from_db()
    assert (leave.chain, leave.awaiting_role) == (["host_leader"], "host_leader")


# --- drafts ----------------------------------------------------------------------------------


def test_a_draft_holds_nothing_until_submitted(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    draft = leave_draft_save(
        actor=world.users["cadre"],
        assignment=record(world),
        leave_type=leave_type(world, "personal"),
        start_date=MONDAY,
        end_date=MONDAY,
    )
    assert (draft.state, draft.days, draft.awaiting_role) == (LeaveState.DRAFT, Decimal(1), "")
    other = ask(world, MONDAY, MONDAY)  # a draft does not block the same days
    assert other.state == LeaveState.PENDING
    with pytest.raises(ValidationFailed) as error:  # nor does it pass the checks by itself
        leave_submit(actor=world.users["cadre"], leave=draft, today=MONDAY)
    assert "reason" in error.value.detail
    draft.refresh_from_db()
    assert draft.state == LeaveState.DRAFT


def test_a_draft_with_a_mistyped_year_is_refused_on_its_end_date(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    with pytest.raises(ValidationFailed) as error:
        leave_draft_save(
            actor=world.users["cadre"],
            assignment=record(world),
            leave_type=leave_type(world, "personal"),
            start_date=MONDAY,
            end_date=MONDAY.replace(year=MONDAY.year + 180),
        )
    assert "挂职期满日期" in str(error.value.detail["end_date"])
    assert not LeaveRequest.objects.exists()


def test_a_completed_draft_is_submitted(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    draft = leave_draft_save(
        actor=world.users["cadre"],
        assignment=record(world),
        leave_type=leave_type(world, "personal"),
        start_date=MONDAY,
        end_date=MONDAY + dt.timedelta(days=1),
        reason="办理房产手续",
        stand_in="李明",
        contact_phone="0792-8221234",
    )
    submitted = leave_submit(actor=world.users["cadre"], leave=draft, today=MONDAY)
    assert (submitted.state, submitted.chain, submitted.days) == (
        LeaveState.PENDING,
        ["host_leader"],
        Decimal(2),
    )


def test_the_chain_counts_working_days_whatever_the_type_counts(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    # Home-visit leave Friday to Monday: 4 calendar days taken, 2 working days: the host
    # leader's alone ("up to 3 working days").
    visit = ask(world, dt.date(2026, 6, 12), dt.date(2026, 6, 15), kind="home_visit")
    assert (visit.days, visit.chain) == (Decimal("4"), ["host_leader"])
    # Nine calendar days around a weekend are seven working days: two steps, not three.
    longer = ask(world, dt.date(2026, 7, 6), dt.date(2026, 7, 14), kind="home_visit")
    assert (longer.days, longer.chain) == (Decimal("9"), ["host_leader", "dispatch_admin"])


def test_a_draft_is_counted_again_when_submitted(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    draft = leave_draft_save(
        actor=world.users["cadre"],
        assignment=record(world),
        leave_type=leave_type(world, "personal"),
        start_date=MONDAY,
        end_date=MONDAY + dt.timedelta(days=1),
        reason="办理房产手续",
        stand_in="李明",
        contact_phone="13912345678",
    )
    assert draft.days == Decimal(2)
    # After the draft was saved, the admin made the Tuesday a local holiday.
    WorkdayOverride.objects.create(
        date=MONDAY + dt.timedelta(days=1), is_workday=False, note="地方节日"
    )
    submitted = leave_submit(actor=world.users["cadre"], leave=draft, today=MONDAY)
    assert (submitted.state, submitted.days) == (LeaveState.PENDING, Decimal(1))
    submitted.refresh_from_db()
    assert submitted.days == Decimal(1)
